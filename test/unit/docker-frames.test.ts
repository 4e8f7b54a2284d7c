// Docker's multiplexed log stream (8-byte frame headers without a TTY), decoded however the
// bytes are cut into chunks, then split into lines per stream with their timestamps.
import { describe, expect, it } from 'vitest';
import { decodeLogs, FrameDecoder, LineSplitter, type LogLine } from '../../src/docker/frames.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function decodeInChunks(body: Buffer, size: number, tty = false, timestamps = false): LogLine[] {
  const frames = new FrameDecoder(tty);
  const lines = new LineSplitter(timestamps);
  const out: LogLine[] = [];
  for (let i = 0; i < body.length; i += size) for (const chunk of frames.push(body.subarray(i, i + size))) out.push(...lines.push(chunk));
  for (const chunk of frames.end()) out.push(...lines.push(chunk));
  out.push(...lines.end());
  return out;
}

const body = Buffer.concat([
  frame(1, '2026-01-10T12:00:00.000000001Z listening on :8000\n'),
  frame(2, '2026-01-10T12:00:01.5Z error: connect to postgres:5432: timeout\n'),
  // One line split over two frames, and a frame holding two lines.
  frame(1, '2026-01-10T12:00:02Z GET /health'),
  frame(1, ' 200 1ms\n2026-01-10T12:00:03Z shutting down ✓\n'),
]);

const expected: LogLine[] = [
  { stream: 'stdout', text: 'listening on :8000', at: '2026-01-10T12:00:00.000000001Z' },
  { stream: 'stderr', text: 'error: connect to postgres:5432: timeout', at: '2026-01-10T12:00:01.5Z' },
  { stream: 'stdout', text: 'GET /health 200 1ms', at: '2026-01-10T12:00:02Z' },
  { stream: 'stdout', text: 'shutting down ✓', at: '2026-01-10T12:00:03Z' },
];

describe('multiplexed logs', () => {
  it.each([1, 3, 7, 8, 9, 64, body.length])('splits stdout and stderr by frame header, in chunks of %i bytes', (size) => {
    expect(decodeInChunks(body, size, false, true)).toEqual(expected);
  });

  it('keeps the timestamp in the text when none was asked for', () => {
    expect(decodeLogs(frame(2, '2026-01-10T12:00:01Z boom\n'))[0]).toEqual({
      stream: 'stderr',
      text: '2026-01-10T12:00:01Z boom',
      at: null,
    });
  });

  it("passes a TTY container's raw stream through as stdout, CRLF and all", () => {
    expect(decodeLogs(Buffer.from('login: \r\nready\r\n'), { tty: true })).toEqual([
      { stream: 'stdout', text: 'login: ', at: null },
      { stream: 'stdout', text: 'ready', at: null },
    ]);
  });

  it('falls back to raw text when the bytes are not frames after all', () => {
    expect(decodeLogs(Buffer.from('plain text output\nsecond line\n')).map((l) => l.text)).toEqual(['plain text output', 'second line']);
  });

  it('keeps a last line without a newline and a frame cut off by the end of the stream', () => {
    const cut = Buffer.concat([frame(1, 'complete\nno newline'), frame(2, 'truncated payload').subarray(0, 14)]);
    expect(decodeLogs(cut).map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'complete'],
      ['stdout', 'no newline'],
      ['stderr', 'trunca'],
    ]);
  });
});
