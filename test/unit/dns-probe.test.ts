// The DNS reading and its assessment: which server clients use, failover, and what makes the
// pane warn or go critical. Answers are built here; real servers are in test/integration.
import { describe, expect, it } from 'vitest';
import { dnsSchema } from '../../src/config/schema.js';
import type { DnsAnswer, DnsOutcome } from '../../src/model/dns.js';
import { assessDns, type DnsRaw, dnsHeadline, dnsProbe, dnsReader, type PiholeRaw, parseDns } from '../../src/probes/dns/probe.js';

const config = dnsSchema.parse({
  servers: [
    { name: 'primary', address: '10.0.10.10', pihole: { url: 'http://10.0.10.10', passwordEnv: 'PW' } },
    { name: 'secondary', address: '10.0.10.20', pihole: { url: 'http://10.0.10.20', passwordEnv: 'PW' } },
    { name: 'router', address: '10.0.10.1' },
  ],
  names: [{ name: 'nas.home', local: true }, { name: 'example.com' }],
  timeout: 1500,
});

const HOUR = 3_600_000;
const AT = 1_760_000_000_000;

function answer(server: string, name: string, outcome: DnsOutcome, latencyMs = 3): DnsAnswer {
  return { server, name, type: 'A', outcome, latencyMs, records: outcome === 'ok' ? ['10.0.10.20'] : [] };
}

/** Every name on `server` with one outcome. */
function all(server: string, outcome: DnsOutcome): DnsAnswer[] {
  return ['nas.home', 'example.com'].map((name) => answer(server, name, outcome));
}

function summary(gravity: number, updatedSecondsAgo: number) {
  return {
    queries: { total: 1000, blocked: 130, percent_blocked: 13 },
    gravity: { domains_being_blocked: gravity, last_update: AT / 1000 - updatedSecondsAgo },
    clients: { active: 3 },
  };
}

function pihole(
  server: string,
  gravity = 150_000,
  updatedSecondsAgo = 3600,
  blocking: unknown = { blocking: 'enabled', timer: null },
): PiholeRaw {
  return { server, summary: { body: summary(gravity, updatedSecondsAgo) }, blocking: { body: blocking } };
}

function raw(answers: DnsAnswer[], piholes: PiholeRaw[] = [pihole('primary'), pihole('secondary')]): DnsRaw {
  return { at: AT, answers, piholes };
}

const healthy = () => [...all('primary', 'ok'), ...all('secondary', 'ok'), ...all('router', 'ok')];

describe('which server clients use', () => {
  it('is the primary when it answers: ok, no failover', () => {
    const reading = parseDns(raw(healthy()), config);
    expect(reading).toMatchObject({ clientsUse: 'primary', failover: false });
    expect(dnsHeadline(reading)).toEqual({ tone: 'ok', text: 'clients use primary 10.0.10.10 · 3/3 servers answer' });
    expect(assessDns(reading)).toMatchObject({ status: 'ok', alerts: [], summary: 'primary 10.0.10.10 · 3/3 answer' });
  });

  it('is the secondary when the primary times out: failover active, warn, naming why', () => {
    const reading = parseDns(raw([...all('primary', 'timeout'), ...all('secondary', 'ok'), ...all('router', 'ok')]), config);
    expect(reading).toMatchObject({ clientsUse: 'secondary', failover: true });
    expect(reading.servers[0]).toMatchObject({ health: 'down', answering: false, why: 'timed out' });
    const assessment = assessDns(reading);
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'FAILOVER: clients use secondary 10.0.10.20 — primary timed out' }]);
  });

  it('skips a server that refuses every name (clients move on after REFUSED)', () => {
    const reading = parseDns(raw([...all('primary', 'refused'), ...all('secondary', 'ok'), ...all('router', 'ok')]), config);
    expect(reading.clientsUse).toBe('secondary');
    expect(reading.servers[0]).toMatchObject({ health: 'failing', why: 'nas.home REFUSED, example.com REFUSED' });
  });

  it('stays on a server that says NXDOMAIN (clients accept it), but warns that the local record is missing', () => {
    const reading = parseDns(
      raw([
        answer('primary', 'nas.home', 'nxdomain'),
        answer('primary', 'example.com', 'ok'),
        ...all('secondary', 'ok'),
        ...all('router', 'ok'),
      ]),
      config,
    );
    expect(reading).toMatchObject({ clientsUse: 'primary', failover: false });
    expect(reading.servers[0]?.health).toBe('degraded');
    expect(assessDns(reading).alerts).toEqual([
      { level: 'warn', message: 'primary 10.0.10.10: nas.home NXDOMAIN (local record missing?)' },
    ]);
  });

  it("is nobody when no server answers: crit, with each server's reason", () => {
    const reading = parseDns(
      raw([...all('primary', 'timeout'), ...all('secondary', 'conn-refused'), ...all('router', 'timeout')], []),
      config,
    );
    expect(reading).toMatchObject({ clientsUse: null, failover: false });
    const assessment = assessDns(reading);
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts[0]?.message).toBe(
      'NO DNS: no server answers, clients cannot resolve names — primary timed out, secondary connection refused, router timed out',
    );
    expect(assessment.summary).toBe('no DNS server answers');
  });
});

describe('warnings while clients are served', () => {
  it('a non-primary server that is down warns, without failover', () => {
    const reading = parseDns(raw([...all('primary', 'ok'), ...all('secondary', 'ok'), ...all('router', 'conn-refused')]), config);
    const assessment = assessDns(reading);
    expect(reading.failover).toBe(false);
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'router 10.0.10.1: connection refused' }]);
  });

  it('an outside name refused by the server in use points at its upstreams', () => {
    const reading = parseDns(
      raw([
        answer('primary', 'nas.home', 'ok'),
        answer('primary', 'example.com', 'servfail'),
        ...all('secondary', 'ok'),
        ...all('router', 'ok'),
      ]),
      config,
    );
    expect(assessDns(reading).alerts).toEqual([
      { level: 'warn', message: 'primary 10.0.10.10: example.com SERVFAIL (upstream DNS failing?)' },
    ]);
  });

  it('secondary out of sync (another gravity size) warns; the same size and close update times do not', () => {
    const inSync = parseDns(raw(healthy(), [pihole('primary', 150_000, 3600), pihole('secondary', 150_000, 3000)]), config);
    expect(inSync.drift).toEqual([{ server: 'secondary', against: 'primary', inSync: true, reasons: [] }]);
    expect(assessDns(inSync).status).toBe('ok');

    const drifted = parseDns(raw(healthy(), [pihole('primary', 152_337, 3600), pihole('secondary', 150_002, 3600)]), config);
    expect(assessDns(drifted).alerts).toEqual([{ level: 'warn', message: 'secondary out of sync: gravity 150,002 vs 152,337 domains' }]);
  });

  it('secondary out of sync when its gravity is older than the tolerance (1 h by default)', () => {
    const stale = parseDns(raw(healthy(), [pihole('primary', 150_000, 3600), pihole('secondary', 150_000, 3 * 24 * 3600)]), config);
    expect(stale.drift[0]).toMatchObject({ inSync: false, reasons: ["gravity updated 3 d before primary's"] });
    expect(config.syncTolerance).toBe(HOUR);
  });

  it('blocking disabled on a Pi-hole warns with the time left', () => {
    const reading = parseDns(
      raw(healthy(), [pihole('primary', 150_000, 3600, { blocking: 'disabled', timer: 240 }), pihole('secondary')]),
      config,
    );
    expect(assessDns(reading).alerts).toEqual([{ level: 'warn', message: 'primary Pi-hole: blocking disabled (4m left)' }]);
  });

  it("a Pi-hole API error shows, but not while that server's DNS is down anyway", () => {
    const authNeeded: PiholeRaw = {
      server: 'secondary',
      summary: { error: { kind: 'auth-needed', message: 'auth needed: set PW' } },
      blocking: { error: { kind: 'auth-needed', message: 'auth needed: set PW' } },
    };
    const reading = parseDns(raw(healthy(), [pihole('primary'), authNeeded]), config);
    expect(reading.servers[1]?.pihole).toEqual({
      summary: null,
      blocking: null,
      error: { kind: 'auth-needed', message: 'auth needed: set PW' },
    });
    expect(reading.drift).toEqual([]);
    expect(assessDns(reading).alerts).toEqual([{ level: 'warn', message: 'secondary Pi-hole: auth needed: set PW' }]);

    const unreachable: PiholeRaw = {
      server: 'primary',
      summary: { error: { kind: 'unreachable', message: 'no answer within 3s' } },
      blocking: { error: { kind: 'unreachable', message: 'no answer within 3s' } },
    };
    const primaryDown = parseDns(
      raw([...all('primary', 'timeout'), ...all('secondary', 'ok'), ...all('router', 'ok')], [unreachable, pihole('secondary')]),
      config,
    );
    expect(assessDns(primaryDown).alerts.map((a) => a.message)).toEqual(['FAILOVER: clients use secondary 10.0.10.20 — primary timed out']);
  });

  it('a summary Pi-hole cannot have sent is a parse error on that server, not a crash', () => {
    const odd: PiholeRaw = {
      server: 'primary',
      summary: { body: { hello: 'world' } },
      blocking: { body: { blocking: 'enabled', timer: null } },
    };
    const reading = parseDns(raw(healthy(), [odd, pihole('secondary')]), config);
    expect(reading.servers[0]?.pihole).toMatchObject({ summary: null, blocking: { state: 'enabled' }, error: { kind: 'parse' } });
  });
});

describe('dnsReader', () => {
  it('asks every server every name together, within one timeout, and carries the Pi-hole answers', async () => {
    const asked: string[] = [];
    const read = dnsReader(
      config,
      {
        query: async (target, name, type, timeoutMs) => {
          asked.push(`${target.name}:${target.address}:${target.port} ${name} ${type} ${timeoutMs}`);
          await new Promise((r) => setTimeout(r, 100));
          return answer(target.name, name, 'ok');
        },
        piholes: [],
      },
      () => AT,
    );
    const started = Date.now();
    const result = await read(new AbortController().signal);
    // Six queries of 100 ms each: together, not one after another (600 ms).
    expect(Date.now() - started).toBeLessThan(450);
    expect(result.at).toBe(AT);
    expect(asked.sort()).toEqual([
      'primary:10.0.10.10:53 example.com A 1500',
      'primary:10.0.10.10:53 nas.home A 1500',
      'router:10.0.10.1:53 example.com A 1500',
      'router:10.0.10.1:53 nas.home A 1500',
      'secondary:10.0.10.20:53 example.com A 1500',
      'secondary:10.0.10.20:53 nas.home A 1500',
    ]);
    // No Pi-hole read: the configured Pi-holes show as not read rather than vanishing.
    expect(parseDns(result, config).servers[0]?.pihole?.error).toEqual({ kind: 'unreachable', message: 'not read' });
  });

  it('gives the monitor a timeout that covers the queries and the Pi-hole calls', () => {
    const probe = dnsProbe(async () => raw(healthy()), config);
    expect(probe).toMatchObject({ id: 'dns', intervalMs: 10_000 });
    expect(probe.timeoutMs).toBeGreaterThan(2 * config.piholeTimeout);
  });
});

describe('a server in use that answers badly', () => {
  it('NXDOMAIN for every name keeps clients on it (no failover) but the headline warns', () => {
    const reading = parseDns(raw([...all('primary', 'nxdomain'), ...all('secondary', 'ok'), ...all('router', 'ok')]), config);
    expect(reading).toMatchObject({ clientsUse: 'primary', failover: false });
    expect(dnsHeadline(reading)).toEqual({
      tone: 'warn',
      text: 'clients use primary 10.0.10.10 — but nas.home NXDOMAIN, example.com NXDOMAIN · 3/3 servers answer',
    });
    expect(assessDns(reading).alerts).toEqual([
      { level: 'warn', message: 'primary 10.0.10.10: nas.home NXDOMAIN, example.com NXDOMAIN (local record missing?)' },
    ]);
  });
});
