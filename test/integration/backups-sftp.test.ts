// Backups on "the NAS", read over SFTP from a real OpenSSH server on loopback: fresh and
// overdue sets, a directory the SSH user may not read, a missing one; the NAS going away (last
// known values with their age, "unreachable since"), coming back; and a port that never
// speaks SSH, which delays nothing past the timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { type Hosts, hostsFromConfig } from '../../src/hosts/registry.js';
import { assessBackups, backupsReader, parseBackups } from '../../src/probes/backups/probe.js';
import { requireSshd, testServices } from '../helpers/services.js';
import { SSHD, type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.js';

const HOUR = 3_600_000;
const never = new AbortController().signal;

function backup(folder: string, name: string, ageMs: number, size = 100): void {
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  chmodSync(folder, 0o755);
  writeFileSync(join(folder, name), 'x'.repeat(size), { mode: 0o644 });
  const when = new Date(Date.now() - ageMs);
  utimesSync(join(folder, name), when, when);
}

function estate(nas: { port: number; user: string; identityFile: string; knownHosts: string }, sets: unknown[], timeout = '5s') {
  return configSchema.parse({
    hosts: {
      here: { local: true },
      nas: { address: '127.0.0.1', ssh: { host: '127.0.0.1', connectTimeout: '3s', ...nas } },
    },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    backups: { timeout, sets },
  });
}

describe.runIf(requireSshd())('over SFTP as an unprivileged SSH user (scripts/services.sh sshd)', () => {
  const { ssh } = testServices();
  let dir: string;
  let hosts: Hosts;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeops-nas-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => {
    hosts?.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fresh and overdue sets, a directory the user may not read, one that is not there', async () => {
    for (let i = 0; i < 3; i++) backup(join(dir, 'db'), `homeops-${i}.dump`, 9 * HOUR + i * 4 * HOUR, 2000);
    for (let i = 0; i < 30; i++) backup(join(dir, 'config'), `config-${i}.tgz`, 5 * 60_000 + i * HOUR);
    backup(join(dir, 'private'), 'secret.tar', HOUR);
    // Owned by root, readable by root alone: the SSH user gets "permission denied".
    chmodSync(join(dir, 'private'), 0o700);
    const config = estate({ port: ssh.port, user: ssh.user, identityFile: ssh.privateKeyPath, knownHosts: ssh.knownHostsPath }, [
      { name: 'configuration', host: 'nas', path: join(dir, 'config'), schedule: '1h', keep: 30 },
      { name: 'database', host: 'nas', path: join(dir, 'db'), glob: '*.dump', schedule: '4h', keep: '7d' },
      { name: 'application', host: 'nas', path: join(dir, 'private'), schedule: '1d' },
      { name: 'media', host: 'nas', path: join(dir, 'nothing-here'), schedule: '7d' },
    ]);
    hosts = hostsFromConfig(config, process.env);
    const reading = parseBackups(await backupsReader(config.backups!, hosts)(never), config.backups!);
    expect(reading.sets.map((s) => [s.name, s.state, s.count])).toEqual([
      ['configuration', 'fresh', 30],
      ['database', 'overdue', 3],
      ['application', 'unknown', 0],
      ['media', 'missing', 0],
    ]);
    expect(reading.sets[1]?.newest).toMatchObject({ name: 'homeops-0.dump', size: 2000 });
    // SFTP gives whole seconds.
    expect(Math.abs((reading.sets[1]?.ageMs ?? 0) - 9 * HOUR)).toBeLessThan(5000);
    expect(reading.sets[2]?.problem).toMatchObject({
      reason: 'permission',
      message: `permission denied reading ${join(dir, 'private')} on nas`,
    });
    expect(reading.sets[3]?.problem?.message).toBe(`no such directory: ${join(dir, 'nothing-here')} on nas`);
    const assessment = assessBackups(reading);
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts.map((a) => a.message)).toContain(`application: permission denied reading ${join(dir, 'private')} on nas`);
  });
});

describe.runIf(sshdAvailable())('when the NAS goes away (a private sshd, killed)', () => {
  let sshd: Sshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startSshd();
    dir = join(sshd.dir, 'backups');
    for (let i = 0; i < 4; i++) backup(join(dir, 'db'), `db-${i}.dump`, HOUR + i * 4 * HOUR);
    backup(join(dir, 'here'), 'app.tar', HOUR);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('keeps the last known values with their age, says since when it is unreachable, and recovers', async () => {
    let t = Date.now();
    let restarted: ChildProcess | undefined;
    const config = estate({ port: sshd.port, user: sshd.user, identityFile: sshd.clientKey, knownHosts: sshd.knownHosts }, [
      { name: 'database', host: 'nas', path: join(dir, 'db'), glob: '*.dump', schedule: '4h' },
      { name: 'local', host: 'here', path: join(dir, 'here'), schedule: '1d' },
    ]);
    const hosts = hostsFromConfig(config, process.env);
    try {
      const read = backupsReader(config.backups!, hosts, { now: () => t });
      const first = parseBackups(await read(never), config.backups!);
      expect(first.sets[0]).toMatchObject({ state: 'fresh', count: 4, problem: null });
      const seenAt = first.at;

      sshd.killAll();
      await new Promise((r) => setTimeout(r, 200));
      t += 120_000;
      const started = Date.now();
      const down = parseBackups(await read(never), config.backups!);
      expect(Date.now() - started).toBeLessThan(5000);
      const db = down.sets[0]!;
      expect(db).toMatchObject({ state: 'fresh', count: 4, seenAt });
      expect(db.problem?.reason).toBe('unreachable');
      expect(db.problem?.message).toMatch(/^nas unreachable since \d\d:\d\d:\d\d \(.+\)$/);
      const assessment = assessBackups(down);
      expect(assessment.status).toBe('warn');
      expect(assessment.summary).toBe('2 sets fresh; nas unreachable');
      expect(assessment.alerts.find((a) => a.message.startsWith('nas unreachable since'))?.message).toMatch(/— database as seen 2m ago$/);

      // The NAS is back (same port, same keys): after the SSH host's retry pause, reads work again.
      restarted = spawn(SSHD, ['-D', '-e', '-f', join(sshd.dir, 'sshd_config')], { stdio: 'ignore' });
      let back = down;
      for (let attempt = 0; attempt < 40 && back.sets[0]?.problem; attempt++) {
        await new Promise((r) => setTimeout(r, 250));
        t = Date.now();
        back = parseBackups(await read(never), config.backups!);
      }
      expect(back.sets[0]).toMatchObject({ state: 'fresh', problem: null, seenAt: back.at });
    } finally {
      hosts.closeAll();
      restarted?.kill('SIGKILL');
    }
  });
});

describe('a NAS that accepts TCP and never speaks SSH', () => {
  let silent: Server;
  let port: number;
  beforeAll(async () => {
    silent = createServer(() => {});
    port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
  });
  afterAll(() => {
    silent.close();
  });

  it('costs the read no more than the timeout, and the local sets are read all the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-local-'));
    try {
      backup(dir, 'a.tar', HOUR);
      const config = estate(
        { port, user: 'nobody', identityFile: '/nonexistent', knownHosts: '/nonexistent' },
        [
          { name: 'database', host: 'nas', path: '/volume1/backups/db', schedule: '4h' },
          { name: 'local', host: 'here', path: dir, schedule: '1d' },
        ],
        '700ms',
      );
      const hosts = hostsFromConfig(config, process.env);
      const started = Date.now();
      const reading = parseBackups(await backupsReader(config.backups!, hosts)(never), config.backups!);
      hosts.closeAll();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(reading.sets[0]?.problem).toMatchObject({ reason: 'unreachable', message: 'nas: no SSH connection within 700 ms' });
      expect(assessBackups(reading).alerts[0]?.message).toMatch(
        /^nas unreachable since \d\d:\d\d:\d\d \(nas: no SSH connection within 700 ms\) — database never read$/,
      );
      expect(reading.sets[1]?.state).toBe('fresh');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
