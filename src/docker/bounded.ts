// How much of what an engine sends is held in memory. An engine is outside data like any other:
// one that answers with a Content-Length of 10^12, or streams without end, must not take the
// console's memory with it. Whole answers are read up to MAX_ANSWER_BYTES (a declared length
// above it is refused before anything is read or allocated); streams (events, logs) are read as
// they come, a line at most MAX_LINE_BYTES.
import type { IncomingMessage } from 'node:http';

/** The largest whole answer read (a container list of hundreds of containers is well under 1 MB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** The longest event or log line kept; a longer log line is cut into pieces this long. */
export const MAX_LINE_BYTES = 64 * 1024;

export const TOO_LARGE = 'ERR_ANSWER_TOO_LARGE';

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** `declared`: the Content-Length when that is what gave it away (then nothing was read). */
export function answerTooLarge(path: string, max: number, declared: number | null): Error {
  const where = path.split('?')[0] ?? path;
  const error = new Error(
    declared !== null
      ? `the answer to ${where} would be ${declared} bytes (Content-Length), over the ${size(max)} read from an engine; not read`
      : `the answer to ${where} is larger than the ${size(max)} read from an engine; reading stopped`,
  ) as Error & { code: string };
  error.code = TOO_LARGE;
  return error;
}

/** A Content-Length header as a number; null when absent or not a plain number. */
export function declaredLength(value: string | undefined | null): number | null {
  return value !== undefined && value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

/**
 * The body of `res`, at most `max` bytes: refused at once when its Content-Length says more,
 * else read until it passes `max`, and then the connection is dropped.
 */
export function readBounded(res: IncomingMessage, path: string, max = MAX_ANSWER_BYTES): Promise<Buffer> {
  const declared = declaredLength(res.headers['content-length']);
  if (declared !== null && declared > max) {
    res.destroy();
    return Promise.reject(answerTooLarge(path, max, declared));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size));
    };
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > max) {
        settle(answerTooLarge(path, max, null));
        res.destroy();
        return;
      }
      parts.push(chunk);
    });
    res.on('end', () => settle(null));
    res.on('error', (error) => settle(error));
    res.on('close', () => settle(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  });
}
