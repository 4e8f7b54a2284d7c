// Backup sets in real restic and borg repositories: made here with the real programs, backups
// dated with --time / --timestamp, then read by the backups reader on this machine and over SSH
// as the NAS's unprivileged user. Fresh and overdue, a wrong password, a path that is not a
// repository, and borg refusing an unencrypted repository it has not seen before.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { assessBackups, backupsReader, parseBackups } from '../../src/probes/backups/probe.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { requireSshd, testServices } from '../helpers/services.js';

const HOUR = 3_600_000;
const never = new AbortController().signal;

const haveRestic = requireService('restic', () => haveCommand('restic'), 'apt-get install restic');
const haveBorg = requireService('borg', () => haveCommand('borg'), 'apt-get install borgbackup');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-repos-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'ledger.sql'), 'COPY ledger FROM stdin;\n'.repeat(200));
  writeFileSync(join(dir, 'restic-pw'), 'correct horse\n', { mode: 0o644 });
  writeFileSync(join(dir, 'borg-pw'), 'battery staple\n', { mode: 0o644 });
  writeFileSync(join(dir, 'bad-pw'), 'wrong\n', { mode: 0o644 });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** "2026-11-27 04:00:00" in this machine's time zone, as restic --time and borg --timestamp take it. */
function localTime(ms: number, separator = ' '): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}${separator}${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Runs a backup program with its own cache and config under `dir`, so nothing of the user's is touched. */
function run(program: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(program, args, {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), BORG_BASE_DIR: join(dir, 'borg-base'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Everything under the repositories readable by the NAS's SSH user (another user than root). */
function openUp(path: string): void {
  execFileSync('chmod', ['-R', 'a+rX', path]);
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for borg to take the lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function estate(sets: unknown[], nas?: { port: number; user: string; identityFile: string; knownHosts: string }) {
  return configSchema.parse({
    hosts: {
      here: { local: true },
      ...(nas ? { nas: { address: '127.0.0.1', ssh: { host: '127.0.0.1', connectTimeout: '3s', ...nas } } } : {}),
    },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    backups: { timeout: '20s', sets },
  });
}

async function read(config: ReturnType<typeof estate>) {
  const hosts = hostsFromConfig(config, { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), BORG_BASE_DIR: join(dir, 'borg-base') });
  try {
    const reading = parseBackups(await backupsReader(config.backups!, hosts)(never), config.backups!);
    return { reading, assessment: assessBackups(reading) };
  } finally {
    hosts.closeAll();
  }
}

describe.runIf(haveRestic)('restic (a real repository)', () => {
  const now = Date.now();
  let repo: string;
  beforeAll(() => {
    repo = join(dir, 'restic');
    const pw = ['--password-file', join(dir, 'restic-pw')];
    run('restic', ['-r', repo, 'init', ...pw, '-q']);
    run('restic', ['-r', repo, 'backup', ...pw, '-q', '--time', localTime(now - 26 * HOUR), join(dir, 'data')]);
    run('restic', ['-r', repo, 'backup', ...pw, '-q', '--time', localTime(now - 2 * HOUR), join(dir, 'data')]);
    openUp(repo);
  });

  it("its snapshots: the newest one's time and age, the count, fresh against a daily schedule and overdue against an hourly one", async () => {
    const { reading, assessment } = await read(
      estate([
        { name: 'application', host: 'here', kind: 'restic', path: repo, schedule: '1d', passwordFile: join(dir, 'restic-pw'), keep: 7 },
        { name: 'hourly', host: 'here', kind: 'restic', path: repo, schedule: '1h', passwordFile: join(dir, 'restic-pw') },
      ]),
    );
    const [daily, hourly] = reading.sets;
    expect(daily).toMatchObject({
      state: 'fresh',
      count: 2,
      location: `restic repository ${repo}`,
      retention: { kind: 'versions', count: 2, limit: 7, over: false },
    });
    // restic keeps the time to the second it was given.
    expect(Math.abs((daily?.newest?.at ?? 0) - (now - 2 * HOUR))).toBeLessThan(1000);
    expect(daily?.newest?.name).toMatch(/^[0-9a-f]{8}$/);
    expect(hourly?.state).toBe('overdue');
    expect(assessment.alerts.map((a) => a.message)).toEqual([
      expect.stringMatching(/^hourly: overdue — newest backup 2h old, made every 1h/),
    ]);
  });

  it('a wrong password and a path that is no repository are told apart', async () => {
    const { reading } = await read(
      estate([
        { name: 'locked', host: 'here', kind: 'restic', path: repo, schedule: '1d', passwordFile: join(dir, 'bad-pw') },
        {
          name: 'nowhere',
          host: 'here',
          kind: 'restic',
          path: join(dir, 'not-a-repo'),
          schedule: '1d',
          passwordFile: join(dir, 'restic-pw'),
        },
      ]),
    );
    expect(reading.sets.map((s) => [s.state, s.problem?.reason, s.problem?.message])).toEqual([
      ['unknown', 'permission', `wrong password for the restic repository ${repo} on here`],
      ['missing', 'not-found', `no restic repository at ${join(dir, 'not-a-repo')} on here`],
    ]);
  });

  describe.runIf(requireSshd())("over SSH as the NAS's user", () => {
    it('the same snapshots, read on the NAS', async () => {
      const { ssh } = testServices();
      const { reading } = await read(
        estate([{ name: 'application', host: 'nas', kind: 'restic', path: repo, schedule: '1d', passwordFile: join(dir, 'restic-pw') }], {
          port: ssh.port,
          user: ssh.user,
          identityFile: ssh.privateKeyPath,
          knownHosts: ssh.knownHostsPath,
        }),
      );
      expect(reading.sets[0]).toMatchObject({ host: 'nas', state: 'fresh', count: 2, problem: null });
    });
  });
});

describe.runIf(haveBorg)('borg (a real repository)', () => {
  const now = Date.now();
  let repo: string;
  let plain: string;
  beforeAll(() => {
    repo = join(dir, 'borg');
    plain = join(dir, 'borg-plain');
    const pass = { BORG_PASSCOMMAND: `cat ${join(dir, 'borg-pw')}` };
    run('borg', ['init', '-e', 'repokey', repo], pass);
    run('borg', ['create', '--timestamp', localTime(now - 9 * 24 * HOUR, 'T'), `${repo}::media-1`, join(dir, 'data')], pass);
    run('borg', ['create', '--timestamp', localTime(now - 2 * 24 * HOUR, 'T'), `${repo}::media-2`, join(dir, 'data')], pass);
    // An unencrypted repository made elsewhere: this machine's borg has never seen it.
    run('borg', ['init', '-e', 'none', plain], { BORG_BASE_DIR: join(dir, 'elsewhere') });
    run('borg', ['create', `${plain}::one`, join(dir, 'data')], { BORG_BASE_DIR: join(dir, 'elsewhere') });
  });

  it("its archives: the newest one's time (borg writes local time) and age, the count, against the schedule", async () => {
    const { reading } = await read(
      estate([
        { name: 'media', host: 'here', kind: 'borg', path: repo, schedule: '7d', passwordFile: join(dir, 'borg-pw') },
        { name: 'daily', host: 'here', kind: 'borg', path: repo, schedule: '1d', passwordFile: join(dir, 'borg-pw') },
      ]),
    );
    const [weekly, daily] = reading.sets;
    expect(weekly).toMatchObject({ state: 'fresh', count: 2, newest: { name: 'media-2' }, oldest: { name: 'media-1' } });
    expect(Math.abs((weekly?.newest?.at ?? 0) - (now - 2 * 24 * HOUR))).toBeLessThan(1000);
    expect(daily?.state).toBe('overdue');
  });

  it('a wrong passphrase and a path that is no repository are told apart', async () => {
    const { reading } = await read(
      estate([
        { name: 'locked', host: 'here', kind: 'borg', path: repo, schedule: '7d', passwordFile: join(dir, 'bad-pw') },
        { name: 'nowhere', host: 'here', kind: 'borg', path: join(dir, 'no-borg'), schedule: '7d' },
      ]),
    );
    expect(reading.sets.map((s) => [s.state, s.problem?.reason, s.problem?.message])).toEqual([
      ['unknown', 'permission', `wrong password for the borg repository ${repo} on here`],
      ['missing', 'not-found', `no borg repository at ${join(dir, 'no-borg')} on here`],
    ]);
  });

  it("a backup holding the repository's lock does not stall the read", async () => {
    const holder = spawn('borg', ['with-lock', repo, 'sleep', '30'], {
      env: { ...process.env, BORG_BASE_DIR: join(dir, 'borg-base'), BORG_PASSCOMMAND: `cat ${join(dir, 'borg-pw')}` },
      stdio: 'ignore',
    });
    try {
      await until(() => readdirSync(repo).some((name) => name.startsWith('lock.')));
      const { reading } = await read(
        estate([{ name: 'media', host: 'here', kind: 'borg', path: repo, schedule: '7d', passwordFile: join(dir, 'borg-pw') }]),
      );
      expect(reading.sets[0]).toMatchObject({ state: 'fresh', count: 2, problem: null });
    } finally {
      // borg writes the repository's index files as it lets go: wait for it to finish.
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.kill();
      await exited;
    }
  });

  describe.runIf(requireSshd())("over SSH as the NAS's user, who may read the repository but not write its lock", () => {
    it('the same archives, read on the NAS', async () => {
      openUp(repo);
      const { ssh } = testServices();
      const { reading } = await read(
        estate([{ name: 'media', host: 'nas', kind: 'borg', path: repo, schedule: '7d', passwordFile: join(dir, 'borg-pw') }], {
          port: ssh.port,
          user: ssh.user,
          identityFile: ssh.privateKeyPath,
          knownHosts: ssh.knownHostsPath,
        }),
      );
      expect(reading.sets[0]).toMatchObject({ host: 'nas', state: 'fresh', count: 2, problem: null });
    });
  });

  it('an unencrypted repository borg has not seen here is not read unasked, and the message says what to do', async () => {
    const { reading } = await read(estate([{ name: 'plain', host: 'here', kind: 'borg', path: plain, schedule: '7d' }]));
    expect(reading.sets[0]?.state).toBe('unknown');
    expect(reading.sets[0]?.problem?.message).toBe(
      `borg on here has not seen the unencrypted repository ${plain} before and will not read it unasked: run "borg list ${plain}" there once and answer y`,
    );
  });
});
