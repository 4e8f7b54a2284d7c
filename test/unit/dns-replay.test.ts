// Demo scenarios' DNS and Pi-hole recordings, replayed through the real DNS probe, Pi-hole
// client, parsers and assessment (fixtures/README.md, "DNS, Pi-hole and VPN recordings").
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import { replayDnsSources } from '../../src/demo/dns-replay.js';
import { RecordingError, replayFetch, substituteNow } from '../../src/demo/http-replay.js';
import { listScenarios, type Scenario } from '../../src/demo/scenario.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { assessDns, type DnsConfig, dnsHeadline, dnsProbe, dnsReader } from '../../src/probes/dns/probe.js';
import { setBlockingEverywhere } from '../../src/probes/pihole/blocking.js';
import { PiholeClient, PiholeError } from '../../src/probes/pihole/client.js';

const config = readUserFile(estateConfigPath(), configSchema);
const dns = config.dns!;
const never = new AbortController().signal;
const HOUR = 3_600_000;

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

async function demoReading(scenario: Scenario, dnsConfig: DnsConfig = dns, now: () => number = Date.now) {
  const sources = replayDnsSources(scenario, dnsConfig, now);
  if (!sources) throw new Error(`${scenario.name} has no dns.json`);
  const probe = dnsProbe(dnsReader(dnsConfig, sources, now), dnsConfig);
  const reading = probe.parse(await probe.read(never));
  return { sources, reading, assessment: probe.assess(reading, now()) };
}

function scenarioDir(files: Record<string, unknown>): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-scenario-'));
  temp.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return { name: 'test', dir, description: '', host: 'workstation' };
}

describe('the scenarios', () => {
  it('every scenario has DNS and VPN recordings, and the new ones are complete', () => {
    for (const name of listScenarios()) {
      const scenario = loadScenario(name);
      expect(existsSync(join(scenario.dir, 'dns.json')), `${name}/dns.json`).toBe(true);
      expect(existsSync(join(scenario.dir, 'gluetun.json')), `${name}/gluetun.json`).toBe(true);
    }
    for (const name of ['primary-down', 'vpn-down']) {
      const scenario = loadScenario(name);
      expect(scenario.description).not.toBe('');
      for (const file of ['cpu.json', 'nvidia-smi/query-gpu.csv', 'pihole/secondary.json'])
        expect(existsSync(join(scenario.dir, file)), `${name}/${file}`).toBe(true);
    }
  });

  it.each(['healthy', 'gpu-hot', 'vpn-down'])('%s: the primary serves, both Pi-holes in sync, ok', async (name) => {
    const { reading, assessment } = await demoReading(loadScenario(name));
    expect(assessment).toMatchObject({ status: 'ok', alerts: [] });
    expect(dnsHeadline(reading).text).toBe('clients use primary 10.0.10.10 · 3/3 servers answer');
    expect(reading.drift).toEqual([{ server: 'secondary', against: 'primary', inSync: true, reasons: [] }]);
    expect(reading.servers[0]?.pihole?.summary).toMatchObject({ queries: 28614, gravityDomains: 148_903 });
  });

  it('primary-down: the primary times out, the secondary answers, failover is active', async () => {
    const { reading, assessment } = await demoReading(loadScenario('primary-down'));
    expect(reading).toMatchObject({ clientsUse: 'secondary', failover: true });
    expect(assessment.status).toBe('warn');
    expect(dnsHeadline(reading).text).toBe('FAILOVER: clients use secondary 10.0.10.20 — primary timed out');
    // Through the real client: the hung Pi-hole API reads as a timeout of the configured length.
    expect(reading.servers[0]?.pihole?.error).toEqual({ kind: 'unreachable', message: 'no answer within 3s' });
    expect(reading.servers[0]?.answers.every((a) => a.outcome === 'timeout' && a.latencyMs === dns.timeout)).toBe(true);
  });

  it('recorded gravity times keep their age ("$now-5h") whenever the demo runs', async () => {
    for (const now of [Date.UTC(2027, 0, 1), Date.UTC(2031, 5, 1)]) {
      const { reading } = await demoReading(loadScenario('healthy'), dns, () => now);
      expect(reading.servers[0]?.pihole?.summary?.gravityUpdatedAt).toBe(now - 5 * HOUR);
    }
  });
});

describe('the blocking action in the demo', () => {
  it('disables blocking on both Pi-holes for N minutes; the timer runs down and blocking comes back', async () => {
    let now = Date.UTC(2027, 0, 1);
    const scenario = loadScenario('healthy');
    const sources = replayDnsSources(scenario, dns, () => now);
    const outcomes = await setBlockingEverywhere(sources?.piholes ?? [], { enabled: false, forMs: 5 * 60_000 }, never);
    expect(outcomes.map((o) => o.ok && [o.server, o.blocking.state, o.blocking.timerSeconds])).toEqual([
      ['primary', 'disabled', 300],
      ['secondary', 'disabled', 300],
    ]);

    const read = dnsReader(dns, sources!, () => now);
    const probe = dnsProbe(read, dns);
    now += 60_000;
    const during = probe.parse(await read(never));
    expect(during.servers[0]?.pihole?.blocking).toEqual({ state: 'disabled', timerSeconds: 240 });
    expect(assessDns(during).alerts.map((a) => a.message)).toEqual([
      'primary Pi-hole: blocking disabled (4m left)',
      'secondary Pi-hole: blocking disabled (4m left)',
    ]);
    now += 5 * 60_000;
    expect(probe.parse(await read(never)).servers[1]?.pihole?.blocking).toEqual({ state: 'enabled', timerSeconds: null });
  });
});

describe('recordings', () => {
  it('a server or name the recording does not cover answers "error", not a made-up success', async () => {
    const scenario = scenarioDir({ 'dns.json': { servers: { primary: { 'nas.home': { outcome: 'ok', records: ['10.0.10.20'] } } } } });
    const { reading } = await demoReading(scenario);
    expect(reading.servers[0]?.answers.map((a) => [a.name, a.outcome])).toEqual([
      ['nas.home', 'ok'],
      ['example.com', 'error'],
    ]);
    expect(reading.servers[1]?.answers[0]).toMatchObject({ outcome: 'error', detail: 'not in the demo scenario' });
    // No pihole/ files: those Pi-holes do not answer.
    expect(reading.servers[1]?.pihole?.error).toEqual({ kind: 'unreachable', message: 'connection refused' });
  });

  it('a wrong outcome or route names the file and what is wrong', () => {
    const bad = scenarioDir({ 'dns.json': { servers: { primary: { 'nas.home': { outcome: 'fine' } } } } });
    expect(() => replayDnsSources(bad, dns)).toThrow(RecordingError);
    expect(() => replayDnsSources(bad, dns)).toThrow(/dns\.json: servers\.primary\.nas\.home\.outcome must be one of ok, nxdomain/);
    const badRoute = scenarioDir({ 'dns.json': { servers: {} }, 'pihole/primary.json': { routes: { 'stats summary': {} } } });
    expect(() => replayDnsSources(badRoute, dns)).toThrow(/primary\.json: route "stats summary" is not "METHOD \/path"/);
  });

  it('reads no secret: neither the password variable nor a password file named in the config', async () => {
    const withFile: DnsConfig = {
      ...dns,
      servers: dns.servers.map((s) => (s.pihole ? { ...s, pihole: { ...s.pihole, passwordFile: '/nonexistent/secret' } } : s)),
    };
    const { reading } = await demoReading(loadScenario('healthy'), withFile);
    expect(reading.servers[0]?.pihole?.error).toBeNull();
  });

  it('$now substitution reaches nested values and leaves other strings alone', () => {
    expect(substituteNow({ a: ['$now', { b: '$now+10m' }], c: '$nowhere', d: 'x' }, 1_000_000)).toEqual({
      a: [1000, { b: 1600 }],
      c: '$nowhere',
      d: 'x',
    });
  });

  it("Pi-hole's error shape in a recording reaches the client as a typed error", async () => {
    const fetchImpl = replayFetch({
      routes: {
        'GET /api/stats/summary': {
          status: 500,
          body: { error: { key: 'database_error', message: 'Could not read', hint: null }, took: 0 },
        },
      },
    });
    const client = new PiholeClient({ url: 'http://pi.hole', password: {}, timeoutMs: 100, fetch: fetchImpl, env: {} });
    const error: unknown = await client.summary(never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PiholeError);
    expect(error).toMatchObject({
      kind: 'api',
      message: 'database_error: Could not read',
      details: { status: 500, key: 'database_error' },
    });
  });
});
