// Drills of restic and borg sets against real repositories made here: a sample of the newest
// snapshot's files restored into a temporary directory and compared (borg: with the checksums
// the repository holds; restic: with the source files unchanged since the backup), the result
// recorded where the backups pane reads it; a damaged repository is a failed drill.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { drillSet } from '../../src/drills/run.js';
import { lastDrills } from '../../src/drills/store.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { haveCommand, requireService } from '../helpers/require-service.js';

const haveRestic = requireService('restic', () => haveCommand('restic'), 'apt-get install restic');
const haveBorg = requireService('borg', () => haveCommand('borg'), 'apt-get install borgbackup');

let dir: string;
let src: string;
const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, BORG_BASE_DIR: process.env.BORG_BASE_DIR };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-drill-repos-'));
  chmodSync(dir, 0o755);
  src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'ledger.sql'), 'COPY ledger FROM stdin;\n'.repeat(500));
  writeFileSync(join(src, 'photo.bin'), randomBytes(300_000));
  writeFileSync(join(src, 'sub', 'notes with spaces.txt'), 'shopping: milk, bread\n');
  writeFileSync(join(dir, 'pw'), 'correct horse\n', { mode: 0o600 });
  // The programs' caches and borg's record of known repositories stay in here (the local host
  // runs commands with this process's environment).
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  process.env.BORG_BASE_DIR = join(dir, 'borg-base');
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(program: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(program, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function estate(set: Record<string, unknown>) {
  return configSchema.parse({
    hosts: { here: { local: true } },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    backups: { sets: [{ host: 'here', schedule: '1d', passwordFile: join(dir, 'pw'), drill: { sample: 10, schedule: '7d' }, ...set }] },
  });
}

async function drill(config: ReturnType<typeof estate>, stateDir: string) {
  const hosts = hostsFromConfig(config, process.env);
  try {
    return await drillSet(config.backups!.sets[0]!, { hosts, env: { XDG_STATE_HOME: stateDir } });
  } finally {
    hosts.closeAll();
  }
}

/** Overwrites a few bytes in the middle of every data file of a repository. */
function damage(dataDir: string): void {
  const files = execFileSync('find', [dataDir, '-type', 'f', '-size', '+1k'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    chmodSync(file, 0o644);
    const at = Math.floor(statSync(file).size / 2);
    execFileSync('dd', [`of=${file}`, 'bs=1', `seek=${at}`, 'conv=notrunc', 'status=none'], { input: Buffer.alloc(64, 0x5a) });
  }
}

describe.runIf(haveRestic)('a restic set', () => {
  const repo = () => join(dir, 'restic');
  const set = () => ({ name: 'app', kind: 'restic', path: repo() });

  beforeAll(() => {
    run('restic', ['init', '-r', repo(), '--password-file', join(dir, 'pw')]);
    run('restic', ['backup', '-r', repo(), '--password-file', join(dir, 'pw'), src]);
  }, 60_000);

  it('restores a sample; the files unchanged since the backup are the same as their source; the result is recorded', async () => {
    const state = join(dir, 'state-restic');
    const record = await drill(estate(set()), state);
    expect(record).toMatchObject({ set: 'app', kind: 'restic', ok: true, summary: '3 files restored: 3 same' });
    expect(record.files?.map((f) => f.path).sort()).toEqual([
      join(src, 'ledger.sql'),
      join(src, 'photo.bin'),
      join(src, 'sub', 'notes with spaces.txt'),
    ]);
    expect(record.backup).toMatch(/^[0-9a-f]{8}$/);
    expect(lastDrills({ XDG_STATE_HOME: state }).get('app')).toEqual(record);
  }, 60_000);

  it('a source changed since the backup is compared by size alone, and does not fail the drill', async () => {
    appendFileSync(join(src, 'ledger.sql'), 'more\n');
    try {
      const record = await drill(estate(set()), join(dir, 'state-changed'));
      expect(record).toMatchObject({ ok: true, summary: '3 files restored: 2 same, 1 changed since (size compared)' });
      expect(record.files?.find((f) => f.path.endsWith('ledger.sql'))?.verdict).toBe('changed');
    } finally {
      run('restic', ['backup', '-r', repo(), '--password-file', join(dir, 'pw'), src]);
    }
  }, 60_000);

  it('a damaged repository fails the drill, saying restic could not restore', async () => {
    const copy = join(dir, 'restic-damaged');
    execFileSync('cp', ['-a', repo(), copy]);
    damage(join(copy, 'data'));
    const record = await drill(estate({ ...set(), path: copy }), join(dir, 'state-damaged'));
    expect(record.ok).toBe(false);
    expect(record.summary).toMatch(/^drill failed: restic could not restore the sample: /);
    expect(lastDrills({ XDG_STATE_HOME: join(dir, 'state-damaged') }).get('app')?.ok).toBe(false);
  }, 60_000);
});

describe.runIf(haveBorg)('a borg set', () => {
  const repo = () => join(dir, 'borg');
  const set = () => ({ name: 'media', kind: 'borg', path: repo() });
  const borgEnv = () => ({ BORG_PASSCOMMAND: `cat ${join(dir, 'pw')}` });

  beforeAll(() => {
    run('borg', ['init', '--encryption=repokey', repo()], borgEnv());
    run('borg', ['create', `${repo()}::first`, src], borgEnv());
  }, 60_000);

  it('restores a sample and compares each file with the checksum the repository holds', async () => {
    const record = await drill(estate(set()), join(dir, 'state-borg'));
    expect(record).toMatchObject({ set: 'media', kind: 'borg', ok: true, backup: 'first', summary: '3 files restored: 3 same' });
    // borg keeps paths without their leading slash.
    expect(record.files?.map((f) => f.path).sort()).toEqual(
      [src, src, src].map((s, i) => `${s.slice(1)}/${['ledger.sql', 'photo.bin', 'sub/notes with spaces.txt'][i]}`),
    );
  }, 60_000);

  it('a damaged repository fails the drill', async () => {
    const copy = join(dir, 'borg-damaged');
    execFileSync('cp', ['-a', repo(), copy]);
    // borg refuses a repository copied under a new path unless told it moved (the drill answers no).
    run('borg', ['list', copy], { ...borgEnv(), BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes' });
    damage(join(copy, 'data'));
    const record = await drill(estate({ ...set(), path: copy }), join(dir, 'state-borg-damaged'));
    expect(record.ok).toBe(false);
    expect(record.summary).toMatch(/^drill failed: /);
    expect(readdirSync(join(dir, 'state-borg-damaged', 'homeops'))).toEqual(['drills.jsonl']);
  }, 60_000);
});
