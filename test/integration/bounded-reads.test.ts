// Bounded reads: outside data never takes the console's memory. A stand-in engine on a unix
// socket that misbehaves as no real engine would (a Content-Length of 10^12, answers and streams
// of 150 MB; test/helpers/misbehaving-engine.ts), reached directly and over a real sshd, and real
// HTTP servers on loopback for Pi-hole and Gluetun. Memory is checked as a correctness bound on
// the built `homeops status` (its peak RSS stays under 200 MB), not as a benchmark.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema, dnsSchema, vpnSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import { engineActions } from '../../src/docker/actions.js';
import { DockerEngine, localTarget, sshTarget } from '../../src/docker/engine.js';
import { EngineError } from '../../src/docker/errors.js';
import { EventWatcher, type WatcherState } from '../../src/docker/events.js';
import { SshHost } from '../../src/hosts/ssh.js';
import type { DnsReading } from '../../src/model/dns.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import type { VpnReading } from '../../src/model/vpn.js';
import { describeError } from '../../src/monitor/monitor.js';
import { dnsReader, parseDns, piholeTargets } from '../../src/probes/dns/probe.js';
import { liveVpnSources, vpnProbe, vpnReader } from '../../src/probes/vpn/probe.js';
import { dnsPane } from '../../src/ui/panes/dns.js';
import { vpnPane } from '../../src/ui/panes/vpn.js';
import { lineText } from '../../src/ui/text.js';
import { cli as CLI, ensureBuilt } from '../helpers/built.js';
import { ENDLESS_BYTES, type MisbehavingEngine, startMisbehavingEngine } from '../helpers/misbehaving-engine.js';
import { haveCommand } from '../helpers/require-service.js';
import { type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const never = new AbortController().signal;
const config = readUserFile(estateConfigPath(), configSchema);
const MB = 1024 * 1024;
const HUGE = 10 ** 12;

let engine: MisbehavingEngine;
let dir: string;
beforeAll(async () => {
  engine = await startMisbehavingEngine();
  dir = mkdtempSync(join(tmpdir(), 'homeops-bounded-'));
});
afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const route of ['list', 'events', 'logs', 'restart'] as const) engine.set(route, null);
});

/** `homeops status` against the stand-in engine: its output and its peak resident memory. */
async function status(): Promise<{ stdout: string; peakBytes: number }> {
  ensureBuilt();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    [
      'hosts: { ws: { local: true } }',
      'plan: { host: ws, groups: [{ name: app, cores: 1, containers: [web] }] }',
      `docker: { endpoints: [{ host: ws, socket: "unix://${engine.socket}" }], timeout: 10s }`,
      '',
    ].join('\n'),
  );
  // Node's own count of the process's peak RSS, written as it exits.
  const peak = join(dir, 'peak.cjs');
  writeFileSync(peak, "process.on('exit', () => process.stderr.write(`PEAK-RSS-KB ${process.resourceUsage().maxRSS}\\n`));\n");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', peak, CLI, '--config', configFile, 'status'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        XDG_STATE_HOME: join(dir, 'state'),
        XDG_CONFIG_HOME: join(dir, 'config'),
        HOMEOPS_HOST_PROFILE: 'local',
        LANG: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('close', () => {
      const kb = /PEAK-RSS-KB (\d+)/.exec(stderr)?.[1];
      if (!kb) fail(new Error(`no peak reported: ${stderr}`));
      else done({ stdout, peakBytes: Number(kb) * 1024 });
    });
  });
}

const containersLine = (stdout: string) => stdout.split('\n').find((l) => /\bcontainers\b/.test(l)) ?? '';

describe('the Docker engine client, local socket', () => {
  it('`homeops status` against an engine streaming 150 MB: the pane says why, and the process stays under 200 MB', async () => {
    engine.set('list', 'endless');
    const { stdout, peakBytes } = await status();
    expect(containersLine(stdout)).toContain(
      `Docker engine at unix://${engine.socket}: the answer to /containers/json is larger than the 8 MB read from an engine; reading stopped`,
    );
    expect(peakBytes).toBeLessThan(200 * MB);
    // It stopped reading: the engine could not write anywhere near all of it.
    expect(engine.written()).toBeLessThan(ENDLESS_BYTES / 2);
  }, 60_000);

  it('a Content-Length of 10^12 is refused from the header, before anything is allocated', async () => {
    engine.set('list', 'huge-length');
    const { stdout, peakBytes } = await status();
    expect(containersLine(stdout)).toContain(
      `the answer to /containers/json would be ${HUGE} bytes (Content-Length), over the 8 MB read from an engine; not read`,
    );
    expect(peakBytes).toBeLessThan(200 * MB);
  }, 60_000);

  it('an event stream with no line end is dropped with a reason (and retried), not gathered', async () => {
    engine.set('events', 'endless');
    const docker = new DockerEngine(localTarget('ws', `unix://${engine.socket}`, {}));
    const states: WatcherState[] = [];
    const watcher = new EventWatcher(
      docker,
      () => {},
      (state) => states.push(state),
    );
    try {
      watcher.start();
      const deadline = Date.now() + 10_000;
      while (!states.some((s) => !s.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const dropped = states.find((s): s is Extract<WatcherState, { connected: false }> => !s.connected);
      expect(dropped?.error.message).toBe(
        `Docker engine at unix://${engine.socket} sent an event line longer than 64 KB on its event stream; dropped it`,
      );
      expect(engine.written()).toBeLessThan(ENDLESS_BYTES / 2);
    } finally {
      watcher.stop();
      docker.close();
    }
  });

  it('a log frame announcing 4 GB and 150 MB without a newline come out as 64 KB pieces as they arrive', async () => {
    engine.set('logs', 'endless');
    const docker = new DockerEngine(localTarget('ws', `unix://${engine.socket}`, {}));
    const actions = engineActions(new Map([['ws', docker]]), { stopTimeoutMs: 1000, logLines: 200 });
    try {
      let pieces = 0;
      let longest = 0;
      for await (const line of actions.logs({ host: 'ws', id: 'web' }, { timestamps: false })) {
        pieces++;
        longest = Math.max(longest, line.text.length);
      }
      expect(longest).toBe(64 * 1024);
      expect(pieces).toBe(ENDLESS_BYTES / (64 * 1024));
    } finally {
      docker.close();
    }
  }, 60_000);

  it('an action answered with 150 MB is an error with the reason, read no further', async () => {
    engine.set('restart', 'endless');
    const docker = new DockerEngine(localTarget('ws', `unix://${engine.socket}`, {}));
    try {
      const error = await docker.post('/containers/web/restart', { t: 1 }, { timeoutMs: 10_000 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EngineError);
      expect((error as Error).message).toBe(
        `Docker engine at unix://${engine.socket}: the answer to /containers/web/restart is larger than the 64 KB read from an engine; reading stopped`,
      );
    } finally {
      docker.close();
    }
  });
});

describe.runIf(sshdAvailable() && haveCommand('docker'))('the Docker engine client over SSH (dial-stdio)', () => {
  let sshd: Sshd;
  let host: SshHost;
  beforeAll(async () => {
    sshd = await startSshd();
    host = new SshHost(sshdTarget(sshd, { connectTimeoutMs: 5000 }));
  });
  afterAll(async () => {
    host?.close();
    await sshd?.stop();
  });

  it('refuses a Content-Length of 10^12 and stops a 150 MB answer, on the pooled connection', async () => {
    const docker = new DockerEngine(sshTarget('nas', host, `unix://${engine.socket}`));
    try {
      engine.set('list', 'huge-length');
      const huge = await docker.getJson('/containers/json', { all: true }, { timeoutMs: 10_000 }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(huge?.message).toBe(
        `Docker engine at nas over SSH (unix://${engine.socket}): the answer to /containers/json would be ${HUGE} bytes (Content-Length), over the 8 MB read from an engine; not read`,
      );
      engine.set('list', 'endless');
      const endless = await docker.getJson('/containers/json', { all: true }, { timeoutMs: 20_000 }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(endless?.message).toContain('the answer to /containers/json is larger than the 8 MB read from an engine; reading stopped');
      // The host's connection is still good for the next call.
      engine.set('list', null);
      expect(await docker.getJson('/containers/json', { all: true }, { timeoutMs: 10_000 })).toEqual([]);
    } finally {
      docker.close();
    }
  }, 60_000);
});

describe('Pi-hole and Gluetun over HTTP', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** A server answering every request with a Content-Length of 10^12, or with 150 MB chunked. */
  async function oversized(how: 'huge-length' | 'endless'): Promise<string> {
    const server = createServer((req, res) => {
      req.resume();
      if (how === 'huge-length') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(HUGE) });
        res.write('{"session":');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const piece = Buffer.from(' '.repeat(64 * 1024));
      let sent = 0;
      const more = () => {
        while (sent < ENDLESS_BYTES && !res.destroyed) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end();
      };
      more();
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it.each(['huge-length', 'endless'] as const)(
    'Pi-hole answering %s: the DNS pane says the answer was too large',
    async (how) => {
      const url = await oversized(how);
      const dns = dnsSchema.parse({
        servers: [{ name: 'primary', address: '127.0.0.1', port: 9, pihole: { url, passwordEnv: 'P' } }],
        names: [{ name: 'nas.home' }],
        piholeTimeout: '10s',
      });
      const read = dnsReader(dns, {
        query: async (target, name, type) => ({ server: target.name, name, type, outcome: 'ok', latencyMs: 1, records: ['10.0.10.20'] }),
        piholes: piholeTargets(dns, { P: 'secret' }),
      });
      const reading = parseDns(await read(never), dns);
      const message =
        how === 'huge-length'
          ? `answer of ${HUGE} bytes (Content-Length), over the 8 MB read; not read`
          : 'answer larger than 8 MB; reading stopped';
      expect(reading.servers[0]?.pihole?.error?.message).toBe(message);
      const entry: PaneEntry<DnsReading> = { status: 'warn', ageMs: 0, summary: '', alerts: [], data: reading };
      expect(dnsPane(entry, 160, 12, config).lines.map(lineText).join('\n')).toContain(`pi-hole API ${message}`);
    },
    30_000,
  );

  it('Gluetun answering a Content-Length of 10^12: the VPN pane says so', async () => {
    const url = await oversized('huge-length');
    const vpn = vpnSchema.parse({ url, apiKeyEnv: 'K', timeout: '5s' });
    const probe = vpnProbe(vpnReader(vpn, liveVpnSources(vpn, { env: { K: 'key' } })), vpn);
    const { status, message } = describeError(
      await probe.read(never).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(message).toContain(`answer of ${HUGE} bytes (Content-Length), over the 8 MB read; not read`);
    const entry: PaneEntry<VpnReading> = { status, ageMs: null, error: message, summary: '', alerts: [], data: null };
    expect(vpnPane(entry, 200, 8, config).lines.map(lineText).join('\n')).toContain('over the 8 MB read; not read');
  });
});
