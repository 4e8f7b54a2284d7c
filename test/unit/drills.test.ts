// Drills without a host: what the database drill's output means, how a sample of a restic or
// borg snapshot is judged, the record in the state directory, the config's drill: field and the
// command line. The drills themselves run against real repositories and a real PostgreSQL in
// test/integration (drills-repos, lab-drills).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { formatDrill } from '../../src/cli/drill.js';
import { configSchema } from '../../src/config/schema.js';
import { UserFileError, validateDocument } from '../../src/config/user-file.js';
import { MARK, parsePostgresDrill, postgresDrillCommand } from '../../src/drills/postgres.js';
import {
  chooseSample,
  parseBorgList,
  parseResticList,
  type RepositoryFile,
  sampleSummary,
  sampleVerdicts,
} from '../../src/drills/sample.js';
import { drillLogPath, lastDrills, recordDrill } from '../../src/drills/store.js';
import type { DrillRecord } from '../../src/model/drill.js';

const root = mkdtempSync(join(tmpdir(), 'homeops-drills-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the database drill's output", () => {
  const phases = (...names: string[]) => names.map((n) => `${MARK} phase ${n}`).join('\n');

  it("every phase passed: restorable, with each table's rows", () => {
    const stdout = `${phases('run', 'start', 'restore', 'amcheck', 'count')}\n${MARK} table public.accounts 50\n${MARK} table "odd schema"."a table" 7\n${MARK} ok\n`;
    expect(parsePostgresDrill(stdout, 'NOTICE:  extension "amcheck" already exists, skipping\n', 0)).toEqual({
      ok: true,
      tables: [
        { name: 'public.accounts', rows: 50 },
        { name: '"odd schema"."a table"', rows: 7 },
      ],
    });
  });

  it("a damaged archive fails at the restore, in pg_restore's words", () => {
    const outcome = parsePostgresDrill(
      phases('run', 'start', 'restore'),
      'pg_restore: error: input file does not appear to be a valid archive (too short?)\n',
      1,
    );
    expect(outcome).toEqual({
      ok: false,
      phase: 'restore',
      tables: [],
      error: 'pg_restore failed: pg_restore: error: input file does not appear to be a valid archive (too short?)',
    });
  });

  it('corruption found by pg_amcheck fails the drill with its report', () => {
    const stdout = `${phases('run', 'start', 'restore', 'amcheck')}\nheap table "drill.public.events", block 0, offset 48:\n    line pointer redirection to item at offset 21584 exceeds maximum offset 88\n`;
    const outcome = parsePostgresDrill(stdout, '', 2);
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({
      phase: 'amcheck',
      error: expect.stringMatching(/^pg_amcheck found corruption or could not check: .*exceeds maximum offset 88$/),
    });
  });

  it('an unreadable archive, a container that would not run, a drill stopped half way', () => {
    expect(parsePostgresDrill(phases('read'), '', 1)).toMatchObject({
      ok: false,
      error: "the archive cannot be read on the drill's host (exit 1)",
    });
    expect(parsePostgresDrill(phases('run'), 'docker: Error response from daemon: No such image: postgres:15.\n', 125)).toMatchObject({
      ok: false,
      error: 'the throwaway container did not run: docker: Error response from daemon: No such image: postgres:15.',
    });
    expect(parsePostgresDrill(phases('run', 'start', 'restore'), '', null)).toMatchObject({
      ok: false,
      error: 'pg_restore failed (stopped)',
    });
  });

  it("the command: the archive mounted read-only into a container without network, removed afterwards, of the live container's image", () => {
    const command = postgresDrillCommand({
      docker: ['sudo', '-n', 'docker'],
      image: { container: 'postgres' },
      dump: "/mnt/nas/backups/db/it's.dump",
      name: 'homeops-drill-database-abc',
    });
    expect(command).toContain("image=$(sudo -n docker inspect -f '{{.Config.Image}}' postgres)");
    expect(command).toContain(
      "sudo -n docker run --rm --name homeops-drill-database-abc --network none --user postgres -v '/mnt/nas/backups/db/it'\\''s.dump:/drill/backup.dump:ro' --entrypoint sh \"$image\" -c ",
    );
    expect(command).toMatch(/^test -r '\/mnt\/nas\/backups\/db\/it'\\''s\.dump' /);
  });
});

describe('a sample of a restic or borg snapshot', () => {
  const file = (path: string, size: number, mtime = '2026-11-27T04:00:00.123456789Z'): RepositoryFile => ({
    path,
    size,
    mtimeMs: Date.parse(mtime),
  });
  const line = (restored: string, size: number | '-', source: string, sourceSize: number | '-', mtimeS: number | '-', path: string) =>
    `${MARK} file ${restored} ${size} ${source} ${sourceSize} ${mtimeS} ${path}`;
  const at = Math.floor(Date.parse('2026-11-27T04:00:00Z') / 1000);

  it('restic: the same as an unchanged source; a changed source by size only; a different file or none fails', () => {
    const sample = [file('/srv/a.txt', 3), file('/srv/b c.txt', 5), file('/srv/d', 9), file('/srv/e', 1), file('/srv/f', 2)];
    const stdout = [
      line('aa', 3, 'aa', 3, at, '/srv/a.txt'),
      line('bb', 5, 'zz', 6, at + 60, '/srv/b c.txt'),
      line('cc', 9, 'dd', 9, at, '/srv/d'),
      line('-', '-', 'ee', 1, at, '/srv/e'),
      line('ff', 2, '-', '-', '-', '/srv/f'),
    ].join('\n');
    const { files } = sampleVerdicts('restic', sample, stdout);
    expect(files.map((f) => f.verdict)).toEqual(['same', 'changed', 'differs', 'missing', 'changed']);
    expect(sampleSummary(files)).toBe('5 files restored: 1 same, 2 changed since (size compared), 1 DIFFER, 1 NOT RESTORED');
  });

  it('borg: compared with the checksum the repository holds', () => {
    const sample = [
      { path: 'srv/a', size: 3, mtimeMs: null },
      { path: 'srv/b', size: 3, mtimeMs: null },
    ];
    const stdout = [
      `${MARK} repo {"type": "-", "path": "srv/a", "sha256": "aa"}`,
      `${MARK} repo {"type": "-", "path": "srv/b", "sha256": "bb"}`,
      line('aa', 3, '-', '-', '-', 'srv/a'),
      line('xx', 3, '-', '-', '-', 'srv/b'),
    ].join('\n');
    expect(sampleVerdicts('borg', sample, stdout).files.map((f) => f.verdict)).toEqual(['same', 'differs']);
    expect(sampleVerdicts('borg', sample, `${MARK} restore-failed`).restoreFailed).toBe(true);
  });

  it('the listings: restic ls --json, borg list --json-lines', () => {
    const restic = [
      '{"time":"2026-11-27T04:00:00.5+01:00","tree":"t","paths":["/srv"],"hostname":"ws","id":"0123456789abcdef","short_id":"01234567","struct_type":"snapshot"}',
      '{"name":"srv","type":"dir","path":"/srv","struct_type":"node"}',
      '{"name":"a","type":"file","path":"/srv/a","size":3,"mtime":"2026-11-27T03:59:00.123456789+01:00","struct_type":"node"}',
    ].join('\n');
    expect(parseResticList(restic)).toEqual({
      id: '01234567',
      files: [{ path: '/srv/a', size: 3, mtimeMs: Date.parse('2026-11-27T03:59:00.123+01:00') }],
    });
    expect(() => parseResticList('')).toThrow('restic ls printed no snapshot');
    const borg = `${MARK} archive ws-2026-11-27\n{"type": "d", "path": "srv"}\n{"type": "-", "path": "srv/a", "size": 3}\n{"type": "l", "path": "srv/link"}\n`;
    expect(parseBorgList(borg)).toEqual({ id: 'ws-2026-11-27', files: [{ path: 'srv/a', size: 3, mtimeMs: null }] });
    expect(() => parseBorgList(`${MARK} empty\n`)).toThrow('the repository has no archives');
  });

  it('the sample: as many files as asked, each once, none with a line break in its name', () => {
    const files = Array.from({ length: 20 }, (_, i) => file(`/f${i}`, i));
    files.push(file('/bad\nname', 1));
    let n = 0;
    const sample = chooseSample(files, 5, () => {
      n += 0.37;
      return n % 1;
    });
    expect(sample).toHaveLength(5);
    expect(new Set(sample.map((f) => f.path)).size).toBe(5);
    expect(chooseSample(files.slice(0, 2), 5)).toHaveLength(2);
    expect(chooseSample([file('/bad\nname', 1)], 5)).toEqual([]);
  });
});

describe('the record', () => {
  const record = (set: string, at: number, ok = true): DrillRecord => ({
    set,
    kind: 'postgres',
    at,
    ok,
    durationMs: 1,
    backup: 'x.dump',
    summary: ok ? '1 table, 1 row' : 'drill failed: no',
    ...(ok ? {} : { error: 'no' }),
  });

  it("each set's last drill; a line cut short is skipped; no file is no drills", () => {
    const env = { XDG_STATE_HOME: join(root, 'state') };
    expect(lastDrills(env).size).toBe(0);
    recordDrill(env, record('database', 1000));
    recordDrill(env, record('media', 1500));
    recordDrill(env, record('database', 2000, false));
    writeFileSync(drillLogPath(env), '{"set":"database","at":3000,"ok":tr\n', { flag: 'a' });
    const last = lastDrills(env);
    expect(last.get('database')).toMatchObject({ at: 2000, ok: false });
    expect(last.get('media')).toMatchObject({ at: 1500, ok: true });
  });

  it('as the command line prints it', () => {
    expect(
      formatDrill({
        ...record('database', 0),
        durationMs: 6700,
        tables: [
          { name: 'public.accounts', rows: 50 },
          { name: 'public.events', rows: 5853 },
        ],
      }),
    ).toBe('database: restorable · x.dump · 1 table, 1 row · 6.7s\n  public.accounts  50 rows\n  public.events    5853 rows\n');
    expect(formatDrill(record('database', 0, false))).toBe('database: DRILL FAILED · x.dump · no · 1ms\n');
  });
});

describe('drill: in the config', () => {
  const BASE = [
    'hosts:',
    '  here: { local: true }',
    '  nas: { ssh: { user: admin } }',
    'plan:',
    '  host: here',
    '  groups: [{ name: all, cores: 2 }]',
    'backups:',
    '  sets:',
    '',
  ].join('\n');
  const errorOf = (sets: string): string => {
    try {
      validateDocument('config.yaml', `${BASE}${sets}\n`, configSchema);
    } catch (error) {
      if (error instanceof UserFileError) return error.message;
      throw error;
    }
    return 'valid';
  };

  it("a dump set names the throwaway server's image, once; a repository set nothing of the kind; no drill of directories", () => {
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, drill: { host: here, container: postgres } }')).toBe('valid');
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, drill: { host: here } }')).toMatch(
      /^config\.yaml:9:61 backups\.sets\.0\.drill: give the throwaway PostgreSQL's image: image \(e\.g\. postgres:15\) or container/,
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, drill: { image: postgres:15, container: postgres } }')).toMatch(
      /backups\.sets\.0\.drill\.container: give the throwaway PostgreSQL's image/,
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, drill: { container: postgres, host: ws } }')).toMatch(
      /backups\.sets\.0\.drill\.host: no host "ws" in hosts/,
    );
    expect(errorOf('    - { name: app, host: nas, kind: restic, path: /r, schedule: 1d, drill: { sample: 3 } }')).toBe('valid');
    expect(errorOf('    - { name: app, host: nas, kind: restic, path: /r, schedule: 1d, drill: { image: postgres:15 } }')).toMatch(
      /backups\.sets\.0\.drill\.image: is for a set of pg_dump archives \(kind files\); a restic drill runs on the set's host/,
    );
    expect(errorOf('    - { name: base, host: nas, kind: dirs, path: /b, schedule: 7d, drill: { container: postgres } }')).toMatch(
      /backups\.sets\.0\.drill: a drill restores pg_dump archives \(kind files\) or a sample of a restic or borg repository, not directories/,
    );
  });
});

describe('homeops drill on the command line', () => {
  it('sets by name, --json', () => {
    expect(parseArgs(['drill'])).toMatchObject({ command: 'drill', sets: [], json: false });
    expect(parseArgs(['drill', 'database', 'media', '--json'])).toMatchObject({
      command: 'drill',
      sets: ['database', 'media'],
      json: true,
    });
  });
});
