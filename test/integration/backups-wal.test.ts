// WAL archiving read from a real PostgreSQL with archive_mode on (scripts/services.sh): working,
// then failing (archive_command changed to one that fails, a segment switched out), through psql
// on this machine and over SSH; the server is put back as it was afterwards.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { assessBackups, backupsReader, parseBackups } from '../../src/probes/backups/probe.js';
import { requirePostgres, requireSshd, testServices } from '../helpers/services.js';

const never = new AbortController().signal;
const { postgres: pg, ssh } = testServices();

function sql(query: string): string {
  return execFileSync(
    'psql',
    ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'postgres', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', query],
    { encoding: 'utf8', timeout: 10_000 },
  ).trim();
}

type Archiver = { archived: number; failing: boolean };
function archiver(): Archiver {
  const [archived, failing] = sql(
    "select archived_count || '|' || coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) from pg_stat_archiver",
  ).split('|');
  return { archived: Number(archived), failing: failing === 'true' };
}

async function until(check: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return check();
}

/** Writes a little WAL and switches to a new segment, so that the finished one is archived. */
function switchSegment(): void {
  sql('create table if not exists homeops_wal_check (at timestamptz); insert into homeops_wal_check values (now())');
  sql('select pg_switch_wal()');
}

function estate(walHost: 'here' | 'nas') {
  return configSchema.parse({
    hosts: {
      here: { local: true },
      nas: { ssh: { host: ssh.host, port: ssh.port, user: ssh.user, identityFile: ssh.privateKeyPath, knownHosts: ssh.knownHostsPath } },
    },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    backups: {
      timeout: '8s',
      sets: [
        {
          name: 'database',
          host: 'here',
          path: '/nonexistent-backups',
          schedule: '4h',
          walArchive: { host: walHost, address: pg.host, port: pg.port, user: pg.user },
        },
      ],
    },
  });
}

async function walOf(walHost: 'here' | 'nas') {
  const config = estate(walHost);
  const hosts = hostsFromConfig(config, process.env);
  try {
    const reading = parseBackups(await backupsReader(config.backups!, hosts)(never), config.backups!);
    return { wal: reading.sets[0]!.wal!, alerts: assessBackups(reading).alerts.filter((a) => a.message.includes('WAL')) };
  } finally {
    hosts.closeAll();
  }
}

describe.runIf(requirePostgres())('WAL archiving from pg_stat_archiver (PostgreSQL with archive_mode on)', () => {
  const overSsh = requireSshd();

  beforeAll(async () => {
    // A failure left over from an earlier run would make "working" fail: archive once first.
    switchSegment();
    expect(await until(() => !archiver().failing)).toBe(true);
  });

  afterAll(async () => {
    sql('alter system reset archive_command');
    sql('select pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));
    switchSegment();
    await until(() => !archiver().failing);
    sql('drop table if exists homeops_wal_check');
  });

  it('archiving working: ok, with the newest archived segment and when', async () => {
    const before = archiver().archived;
    switchSegment();
    expect(await until(() => archiver().archived > before)).toBe(true);
    const { wal, alerts } = await walOf('here');
    expect(wal).toMatchObject({ state: 'ok', host: 'here', error: null });
    expect(wal.archivedCount).toBeGreaterThan(before);
    expect(wal.lastArchivedWal).toMatch(/^[0-9A-F]{24}$/);
    expect(Date.now() - (wal.lastArchivedAt ?? 0)).toBeLessThan(60_000);
    expect(alerts).toEqual([]);
  });

  it.runIf(overSsh)('psql run on another host, over SSH, reads the same', async () => {
    const { wal } = await walOf('nas');
    expect(wal).toMatchObject({ state: 'ok', host: 'nas' });
  });

  it('archiving failing: crit, naming the segment that failed and the last one archived', async () => {
    sql("alter system set archive_command = 'false'");
    sql('select pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));
    switchSegment();
    expect(await until(() => archiver().failing)).toBe(true);
    const { wal, alerts } = await walOf('here');
    expect(wal.state).toBe('failing');
    expect(wal.failedCount).toBeGreaterThan(0);
    expect(wal.lastFailedAt).toBeGreaterThan(wal.lastArchivedAt ?? 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.level).toBe('crit');
    expect(alerts[0]?.message).toMatch(
      /^database: WAL archiving failing — [0-9A-F]{24} failed at \d\d:\d\d:\d\d; last archived \d\d:\d\d:\d\d \([0-9A-F]{24}\)$/,
    );
  });

  it('a server that does not answer: the WAL check says why, within the timeout', async () => {
    const config = configSchema.parse({
      hosts: { here: { local: true } },
      plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
      backups: {
        timeout: '3s',
        sets: [
          {
            name: 'database',
            host: 'here',
            path: '/x',
            schedule: '4h',
            walArchive: { host: 'here', address: '127.0.0.1', port: 1, user: 'postgres' },
          },
        ],
      },
    });
    const hosts = hostsFromConfig(config, process.env);
    const reading = parseBackups(await backupsReader(config.backups!, hosts)(never), config.backups!);
    expect(reading.sets[0]?.wal).toMatchObject({ state: 'unknown' });
    expect(reading.sets[0]?.wal?.error).toMatch(
      /^psql on here failed \(exit 2\): connection to server at "127\.0\.0\.1", port 1 failed: Connection refused/,
    );
  });
});
