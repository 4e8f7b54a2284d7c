// Docker's multiplexed log stream: for a container without a TTY every payload comes after an
// 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)], stream 1 = stdout, 2 = stderr.
// With a TTY the stream is raw. Both are decoded incrementally, then cut into lines per stream.

export type StreamName = 'stdout' | 'stderr';
export type StreamChunk = { stream: StreamName; data: Buffer };

const HEADER = 8;

export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private raw: boolean;

  /** `tty`: the container has a TTY, so nothing is framed. */
  constructor(tty = false) {
    this.raw = tty;
  }

  push(chunk: Buffer): StreamChunk[] {
    if (this.raw) return chunk.length ? [{ stream: 'stdout', data: chunk }] : [];
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: StreamChunk[] = [];
    while (this.buffer.length >= HEADER) {
      const type = this.buffer[0];
      // A header has a known stream type and three zero bytes; anything else means the stream
      // is not multiplexed after all (a TTY we were not told about): pass the rest through.
      if ((type !== 0 && type !== 1 && type !== 2) || this.buffer[1] !== 0 || this.buffer[2] !== 0 || this.buffer[3] !== 0) {
        this.raw = true;
        out.push({ stream: 'stdout', data: this.buffer });
        this.buffer = Buffer.alloc(0);
        return out;
      }
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < HEADER + size) break;
      out.push({ stream: type === 2 ? 'stderr' : 'stdout', data: this.buffer.subarray(HEADER, HEADER + size) });
      this.buffer = this.buffer.subarray(HEADER + size);
    }
    return out;
  }

  /** Whatever is left at the end (a cut-off frame), so that nothing is silently lost. */
  end(): StreamChunk[] {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    if (!rest.length) return [];
    if (this.raw || rest.length <= HEADER) return this.raw ? [{ stream: 'stdout', data: rest }] : [];
    return [{ stream: rest[0] === 2 ? 'stderr' : 'stdout', data: rest.subarray(HEADER) }];
  }
}

export type LogLine = {
  stream: StreamName;
  /** The line without its newline (and without the timestamp when one was asked for). */
  text: string;
  /** RFC 3339 time the engine recorded for the line, when timestamps were asked for. */
  at: string | null;
};

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;

/** Splits decoded chunks into lines per stream; a partial line waits for the rest. */
export class LineSplitter {
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(private readonly timestamps = false) {}

  push(chunk: StreamChunk): LogLine[] {
    const text = this.partial[chunk.stream] + this.decoders[chunk.stream].decode(chunk.data, { stream: true });
    const parts = text.split('\n');
    this.partial[chunk.stream] = parts.pop() ?? '';
    return parts.map((line) => this.line(chunk.stream, line));
  }

  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      this.partial[stream] = '';
      if (rest) out.push(this.line(stream, rest));
    }
    return out;
  }

  private line(stream: StreamName, raw: string): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.timestamps) {
      const match = TIMESTAMP.exec(text);
      if (match?.[1]) return { stream, text: text.slice(match[0].length), at: match[1] };
    }
    return { stream, text, at: null };
  }
}

/** Decodes a whole recorded log body at once (tests, the demo). */
export function decodeLogs(body: Buffer, options: { tty?: boolean; timestamps?: boolean } = {}): LogLine[] {
  const frames = new FrameDecoder(options.tty ?? false);
  const lines = new LineSplitter(options.timestamps ?? false);
  const out: LogLine[] = [];
  for (const chunk of [...frames.push(body), ...frames.end()]) out.push(...lines.push(chunk));
  out.push(...lines.end());
  return out;
}
