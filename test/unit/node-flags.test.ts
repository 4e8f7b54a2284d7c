// The launcher at the top of the `homeops` binary: which options it gives node for each runtime,
// and that an option a runtime does not know never stops the console. It runs here under /bin/sh
// against a stand-in `node` that says which version it is, refuses the options it is told not
// to know (exit 9, as node does) and records how it was started. The real runtimes are started
// by test/integration/runtimes.test.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script module without types
import * as flags from '../../scripts/node-flags.mjs';
import { packageRoot } from '../../src/config/paths.js';

const { launcher, optionsFor, OPTIONS_BY_MAJOR, PORTABLE_OPTIONS, SUPPORTED_MAJORS } = flags as {
  launcher: () => string;
  optionsFor: (version: string) => { known: true; options: string[] } | { known: false; candidates: string[][] };
  OPTIONS_BY_MAJOR: Record<number, string[]>;
  PORTABLE_OPTIONS: string[];
  SUPPORTED_MAJORS: number[];
};

const dir = mkdtempSync(join(tmpdir(), 'homeops-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a binary made of the launcher and a line of JavaScript, with a stand-in node on PATH. */
function launch(
  version: string,
  unknownOptions: string[],
  args: string[],
  env: Record<string, string> = {},
): { calls: string[][]; stdout: string; envSeen: string } {
  const log = join(dir, 'calls.log');
  const fake = join(dir, 'bin', 'node');
  execFileSync('mkdir', ['-p', join(dir, 'bin')]);
  writeFileSync(log, '');
  writeFileSync(
    fake,
    [
      '#!/bin/sh',
      `printf '%s\\t' "$@" >> '${log}'; echo >> '${log}'`,
      `for a in "$@"; do [ -n "$a" ] && case " ${unknownOptions.join(' ')} " in *" $a "*) echo "node: bad option: $a" >&2; exit 9 ;; esac; done`,
      // Asked for its version (alone or after options), or started on the binary.
      `case "$*" in *cli.js*) echo "trim=\${MALLOC_TRIM_THRESHOLD_-unset} mark=\${HOMEOPS_LAUNCHER_SET-unset}" > '${log}.env'; echo started ;; *) echo '${version}' ;; esac`,
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  const binary = join(dir, 'cli.js');
  writeFileSync(binary, `${launcher()}\nconsole.log('never run by the stand-in');\n`);
  chmodSync(binary, 0o755);
  const stdout = execFileSync(binary, args, { encoding: 'utf8', env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, ...env } });
  const calls = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t').slice(0, -1));
  return { calls, stdout, envSeen: readFileSync(`${log}.env`, 'utf8').trim() };
}

describe('the launcher', () => {
  it.each(SUPPORTED_MAJORS)('gives Node %i the options of its row, asking only for its version first', (major) => {
    const { calls, stdout } = launch(`v${major}.3.1`, [], ['status', '--demo', 'healthy']);
    expect(stdout).toBe('started\n');
    expect(calls).toEqual([['--version'], [...OPTIONS_BY_MAJOR[major]!, join(dir, 'cli.js'), 'status', '--demo', 'healthy']]);
  });

  it('gives an unknown runtime the newest row when it accepts it', () => {
    const newest = OPTIONS_BY_MAJOR[Math.max(...SUPPORTED_MAJORS)]!;
    const { calls } = launch('v99.0.0', [], ['--version']);
    expect(calls.at(-1)).toEqual([...newest, join(dir, 'cli.js'), '--version']);
  });

  it("falls back to Node's own options when an unknown runtime refuses a V8 option", () => {
    const { calls, stdout } = launch('v99.0.0', ['--no-maglev'], ['status']);
    expect(stdout).toBe('started\n');
    expect(calls.at(-1)).toEqual([...PORTABLE_OPTIONS, join(dir, 'cli.js'), 'status']);
  });

  it('starts with no options at all when the runtime refuses those too', () => {
    const { calls, stdout } = launch('v99.0.0', ['--max-semi-space-size=1'], ['status']);
    expect(stdout).toBe('started\n');
    expect(calls.at(-1)).toEqual([join(dir, 'cli.js'), 'status']);
  });

  it("sets glibc's trim threshold for the console and says it did; a threshold the user set is kept", () => {
    expect(launch('v24.0.0', [], ['status']).envSeen).toBe('trim=65536 mark=MALLOC_TRIM_THRESHOLD_');
    expect(launch('v24.0.0', [], ['status'], { MALLOC_TRIM_THRESHOLD_: '1048576' }).envSeen).toBe('trim=1048576 mark=unset');
  });

  it('keeps arguments with spaces and quotes as they were', () => {
    const { calls } = launch('v24.0.0', [], ['--config', 'my file.yaml', '', "it's"]);
    expect(calls.at(-1)?.slice(-4)).toEqual(['--config', 'my file.yaml', '', "it's"]);
  });
});

describe('the options table', () => {
  it('matches the launcher: a supported version takes its row, any other the fallbacks in order', () => {
    for (const major of SUPPORTED_MAJORS) expect(optionsFor(`v${major}.0.0`)).toEqual({ known: true, options: OPTIONS_BY_MAJOR[major] });
    expect(optionsFor('v20.20.2')).toEqual({
      known: false,
      candidates: [OPTIONS_BY_MAJOR[Math.max(...SUPPORTED_MAJORS)], PORTABLE_OPTIONS, []],
    });
  });

  it('is what package.json supports, and npm start runs the binary with its launcher', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      engines: { node: string };
      scripts: Record<string, string>;
    };
    expect(pkg.engines.node).toBe(`>=${Math.min(...SUPPORTED_MAJORS)}`);
    expect(pkg.scripts.start).toBe('./dist/cli.js');
  });
});
