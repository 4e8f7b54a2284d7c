// A Pi-hole stand-in on 127.0.0.1:0 that answers as reference/protocols.md §1 says FTL v6 does:
// password login, sessions with a sliding validity, 401 shapes, the uniform error shape with
// "took", the 400 hint for v5 URLs, "no password set" mode, seats, blocking with a timer. With
// `version: 'v5'` it is a Pi-hole v5 instead (no /api; /admin/api.php answers `[]` without a token).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PiholeStandinOptions = {
  version?: 'v6' | 'v5';
  /** null: no password set (every endpoint open). */
  password?: string | null;
  /** webserver.session.timeout, seconds (default 1800). */
  sessionTimeout?: number;
  /** webserver.api.max_sessions (default 16). */
  maxSessions?: number;
  /** The summary's numbers. */
  summary?: { total?: number; blocked?: number; gravity?: number; lastUpdate?: number; activeClients?: number };
  /** FTL's resolver is in the failed state. */
  dnsFailed?: boolean;
  /** Answer nothing for this long before each reply (a slow or hung FTL). */
  delayMs?: number;
  /** The summary answers with the uniform error shape instead (an FTL that fails, or lies). */
  summaryError?: { status: number; key: string; message: string; hint?: string | null };
};

export type RecordedRequest = { method: string; path: string; sid: string | null; body: string };

export type PiholeStandin = {
  url: string;
  requests: RecordedRequest[];
  /** How many logins succeeded. */
  logins(): number;
  sessionCount(): number;
  /** Forgets every session, as a password change or FTL losing its sessions does. */
  expireSessions(): void;
  blocking(): { blocking: boolean; timer: number | null };
  setSummary(summary: NonNullable<PiholeStandinOptions['summary']>): void;
  close(): Promise<void>;
};

type Session = { sid: string; expires: number };

const JSON_TYPE = 'application/json; charset=utf-8';

export async function startPiholeStandin(options: PiholeStandinOptions = {}): Promise<PiholeStandin> {
  const version = options.version ?? 'v6';
  const password = options.password === undefined ? 'correct horse' : options.password;
  const timeout = options.sessionTimeout ?? 1800;
  const maxSessions = options.maxSessions ?? 16;
  let summary = { total: 41_000, blocked: 5_400, gravity: 150_000, lastUpdate: 1_760_000_000, activeClients: 14, ...options.summary };
  const sessions = new Map<string, Session>();
  let logins = 0;
  let blocking = true;
  let flipAt: number | null = null;
  const requests: RecordedRequest[] = [];
  const started = process.hrtime.bigint();

  const took = () => (Number(process.hrtime.bigint() - started) / 1e9) % 0.01;
  const send = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
    res.end(JSON.stringify({ ...body, took: took() }));
  };
  const error = (res: ServerResponse, status: number, key: string, message: string, hint: string | null = null) =>
    send(res, status, { error: { key, message, hint } });
  const sessionBody = (session: Partial<Record<string, unknown>>) => ({
    session: { valid: false, totp: false, sid: null, validity: -1, ...session },
  });

  const currentBlocking = () => {
    if (flipAt !== null && Date.now() >= flipAt) {
      blocking = !blocking;
      flipAt = null;
    }
    if (options.dnsFailed) return { blocking: 'failed', timer: null };
    return { blocking: blocking ? 'enabled' : 'disabled', timer: flipAt === null ? null : (flipAt - Date.now()) / 1000 };
  };

  const sidOf = (req: IncomingMessage, url: URL): string | null => {
    const header = req.headers['x-ftl-sid'] ?? req.headers.sid;
    if (typeof header === 'string') return header;
    return url.searchParams.get('sid');
  };

  /** The session state of a request: ok (and extended), or why not. */
  const authenticate = (sid: string | null): { ok: true; session: Session | null } | { ok: false; message: string } => {
    if (password === null) return { ok: true, session: null };
    if (sid === null) return { ok: false, message: 'no SID provided' };
    const session = sessions.get(sid);
    if (!session) return { ok: false, message: 'session unknown' };
    if (session.expires <= Date.now()) {
      sessions.delete(sid);
      return { ok: false, message: 'session expired' };
    }
    session.expires = Date.now() + timeout * 1000;
    return { ok: true, session };
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (chunk: string) => {
          body += chunk;
        })
        .on('end', () => resolve(body));
    });

  const v6 = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const sid = sidOf(req, url);
    if (path.startsWith('/admin/api')) {
      return error(res, 400, 'bad_request', 'Bad request', 'The API is hosted at pi.hole/api, not pi.hole/admin/api');
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, { allow: 'GET, POST, DELETE, OPTIONS' });
      return res.end();
    }
    if (path === '/api/auth') {
      if (method === 'POST') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return error(res, 400, 'bad_request', 'No valid JSON payload found');
        }
        const given = (parsed as { password?: unknown } | null)?.password;
        if (password === null) return send(res, 200, sessionBody({ valid: true, message: 'no password set' }));
        if (given === undefined) return error(res, 400, 'bad_request', 'No password found in JSON payload');
        if (typeof given !== 'string') return error(res, 400, 'bad_request', "Field password has to be of type 'string'");
        if (given !== password) return send(res, 401, sessionBody({ message: 'password incorrect' }));
        for (const [key, s] of sessions) if (s.expires <= Date.now()) sessions.delete(key);
        if (sessions.size >= maxSessions)
          return error(res, 429, 'api_seats_exceeded', 'API seats exceeded', 'increase webserver.api.max_sessions');
        // 128 random bits in base64, as FTL prints them (23 characters ending in "=").
        const newSid = randomBytes(16).toString('base64').slice(0, 23);
        sessions.set(newSid, { sid: newSid, expires: Date.now() + timeout * 1000 });
        logins++;
        return send(
          res,
          200,
          {
            session: {
              valid: true,
              totp: false,
              sid: newSid,
              csrf: randomBytes(16).toString('base64').slice(0, 23),
              validity: timeout,
              message: 'password correct',
            },
          },
          { 'set-cookie': `sid=${newSid}; SameSite=Lax; Path=/; Max-Age=${timeout}; HttpOnly` },
        );
      }
      if (method === 'GET') {
        if (password === null) return send(res, 200, sessionBody({ valid: true, message: 'no password set' }));
        const state = authenticate(sid);
        if (!state.ok) return send(res, 401, sessionBody({ message: state.message }));
        return send(
          res,
          200,
          sessionBody({ valid: true, sid: state.session?.sid ?? null, validity: timeout, message: 'correct password' }),
        );
      }
      if (method === 'DELETE') {
        const state = authenticate(sid);
        if (!state.ok || !state.session) return send(res, 401, sessionBody({ message: state.ok ? 'no SID provided' : state.message }));
        sessions.delete(state.session.sid);
        res.writeHead(204);
        return res.end();
      }
      return error(res, 404, 'not_found', 'Not found', url.pathname + url.search);
    }
    if (path === '/api/info/login' && method === 'GET') return send(res, 200, { dns: !options.dnsFailed, https_port: 443 });
    const routes: Record<string, true> = { 'GET /api/stats/summary': true, 'GET /api/dns/blocking': true, 'POST /api/dns/blocking': true };
    if (!routes[`${method} ${path}`]) return error(res, 404, 'not_found', 'Not found', url.pathname + url.search);
    const state = authenticate(sid);
    if (!state.ok) return error(res, 401, 'unauthorized', 'Unauthorized');
    if (path === '/api/stats/summary' && options.summaryError) {
      const fault = options.summaryError;
      return error(res, fault.status, fault.key, fault.message, fault.hint ?? null);
    }
    if (path === '/api/stats/summary') {
      const percent = Math.fround(summary.total ? (summary.blocked / summary.total) * 100 : 0);
      return send(res, 200, {
        queries: {
          total: summary.total,
          blocked: summary.blocked,
          percent_blocked: percent,
          unique_domains: Math.round(summary.total / 12),
          forwarded: Math.round(summary.total / 2),
          cached: Math.round(summary.total / 3),
          frequency: 0.5,
          types: { A: Math.round(summary.total * 0.6), AAAA: Math.round(summary.total * 0.25), HTTPS: Math.round(summary.total * 0.15) },
          status: { GRAVITY: summary.blocked, FORWARDED: Math.round(summary.total / 2), CACHE: Math.round(summary.total / 3) },
          replies: { NODATA: 10, NXDOMAIN: 20, IP: Math.round(summary.total / 2) },
        },
        clients: { active: summary.activeClients, total: summary.activeClients + 5 },
        gravity: { domains_being_blocked: summary.gravity, last_update: summary.lastUpdate },
      });
    }
    if (method === 'GET') return send(res, 200, currentBlocking());
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return error(res, 400, 'bad_request', 'No valid JSON payload found');
    }
    const request = parsed as { blocking?: unknown; timer?: unknown } | null;
    if (typeof request?.blocking !== 'boolean') return error(res, 400, 'body_error', 'No "blocking" boolean in body data');
    if (options.dnsFailed) return error(res, 500, 'dns_failure', 'DNS resolver is not running');
    blocking = request.blocking;
    flipAt = typeof request.timer === 'number' && request.timer > 0 ? Date.now() + request.timer * 1000 : null;
    return send(res, 200, currentBlocking());
  };

  const v5 = (_req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname === '/admin/api.php') {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (url.searchParams.get('auth') !== password) return res.end('[]');
      return res.end(
        JSON.stringify({
          domains_being_blocked: summary.gravity,
          dns_queries_today: summary.total,
          ads_blocked_today: summary.blocked,
          ads_percentage_today: summary.total ? (summary.blocked / summary.total) * 100 : 0,
          status: 'enabled',
          gravity_last_updated: { file_exists: true, absolute: summary.lastUpdate, relative: { days: 0, hours: 3, minutes: 12 } },
        }),
      );
    }
    // lighttpd's own page: there is no /api in v5.
    res.writeHead(404, { 'content-type': 'text/html' });
    return res.end(
      '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n',
    );
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://pi.hole');
      const body = await readBody(req);
      const header = req.headers['x-ftl-sid'] ?? req.headers.sid;
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        sid: typeof header === 'string' ? header : url.searchParams.get('sid'),
        body,
      });
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (res.destroyed) return;
      if (version === 'v5') v5(req, res, url);
      else v6(req, res, url, body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    logins: () => logins,
    sessionCount: () => sessions.size,
    expireSessions: () => sessions.clear(),
    blocking: () => {
      const state = currentBlocking();
      return { blocking: state.blocking === 'enabled', timer: state.timer };
    },
    setSummary: (next) => {
      summary = { ...summary, ...next };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
