// Docker's multiplexed log stream: for a container without a TTY every payload comes after an
// 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)], stream 1 = stdout, 2 = stderr.
// With a TTY the stream is raw. Both are decoded incrementally, then cut into lines per stream.
import { MAX_LINE_BYTES } from './bounded.js';

export type StreamName = 'stdout' | 'stderr';
export type StreamChunk = { stream: StreamName; data: Buffer };

const HEADER = 8;

export class FrameDecoder {
  /** A header cut between chunks (fewer than 8 bytes). */
  private head: Buffer = Buffer.alloc(0);
  /** Payload bytes still to come of the frame being read, and its stream. */
  private left = 0;
  private stream: StreamName = 'stdout';
  private raw: boolean;

  /** `tty`: the container has a TTY, so nothing is framed. */
  constructor(tty = false) {
    this.raw = tty;
  }

  /**
   * A frame's payload is passed on as it arrives, never gathered whole: a header may announce
   * up to 4 GB, and only the line splitter after this decides what is kept.
   */
  push(chunk: Buffer): StreamChunk[] {
    if (this.raw) return chunk.length ? [{ stream: 'stdout', data: chunk }] : [];
    const out: StreamChunk[] = [];
    let data = this.head.length ? Buffer.concat([this.head, chunk]) : chunk;
    this.head = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.left > 0) {
        const take = Math.min(this.left, data.length);
        out.push({ stream: this.stream, data: data.subarray(0, take) });
        this.left -= take;
        data = data.subarray(take);
        continue;
      }
      if (data.length < HEADER) {
        this.head = Buffer.from(data);
        break;
      }
      const type = data[0];
      // A header has a known stream type and three zero bytes; anything else means the stream
      // is not multiplexed after all (a TTY we were not told about): pass the rest through.
      if ((type !== 0 && type !== 1 && type !== 2) || data[1] !== 0 || data[2] !== 0 || data[3] !== 0) {
        this.raw = true;
        out.push({ stream: 'stdout', data });
        return out;
      }
      this.stream = type === 2 ? 'stderr' : 'stdout';
      this.left = data.readUInt32BE(4);
      data = data.subarray(HEADER);
    }
    return out;
  }

  /** Whatever is left at the end, so that nothing is silently lost (a cut-off frame's payload went out as it came). */
  end(): StreamChunk[] {
    const rest = this.head;
    this.head = Buffer.alloc(0);
    this.left = 0;
    return this.raw && rest.length ? [{ stream: 'stdout', data: rest }] : [];
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

/**
 * Splits decoded chunks into lines per stream; a partial line waits for the rest, up to
 * `maxLine` characters: a longer line comes out in pieces that long, so that a container
 * printing without newlines is shown, not gathered without end.
 */
export class LineSplitter {
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(
    private readonly timestamps = false,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: StreamChunk): LogLine[] {
    const text = this.partial[chunk.stream] + this.decoders[chunk.stream].decode(chunk.data, { stream: true });
    const parts = text.split('\n');
    let rest = parts.pop() ?? '';
    const lines: string[] = [];
    for (const part of parts) lines.push(...this.pieces(part));
    while (rest.length > this.maxLine) {
      lines.push(rest.slice(0, this.maxLine));
      rest = rest.slice(this.maxLine);
    }
    this.partial[chunk.stream] = rest;
    return lines.map((line) => this.line(chunk.stream, line));
  }

  private pieces(line: string): string[] {
    if (line.length <= this.maxLine) return [line];
    const out: string[] = [];
    for (let at = 0; at < line.length; at += this.maxLine) out.push(line.slice(at, at + this.maxLine));
    return out;
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
