// Drills in the lab estate (scripts/lab.sh): the built-in database-restore runbook run for real
// from `homeops runbook run`, against a real PostgreSQL whose WAL is archived to the NAS's
// share, with the lab's config (examples/lab.yaml). The slower drills are in test/drills
// (`npm run drill`); these two run with `npm test`.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, homeEnv } from '../helpers/built.js';
import { homeops } from '../helpers/cli.js';
import {
  amcheck,
  auditOf,
  corruptEvents,
  docker,
  type Lab,
  labNormal,
  psql,
  requireLab,
  runIdOf,
  switchWal,
  waitArchived,
} from '../helpers/lab.js';

const lab = requireLab();

describe.runIf(lab)('database drills in the lab', () => {
  // Collected even when the lab is down (then skipped): nothing of it is read then.
  if (!lab) return;
  const l: Lab = lab;
  const home = mkdtempSync(join(tmpdir(), 'homeops-drill-'));
  const env = { ...homeEnv(home), HOMEOPS_CONFIG: l.config };
  const stateHome = env.XDG_STATE_HOME;
  // The workstation's /srv/homeops: postgres/data, and the copies of damaged data directories beside it.
  const srv = join(l.dir, 'ws/srv/homeops');
  const pgDir = join(srv, 'postgres');

  beforeAll(() => {
    ensureBuilt();
    labNormal(l);
  }, 300_000);
  afterAll(() => {
    labNormal(l);
    rmSync(home, { recursive: true, force: true });
  }, 300_000);

  it('database-restore, method pitr: rows archived after the base backup are back, the damage is gone, the damaged data directory is kept', async () => {
    const marker = `pitr-${Date.now().toString(36)}`;
    // A base backup, then rows that exist only in the WAL archive.
    docker(l, ['exec', 'backups', '/lab-bin/backups.sh', 'base']);
    psql(l, `insert into events (account, kind, detail) select 1 + i % 50, '${marker}', md5(i::text) from generate_series(1, 137) i`);
    await waitArchived(l, switchWal(l));
    const relation = corruptEvents(l);
    expect(amcheck(l)).toMatchObject({ code: 2 });
    const before = new Set(readdirSync(srv).filter((f) => f.startsWith('postgres-corrupted-')));

    const result = await homeops(['runbook', 'run', 'database-restore', '--yes', '--input', 'method=pitr'], { env, timeoutMs: 600_000 });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^database-restore: ok in /m);

    // Everything written before the damage is there, the rows from the WAL archive included.
    expect(psql(l, `select count(*) from events where kind = '${marker}'`)).toBe('137');
    expect(amcheck(l)).toEqual({ code: 0, output: expect.not.stringContaining('heap table') });
    // The damaged data directory was kept, with the damage in it.
    const kept = readdirSync(srv).filter((f) => f.startsWith('postgres-corrupted-') && !before.has(f));
    expect(kept).toHaveLength(1);
    const damaged = execFileSync('tar', ['-xzOf', join(srv, kept[0] ?? ''), `data/${relation}`]);
    expect(damaged.includes(Buffer.from('CORRUPTCORRUPT'))).toBe(true);
    expect(statSync(join(pgDir, 'data')).mode & 0o777).toBe(0o700);

    const audit = auditOf(stateHome, runIdOf(result.stdout));
    const states = Object.fromEntries(audit.filter((e) => e.event === 'step').map((e) => [e.step, e.state]));
    expect(states).toMatchObject({
      'stop-apps': 'ok',
      'backup-corrupted': 'ok',
      'restore-base-backup': 'ok',
      'replay-wal': 'ok',
      'start-database': 'skipped',
      'restore-dump': 'skipped',
      verify: 'ok',
      'database-healthy': 'ok',
      'start-apps': 'ok',
      monitor: 'ok',
    });
    expect(audit.at(-1)).toMatchObject({ event: 'run-end', status: 'ok' });
  }, 660_000);

  it('PostgreSQL refusing to start mid-restore ends in the rollback, at once, and the audit log says why', async () => {
    // A setting PostgreSQL reads only when it starts: the running server does not notice it,
    // the restore's start of the server fails on it.
    appendFileSync(join(pgDir, 'data/postgresql.auto.conf'), "shared_buffers = 'plenty'\n");
    const notifications = join(l.dir, 'nas/notifications.log');
    const notifiedBefore = readFileSync(notifications, 'utf8').length;
    try {
      const result = await homeops(['runbook', 'run', 'database-restore', '--yes', '--input', 'method=dump'], { env, timeoutMs: 300_000 });
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toMatch(/database-restore: FAILED at start-database/);
      // Not the step's 5 minutes: the wait saw the container stop.
      expect(result.ms).toBeLessThan(120_000);

      const audit = auditOf(stateHome, runIdOf(result.stdout));
      const start = audit.find((e) => e.step === 'start-database');
      expect(start).toMatchObject({ state: 'failed', exitCode: 1 });
      expect(start?.output).toMatch(/invalid value for parameter "shared_buffers": "plenty"/);
      expect(start?.output).toMatch(/PostgreSQL stopped while starting/);
      // Nothing ran after it: no dump restored into a server that is not there.
      expect(audit.some((e) => e.step === 'restore-dump' || e.step === 'verify' || e.step === 'start-apps')).toBe(false);
      expect(audit.find((e) => e.step === 'notify-failure')).toMatchObject({ phase: 'rollback', state: 'ok', host: 'nas' });
      expect(audit.at(-1)).toMatchObject({ event: 'run-end', status: 'failed', failedStep: 'start-database' });
      expect(readFileSync(notifications, 'utf8').slice(notifiedBefore)).toMatch(
        /HomeOps: The database restore did not finish; the application services are stopped/,
      );
    } finally {
      const conf = join(pgDir, 'data/postgresql.auto.conf');
      execFileSync('sed', ['-i', "/shared_buffers = 'plenty'/d", conf]);
      labNormal(l);
    }
  }, 360_000);

  it('homeops drill database: the newest dump restored into a throwaway server, never the live one; the result in status; a bad dump is a failed drill', async () => {
    const live = docker(l, ['inspect', '-f', '{{.State.StartedAt}}', 'postgres']).trim();
    const rows = psql(l, 'select count(*) from accounts');
    const drilled = await homeops(['drill', 'database'], { env, timeoutMs: 300_000 });
    expect(drilled.code, `${drilled.stdout}${drilled.stderr}`).toBe(0);
    expect(drilled.stdout).toMatch(
      /^database: restorable · homeops-\d{8}T\d{6}Z\.dump · 2 tables, \d+ rows; pg_amcheck found no corruption · /m,
    );
    expect(drilled.stdout).toContain(`  public.accounts  ${rows} rows`);
    // The live server was not restarted, and the throwaway one is gone.
    expect(docker(l, ['inspect', '-f', '{{.State.StartedAt}}', 'postgres']).trim()).toBe(live);
    expect(docker(l, ['ps', '-a', '-q', '--filter', 'name=homeops-drill']).trim()).toBe('');
    const status = await homeops(['status', '--json'], { env, timeoutMs: 60_000 });
    const snapshot = JSON.parse(status.stdout) as {
      panes: Record<string, { data?: { sets: { name: string; drill: { state: string } | null }[] } }>;
    };
    expect(snapshot.panes.backups?.data?.sets.find((s) => s.name === 'database')?.drill).toMatchObject({ state: 'restorable' });

    // A newest dump that is not an archive: the drill says so, and the backups pane turns crit.
    const broken = join(l.dir, 'nas/volume1/backups/db/homeops-99991231T000000Z.dump');
    writeFileSync(broken, 'not a dump, a disk that filled up half way\n');
    utimesSync(broken, new Date(), new Date(Date.now() + 60_000));
    try {
      const failed = await homeops(['drill', 'database'], { env, timeoutMs: 300_000 });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(
        /^database: DRILL FAILED · homeops-99991231T000000Z\.dump · pg_restore failed: pg_restore: error: input file does not appear to be a valid archive/m,
      );
      const after = await homeops(['status'], { env, timeoutMs: 60_000 });
      expect(after.code).toBe(2);
      expect(after.stdout).toMatch(/CRIT +backups +.*database drill failed/);
    } finally {
      rmSync(broken, { force: true });
    }
  }, 600_000);
});
