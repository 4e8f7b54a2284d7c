// The services probe against real servers on loopback: an HTTP server (status codes, a keyword,
// a slow answer), an HTTPS server with a self-signed certificate this test makes (one expiring in
// 5 days), a TCP port that accepts and never answers, a port nothing listens on, dnsmasq for DNS
// answers, containers on a Docker engine (healthy, unhealthy, without a health check, exited); and the same checks made from another host over its SSH connection (a real sshd), as
// the outage profile makes them from the NAS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ServiceConfig, servicesSchema } from '../../src/config/schema.js';
import { connectLocal } from '../../src/hosts/local.js';
import type { Hosts } from '../../src/hosts/registry.js';
import { SshHost } from '../../src/hosts/ssh.js';
import { type DockerAccess, openDocker } from '../../src/probes/containers/access.js';
import { type CheckSources, runCheck, servicesReader } from '../../src/probes/services/checks.js';
import { servicesProbe } from '../../src/probes/services/probe.js';
import type { ServiceReading, ServicesReading } from '../../src/probes/services/types.js';
import { type Dnsmasq, dnsmasqAvailable, startDnsmasq, stopAllDnsmasq } from '../helpers/dnsmasq.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';
import { freePort, type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const never = new AbortController().signal;
const TIMEOUT = 400;
const here: CheckSources = { origin: () => ({ connect: connectLocal, remote: false }) };

const listen = (server: Server | HttpServer) =>
  new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

/** A self-signed certificate for 127.0.0.1, valid for `days` from now (openssl, as an estate makes one). */
function selfSigned(dir: string, days: number): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, `key-${days}.pem`);
  const certFile = join(dir, `cert-${days}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      String(days),
      '-subj',
      '/CN=auth.home',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:auth.home',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** A service as the config has it (defaults filled in). */
function service(fields: Record<string, unknown>): ServiceConfig {
  const parsed = servicesSchema.parse({ list: [{ name: 'svc', ...fields }] }).list[0];
  if (!parsed) throw new Error('no service');
  return parsed;
}

const http = createHttpServer((req, res) => {
  if (req.url === '/health') return res.end('{"status":"ok"}');
  if (req.url === '/bad') {
    res.statusCode = 502;
    return res.end('<h1>502 Bad Gateway</h1>');
  }
  if (req.url === '/slow') return void setTimeout(() => res.end('ok'), 150);
  res.statusCode = 404;
  res.end('not found');
});
// Accepts every connection and never says a word.
const silentSockets: Socket[] = [];
const silent = createTcpServer((socket) => {
  silentSockets.push(socket);
  socket.on('error', () => {});
});

let dir: string;
let httpPort: number;
let silentPort: number;
let closedPort: number;
let httpsPort: number;
let shortCert: string;
let https: HttpServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-services-'));
  const short = selfSigned(dir, 5);
  shortCert = short.certFile;
  https = createHttpsServer({ key: short.key, cert: short.cert }, (_req, res) => res.end('{"status":"ok"}'));
  [httpPort, silentPort, httpsPort, closedPort] = await Promise.all([listen(http), listen(silent), listen(https), freePort()]);
});

afterAll(() => {
  for (const socket of silentSockets) socket.destroy();
  http.close();
  https.close();
  silent.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checks from this machine', () => {
  it('HTTP: up with its status and a response time; the keyword is looked for in the body', async () => {
    const seen = await runCheck(
      service({ check: { http: { url: `http://127.0.0.1:${httpPort}/health`, keyword: 'ok' } } }),
      here,
      TIMEOUT,
      never,
    );
    expect(seen.http).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(seen.ms).toBeGreaterThan(0);
    expect(seen.ms).toBeLessThan(TIMEOUT);
  });

  it('HTTP: a 502, a missing keyword, a silent server and a closed port are each down with why', async () => {
    const config = servicesSchema.parse({
      timeout: TIMEOUT,
      downAfter: 1,
      list: [
        { name: 'bad', check: { http: { url: `http://127.0.0.1:${httpPort}/bad` } } },
        { name: 'word', check: { http: { url: `http://127.0.0.1:${httpPort}/health`, keyword: 'healthy' } } },
        { name: 'mute', check: { http: { url: `http://127.0.0.1:${silentPort}/health` } } },
        { name: 'closed', check: { http: { url: `http://127.0.0.1:${closedPort}/health` } } },
      ],
    });
    const probe = servicesProbe(servicesReader(config, here), config);
    const started = Date.now();
    const reading = probe.parse(await probe.read(never));
    // The checks run side by side: the silent one costs its timeout, not the sum of them.
    expect(Date.now() - started).toBeLessThan(TIMEOUT * 3);
    const why = Object.fromEntries(reading.services.map((s) => [s.name, [s.state, s.why]]));
    expect(why).toEqual({
      bad: ['down', 'HTTP 502 (expected 2xx or 3xx)'],
      word: ['down', 'HTTP 200 without "healthy" in the body'],
      mute: ['down', 'no answer within 400ms'],
      closed: ['down', 'connection refused'],
    });
  });

  it("HTTPS: the certificate's days left, verified against the CA file; a warning at 14 days, critical at 3", async () => {
    const config = servicesSchema.parse({
      timeout: 2000,
      certificate: { warn: '14d', crit: '3d' },
      list: [
        { name: 'auth', priority: 1, check: { http: { url: `https://127.0.0.1:${httpsPort}/auth/health`, keyword: 'ok', ca: shortCert } } },
      ],
    });
    const probe = servicesProbe(servicesReader(config, here), config);
    const reading = probe.parse(await probe.read(never));
    const auth = reading.services[0];
    expect(auth?.state).toBe('up');
    expect(auth?.certDaysLeft).toBeGreaterThan(4.9);
    expect(auth?.certDaysLeft).toBeLessThanOrEqual(5);
    expect(auth?.level).toBe('warn');
    expect(probe.assess(reading, Date.now()).alerts).toEqual([
      { level: 'warn', message: expect.stringMatching(/^auth certificate expires in (4d|5d|1\d\dh)/) as unknown as string },
    ]);
    // The same certificate with the critical threshold past it.
    const strict = servicesSchema.parse({ ...config, certificate: { warn: '30d', crit: '6d' } });
    const critical = servicesProbe(servicesReader(strict, here), strict);
    expect(critical.parse(await critical.read(never)).services[0]?.level).toBe('crit');
  });

  it('HTTPS: an unverifiable certificate is down with why, unless insecure (then up, its days still read)', async () => {
    const url = `https://127.0.0.1:${httpsPort}/`;
    const strict = await runCheck(service({ check: { http: { url } } }), here, 2000, never);
    expect(strict.failure?.kind).toBe('tls');
    expect(strict.failure?.message).toMatch(/^TLS: .*self[- ]signed/i);
    const config = servicesSchema.parse({ list: [{ name: 'auth', check: { http: { url, insecure: true } } }] });
    const probe = servicesProbe(servicesReader(config, here), config);
    const auth = probe.parse(await probe.read(never)).services[0];
    expect(auth?.state).toBe('up');
    expect(auth?.note).toMatch(/^certificate not verified/);
    expect(auth?.certDaysLeft).toBeGreaterThan(4.9);
  });

  it("TLS: the handshake alone gives the certificate's subject and days", async () => {
    const seen = await runCheck(service({ check: { tls: { address: '127.0.0.1', port: httpsPort, ca: shortCert } } }), here, 2000, never);
    expect(seen.tls?.subject).toBe('auth.home');
    expect(seen.tls?.authorized).toBe(true);
    expect((Date.parse(seen.tls?.validTo ?? '') - Date.now()) / 86_400_000).toBeCloseTo(5, 0);
  });

  it('TCP: a port that accepts is up even if it never answers; a closed one is refused', async () => {
    const up = await runCheck(service({ check: { tcp: { address: '127.0.0.1', port: silentPort } } }), here, TIMEOUT, never);
    expect(up.tcp).toEqual({ connected: true });
    const closed = await runCheck(service({ check: { tcp: { address: '127.0.0.1', port: closedPort } } }), here, TIMEOUT, never);
    expect(closed.failure).toEqual({ kind: 'refused', message: 'connection refused' });
  });

  it('p95 and error rate over 5 minutes: a slow endpoint over its threshold warns; one failure in a row is a blip, two an outage', async () => {
    let fail = false;
    const flaky = createHttpServer((_req, res) => {
      res.statusCode = fail ? 500 : 200;
      setTimeout(() => res.end('ok'), 60);
    });
    const port = await listen(flaky);
    try {
      const config = servicesSchema.parse({
        timeout: 2000,
        slow: '30ms',
        errorRate: { warn: 5, crit: 40 },
        list: [{ name: 'api', priority: 2, check: { http: { url: `http://127.0.0.1:${port}/` } } }],
      });
      const probe = servicesProbe(servicesReader(config, here), config);
      const read = async () => probe.parse(await probe.read(never)).services[0] as ServiceReading;
      const first = await read();
      expect(first.state).toBe('up');
      expect(first.lastMs).toBeGreaterThanOrEqual(55);
      expect(first.p95.m5).toBeGreaterThanOrEqual(55);
      expect(first.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^api slow: p95 \d+ms over 5m \(above 30ms\)$/)]);
      fail = true;
      const blip = await read();
      expect(blip.state).toBe('up');
      expect(blip.note).toBe('the last check failed: HTTP 500 (expected 2xx or 3xx)');
      expect(blip.errorRate.m5).toBe(0.5);
      expect(blip.level).toBe('crit');
      const down = await read();
      expect(down.state).toBe('down');
      expect(down.downSince).toBe(new Date(Date.parse(blip.lastCheck ?? '')).toISOString());
      expect(down.problems[0]?.message).toMatch(/^api down \d+ms of 30m: HTTP 500 \(expected 2xx or 3xx\) \(priority 2\)$/);
      fail = false;
      const back = await read();
      expect([back.state, back.downSince]).toEqual(['up', null]);
    } finally {
      flaky.close();
    }
  });
});

describe.runIf(dnsmasqAvailable())('DNS answers from real dnsmasq', () => {
  let dns: Dnsmasq;
  beforeAll(async () => {
    dns = await startDnsmasq('svc-dns');
  });
  afterAll(async () => {
    dns.resume();
    await stopAllDnsmasq();
  });

  const check = (name: string) => service({ check: { dns: { server: '127.0.0.1', port: dns.port, name } } });

  it('up with the records; an unknown name and a hung server are down with why', async () => {
    const config = servicesSchema.parse({
      timeout: TIMEOUT,
      downAfter: 1,
      list: [
        { name: 'dns', priority: 1, check: { dns: { server: '127.0.0.1', port: dns.port, name: 'nas.home' } } },
        { name: 'missing', check: { dns: { server: '127.0.0.1', port: dns.port, name: 'unknown.home' } } },
      ],
    });
    const probe = servicesProbe(servicesReader(config, here), config);
    let reading: ServicesReading = probe.parse(await probe.read(never));
    expect(reading.services.map((s) => [s.name, s.state, s.why ?? s.note])).toEqual([
      ['dns', 'up', '10.0.10.20'],
      ['missing', 'down', 'unknown.home: no such name (NXDOMAIN)'],
    ]);
    dns.pause();
    reading = probe.parse(await probe.read(never));
    expect(reading.services[0]).toMatchObject({ state: 'down', why: 'no answer within 400ms', level: 'warn' });
    expect(reading.services[0]?.problems[0]?.message).toMatch(/^dns down \d+ms of 5m: no answer within 400ms \(priority 1\)$/);
    dns.resume();
    expect((await runCheck(check('nas.home'), here, TIMEOUT, never)).dns?.records).toEqual(['10.0.10.20']);
  });
});

describe.runIf(sshdAvailable() && dnsmasqAvailable())('checks from another host, over its SSH connection', () => {
  let sshd: Sshd;
  let nas: SshHost;
  let dns: Dnsmasq;
  beforeAll(async () => {
    [sshd, dns] = await Promise.all([startSshd(), startDnsmasq('svc-dns-ssh')]);
    nas = new SshHost(sshdTarget(sshd, { connectTimeoutMs: 5000 }));
  });
  afterAll(async () => {
    nas?.close();
    await Promise.all([sshd?.stop(), stopAllDnsmasq()]);
  });

  const fromNas = (): CheckSources => ({ origin: () => ({ connect: nas.connectTcp.bind(nas), remote: true }) });
  const logins = () =>
    readFileSync(sshd.log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('Accepted publickey')).length;

  it('HTTP, HTTPS, TCP and DNS (over TCP) through one SSH login; a closed port is refused there', async () => {
    const config = servicesSchema.parse({
      timeout: 3000,
      downAfter: 1,
      list: [
        { name: 'web', from: 'nas', check: { http: { url: `http://127.0.0.1:${httpPort}/health`, keyword: 'ok' } } },
        { name: 'auth', from: 'nas', check: { http: { url: `https://127.0.0.1:${httpsPort}/`, ca: shortCert } } },
        { name: 'db', from: 'nas', check: { tcp: { address: '127.0.0.1', port: silentPort } } },
        { name: 'dns', from: 'nas', check: { dns: { server: '127.0.0.1', port: dns.port, name: 'nas.home' } } },
        { name: 'closed', from: 'nas', check: { tcp: { address: '127.0.0.1', port: closedPort } } },
      ],
    });
    const before = logins();
    const probe = servicesProbe(servicesReader(config, fromNas()), config);
    const reading = probe.parse(await probe.read(never));
    expect(reading.services.map((s) => [s.name, s.state])).toEqual([
      ['web', 'up'],
      ['auth', 'up'],
      ['db', 'up'],
      ['dns', 'up'],
      ['closed', 'down'],
    ]);
    expect(reading.services.find((s) => s.name === 'dns')?.note).toBe('10.0.10.20');
    expect(reading.services.find((s) => s.name === 'auth')?.certDaysLeft).toBeGreaterThan(4.9);
    expect(reading.services.find((s) => s.name === 'closed')?.why).toBe('connection refused');
    expect(logins() - before).toBe(1);
  });

  it('a host that cannot be reached checks nothing: its services are unknown, not down', async () => {
    const gone = new SshHost(sshdTarget(sshd, { name: 'gone', port: await freePort(), connectTimeoutMs: 1000 }));
    try {
      const config = servicesSchema.parse({
        timeout: 2000,
        list: [{ name: 'web', priority: 1, from: 'gone', check: { http: { url: `http://127.0.0.1:${httpPort}/health` } } }],
      });
      const probe = servicesProbe(
        servicesReader(config, { origin: () => ({ connect: gone.connectTcp.bind(gone), remote: true }) }),
        config,
      );
      const reading = probe.parse(await probe.read(never));
      expect(reading.services[0]).toMatchObject({ state: 'unknown', level: 'unknown', downSince: null });
      expect(reading.services[0]?.why).toMatch(/^not checked: /);
      expect(probe.assess(reading, Date.now()).alerts).toEqual([]);
    } finally {
      gone.close();
    }
  });
});

describe.runIf(dockerEngineAvailable())('container checks on a real Docker engine', () => {
  let engine: TestEngine;
  let access: DockerAccess;
  let prefix: string;
  const noHosts: Hosts = { get: () => undefined, names: () => [], closeAll() {}, unreachable: () => [], retryNow() {} };

  beforeAll(async () => {
    engine = await startTestEngine();
    prefix = `svc${engine.run}`;
    const fast = ['--health-interval', '1s', '--health-retries', '1'];
    await Promise.all([
      engine.runContainer(`${prefix}-ok`, ['--health-cmd', 'echo fine', ...fast], ['sleep', '3600']),
      engine.runContainer(`${prefix}-bad`, ['--health-cmd', 'exit 1', ...fast], ['sleep', '3600']),
      engine.runContainer(`${prefix}-plain`, [], ['sleep', '3600']),
      engine.runContainer(`${prefix}-exited`, [], ['sh', '-c', 'exit 3']),
    ]);
    const config = configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'a', cores: 1 }] },
      docker: { endpoints: [{ host: 'ws', socket: engine.dockerHost }], timeout: '3s' },
    });
    access = openDocker(config, noHosts, { env: {} }) as DockerAccess;
  }, 120_000);
  afterAll(async () => {
    access?.close();
    await engine?.stop();
  });

  it('healthy and running without a health check are up; unhealthy, exited and missing are down with why', async () => {
    const names = ['ok', 'bad', 'plain', 'exited', 'missing'];
    const config = servicesSchema.parse({
      timeout: 3000,
      downAfter: 1,
      list: names.map((n) => ({ name: n, runsOn: 'ws', check: { container: { name: `${prefix}-${n}` } } })),
    });
    const sources: CheckSources = {
      origin: () => ({ connect: connectLocal, remote: false }),
      containerStatus: (_host, name, signal) => access.containerStatus(name, signal),
    };
    const probe = servicesProbe(servicesReader(config, sources), config);
    const expected = {
      ok: ['up', 'healthy'],
      bad: ['down', 'unhealthy'],
      plain: ['up', 'running, no health check'],
      exited: ['down', 'container exited, not running'],
      missing: ['down', `no container ${prefix}-missing`],
    };
    const of = (r: ServicesReading) => Object.fromEntries(r.services.map((s) => [s.name, [s.state, s.why ?? s.note]]));
    // Health checks run every second: read until each container has settled, at most 15 s.
    let reading = probe.parse(await probe.read(never));
    const end = Date.now() + 15_000;
    while (JSON.stringify(of(reading)) !== JSON.stringify(expected) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      reading = probe.parse(await probe.read(never));
    }
    expect(of(reading)).toEqual(expected);
  });
});
