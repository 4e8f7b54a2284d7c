// Hostile files and names given to the built binary: ids that would leave the state directory,
// state and cache directories that are not the user's own, and broken user files (issue 13,
// points 3, 8 and 9).
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli.js';

let home: string;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-files-'));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

function freshHome(): string {
  const dir = join(home, `h${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('ids that become paths', () => {
  it('runbook unlock ../../../victim is refused (exit 64) and deletes nothing outside the state directory', async () => {
    const dir = freshHome();
    mkdirSync(join(dir, 'state', 'homeops', 'locks'), { recursive: true, mode: 0o700 });
    const victim = join(dir, 'victim.lock');
    writeFileSync(victim, '{}');
    const result = await runCli(['runbook', 'unlock', '../../../victim', '--force'], { home: dir });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe(
      'homeops: "../../../victim" is not a runbook id: use letters, digits, ".", "_" or "-", starting with a letter or digit\n',
    );
    expect(existsSync(victim)).toBe(true);
  });
});

describe('broken user files: always exit 78 with a place, one line', () => {
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array.from({ length: 9 }, () => `*${String.fromCharCode(97 + i)}`).join(',')}]`,
    ),
  ].join('\n');

  async function broken(
    args: (file: string) => string[],
    text: string | Buffer,
  ): Promise<{ code: number | null; stderr: string; file: string }> {
    const dir = freshHome();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, text);
    const result = await runCli(args(file), { home: dir });
    return { code: result.code, stderr: result.stderr, file };
  }

  it('a "billion laughs" config: located at its first alias, not an internal error', async () => {
    const { code, stderr, file } = await broken((f) => ['check-config', '--config', f], `${laughs}\n`);
    expect(code).toBe(78);
    expect(stderr).toBe(`${file}:2:8 b.0: YAML: the aliases expand too far (a "billion laughs"?); write the values out\n`);
  });

  it('an alias without its anchor: located at the alias', async () => {
    const { code, stderr, file } = await broken((f) => ['status', '--config', f], 'refresh: *nope\n');
    expect(code).toBe(78);
    expect(stderr).toBe(`${file}:1:10 refresh: YAML: alias *nope has no anchor &nope before it\n`);
  });

  it('a key that is a list: the one line, and no Node warning after it', async () => {
    const { code, stderr } = await broken((f) => ['check-config', '--config', f], '? [a, b]\n: 1\n');
    expect(code).toBe(78);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/Warning|trace-warnings/);
  });

  it('a 10 MB view is refused at once, saying the cap', async () => {
    const started = Date.now();
    const { code, stderr, file } = await broken((f) => ['check-config', '--view', f], `name: big\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    expect(code).toBe(78);
    expect(stderr).toBe(`${file}:1:1 the file is 10.0 MiB; user files are at most 256 KiB\n`);
    // The cap is checked before the file is read (this is not a timing test: 11 s was the bug).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a long bad value is quoted as a short excerpt with its length', async () => {
    const { code, stderr, file } = await broken((f) => ['check-config', '--config', f], `refresh: "${'A'.repeat(200_000)}"\n`);
    expect(code).toBe(78);
    expect(stderr).toBe(`${file}:1:10 refresh: "${'A'.repeat(60)}…" (200000 characters) is not a duration (use e.g. 500ms, 2s, 5m, 1h)\n`);
  });

  it('nesting 100 000 levels deep: refused before parsing, located', async () => {
    const { code, stderr, file } = await broken(
      (f) => ['check-config', '--keymap', f],
      `bindings: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    );
    expect(code).toBe(78);
    expect(stderr).toBe(`${file}:1:267 YAML: nested more than 256 levels deep\n`);
  });

  it('a runbook file that is a device that never ends: refused at the cap', async () => {
    const dir = freshHome();
    mkdirSync(join(dir, 'config', 'homeops'), { recursive: true });
    const books = join(dir, 'books');
    mkdirSync(books);
    symlinkSync('/dev/zero', join(books, 'zero.yaml'));
    writeFileSync(
      join(dir, 'config', 'homeops', 'config.yaml'),
      `hosts: { here: { local: true } }\nplan: { host: here, groups: [{ name: all, cores: 1 }] }\nrunbooks: { dirs: [${JSON.stringify(books)}] }\n`,
    );
    const result = await runCli(['check-config'], { home: dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(`${join(books, 'zero.yaml')}:1:1 the file is more than 256 KiB; user files are at most 256 KiB\n`);
  });
});

describe("the cache and the state directory are trusted only when they are the user's own", () => {
  const HERE =
    'profile: local\nhosts: { here: { local: true } }\nplan: { host: here, groups: [{ name: all, cores: 1 }] }\nprobes: { cpu: { enabled: false } }\n';
  const isRoot = process.getuid?.() === 0;

  /** A home whose cache holds a validated config, then changed to run `touch MARK` as its GPU command. */
  async function plantedCache(): Promise<{ dir: string; cache: string; file: string; mark: string }> {
    const dir = freshHome();
    mkdirSync(join(dir, 'config', 'homeops'), { recursive: true });
    writeFileSync(join(dir, 'config', 'homeops', 'config.yaml'), HERE);
    await runCli(['status'], { home: dir });
    const cache = join(dir, 'cache', 'homeops');
    const file = readdirSync(cache)
      .map((f) => join(cache, f))
      .find((f) => f.endsWith('.json'));
    if (!file) throw new Error('no cache was written');
    const mark = join(dir, 'planted-ran');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"command":"nvidia-smi"');
    // What another user who can write the cache would do: make the GPU probe run their program.
    const planted = join(dir, 'planted.sh');
    writeFileSync(planted, `#!/bin/sh\ntouch ${mark}\n`, { mode: 0o755 });
    writeFileSync(file, text.replace('"command":"nvidia-smi"', `"command":${JSON.stringify(planted)}`));
    return { dir, cache, file, mark };
  }

  it('a cache directory others can write: not used (the planted command does not run), said once', async () => {
    const { dir, cache, mark } = await plantedCache();
    chmodSync(cache, 0o777);
    const result = await runCli(['status'], { home: dir });
    expect(existsSync(mark)).toBe(false);
    expect(result.stderr).toBe(
      `homeops: not using the cache: the cache directory ${cache} can be written by anyone (mode 0777); make it yours alone: chmod 700 ${cache}; the files were read and validated instead\n`,
    );
    expect(result.stdout).toMatch(/^HOMEOPS /);
  });

  it('a cache file that is a symbolic link is not followed', async () => {
    const { dir, file, mark } = await plantedCache();
    const elsewhere = join(dir, 'elsewhere.json');
    renameSync(file, elsewhere);
    symlinkSync(elsewhere, file);
    const result = await runCli(['status'], { home: dir });
    expect(existsSync(mark)).toBe(false);
    expect(result.stderr).toContain(`not using the cache: the cached setup ${file} is a symbolic link; homeops does not follow one there`);
  });

  it.runIf(isRoot)('a cache file that belongs to another user is not used', async () => {
    const { dir, file, mark } = await plantedCache();
    chownSync(file, 65534, 65534);
    const result = await runCli(['status'], { home: dir });
    expect(existsSync(mark)).toBe(false);
    expect(result.stderr).toContain(`the cached setup ${file} belongs to user 65534, not to you (0)`);
  });

  function homeWithRunbook(): string {
    const dir = freshHome();
    mkdirSync(join(dir, 'config', 'homeops', 'runbooks'), { recursive: true });
    writeFileSync(join(dir, 'config', 'homeops', 'config.yaml'), HERE);
    writeFileSync(
      join(dir, 'config', 'homeops', 'runbooks', 'hello.yaml'),
      'id: hello\ntitle: Hello\nsteps:\n  - { id: say, run: { host: here, command: "echo hello" } }\n',
    );
    return dir;
  }

  it('a symbolic link at audit.jsonl is not followed: the run is refused (exit 73) and the target untouched', async () => {
    const dir = homeWithRunbook();
    mkdirSync(join(dir, 'state', 'homeops'), { recursive: true, mode: 0o700 });
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, join(dir, 'state', 'homeops', 'audit.jsonl'));
    const result = await runCli(['runbook', 'run', 'hello'], { home: dir });
    expect(result.code).toBe(73);
    expect(result.stderr).toContain(
      `homeops: the audit log ${join(dir, 'state', 'homeops', 'audit.jsonl')} is a symbolic link; homeops does not follow one there`,
    );
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('an existing audit log others can read is tightened to 0600', async () => {
    const dir = homeWithRunbook();
    mkdirSync(join(dir, 'state', 'homeops'), { recursive: true, mode: 0o700 });
    const log = join(dir, 'state', 'homeops', 'audit.jsonl');
    writeFileSync(log, '', { mode: 0o644 });
    chmodSync(log, 0o644);
    const result = await runCli(['runbook', 'run', 'hello'], { home: dir });
    expect(result.code).toBe(0);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it('a state directory others can write is refused, saying why and how to fix it', async () => {
    const dir = homeWithRunbook();
    const state = join(dir, 'state', 'homeops');
    mkdirSync(state, { recursive: true });
    chmodSync(state, 0o777);
    for (const args of [
      ['runbook', 'run', 'hello'],
      ['runbook', 'history'],
    ]) {
      const result = await runCli(args, { home: dir });
      expect(result.code).toBe(73);
      expect(result.stderr).toBe(
        `homeops: the state directory ${state} can be written by anyone (mode 0777); make it yours alone: chmod 700 ${state}\n`,
      );
    }
    const check = await runCli(['check-config'], { home: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`note     runbooks cannot run: the state directory ${state} can be written by anyone`);
  });

  it('XDG_STATE_HOME pointing at a file: a clear error (exit 73), not an internal error', async () => {
    const dir = homeWithRunbook();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    for (const args of [
      ['runbook', 'run', 'hello'],
      ['runbook', 'history'],
      ['runbook', 'unlock', 'hello'],
    ]) {
      const result = await runCli(args, { home: dir, env: { XDG_STATE_HOME: file } });
      expect(result.code, args.join(' ')).toBe(73);
      expect(result.stderr).toMatch(
        new RegExp(`^homeops: the state directory ${file}/homeops cannot be (made|used): ${file} is a file, not a directory\\n$`),
      );
    }
  });
});
