// The backups reader on this machine: real directories whose files have their times set, real
// programs in restic's and borg's place that print what those print, and one that hangs and is
// stopped at the timeout, leaving nothing running.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { assessBackups, backupsProbe, backupsReader } from '../../src/probes/backups/probe.js';

const HOUR = 3_600_000;
const never = new AbortController().signal;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-backups-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `name` in `folder` with `size` bytes, modified `ageMs` ago. */
function backup(folder: string, name: string, ageMs: number, size = 100): void {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, name);
  writeFileSync(file, 'x'.repeat(size));
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
}

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function estate(sets: unknown[], timeout = '5s') {
  return configSchema.parse({
    hosts: { here: { local: true } },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    backups: { timeout, sets },
  });
}

async function readOnce(config: ReturnType<typeof estate>) {
  const hosts = hostsFromConfig(config, process.env);
  const probe = backupsProbe(backupsReader(config.backups!, hosts), config.backups!);
  const reading = probe.parse(await probe.read(never));
  return { reading, assessment: assessBackups(reading) };
}

describe('directories of backup files', () => {
  it('fresh, due, overdue, empty and absent locations, and files that do not match', async () => {
    const db = join(dir, 'db');
    for (let i = 0; i < 5; i++) backup(db, `db-${i}.dump`, 9 * HOUR + i * 4 * HOUR, 1000);
    backup(db, 'notes.txt', 0);
    backup(db, '.db-5.dump.partial', 0);
    const app = join(dir, 'app');
    backup(app, 'app-1.tar', 30 * HOUR);
    backup(app, 'app-0.tar', 54 * HOUR);
    const config = join(dir, 'config');
    for (let i = 0; i < 31; i++) backup(config, `v${i}.tgz`, 10 * 60_000 + i * HOUR);
    mkdirSync(join(dir, 'empty'));
    const { reading, assessment } = await readOnce(
      estate([
        { name: 'configuration', host: 'here', path: config, schedule: '1h', keep: 30 },
        { name: 'database', host: 'here', path: db, glob: '*.dump', schedule: '4h', keep: '7d' },
        { name: 'application', host: 'here', path: app, schedule: '1d' },
        { name: 'media', host: 'here', path: join(dir, 'empty'), schedule: '7d' },
        { name: 'gone', host: 'here', path: join(dir, 'not-there'), schedule: '7d' },
      ]),
    );
    expect(reading.sets.map((s) => [s.name, s.state, s.count])).toEqual([
      ['configuration', 'fresh', 31],
      ['database', 'overdue', 5],
      ['application', 'due', 2],
      ['media', 'missing', 0],
      ['gone', 'missing', 0],
    ]);
    expect(reading.sets[1]?.newest).toMatchObject({ name: 'db-0.dump', size: 1000 });
    expect(Math.round((reading.sets[1]?.ageMs ?? 0) / 60_000)).toBe(9 * 60);
    expect(reading.sets[0]?.retention).toMatchObject({ kind: 'versions', count: 31, limit: 30, over: true });
    expect(reading.sets[4]?.problem?.message).toBe(`no such directory: ${join(dir, 'not-there')} on here`);
    expect(assessment.status).toBe('crit');
    expect(assessment.summary).toBe(
      '5 sets: 1 fresh, database overdue 9h (every 4h), application due 30h (every 1d), media missing, gone missing',
    );
  });

  it('kind dirs: each directory is one backup (base backups, rsync snapshots)', async () => {
    const base = join(dir, 'base');
    for (const [name, age] of [
      ['2026-05-01', 50 * HOUR],
      ['2026-05-02', 26 * HOUR],
      ['2026-05-03', 2 * HOUR],
    ] as const) {
      mkdirSync(join(base, name), { recursive: true });
      const when = new Date(Date.now() - age);
      utimesSync(join(base, name), when, when);
    }
    backup(base, 'stray-file', 0);
    const { reading } = await readOnce(estate([{ name: 'base', host: 'here', kind: 'dirs', path: base, schedule: '1d' }]));
    expect(reading.sets[0]).toMatchObject({ state: 'fresh', count: 3, newest: { name: '2026-05-03', size: null } });
  });
});

describe('restic and borg, run on the host', () => {
  it('the snapshot lists they print, with the arguments and environment the set gives', async () => {
    const now = Date.now();
    const snapshots = JSON.stringify([
      { time: new Date(now - 26 * HOUR).toISOString(), short_id: '11111111', summary: { total_bytes_processed: 900 } },
      { time: new Date(now - 2 * HOUR).toISOString(), short_id: '22222222', summary: { total_bytes_processed: 100 } },
    ]);
    writeFileSync(join(dir, 'snapshots.json'), snapshots);
    const restic = script('restic', `echo "$@" > ${dir}/restic-args\ncat ${dir}/snapshots.json`);
    const archives = JSON.stringify({
      archives: [{ name: 'media-1', start: new Date(now - 12 * 24 * HOUR).toISOString().replace('Z', '') }],
    });
    writeFileSync(join(dir, 'archives.json'), archives);
    const borg = script('borg', `env | grep ^BORG_ | sort > ${dir}/borg-env\ncat ${dir}/archives.json`);
    const { reading, assessment } = await readOnce(
      estate([
        {
          name: 'app',
          host: 'here',
          kind: 'restic',
          command: restic,
          path: '/srv/restic',
          schedule: '1d',
          passwordFile: '/etc/restic-pw',
          args: ['--tag', 'app'],
        },
        { name: 'media', host: 'here', kind: 'borg', command: borg, path: '/srv/borg', schedule: '7d' },
      ]),
    );
    expect(execFileSync('cat', [join(dir, 'restic-args')], { encoding: 'utf8' }).trim()).toBe(
      '-r /srv/restic snapshots --json --no-lock --password-file /etc/restic-pw --tag app',
    );
    expect(execFileSync('cat', [join(dir, 'borg-env')], { encoding: 'utf8' })).toContain('BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no');
    expect(reading.sets[0]).toMatchObject({
      state: 'fresh',
      count: 2,
      newest: { name: '22222222', size: 100 },
      sizeDrop: { fraction: 100 / 900 },
    });
    expect(reading.sets[1]?.state).toBe('overdue');
    expect(assessment.alerts.map((a) => a.level)).toEqual(['warn', 'crit']);
  });

  it('a missing repository, a failing and a missing program', async () => {
    const missing = script('restic-missing', 'echo "Fatal: repository does not exist: unable to open config file" >&2; exit 10');
    const failing = script('borg-failing', 'echo "Local Exception" >&2; exit 2');
    const { reading } = await readOnce(
      estate([
        { name: 'a', host: 'here', kind: 'restic', command: missing, path: '/srv/r', schedule: '1d' },
        { name: 'b', host: 'here', kind: 'borg', command: failing, path: '/srv/b', schedule: '1d' },
        { name: 'c', host: 'here', kind: 'restic', command: join(dir, 'no-such-restic'), path: '/srv/r', schedule: '1d' },
      ]),
    );
    expect(reading.sets.map((s) => [s.state, s.problem?.message])).toEqual([
      ['missing', 'no restic repository at /srv/r on here'],
      ['unknown', 'borg on here failed (exit 2): Local Exception'],
      ['unknown', `${join(dir, 'no-such-restic')}: command not found on here`],
    ]);
  });

  it('a program that hangs is stopped at the timeout, with everything it started, and blocks no other set', async () => {
    const marker = `homeops-hang-${process.pid}`;
    const hang = script('restic-hang', `sleep 30 # ${marker}\n`);
    backup(join(dir, 'quick'), 'q.tar', HOUR);
    const started = Date.now();
    const { reading } = await readOnce(
      estate(
        [
          { name: 'slow', host: 'here', kind: 'restic', command: hang, path: '/srv/r', schedule: '1d' },
          { name: 'quick', host: 'here', path: join(dir, 'quick'), schedule: '1d' },
        ],
        '800ms',
      ),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reading.sets[0]?.problem).toMatchObject({ reason: 'timeout' });
    expect(reading.sets[1]?.state).toBe('fresh');
    await new Promise((r) => setTimeout(r, 300));
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    })();
    expect(left).toBe('');
  });
});
