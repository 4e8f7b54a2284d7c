// A Pi-hole v6 API client (reference/protocols.md §1): password login with one session reused
// across polls (Pi-hole has 16 seats by default, so a console that logged in on every poll would
// fill them), one new login when a request is refused with 401, "no password set" mode, the
// uniform error shape as a typed error, and v5 recognised by how it answers /admin/api.php.

import type { PiholeErrorKind } from '../../model/dns.js';
import {
  describeFetchError,
  type FetchLike,
  fetchWithTimeout,
  HttpCallError,
  type HttpFailureKind,
  jsonOrUndefined,
  safeUrl,
} from './http.js';
import { nodeFetch } from './node-fetch.js';
import { isV5Answer, isV6AnswerToV5Url, parseApiError, parseSession } from './parse.js';
import { describeSecretSource, readSecret, SecretError, type SecretSource } from './secret.js';

export type PiholeErrorDetails = { status?: number; key?: string; hint?: string | null; network?: HttpFailureKind };

export class PiholeError extends Error {
  constructor(
    readonly kind: PiholeErrorKind,
    message: string,
    readonly details: PiholeErrorDetails = {},
  ) {
    super(message);
    this.name = 'PiholeError';
  }
}

export type PiholeClientOptions = {
  url: string;
  /** Where the password (or an app password) is; never the value itself. */
  password: SecretSource;
  timeoutMs: number;
  fetch?: FetchLike;
  env?: Readonly<Record<string, string | undefined>>;
};

export type PiholeVersion = 'v6' | 'v5' | 'unknown';

type Answer = { status: number; body: unknown; text: string; contentType: string };

const cap = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

export class PiholeClient {
  readonly url: string;
  private readonly fetchImpl: FetchLike;
  private sid: string | null = null;
  /** 'open' = Pi-hole has no password: send no session at all. */
  private mode: 'unknown' | 'session' | 'open' = 'unknown';
  private loggingIn: Promise<void> | null = null;

  constructor(private readonly options: PiholeClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? nodeFetch;
  }

  /** For messages: where Pi-hole is, without anything secret. */
  get where(): string {
    return safeUrl(this.url);
  }

  /** GET /api/stats/summary: the raw JSON answer (parse with parseSummary). */
  summary(signal: AbortSignal): Promise<unknown> {
    return this.request('GET', '/api/stats/summary', undefined, signal);
  }

  /** GET /api/dns/blocking: the raw JSON answer (parse with parseBlocking). */
  blocking(signal: AbortSignal): Promise<unknown> {
    return this.request('GET', '/api/dns/blocking', undefined, signal);
  }

  /**
   * POST /api/dns/blocking. `timerSeconds` flips the state back after that long; null makes it
   * permanent (and cancels a running timer). Answers as GET does.
   */
  setBlocking(enabled: boolean, timerSeconds: number | null, signal: AbortSignal): Promise<unknown> {
    return this.request(
      'POST',
      '/api/dns/blocking',
      { blocking: enabled, timer: timerSeconds !== null && timerSeconds > 0 ? timerSeconds : null },
      signal,
    );
  }

  /**
   * Ends the session (DELETE /api/auth) so that it does not hold one of Pi-hole's seats until it
   * times out. Quiet when there is none or Pi-hole is gone.
   */
  async logout(signal: AbortSignal): Promise<void> {
    const sid = this.sid;
    this.sid = null;
    this.mode = 'unknown';
    if (sid === null) return;
    try {
      await this.send('DELETE', '/api/auth', undefined, sid, signal);
    } catch {
      // Nothing to do: the session will expire on its own.
    }
  }

  /**
   * Which API the server speaks, from /admin/api.php: a v6 server answers 400 with the hint that
   * the API is at /api; a v5 server answers 200 with JSON (`[]` without a token).
   */
  async detectVersion(signal: AbortSignal): Promise<PiholeVersion> {
    const answer = await this.send('GET', '/admin/api.php?summaryRaw', undefined, null, signal);
    if (isV6AnswerToV5Url(answer.status, answer.body)) return 'v6';
    if (isV5Answer(answer.status, answer.body)) return 'v5';
    return 'unknown';
  }

  private async request(method: string, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    if (this.mode === 'unknown' && this.sid === null) {
      // Log in first when a password is configured: saves the 401 round trip on every start.
      const password = await this.password();
      if (password !== null) await this.login(password, signal);
    }
    let answer = await this.send(method, path, body, this.sid, signal);
    if (answer.status === 401) {
      const password = await this.password();
      if (password === null) {
        throw new PiholeError('auth-needed', `auth needed: set ${describeSecretSource(this.options.password)}`, {
          status: 401,
          key: 'unauthorized',
        });
      }
      // The session expired, was logged out, or Pi-hole got a password: log in once more.
      this.sid = null;
      this.mode = 'unknown';
      await this.login(password, signal);
      answer = await this.send(method, path, body, this.sid, signal);
      if (answer.status === 401)
        throw new PiholeError('auth-failed', 'the new session was refused (401 after login)', { status: 401, key: 'unauthorized' });
    }
    return this.result(answer, signal);
  }

  private async password(): Promise<string | null> {
    try {
      return (await readSecret(this.options.password, this.options.env ?? process.env)).value;
    } catch (error) {
      if (error instanceof SecretError) throw new PiholeError('auth-needed', `password: ${error.message}`);
      throw error;
    }
  }

  private login(password: string, signal: AbortSignal): Promise<void> {
    // Requests made together (summary and blocking) share one login, and so one seat.
    this.loggingIn ??= this.doLogin(password, signal).finally(() => {
      this.loggingIn = null;
    });
    return this.loggingIn;
  }

  private async doLogin(password: string, signal: AbortSignal): Promise<void> {
    const answer = await this.send('POST', '/api/auth', { password }, null, signal, true);
    const session = parseSession(answer.body);
    if (answer.status === 200 && session?.valid) {
      if (session.sid === null) {
        this.mode = 'open';
        this.sid = null;
      } else {
        this.mode = 'session';
        this.sid = session.sid;
      }
      return;
    }
    if (answer.status === 401 && session) {
      const reason = session.message ?? 'password incorrect';
      const hint = session.totp ? '2FA is on: use an app password' : `check ${describeSecretSource(this.options.password)}`;
      throw new PiholeError('auth-failed', `login refused: ${cap(reason)} (${hint})`, { status: 401, key: 'unauthorized', hint });
    }
    await this.result(answer, signal);
    throw new PiholeError('bad-answer', `login: unexpected answer (HTTP ${answer.status})`, { status: answer.status });
  }

  private async result(answer: Answer, signal: AbortSignal): Promise<unknown> {
    const error = parseApiError(answer.body);
    if (error) {
      const message = `${cap(error.message)}${error.hint ? ` (${cap(error.hint)})` : ''}`;
      throw new PiholeError('api', `${error.key}: ${message}`, { status: answer.status, key: error.key, hint: error.hint });
    }
    if (answer.status === 204) return null;
    if (answer.status >= 200 && answer.status < 300 && answer.body !== undefined) return answer.body;
    // Not Pi-hole v6's way of answering: a v5 server (no /api) or something else on that port.
    if (answer.status === 404 || answer.body === undefined) {
      let version: PiholeVersion = 'unknown';
      try {
        version = await this.detectVersion(signal);
      } catch {
        version = 'unknown';
      }
      if (version === 'v5')
        throw new PiholeError('v5', 'Pi-hole v5: homeops reads the v6 API (/api); upgrade this Pi-hole to v6', { status: answer.status });
    }
    const kind = answer.contentType ? `, ${answer.contentType.split(';')[0]}` : '';
    throw new PiholeError('bad-answer', `not a Pi-hole v6 answer (HTTP ${answer.status}${kind})`, { status: answer.status });
  }

  /** One request. `secret`: the body carries the password; a session id in `sid` is one too. Neither follows a redirect to another origin. */
  private async send(
    method: string,
    path: string,
    body: unknown,
    sid: string | null,
    signal: AbortSignal,
    secret = false,
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (sid !== null) headers['X-FTL-SID'] = sid;
    try {
      const { response, text } = await fetchWithTimeout(
        this.fetchImpl,
        `${this.url}${path}`,
        {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          redirect: secret || sid !== null ? 'same-origin' : 'follow',
        },
        this.options.timeoutMs,
        signal,
      );
      return {
        status: response.status,
        body: text === '' ? null : jsonOrUndefined(text),
        text,
        contentType: response.headers.get('content-type') ?? '',
      };
    } catch (error) {
      const failure = error instanceof HttpCallError ? error.failure : describeFetchError(error, false, this.options.timeoutMs);
      // A refused redirect or an oversized answer is an answer, just not one to use.
      throw new PiholeError(failure.kind === 'redirected' || failure.kind === 'too-large' ? 'bad-answer' : 'unreachable', failure.message, {
        network: failure.kind,
      });
    }
  }
}
