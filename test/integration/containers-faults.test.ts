// What the containers pane says when the engine is not there, may not be used, or goes away
// while the console watches it (and comes back): against real sockets and a real dockerd.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import type { Hosts } from '../../src/hosts/registry.js';
import type { PaneId } from '../../src/model/panes.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { type DockerAccess, openDocker } from '../../src/probes/containers/access.js';
import { containersProbe } from '../../src/probes/containers/probe.js';
import { ProbeError } from '../../src/probes/probe.js';
import { privateDockerdAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const noHosts: Hosts = { get: () => undefined, names: () => [], closeAll() {}, unreachable: () => [], retryNow() {} };
const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function configFor(socket: string): Config {
  return configSchema.parse({
    hosts: { ws: { local: true } },
    plan: { host: 'ws', groups: [{ name: 'app', cores: 1, containers: ['web'] }] },
    docker: { endpoints: [{ host: 'ws', socket }], interval: '1s', timeout: '2s', statsInterval: '1s' },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ProbeError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProbeError)) throw new Error(`expected a ProbeError, got ${String(error)}`);
  return error;
}

describe('no engine', () => {
  it('a socket that does not exist: off, "no Docker engine at …"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-nodocker-'));
    const socket = join(dir, 'docker.sock');
    const access = openDocker(configFor(`unix://${socket}`), noHosts, { env: {} }) as DockerAccess;
    try {
      const error = await failureOf(access.read(never));
      expect(error.status).toBe('off');
      expect(error.message).toBe(`no Docker engine at unix://${socket} (no such socket)`);
    } finally {
      access.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('DOCKER_HOST is used when the endpoint names no socket', async () => {
    const config = configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'a', cores: 1 }] },
      docker: { endpoints: [{ host: 'ws' }] },
    });
    const access = openDocker(config, noHosts, { env: { DOCKER_HOST: 'unix:///nonexistent/homeops.sock' } }) as DockerAccess;
    try {
      expect((await failureOf(access.read(never))).message).toBe('no Docker engine at unix:///nonexistent/homeops.sock (no such socket)');
    } finally {
      access.close();
    }
    const unsupported = openDocker(config, noHosts, { env: { DOCKER_HOST: 'ssh://me@nas' } }) as DockerAccess;
    expect(await failureOf(unsupported.read(never))).toMatchObject({
      status: 'off',
      message: expect.stringContaining('DOCKER_HOST=ssh://me@nas is not supported'),
    });
  });
});

describe.runIf(privateDockerdAvailable())('a real engine', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    // Private: this file stops and starts it.
    engine = await startTestEngine({ private: true });
    await engine.runContainer(
      'web',
      ['--health-cmd', 'true', '--health-interval', '1s', '--health-retries', '1', '--stop-timeout', '1'],
      ['sleep', '3600'],
    );
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('permission denied: down, with the fix (a user outside the docker group)', async () => {
    // Root may open any socket; the check runs as nobody, as an ordinary user would.
    const code = `
      const { openDocker } = await import(${JSON.stringify(join(ROOT, 'src/probes/containers/access.ts'))});
      const { configSchema } = await import(${JSON.stringify(join(ROOT, 'src/config/schema.ts'))});
      const config = configSchema.parse(${JSON.stringify({ hosts: { ws: { local: true } }, plan: { host: 'ws', groups: [{ name: 'a', cores: 1 }] }, docker: { endpoints: [{ host: 'ws', socket: engine.dockerHost }] } })});
      const access = openDocker(config, { get() {}, names() { return []; }, closeAll() {}, unreachable: () => [], retryNow() {} }, { env: {} });
      try { await access.read(new AbortController().signal); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ status: e.status, message: e.message })); }
      finally { access.close(); }`;
    const out = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: ROOT,
        uid: 65534,
        gid: 65534,
        env: { PATH: process.env.PATH, HOME: tmpdir() },
      });
      let text = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        text += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        err += c;
      });
      child.on('error', fail);
      child.on('close', () => (text ? done(text) : fail(new Error(err))));
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { status?: string; message?: string };
    expect(result.status).toBe('down');
    expect(result.message).toBe(
      `permission denied on ${engine.dockerHost}: add your user to the docker group: sudo usermod -aG docker $USER, then log in again (or point DOCKER_HOST at an engine you may use)`,
    );
  }, 30_000);

  it('the engine going away: last values kept with their age, reconnected when it is back', async () => {
    const config = configFor(engine.dockerHost);
    const access = openDocker(config, noHosts, { env: {} }) as DockerAccess;
    const probe = containersProbe(access.read, config);
    // The monitor as the console runs it (its pane ids are the lead's to extend).
    const id = 'containers' as string as PaneId;
    const monitor = new Monitor([{ id, probe }], { host: 'test', refreshMs: 100_000 });
    const changes: number[] = [];
    const off = access.subscribe(() => changes.push(Date.now()));
    try {
      const good = (await monitor.once()).panes[id];
      expect(good.status).toBe('ok');
      const web = (good.data as unknown as { containers: { name: string; health: string }[] }).containers.find((c) => c.name === 'web');
      expect(web).toBeDefined();

      await engine.stopDaemon();
      await sleep(300);
      const error = await failureOf(access.read(never));
      // Seen before, so not "off": the engine went away, and we say when and that we retry.
      expect(error.status).toBe('down');
      expect(error.message).toMatch(
        new RegExp(
          `^Docker engine at ${engine.dockerHost.replace(/[/.]/g, '\\$&')} went away at \\d\\d:\\d\\d:\\d\\d \\((no such socket|connection refused)\\); retrying in \\d+ s$`,
        ),
      );
      // While it backs off, reads fail at once without touching the socket.
      const t = Date.now();
      await failureOf(access.read(never));
      expect(Date.now() - t).toBeLessThan(50);
      const stale = (await monitor.once()).panes[id];
      expect(stale.status).toBe('stale');
      expect(stale.data).toEqual(good.data);
      expect(stale.ageMs).toBeGreaterThanOrEqual(300);
      expect(stale.error).toMatch(/went away/);

      const before = changes.length;
      await engine.startDaemon();
      // The event stream reconnects on its own backoff and says so: a read follows at once.
      const deadline = Date.now() + 8000;
      while (changes.length === before && Date.now() < deadline) await sleep(100);
      expect(changes.length).toBeGreaterThan(before);
      const back = (await monitor.once()).panes[id];
      expect(back.status).not.toBe('stale');
      expect(back.ageMs).toBeLessThan(1000);
    } finally {
      off();
      monitor.stop();
      access.close();
    }
  }, 40_000);
});
