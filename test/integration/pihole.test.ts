// The Pi-hole v6 client against a stand-in that answers as reference/protocols.md §1 says FTL
// does: login and session reuse, renewal after 401, no-password mode, wrong passwords, seats,
// the uniform error shape, v5 servers, blocking with a timer, and secrets kept out of sight.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dnsSchema } from '../../src/config/schema.js';
import { closeDnsSources, type DnsSources, dnsReader, parseDns, piholeTargets } from '../../src/probes/dns/probe.js';
import { setBlockingEverywhere } from '../../src/probes/pihole/blocking.js';
import { PiholeClient, type PiholeClientOptions, PiholeError } from '../../src/probes/pihole/client.js';
import { parseBlocking, parseSummary } from '../../src/probes/pihole/parse.js';
import { type PiholeStandin, type PiholeStandinOptions, startPiholeStandin } from '../helpers/pihole-standin.js';
import { freePort } from '../helpers/sshd.js';

const PASSWORD = 'correct horse';
const ENV = { HOMEOPS_PIHOLE_PASSWORD: PASSWORD };
const never = new AbortController().signal;

const standins: PiholeStandin[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(standins.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function standin(options: PiholeStandinOptions = {}): Promise<PiholeStandin> {
  const s = await startPiholeStandin(options);
  standins.push(s);
  return s;
}

function client(url: string, options: Partial<PiholeClientOptions> = {}): PiholeClient {
  return new PiholeClient({ url, password: { env: 'HOMEOPS_PIHOLE_PASSWORD' }, timeoutMs: 1000, env: ENV, ...options });
}

async function failure(promise: Promise<unknown>): Promise<PiholeError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof PiholeError)) throw new Error(`expected a PiholeError, got ${String(error)}`);
  return error;
}

describe('sessions', () => {
  it('logs in once and reuses the session (X-FTL-SID) across polls', async () => {
    const pihole = await standin({ summary: { total: 1000, blocked: 125, gravity: 148_903, lastUpdate: 1_760_000_000 } });
    const c = client(pihole.url);
    for (let poll = 0; poll < 3; poll++) {
      const [summary, blocking] = await Promise.all([c.summary(never), c.blocking(never)]);
      expect(parseSummary(summary)).toMatchObject({
        queries: 1000,
        blocked: 125,
        blockedPercent: 12.5,
        gravityDomains: 148_903,
        gravityUpdatedAt: 1_760_000_000_000,
      });
      expect(parseBlocking(blocking)).toEqual({ state: 'enabled', timerSeconds: null });
    }
    // One seat, whatever the number of polls or calls made together.
    expect(pihole.logins()).toBe(1);
    expect(pihole.sessionCount()).toBe(1);
    const calls = pihole.requests.filter((r) => r.path !== '/api/auth');
    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((r) => r.sid)).size).toBe(1);
    expect(calls[0]?.sid).toMatch(/^[A-Za-z0-9+/]{22}=$/);
  });

  it('logs in again, once, when the session is refused (expired, logged out, password changed)', async () => {
    const pihole = await standin();
    const c = client(pihole.url);
    await c.summary(never);
    pihole.expireSessions();
    expect(parseSummary(await c.summary(never)).queries).toBe(41_000);
    expect(pihole.logins()).toBe(2);
    const statuses = pihole.requests.map((r) => `${r.method} ${r.path}`);
    expect(statuses).toEqual([
      'POST /api/auth',
      'GET /api/stats/summary',
      'GET /api/stats/summary',
      'POST /api/auth',
      'GET /api/stats/summary',
    ]);
  });

  it('ends its session on logout (DELETE /api/auth), freeing the seat', async () => {
    const pihole = await standin();
    const c = client(pihole.url);
    await c.summary(never);
    expect(pihole.sessionCount()).toBe(1);
    await c.logout(never);
    expect(pihole.sessionCount()).toBe(0);
  });

  it('with no password set on Pi-hole, logs in to "valid, sid null" and then sends no session', async () => {
    const pihole = await standin({ password: null });
    const c = client(pihole.url);
    expect(parseSummary(await c.summary(never)).queries).toBe(41_000);
    await c.blocking(never);
    expect(pihole.requests.map((r) => [`${r.method} ${r.path}`, r.sid])).toEqual([
      ['POST /api/auth', null],
      ['GET /api/stats/summary', null],
      ['GET /api/dns/blocking', null],
    ]);
    // And without a password configured at all, it simply asks.
    const open = client(pihole.url, { env: {} });
    expect(parseBlocking(await open.blocking(never)).state).toBe('enabled');
  });

  it('reads the password from a file when the variable is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-pw-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'pihole'), `${PASSWORD}\n`);
    const pihole = await standin();
    const c = client(pihole.url, { password: { env: 'UNSET_VAR', file: join(dir, 'pihole') }, env: {} });
    expect(parseSummary(await c.summary(never)).queries).toBe(41_000);
    expect(pihole.logins()).toBe(1);
  });
});

describe('what goes wrong, in words', () => {
  it('no password configured for a Pi-hole that wants one: "auth needed: set …", no login tried', async () => {
    const pihole = await standin();
    const error = await failure(client(pihole.url, { env: {} }).summary(never));
    expect(error.kind).toBe('auth-needed');
    expect(error.message).toBe('auth needed: set HOMEOPS_PIHOLE_PASSWORD');
    expect(pihole.logins()).toBe(0);
  });

  it('a wrong password: "login refused: password incorrect", and the password is in no message', async () => {
    const pihole = await standin();
    const wrong = 'hunter2-not-it';
    const error = await failure(client(pihole.url, { env: { HOMEOPS_PIHOLE_PASSWORD: wrong } }).summary(never));
    expect(error.kind).toBe('auth-failed');
    expect(error.message).toBe('login refused: password incorrect (check HOMEOPS_PIHOLE_PASSWORD)');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(wrong);
  });

  it("no free seat: Pi-hole's own error key, message and hint", async () => {
    const pihole = await standin({ maxSessions: 1 });
    await client(pihole.url).summary(never);
    const error = await failure(client(pihole.url).summary(never));
    expect(error.kind).toBe('api');
    expect(error.message).toBe('api_seats_exceeded: API seats exceeded (increase webserver.api.max_sessions)');
    expect(error.details).toMatchObject({ status: 429, key: 'api_seats_exceeded', hint: 'increase webserver.api.max_sessions' });
  });

  it('FTL\'s resolver down: blocking cannot change (500 dns_failure) and reads "failed"', async () => {
    const pihole = await standin({ dnsFailed: true });
    const c = client(pihole.url);
    const error = await failure(c.setBlocking(false, 60, never));
    expect(error).toMatchObject({ kind: 'api', message: 'dns_failure: DNS resolver is not running', details: { status: 500 } });
    expect(parseBlocking(await c.blocking(never)).state).toBe('failed');
  });

  it('a Pi-hole v5 is recognised and said plainly; a v6 tells itself apart by the /admin/api hint', async () => {
    const v5 = await standin({ version: 'v5' });
    const error = await failure(client(v5.url).summary(never));
    expect(error.kind).toBe('v5');
    expect(error.message).toBe('Pi-hole v5: homeops reads the v6 API (/api); upgrade this Pi-hole to v6');
    expect(await client(v5.url).detectVersion(never)).toBe('v5');
    const v6 = await standin();
    expect(await client(v6.url).detectVersion(never)).toBe('v6');
  });

  it('nothing listening: connection refused; a hung Pi-hole: no answer within the timeout', async () => {
    const port = await freePort();
    expect(await failure(client(`http://127.0.0.1:${port}`).summary(never))).toMatchObject({
      kind: 'unreachable',
      message: 'connection refused',
    });
    const slow = await standin({ delayMs: 2000 });
    const started = Date.now();
    expect(await failure(client(slow.url, { timeoutMs: 200 }).summary(never))).toMatchObject({
      kind: 'unreachable',
      message: 'no answer within 200ms',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('blocking on every Pi-hole at once', () => {
  it('disables both for N minutes, then enables both again', async () => {
    const [primary, secondary] = [await standin(), await standin()];
    const targets = [
      { name: 'primary', client: client(primary.url) },
      { name: 'secondary', client: client(secondary.url) },
    ];
    const off = await setBlockingEverywhere(targets, { enabled: false, forMs: 5 * 60_000 }, never);
    expect(off.map((o) => [o.server, o.ok && o.blocking.state])).toEqual([
      ['primary', 'disabled'],
      ['secondary', 'disabled'],
    ]);
    for (const s of [primary, secondary]) {
      expect(s.blocking().blocking).toBe(false);
      expect(s.blocking().timer).toBeGreaterThan(295);
      expect(s.blocking().timer).toBeLessThanOrEqual(300);
    }
    const posted = primary.requests.find((r) => r.method === 'POST' && r.path === '/api/dns/blocking');
    expect(JSON.parse(posted?.body ?? '{}')).toEqual({ blocking: false, timer: 300 });

    const on = await setBlockingEverywhere(targets, { enabled: true }, never);
    expect(on.every((o) => o.ok && o.blocking.state === 'enabled' && o.blocking.timerSeconds === null)).toBe(true);
    expect([primary.blocking(), secondary.blocking()]).toEqual([
      { blocking: true, timer: null },
      { blocking: true, timer: null },
    ]);
  });

  it('the timer really flips blocking back on', async () => {
    const pihole = await standin();
    await setBlockingEverywhere([{ name: 'primary', client: client(pihole.url) }], { enabled: false, forMs: 1000 }, never);
    expect(pihole.blocking().blocking).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect(parseBlocking(await client(pihole.url).blocking(never))).toEqual({ state: 'enabled', timerSeconds: null });
  });

  it('one Pi-hole failing does not stop the other', async () => {
    const up = await standin();
    const port = await freePort();
    const outcomes = await setBlockingEverywhere(
      [
        { name: 'primary', client: client(`http://127.0.0.1:${port}`) },
        { name: 'secondary', client: client(up.url) },
      ],
      { enabled: false, forMs: 60_000 },
      never,
    );
    expect(outcomes).toEqual([
      { server: 'primary', ok: false, error: 'connection refused' },
      { server: 'secondary', ok: true, blocking: { state: 'disabled', timerSeconds: 60 } },
    ]);
  });
});

describe('Pi-holes in the DNS reading', () => {
  it('shows summary and blocking per server, drift between them, and never the password or session', async () => {
    const primary = await standin({ summary: { gravity: 152_337 } });
    const secondary = await standin({ summary: { gravity: 150_002 } });
    const config = dnsSchema.parse({
      servers: [
        { name: 'primary', address: '127.0.0.1', port: 9, pihole: { url: primary.url, passwordEnv: 'HOMEOPS_PIHOLE_PASSWORD' } },
        { name: 'secondary', address: '127.0.0.1', port: 9, pihole: { url: secondary.url, passwordEnv: 'HOMEOPS_PIHOLE_PASSWORD' } },
      ],
      names: [{ name: 'nas.home' }],
      timeout: 200,
    });
    const sources: DnsSources = {
      query: async (target, name, type) => ({ server: target.name, name, type, outcome: 'ok', latencyMs: 1, records: ['10.0.10.20'] }),
      piholes: piholeTargets(config, ENV),
    };
    const read = dnsReader(config, sources);
    const raw = await read(never);
    const reading = parseDns(raw, config);
    expect(reading.servers.map((s) => s.pihole?.summary?.gravityDomains)).toEqual([152_337, 150_002]);
    expect(reading.drift).toEqual([
      { server: 'secondary', against: 'primary', inSync: false, reasons: ['gravity 150,002 vs 152,337 domains'] },
    ]);
    const sid = primary.requests.find((r) => r.sid !== null)?.sid;
    expect(sid).toBeTruthy();
    for (const text of [JSON.stringify(raw), JSON.stringify(reading)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(sid);
    }
    // On quit the sessions are ended, freeing Pi-hole's seats.
    expect([primary.sessionCount(), secondary.sessionCount()]).toEqual([1, 1]);
    await closeDnsSources(sources);
    expect([primary.sessionCount(), secondary.sessionCount()]).toEqual([0, 0]);
  });
});
