// The backups section of the config: the built-in sets of the reference estate, retention as a
// count or an age, fields that belong to one kind of set, and located errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { estateConfigPath, packageRoot } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile, UserFileError, validateDocument } from '../../src/config/user-file.js';

const BASE = [
  'hosts:', //                                        1
  '  here: { local: true }', //                       2
  '  nas: { ssh: { user: admin } }', //               3
  'plan:', //                                         4
  '  host: here', //                                  5
  '  groups: [{ name: all, cores: 2 }]', //           6
  'backups:', //                                      7
  '  sets:', //                                       8
  '',
].join('\n');

function parse(sets: string) {
  return validateDocument('config.yaml', `${BASE}${sets}\n`, configSchema).backups;
}

function errorOf(sets: string): string {
  try {
    parse(sets);
  } catch (error) {
    if (error instanceof UserFileError) return error.message;
    throw error;
  }
  throw new Error('expected a UserFileError, but the config is valid');
}

describe('the built-in sets (the reference estate, docs/config.md)', () => {
  const backups = readUserFile(estateConfigPath(), configSchema).backups;

  it('configuration continuous with 30 versions, database every 4 h with WAL archiving, application daily, media weekly; on the NAS', () => {
    expect(backups?.sets.map((s) => [s.name, s.host, s.kind, s.schedule / 3_600_000, s.keep ?? null])).toEqual([
      ['configuration', 'nas', 'files', 1, 30],
      ['database', 'nas', 'files', 4, '7d'],
      ['application', 'nas', 'files', 24, '7d'],
      ['media', 'nas', 'files', 168, null],
    ]);
    expect(backups?.sets[1]).toMatchObject({
      path: '/volume1/backups/db',
      glob: '*.dump',
      walArchive: { host: 'workstation', psql: ['docker', 'exec', 'postgres', 'psql'], user: 'postgres', database: 'postgres' },
    });
    expect(backups).toMatchObject({ interval: 60_000, timeout: 10_000, sizeDrop: 50 });
  });
});

describe('a set', () => {
  it('defaults: files, no glob, no retention, no WAL check', () => {
    expect(parse('    - { name: db, host: nas, path: /b, schedule: 4h }')).toEqual({
      sets: [{ name: 'db', host: 'nas', kind: 'files', path: '/b', schedule: 4 * 3_600_000, args: [], walArchive: false }],
      interval: 60_000,
      timeout: 10_000,
      sizeDrop: 50,
    });
  });

  it('keep: a number is versions, text an age; nothing else; a parsed config parses again the same', () => {
    expect(parse('    - { name: db, host: nas, path: /b, schedule: 4h, keep: 30 }')?.sets[0]?.keep).toBe(30);
    expect(parse('    - { name: db, host: nas, path: /b, schedule: 4h, keep: 7d }')?.sets[0]?.keep).toBe('7d');
    const config = readUserFile(estateConfigPath(), configSchema);
    expect(configSchema.parse(config).backups).toEqual(config.backups);
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, keep: "30" }')).toBe(
      'config.yaml:9:60 backups.sets.0.keep: "30" is not an age (use e.g. 12h, 7d) or a number of versions',
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, keep: 0 }')).toMatch(
      /^config\.yaml:9:60 backups\.sets\.0\.keep: /,
    );
  });

  it('restic and borg: their own fields; a glob is for directories only, and the other way round', () => {
    const restic = parse('    - { name: app, host: nas, kind: restic, path: /r, schedule: 1d, passwordFile: /pw, args: [--tag, app] }')
      ?.sets[0];
    expect(restic).toMatchObject({ kind: 'restic', passwordFile: '/pw', args: ['--tag', 'app'] });
    expect(errorOf('    - { name: app, host: nas, kind: borg, path: /r, glob: "*", schedule: 1d }')).toBe(
      'config.yaml:9:59 backups.sets.0.glob: a borg repository has no files to match (glob is for kind files or dirs)',
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, passwordFile: /pw }')).toBe(
      'config.yaml:9:68 backups.sets.0.passwordFile: is for kind restic or borg, not files',
    );
  });

  it('a schedule of 0 is an error', () => {
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 0s }')).toBe(
      'config.yaml:9:50 backups.sets.0.schedule: must be longer than 0 (how often a backup is made)',
    );
  });

  it("names are unique; hosts, also the WAL check's, must exist", () => {
    expect(errorOf('    - { name: db, host: nas, path: /a, schedule: 4h }\n    - { name: db, host: nas, path: /b, schedule: 4h }')).toBe(
      'config.yaml:10:15 backups.sets.1.name: set "db" is defined twice',
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, walArchive: { host: pg } }')).toBe(
      'config.yaml:9:74 backups.sets.0.walArchive.host: no host "pg" in hosts',
    );
    expect(errorOf('    - { name: db, host: nas, path: /b, schedule: 4h, walArchive: yes }')).toBe(
      'config.yaml:9:66 backups.sets.0.walArchive: expected boolean, received string',
    );
  });

  it('walArchive: true, or where psql runs and how it connects', () => {
    expect(parse('    - { name: db, host: nas, path: /b, schedule: 4h, walArchive: true }')?.sets[0]?.walArchive).toBe(true);
    const wal = parse(
      '    - { name: db, host: nas, path: /b, schedule: 4h, walArchive: { host: here, address: 127.0.0.1, port: 55432, user: monitor, passwordEnv: PG_PW } }',
    )?.sets[0]?.walArchive;
    expect(wal).toEqual({
      host: 'here',
      psql: ['psql'],
      address: '127.0.0.1',
      port: 55432,
      user: 'monitor',
      database: 'postgres',
      passwordEnv: 'PG_PW',
    });
  });
});

describe('docs/backups.md', () => {
  const doc = readFileSync(join(packageRoot(), 'docs', 'backups.md'), 'utf8');
  const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const builtin = parseYaml(readFileSync(estateConfigPath(), 'utf8')) as Record<string, unknown>;

  it('every example is a valid backups section, and the worked example is the built-in one', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      const result = configSchema.safeParse({ ...builtin, ...(parseYaml(example) as Record<string, unknown>) });
      expect(result.success, example).toBe(true);
    }
    const worked = configSchema.parse({ ...builtin, ...(parseYaml(examples[0] ?? '') as Record<string, unknown>) });
    expect(worked.backups).toEqual(readUserFile(estateConfigPath(), configSchema).backups);
  });
});
