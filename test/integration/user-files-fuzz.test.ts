// A seeded fuzz test of the user files (issue 13, point 8): the shipped config, views, keymaps
// and runbooks, mutated the ways files go wrong by hand and on purpose, loaded by the loaders the
// binary uses (in a child process, which measures each file's time and peak memory), and a few
// of the worst through the binary itself. Never a crash (exit 70), never a stack trace or a Node
// warning, always one line FILE:LINE:COL with a short excerpt, never over 5 s or 200 MB a file
// (seconds of CPU time: what a file costs, however busy the machine is).
// The same seed gives the same files: a failure names its case, and reproduces.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_USER_FILE_BYTES } from '../../src/config/file-facts.js';
import { CLI, ensureBuilt, ROOT } from '../helpers/cli.js';
import type { Kind, Outcome } from '../helpers/user-file-worker.js';
import { extremes, mutate, random } from '../helpers/yaml-mutate.js';

const SEED = 1313;
const CASES_PER_KIND = 100;
const LIMIT_MS = 5000;
const LIMIT_MB = 200;
/** Longest error line accepted: the location, the path and a short excerpt of a value. */
const LONGEST_ERROR = 700;

const sources: Record<Kind, string[]> = {
  config: [join(ROOT, 'examples', 'estate.yaml')],
  view: readdirSync(join(ROOT, 'views')).map((f) => join(ROOT, 'views', f)),
  keymap: readdirSync(join(ROOT, 'keymaps')).map((f) => join(ROOT, 'keymaps', f)),
  runbook: readdirSync(join(ROOT, 'runbooks')).map((f) => join(ROOT, 'runbooks', f)),
};

let dir: string;
const cases: { kind: Kind; file: string; name: string }[] = [];

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'homeops-fuzz-'));
  const rng = random(SEED);
  for (const kind of Object.keys(sources) as Kind[]) {
    const files = sources[kind];
    for (let i = 0; i < CASES_PER_KIND; i++) {
      const source = files[i % files.length] ?? '';
      const mutation = mutate(readFileSync(source, 'utf8'), rng);
      const file = join(dir, `${kind}-${String(i).padStart(3, '0')}.yaml`);
      writeFileSync(file, mutation.text);
      cases.push({ kind, file, name: `${kind} ${i} (${source.slice(ROOT.length + 1)}: ${mutation.name})` });
    }
    const source = files[0] ?? '';
    extremes(readFileSync(source, 'utf8'), MAX_USER_FILE_BYTES).forEach((mutation, i) => {
      const file = join(dir, `${kind}-extreme-${i}.yaml`);
      writeFileSync(file, mutation.text);
      cases.push({ kind, file, name: `${kind} extreme ${i} (${source.slice(ROOT.length + 1)}: ${mutation.name})` });
    });
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWorker(manifest: string): Promise<{ outcomes: Outcome[]; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(ROOT, 'test', 'helpers', 'user-file-worker.ts'), manifest],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        outcomes: stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Outcome),
        stderr,
        code,
      }),
    );
  });
}

describe('user files, mutated (seed 1313)', () => {
  it('every file loads or fails with one located line: no crash, no warning, within 5 s and 200 MB', async () => {
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify(cases.map(({ kind, file }) => ({ kind, file }))));
    const { outcomes, stderr, code } = await runWorker(manifest);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(outcomes).toHaveLength(cases.length);
    const problems: string[] = [];
    outcomes.forEach((outcome, index) => {
      const name = cases[index]?.name ?? outcome.file;
      if (outcome.result === 'crash') problems.push(`${name}: crashed (exit 70): ${outcome.message}`);
      if (outcome.result === 'user-error') {
        if (!outcome.message.startsWith(`${outcome.file}:`) || !/^[^\n]*:\d+:\d+ [^\n]+$/.test(outcome.message))
          problems.push(`${name}: not one line FILE:LINE:COL: ${outcome.message.slice(0, 200)}`);
        if (outcome.messageLength > LONGEST_ERROR) problems.push(`${name}: an error line of ${outcome.messageLength} characters`);
      }
      if (outcome.warnings.length) problems.push(`${name}: Node warnings: ${outcome.warnings.join('; ')}`);
      if (outcome.cpuMs > LIMIT_MS) problems.push(`${name}: took ${Math.round(outcome.cpuMs)} ms of CPU (${Math.round(outcome.ms)} ms)`);
      if (outcome.peakMb > LIMIT_MB) problems.push(`${name}: raised the peak memory by ${Math.round(outcome.peakMb)} MB`);
    });
    expect(problems).toEqual([]);
    // The mutations do what they are for: most files are broken, some still load.
    expect(outcomes.filter((o) => o.result === 'user-error').length).toBeGreaterThan(cases.length / 2);
  }, 120_000);

  it('the worst of them through the binary: exit 78, one line on stderr, no stack trace, no warning, within 5 s and 200 MB', async () => {
    const worst = [
      'billion laughs, deep',
      'unresolved alias',
      'collection key',
      'nesting 100000',
      'a value of',
      'file over the size cap',
      'unknown keys (the cap',
      'aliases of one anchor (the cap',
      'bad bytes',
    ];
    const picked = worst
      .map((w) => cases.find((c) => c.kind === 'config' && c.name.includes(w)))
      .filter((c): c is (typeof cases)[number] => c !== undefined);
    expect(picked.length).toBeGreaterThan(5);
    for (const c of picked) {
      const timing = join(dir, 'time.txt');
      let stderr = '';
      let status = 0;
      try {
        execFileSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timing, process.execPath, CLI, 'check-config', '--config', c.file], {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: dir,
            XDG_CONFIG_HOME: join(dir, 'cfg'),
            XDG_CACHE_HOME: join(dir, 'cache'),
            XDG_STATE_HOME: join(dir, 'state'),
          },
          stdio: 'pipe',
          encoding: 'utf8',
          timeout: 20_000,
        });
      } catch (error) {
        const failed = error as { status: number | null; stderr: string };
        status = failed.status ?? -1;
        stderr = failed.stderr;
      }
      const [kb = '0', user = '0', system = '0'] = readFileSync(timing, 'utf8').trim().split('\n').at(-1)?.split(' ') ?? [];
      const seconds = Number(user) + Number(system);
      expect.soft(status, c.name).toBe(78);
      expect.soft(stderr.trimEnd().split('\n'), c.name).toHaveLength(1);
      expect.soft(stderr, c.name).not.toMatch(/\n\s+at |Warning|internal error/);
      expect.soft(stderr.length, c.name).toBeLessThan(LONGEST_ERROR);
      expect.soft(seconds, c.name).toBeLessThan(LIMIT_MS / 1000);
      expect.soft(Number(kb) / 1024, c.name).toBeLessThan(LIMIT_MB);
    }
  }, 120_000);
});
