// A fetch that answers from a recording (fixtures/README.md, "HTTP recordings"), so that demo
// scenarios go through the real Pi-hole and Gluetun clients and their parsers.
import { parseDuration } from '../config/units.js';
import type { FetchLike } from '../probes/pihole/http.js';

export type RecordedAnswer = { status?: number; body?: unknown; text?: string; contentType?: string };

export type HttpRecording = {
  /** The server does not answer: nothing listens (refused) or it hangs (timeout). */
  unreachable?: 'refused' | 'timeout';
  /** "METHOD /path" (or "METHOD /path?query" to match a query exactly) → the answer. */
  routes?: Record<string, RecordedAnswer>;
};

export class RecordingError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a parsed file's shape; throws RecordingError naming the file and what is wrong. */
export function toRecording(value: unknown, file: string): HttpRecording {
  if (!isRecord(value)) throw new RecordingError(`${file}: expected an object`);
  const { unreachable, routes } = value;
  if (unreachable !== undefined && unreachable !== 'refused' && unreachable !== 'timeout')
    throw new RecordingError(`${file}: unreachable must be "refused" or "timeout"`);
  if (routes !== undefined && !isRecord(routes)) throw new RecordingError(`${file}: routes must map "METHOD /path" to answers`);
  const checked: Record<string, RecordedAnswer> = {};
  for (const [key, answer] of Object.entries(routes ?? {})) {
    if (!/^[A-Z]+ \/\S*$/.test(key)) throw new RecordingError(`${file}: route "${key}" is not "METHOD /path"`);
    if (!isRecord(answer)) throw new RecordingError(`${file}: route "${key}" must be an object`);
    if (answer.status !== undefined && typeof answer.status !== 'number')
      throw new RecordingError(`${file}: route "${key}": status must be a number`);
    checked[key] = answer as RecordedAnswer;
  }
  return { ...(unreachable ? { unreachable } : {}), routes: checked };
}

const NOW = /^\$now(?:([+-])(.+))?$/;

/**
 * Replaces "$now", "$now-2h", "$now+10m" anywhere in a body with unix seconds, so that recorded
 * times (gravity updates) stay as old as recorded however long ago the file was written.
 */
export function substituteNow(value: unknown, nowMs: number): unknown {
  if (typeof value === 'string') {
    const match = NOW.exec(value);
    if (!match) return value;
    const offset = match[2] ? parseDuration(match[2]) : 0;
    if (offset === undefined) return value;
    return Math.round((nowMs + (match[1] === '-' ? -offset : offset)) / 1000);
  }
  if (Array.isArray(value)) return value.map((v) => substituteNow(v, nowMs));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteNow(v, nowMs)]));
  return value;
}

export type Override = (method: string, path: string, body: unknown) => RecordedAnswer | undefined;

function networkError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

export function replayFetch(recording: HttpRecording, options: { now?: () => number; override?: Override } = {}): FetchLike {
  const now = options.now ?? Date.now;
  return async (input, init) => {
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    // Answered at once as the client would classify them, so the demo never waits for a timeout.
    if (recording.unreachable === 'refused') throw networkError('ECONNREFUSED');
    if (recording.unreachable === 'timeout') throw networkError('UND_ERR_CONNECT_TIMEOUT');
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    let body: unknown;
    if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body) as unknown;
      } catch {
        body = init.body;
      }
    }
    const answer = options.override?.(method, url.pathname, body) ??
      recording.routes?.[`${method} ${url.pathname}${url.search}`] ??
      recording.routes?.[`${method} ${url.pathname}`] ?? { status: 404, text: 'Not Found\n', contentType: 'text/plain; charset=utf-8' };
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(substituteNow(answer.body, now())));
    const contentType = answer.contentType ?? (answer.text === undefined ? 'application/json' : 'text/plain; charset=utf-8');
    const status = answer.status ?? 200;
    const bodyText = status === 204 || status === 304 ? '' : text;
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
      text: async () => bodyText,
    };
  };
}
