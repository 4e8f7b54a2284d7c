// What went wrong with an HTTP call, in words an admin acts on. Shared by the Pi-hole and
// Gluetun clients (both speak plain HTTP on the LAN, with a timeout and an AbortSignal).
import { formatDuration } from '../../config/units.js';

export type HttpFailureKind = 'timeout' | 'refused' | 'unreachable' | 'aborted' | 'network' | 'redirected' | 'too-large';

export type HttpFailure = { kind: HttpFailureKind; message: string };

/** The URL without user, password or query (which could carry a key), for messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A redirect to another origin (scheme, host or port) of a request that carries credentials: not
 * followed, so that a password, session or key never reaches a server it was not meant for (as
 * curl drops credentials when a redirect leaves the host).
 */
export class CrossOriginRedirectError extends Error {
  constructor(readonly location: string) {
    super(`redirected to ${location}; credentials not sent`);
    this.name = 'CrossOriginRedirectError';
  }
}

/**
 * An answer over the size the clients read (an API answer is a few kilobytes): refused from its
 * Content-Length before reading, or when the body passes the limit, so that a server streaming
 * without end does not take the console's memory.
 */
export class AnswerTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declared: number | null,
  ) {
    const mb = `${Math.round(limit / 1024 / 1024)} MB`;
    super(
      declared !== null
        ? `answer of ${declared} bytes (Content-Length), over the ${mb} read; not read`
        : `answer larger than ${mb}; reading stopped`,
    );
    this.name = 'AnswerTooLargeError';
  }
}

/** Scheme, host and port, as the web compares origins. */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

/** Classifies a rejected fetch. `timedOut` says our own timer fired (not the caller's signal). */
export function describeFetchError(error: unknown, timedOut: boolean, timeoutMs: number): HttpFailure {
  if (timedOut) return { kind: 'timeout', message: `no answer within ${formatDuration(timeoutMs)}` };
  if (error instanceof CrossOriginRedirectError) return { kind: 'redirected', message: error.message };
  if (error instanceof AnswerTooLargeError) return { kind: 'too-large', message: error.message };
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError') return { kind: 'aborted', message: 'aborted' };
  const code = causeCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', message: 'connection refused' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'unreachable', message: 'host unreachable' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'unreachable', message: 'host name not found' };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { kind: 'network', message: 'connection reset' };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { kind: 'timeout', message: `no answer within ${formatDuration(timeoutMs)}` };
    default:
      return { kind: 'network', message: code ? `network error (${code})` : 'network error' };
  }
}

/** What the clients ask of an HTTP call (a subset of fetch's RequestInit). */
export type HttpRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * Follow redirects (default), return the 3xx answer itself, or follow only those that stay on
   * the request's origin and refuse another with CrossOriginRedirectError (for requests that
   * carry a password, a session or a key).
   */
  redirect?: 'follow' | 'manual' | 'same-origin';
};

/** What the clients read of an answer (a subset of fetch's Response). */
export type HttpResponse = {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
};

export type FetchLike = (input: string, init: HttpRequest) => Promise<HttpResponse>;

/**
 * One fetch with a timeout of its own, also ended by the caller's signal. Rejects with an
 * HttpCallError carrying the classified failure.
 */
export class HttpCallError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(failure.message);
    this.name = 'HttpCallError';
  }
}

export async function fetchWithTimeout(
  fetchImpl: FetchLike,
  url: string,
  init: HttpRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ response: HttpResponse; text: string }> {
  const timer = new AbortController();
  let timedOut = false;
  const handle = setTimeout(() => {
    timedOut = true;
    timer.abort(new Error('timeout'));
  }, timeoutMs);
  try {
    const response = await fetchImpl(url, {
      ...init,
      signal: AbortSignal.any([signal, timer.signal]),
      redirect: init.redirect ?? 'follow',
    });
    const text = await response.text();
    return { response, text };
  } catch (error) {
    throw new HttpCallError(describeFetchError(error, timedOut && !signal.aborted, timeoutMs));
  } finally {
    clearTimeout(handle);
  }
}

/** Parses JSON, or undefined when the body is not JSON. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
