// One DNS query: how each kind of failure is told apart, and that a silent server costs the
// timeout set, not c-ares's longer one. The servers here are plain UDP sockets, so these run
// everywhere; test/integration/dns-probe.test.ts does the same against real dnsmasq.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyDnsError, DnsAbortedError, queryDns, serverSpec } from '../../src/probes/dns/query.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A UDP socket on loopback that receives queries and never answers (a hung server). */
async function silentServer(): Promise<{ port: number; received: () => number }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, received: () => count };
}

/** A port nothing listens on (bound, read, closed). */
async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const never = new AbortController().signal;

describe('classifyDnsError', () => {
  it.each([
    ['ENOTFOUND', 'nxdomain'],
    ['ENODATA', 'nodata'],
    ['EREFUSED', 'refused'],
    ['ESERVFAIL', 'servfail'],
    ['ETIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'conn-refused'],
    ['EBADRESP', 'error'],
    [undefined, 'error'],
  ] as const)('%s → %s', (code, outcome) => {
    expect(classifyDnsError(code, false)).toBe(outcome);
  });

  it('is a timeout whatever the code when our own timer cancelled the query', () => {
    expect(classifyDnsError('ECANCELLED', true)).toBe('timeout');
    expect(classifyDnsError('ECANCELLED', false)).toBe('error');
  });
});

describe('serverSpec', () => {
  it('writes IPv4 as address:port and brackets IPv6', () => {
    expect(serverSpec('10.0.10.10', 53)).toBe('10.0.10.10:53');
    expect(serverSpec('fd00::53', 5353)).toBe('[fd00::53]:5353');
  });
});

describe('queryDns', () => {
  it('gives up on a silent server at the timeout set, asking once', async () => {
    const server = await silentServer();
    const started = Date.now();
    const answer = await queryDns({ name: 'hung', address: '127.0.0.1', port: server.port }, 'nas.home', 'A', 300, never);
    const took = Date.now() - started;
    expect(answer).toMatchObject({ server: 'hung', name: 'nas.home', outcome: 'timeout', records: [] });
    // c-ares alone often takes about twice the timeout (590 ms for 300); our timer ends it on time.
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(540);
    expect(answer.latencyMs).toBeGreaterThanOrEqual(290);
    expect(server.received()).toBe(1);
  });

  it('tells a port nobody listens on (connection refused) from a timeout, at once', async () => {
    const port = await closedPort();
    const started = Date.now();
    const answer = await queryDns({ name: 'stopped', address: '127.0.0.1', port }, 'nas.home', 'A', 2000, never);
    expect(answer.outcome).toBe('conn-refused');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('rejects (is not an outcome of the server) when the caller aborts', async () => {
    const server = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      queryDns({ name: 'hung', address: '127.0.0.1', port: server.port }, 'nas.home', 'A', 5000, controller.signal),
    ).rejects.toBeInstanceOf(DnsAbortedError);
  });
});
