// The VPN probe against a Gluetun control server stand-in that answers as reference/protocols.md
// §2 says Gluetun v3.41+ does: roles and their routes, API key or basic auth, 401 in text,
// older servers without /v1/vpn/status, and a direct-IP service for the leak check.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { vpnSchema } from '../../src/config/schema.js';
import type { ContainerHealth } from '../../src/model/containers.js';
import { ProbeError } from '../../src/probes/probe.js';
import { type LiveVpnOptions, liveVpnSources, vpnProbe, vpnReader } from '../../src/probes/vpn/probe.js';
import { type GluetunStandin, type GluetunStandinOptions, startGluetunStandin } from '../helpers/gluetun-standin.js';
import { freePort } from '../helpers/sshd.js';

const KEY = 'Ab3dEf6hiJk9mNpQrStUvW';
const HOMEOPS_ROUTES = ['GET /v1/vpn/status', 'GET /v1/publicip/ip', 'GET /v1/portforward', 'PUT /v1/vpn/status'];
const never = new AbortController().signal;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function gluetun(options: GluetunStandinOptions = {}): Promise<GluetunStandin> {
  const g = await startGluetunStandin({ roles: [{ name: 'homeops', routes: HOMEOPS_ROUTES, auth: 'apikey', apikey: KEY }], ...options });
  closers.push(() => g.close());
  return g;
}

/** A what-is-my-IP service that answers `body`. */
async function ipService(body: string): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function probeOf(config: Record<string, unknown>, env: Record<string, string>, options: LiveVpnOptions = {}) {
  const vpn = vpnSchema.parse({ timeout: 500, ...config });
  const probe = vpnProbe(vpnReader(vpn, liveVpnSources(vpn, { env, ...options })), vpn);
  const raw = await probe.read(never);
  const reading = probe.parse(raw);
  return { raw, reading, assessment: probe.assess(reading, Date.now()) };
}

describe('with the API key of a role listing the routes', () => {
  it('reads VPN running, public IP and country, forwarded port; the key goes in X-API-Key only', async () => {
    const g = await gluetun();
    const { reading, assessment } = await probeOf({ url: g.url, apiKeyEnv: 'GLUETUN_KEY' }, { GLUETUN_KEY: KEY });
    expect(reading).toMatchObject({
      auth: 'ok',
      state: 'running',
      ports: [51413],
      leak: false,
      publicIp: { ip: '198.51.100.23', country: 'Sweden', city: 'Stockholm', organization: 'Example VPN AB' },
    });
    expect(assessment).toMatchObject({ status: 'ok', alerts: [], summary: 'VPN running · 198.51.100.23 Sweden, Stockholm · port 51413' });
    expect(g.requests.every((r) => r.apiKey === KEY && !r.path.includes('api_key'))).toBe(true);
    expect(JSON.stringify(reading)).not.toContain(KEY);
  });

  it('a stopped VPN is crit; no forwarded port reads as none', async () => {
    const g = await gluetun({ state: { vpn: 'stopped', publicIp: { public_ip: '' }, ports: null } });
    const { reading, assessment } = await probeOf({ url: g.url, apiKeyEnv: 'GLUETUN_KEY' }, { GLUETUN_KEY: KEY });
    expect(reading).toMatchObject({ state: 'stopped', ports: [], publicIp: { ip: null } });
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts).toContainEqual({ level: 'crit', message: 'VPN stopped' });
  });

  it('a route the role does not list is "not allowed", the rest still read', async () => {
    const g = await gluetun({
      roles: [{ name: 'narrow', routes: ['GET /v1/vpn/status', 'GET /v1/publicip/ip'], auth: 'apikey', apikey: KEY }],
    });
    const { reading, assessment } = await probeOf({ url: g.url, apiKeyEnv: 'GLUETUN_KEY' }, { GLUETUN_KEY: KEY });
    expect(reading).toMatchObject({
      auth: 'ok',
      state: 'running',
      ports: null,
      portsError: "not allowed (401): the key's role lacks this route",
    });
    expect(assessment.status).toBe('ok');
  });
});

describe('401 is "auth needed", not a failure of the console', () => {
  it('no key configured: warn with what to set, and the probe is not down', async () => {
    const g = await gluetun();
    const { reading, assessment } = await probeOf({ url: g.url, apiKeyEnv: 'GLUETUN_KEY' }, {});
    expect(reading).toMatchObject({ auth: 'needed', state: null, stateError: null, publicIpError: null, portsError: null });
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'auth needed: set GLUETUN_KEY' }]);
    expect(g.requests.every((r) => r.apiKey === null)).toBe(true);
  });

  it('no auth in the config at all: says which config fields to add', async () => {
    const g = await gluetun();
    const { assessment } = await probeOf({ url: g.url }, {});
    expect(assessment.alerts[0]?.message).toMatch(/^auth needed: set vpn\.apiKeyEnv or vpn\.apiKeyFile in the config/);
  });

  it('a wrong key: "refused", naming where the key comes from', async () => {
    const g = await gluetun();
    const { reading, assessment } = await probeOf({ url: g.url, apiKeyEnv: 'GLUETUN_KEY' }, { GLUETUN_KEY: 'not-the-key' });
    expect(reading.auth).toBe('refused');
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'Gluetun refused the credentials (401): check GLUETUN_KEY' }]);
  });

  it('basic auth: the right password reads, a wrong one is refused', async () => {
    const roles: GluetunStandinOptions['roles'] = [
      { name: 'basic', routes: HOMEOPS_ROUTES, auth: 'basic', username: 'homeops', password: 's3cret' },
    ];
    const g = await gluetun({ roles });
    const ok = await probeOf({ url: g.url, username: 'homeops', passwordEnv: 'GLUETUN_PW' }, { GLUETUN_PW: 's3cret' });
    expect(ok.reading).toMatchObject({ auth: 'ok', state: 'running' });
    const wrong = await probeOf({ url: g.url, username: 'homeops', passwordEnv: 'GLUETUN_PW' }, { GLUETUN_PW: 'nope' });
    expect(wrong.reading.auth).toBe('refused');
  });

  it('a default role of auth "none" opens every route without a key', async () => {
    const g = await gluetun({ roles: [], defaultRole: { auth: 'none' } });
    const { reading } = await probeOf({ url: g.url }, {});
    expect(reading).toMatchObject({ auth: 'ok', state: 'running' });
  });
});

describe('unreachable, older servers, container health and the leak check', () => {
  it("nothing listening: the probe is down (connection refused), naming the container's health", async () => {
    const port = await freePort();
    const health = async (name: string): Promise<ContainerHealth | null> => (name === 'gluetun' ? 'unhealthy' : null);
    const vpn = vpnSchema.parse({ url: `http://127.0.0.1:${port}`, container: 'gluetun', timeout: 500 });
    const read = vpnReader(vpn, liveVpnSources(vpn, { env: {}, containerHealth: health }));
    const error: unknown = await read(never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProbeError);
    expect(error).toMatchObject({
      status: 'down',
      message: `Gluetun control server http://127.0.0.1:${port}: connection refused · container gluetun: unhealthy`,
    });
  });

  it("the container's health comes from the injected Docker check: unhealthy is crit", async () => {
    const g = await gluetun();
    const asked: string[] = [];
    const { reading, assessment } = await probeOf(
      { url: g.url, apiKeyEnv: 'K', container: 'gluetun' },
      { K: KEY },
      {
        containerHealth: async (name) => {
          asked.push(name);
          return 'unhealthy';
        },
      },
    );
    expect(asked).toEqual(['gluetun']);
    expect(reading.container).toEqual({ name: 'gluetun', health: 'unhealthy', error: null });
    expect(assessment.status).toBe('crit');
  });

  it('an older Gluetun without /v1/vpn/status is read on its OpenVPN routes', async () => {
    const g = await gluetun({
      legacy: true,
      state: { vpnType: 'openvpn' },
      roles: [
        {
          name: 'all',
          routes: [...HOMEOPS_ROUTES, 'GET /v1/openvpn/status', 'GET /v1/openvpn/portforwarded'],
          auth: 'apikey',
          apikey: KEY,
        },
      ],
    });
    const { reading } = await probeOf({ url: g.url, apiKeyEnv: 'K' }, { K: KEY });
    expect(reading).toMatchObject({ state: 'running', ports: [51413] });
    expect(g.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/v1/vpn/status', '/v1/openvpn/status', '/v1/portforward', '/v1/openvpn/portforwarded']),
    );
  });

  it("warns when the VPN's public IP is the direct one (traffic not tunnelled), not when they differ", async () => {
    const g = await gluetun();
    const same = await probeOf({ url: g.url, apiKeyEnv: 'K', directIpUrl: await ipService('198.51.100.23\n') }, { K: KEY });
    expect(same.reading).toMatchObject({ directIp: '198.51.100.23', leak: true });
    expect(same.assessment.alerts).toEqual([
      { level: 'warn', message: 'VPN public IP 198.51.100.23 is the direct IP: traffic does not go through the tunnel' },
    ]);
    const differs = await probeOf({ url: g.url, apiKeyEnv: 'K', directIpUrl: await ipService('{"ip":"203.0.113.8"}') }, { K: KEY });
    expect(differs.reading).toMatchObject({ directIp: '203.0.113.8', leak: false });
    expect(differs.assessment.status).toBe('ok');
  });
});
