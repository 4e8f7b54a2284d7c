// The DNS probe against two real dnsmasq instances on loopback (Pi-hole's DNS core), as in
// reference/real-services.md §3: answers, NXDOMAIN, REFUSED, a stopped server (connection
// refused), a paused one (SIGSTOP: timeout), and failover when the primary hangs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dnsSchema } from '../../src/config/schema.js';
import { assessDns, dnsHeadline, dnsProbe, dnsReader, liveDnsSources, parseDns } from '../../src/probes/dns/probe.js';
import { queryDns } from '../../src/probes/dns/query.js';
import { type Dnsmasq, dnsmasqAvailable, startDnsmasq, stopAllDnsmasq } from '../helpers/dnsmasq.js';

const never = new AbortController().signal;
const TIMEOUT = 300;

describe.runIf(dnsmasqAvailable())('against real dnsmasq', () => {
  let primary: Dnsmasq;
  let secondary: Dnsmasq;

  beforeAll(async () => {
    [primary, secondary] = await Promise.all([startDnsmasq('dns1'), startDnsmasq('dns2')]);
  });
  afterAll(async () => {
    await stopAllDnsmasq();
  });
  afterEach(() => {
    primary.resume();
    secondary.resume();
  });

  const target = (d: Dnsmasq) => ({ name: d.name, address: '127.0.0.1', port: d.port });

  it('answers local records with their addresses, TXT too, in milliseconds', async () => {
    const nas = await queryDns(target(primary), 'nas.home', 'A', TIMEOUT, never);
    expect(nas).toMatchObject({ outcome: 'ok', records: ['10.0.10.20'] });
    expect(nas.latencyMs).toBeLessThan(TIMEOUT);
    expect((await queryDns(target(primary), 'backup.home', 'A', TIMEOUT, never)).records).toEqual(['10.0.10.21']);
    // Which instance answered: each one names itself.
    expect((await queryDns(target(secondary), 'instance.home', 'TXT', TIMEOUT, never)).records).toEqual(['dns2']);
  });

  it('tells NXDOMAIN (unknown local name) from REFUSED (outside name, no upstream)', async () => {
    expect((await queryDns(target(primary), 'unknown.home', 'A', TIMEOUT, never)).outcome).toBe('nxdomain');
    expect((await queryDns(target(primary), 'example.com', 'A', TIMEOUT, never)).outcome).toBe('refused');
  });

  it('a paused server (SIGSTOP) times out at the timeout set; it answers again once continued', async () => {
    primary.pause();
    const started = Date.now();
    const hung = await queryDns(target(primary), 'nas.home', 'A', TIMEOUT, never);
    expect(hung.outcome).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT - 10);
    expect(Date.now() - started).toBeLessThan(TIMEOUT + 400);
    primary.resume();
    expect((await queryDns(target(primary), 'nas.home', 'A', TIMEOUT, never)).outcome).toBe('ok');
  });

  it('the probe: primary in use while both answer; failover to the secondary while the primary hangs', async () => {
    const config = dnsSchema.parse({
      servers: [
        { name: 'primary', address: '127.0.0.1', port: primary.port },
        { name: 'secondary', address: '127.0.0.1', port: secondary.port },
      ],
      names: [
        { name: 'nas.home', local: true },
        { name: 'backup.home', local: true },
      ],
      timeout: TIMEOUT,
    });
    const probe = dnsProbe(dnsReader(config, liveDnsSources(config, {})), config);
    const readNow = async () => probe.parse(await probe.read(never));

    const healthy = await readNow();
    expect(dnsHeadline(healthy).text).toBe(`clients use primary 127.0.0.1:${primary.port} · 2/2 servers answer`);
    expect(assessDns(healthy).status).toBe('ok');

    primary.pause();
    const started = Date.now();
    const failover = await readNow();
    // All queries run together: one timeout, not one per server and name (4 × 300 ms).
    expect(Date.now() - started).toBeLessThan(3 * TIMEOUT);
    expect(failover).toMatchObject({ clientsUse: 'secondary', failover: true });
    expect(failover.servers[0]).toMatchObject({ health: 'down', why: 'timed out' });
    expect(failover.servers[1]?.answers.map((a) => [a.name, a.outcome, a.records])).toEqual([
      ['nas.home', 'ok', ['10.0.10.20']],
      ['backup.home', 'ok', ['10.0.10.21']],
    ]);
    const assessment = assessDns(failover);
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts[0]?.message).toBe(`FAILOVER: clients use secondary 127.0.0.1:${secondary.port} — primary timed out`);

    primary.resume();
    expect((await readNow()).clientsUse).toBe('primary');
  });

  it('a stopped server refuses the connection at once; with both gone nothing resolves (crit)', async () => {
    const lone = await startDnsmasq('dns3');
    const config = dnsSchema.parse({
      servers: [
        { name: 'gone', address: '127.0.0.1', port: lone.port },
        { name: 'hung', address: '127.0.0.1', port: secondary.port },
      ],
      names: [{ name: 'nas.home' }],
      timeout: TIMEOUT,
    });
    await lone.stop();
    const started = Date.now();
    const refused = await queryDns({ name: 'gone', address: '127.0.0.1', port: lone.port }, 'nas.home', 'A', 2000, never);
    expect(refused.outcome).toBe('conn-refused');
    expect(Date.now() - started).toBeLessThan(500);

    secondary.pause();
    const reading = parseDns(await dnsReader(config, liveDnsSources(config, {}))(never), config);
    expect(reading.servers.map((s) => [s.name, s.health, s.why])).toEqual([
      ['gone', 'down', 'connection refused'],
      ['hung', 'down', 'timed out'],
    ]);
    expect(assessDns(reading)).toMatchObject({ status: 'crit', summary: 'no DNS server answers' });
    expect(dnsHeadline(reading).text).toBe(
      'NO DNS: no server answers, clients cannot resolve names — gone connection refused, hung timed out',
    );
  });
});
