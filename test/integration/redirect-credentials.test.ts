// Credentials never follow a redirect to another origin: real HTTP servers on two loopback ports
// (two origins). The Pi-hole and Gluetun URLs point at a server that answers 307/302 to the
// other port, where the stand-ins (or a recorder) listen; nothing secret may arrive there, and
// the pane says "redirected to …; credentials not sent".
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema, dnsSchema, vpnSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { DnsReading } from '../../src/model/dns.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import type { VpnReading } from '../../src/model/vpn.js';
import { describeError } from '../../src/monitor/monitor.js';
import { dnsReader, parseDns, piholeTargets } from '../../src/probes/dns/probe.js';
import { setBlockingEverywhere } from '../../src/probes/pihole/blocking.js';
import { PiholeClient } from '../../src/probes/pihole/client.js';
import { nodeFetch } from '../../src/probes/pihole/node-fetch.js';
import { liveVpnSources, vpnProbe, vpnReader } from '../../src/probes/vpn/probe.js';
import { dnsPane } from '../../src/ui/panes/dns.js';
import { vpnPane } from '../../src/ui/panes/vpn.js';
import { lineText } from '../../src/ui/text.js';
import { startGluetunStandin } from '../helpers/gluetun-standin.js';
import { startPiholeStandin } from '../helpers/pihole-standin.js';

const PASSWORD = 'correct horse';
const KEY = 'Ab3dEf6hiJk9mNpQrStUvW';
const never = new AbortController().signal;
const config = readUserFile(estateConfigPath(), configSchema);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Seen = { method: string; path: string; headers: IncomingMessage['headers']; body: string };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that answers every request with `status` to the same path on `target` (another origin), recording what it was sent. */
async function redirector(status: number, target: () => string): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const url = await listen(
    createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.writeHead(status, { location: `${target()}${req.url ?? '/'}` }).end();
      });
    }),
  );
  return { url, seen };
}

/** A server that records everything and answers 200 {}. */
async function recorder(): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const url = await listen(
    createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    }),
  );
  return { url, seen };
}

describe('nodeFetch with redirect: same-origin', () => {
  it('follows a redirect on the same origin and refuses one to another port, sending nothing there', async () => {
    const other = await recorder();
    let base = '';
    base = await listen(
      createServer((req, res) => {
        if (req.url === '/moved') res.writeHead(307, { location: '/here' }).end();
        else if (req.url === '/away') res.writeHead(307, { location: `${other.url}/there?api_key=x` }).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(`at ${req.url} with ${String(req.headers['x-api-key'])}`);
      }),
    );
    const same = await nodeFetch(`${base}/moved`, { headers: { 'X-API-Key': KEY }, redirect: 'same-origin' });
    expect(await same.text()).toBe(`at /here with ${KEY}`);
    const error = await nodeFetch(`${base}/away`, { headers: { 'X-API-Key': KEY }, redirect: 'same-origin' }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    // The query (which could carry a key) is left out of the message.
    expect(error?.message).toBe(`redirected to ${other.url}/there; credentials not sent`);
    expect(other.seen).toEqual([]);
  });
});

describe('Pi-hole', () => {
  it('a 307 to another address for the login is refused: the password reaches no one there, and the DNS pane says why', async () => {
    const elsewhere = await startPiholeStandin();
    closers.push(() => elsewhere.close());
    const front = await redirector(307, () => elsewhere.url);
    const dns = dnsSchema.parse({
      servers: [{ name: 'primary', address: '127.0.0.1', port: 9, pihole: { url: front.url, passwordEnv: 'HOMEOPS_PIHOLE_PASSWORD' } }],
      names: [{ name: 'nas.home' }],
      timeout: 200,
    });
    const read = dnsReader(dns, {
      query: async (target, name, type) => ({ server: target.name, name, type, outcome: 'ok', latencyMs: 1, records: ['10.0.10.20'] }),
      piholes: piholeTargets(dns, { HOMEOPS_PIHOLE_PASSWORD: PASSWORD }),
    });
    const reading = parseDns(await read(never), dns);
    expect(front.seen.map((s) => `${s.method} ${s.path}`)).toContain('POST /api/auth');
    expect(elsewhere.requests).toEqual([]);
    expect(elsewhere.logins()).toBe(0);
    const message = `redirected to ${elsewhere.url}/api/auth; credentials not sent`;
    expect(reading.servers[0]?.pihole?.error?.message).toBe(message);
    const entry: PaneEntry<DnsReading> = { status: 'warn', ageMs: 0, summary: '', alerts: [], data: reading };
    const lines = dnsPane(entry, 160, 12, config).lines.map(lineText);
    expect(lines.some((line) => line.includes(`pi-hole API ${message}`))).toBe(true);
  });

  it('a session id is not sent after a 302 to another origin either (blocking changes nowhere)', async () => {
    const pihole = await startPiholeStandin();
    closers.push(() => pihole.close());
    const elsewhere = await recorder();
    // Logs in on the real Pi-hole; later requests meet a redirect as a proxy in front of it might give.
    let redirect = false;
    const front = await listen(
      createServer((req, res) => {
        if (redirect && req.url !== '/api/auth') {
          res.writeHead(302, { location: `${elsewhere.url}${req.url ?? '/'}` }).end();
          return;
        }
        const forward = new URL(req.url ?? '/', pihole.url);
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void nodeFetch(forward.href, {
            method: req.method ?? 'GET',
            headers: Object.fromEntries(
              Object.entries(req.headers).filter(
                (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'content-length',
              ),
            ),
            ...(chunks.length ? { body: Buffer.concat(chunks).toString() } : {}),
          }).then(async (answer) => {
            res
              .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
              .end(await answer.text());
          });
        });
      }),
    );
    const client = new PiholeClient({ url: front, password: { env: 'P' }, timeoutMs: 2000, env: { P: PASSWORD } });
    await client.summary(never);
    redirect = true;
    const outcomes = await setBlockingEverywhere([{ name: 'primary', client }], { enabled: false, forMs: 60_000 }, never);
    expect(outcomes).toEqual([
      { server: 'primary', ok: false, error: `redirected to ${elsewhere.url}/api/dns/blocking; credentials not sent` },
    ]);
    expect(elsewhere.seen).toEqual([]);
    expect(pihole.blocking().blocking).toBe(true);
  });
});

describe('Gluetun', () => {
  it('a 302 to another origin does not take the API key there; the VPN pane says why', async () => {
    const elsewhere = await startGluetunStandin({
      roles: [
        { name: 'homeops', routes: ['GET /v1/vpn/status', 'GET /v1/publicip/ip', 'GET /v1/portforward'], auth: 'apikey', apikey: KEY },
      ],
    });
    closers.push(() => elsewhere.close());
    const front = await redirector(302, () => elsewhere.url.replace(/\/+$/, ''));
    const vpn = vpnSchema.parse({ url: front.url, apiKeyEnv: 'GLUETUN_KEY', timeout: 500 });
    const probe = vpnProbe(vpnReader(vpn, liveVpnSources(vpn, { env: { GLUETUN_KEY: KEY } })), vpn);
    const error = await probe.read(never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(front.seen.length).toBeGreaterThan(0);
    expect(front.seen.every((s) => s.headers['x-api-key'] === KEY)).toBe(true);
    expect(elsewhere.requests).toEqual([]);
    const { status, message } = describeError(error);
    expect(status).toBe('down');
    expect(message).toContain(`redirected to ${elsewhere.url.replace(/\/+$/, '')}/v1/vpn/status; credentials not sent`);
    const entry: PaneEntry<VpnReading> = { status, ageMs: null, error: message, summary: '', alerts: [], data: null };
    expect(vpnPane(entry, 200, 8, config).lines.map(lineText).join('\n')).toContain('credentials not sent');
  });

  it('without a key configured, a redirect is followed as before (nothing secret to keep)', async () => {
    const elsewhere = await startGluetunStandin({ defaultRole: { auth: 'none' } });
    closers.push(() => elsewhere.close());
    const front = await redirector(302, () => elsewhere.url.replace(/\/+$/, ''));
    const vpn = vpnSchema.parse({ url: front.url, timeout: 500 });
    const probe = vpnProbe(vpnReader(vpn, liveVpnSources(vpn, { env: {} })), vpn);
    const reading = probe.parse(await probe.read(never));
    expect(reading.state).toBe('running');
  });
});
