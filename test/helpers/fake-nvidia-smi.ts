// Puts the fake nvidia-smi (test/helpers/fake-nvidia-smi/nvidia-smi) in front of PATH and
// points it at a case directory under fixtures/nvidia-smi, and reads those directories for
// the parser tests.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandRunner } from '../../src/hosts/host.js';
import { execLocal } from '../../src/hosts/local.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The folder holding the fake `nvidia-smi`; put it first on PATH. */
export const FAKE_NVIDIA_SMI_BIN = join(root, 'test', 'helpers', 'fake-nvidia-smi');
export const NVIDIA_SMI_CASES = join(root, 'fixtures', 'nvidia-smi');

export function casePath(caseName: string): string {
  return isAbsolute(caseName) ? caseName : join(NVIDIA_SMI_CASES, caseName);
}

export type FakeNvidiaSmiEnv = {
  /** The fake's folder first, then the test process's own PATH (bash, awk, sleep). */
  PATH: string;
  FAKE_NVIDIA_SMI_CASE: string;
  FAKE_NVIDIA_SMI_LOG?: string;
};

/** Environment for a command that should meet the fake as `nvidia-smi` answering `caseName` (a case name or a path). */
export function fakeNvidiaSmiEnv(caseName: string, options: { log?: string } = {}): FakeNvidiaSmiEnv {
  const dir = casePath(caseName);
  if (!existsSync(dir)) throw new Error(`no nvidia-smi case at ${dir}`);
  const env: FakeNvidiaSmiEnv = { PATH: [FAKE_NVIDIA_SMI_BIN, process.env.PATH ?? ''].join(delimiter), FAKE_NVIDIA_SMI_CASE: dir };
  if (options.log) env.FAKE_NVIDIA_SMI_LOG = options.log;
  return env;
}

/**
 * The local host as the console builds it, but with `env` merged into every command's
 * environment, so the command name is looked up on env.PATH exactly as on a real machine.
 */
export function hostWithEnv(env: Readonly<Record<string, string | undefined>>, name = 'local'): CommandRunner {
  return { name, exec: (argv, options) => execLocal(argv, { ...options, env: { ...options.env, ...env } }) };
}

/** A private copy of a case, so that a test can find its own processes by the case path. */
export function isolatedCase(caseName: string): string {
  const dir = mkdtempSync(join(tmpdir(), `homeops-nvsmi-${caseName}-`));
  cpSync(casePath(caseName), dir, { recursive: true });
  return dir;
}

/** Pids of live processes whose command line contains `text` (pgrep -f). */
export function processesMatching(text: string): Promise<number[]> {
  return new Promise((resolvePids, reject) => {
    execFile('pgrep', ['-f', '--', text], (error, stdout) => {
      // pgrep exits 1 when nothing matches.
      if (error && error.code !== 1) reject(error);
      else
        resolvePids(
          stdout
            .split('\n')
            .filter(Boolean)
            .map(Number)
            .filter((pid) => pid !== process.pid),
        );
    });
  });
}

export type RecordedCase = {
  fields: string[];
  /** query-gpu.csv split at `---` lines. */
  frames: string[];
  apps: string | null;
  fail: { stdout: string; code: number } | null;
};

/** Reads a case directory as the fake does, for feeding the parsers directly. */
export function readCase(caseName: string): RecordedCase {
  const dir = casePath(caseName);
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : null);
  const fail = read('fail.txt');
  return {
    fields: (read('fields.txt') ?? '').replace(/\s+/g, '').split(',').filter(Boolean),
    frames: (read('query-gpu.csv') ?? '').split(/^---\r?\n/m),
    apps: read('query-compute-apps.csv'),
    fail: fail === null ? null : { stdout: fail, code: Number((read('exit-code') ?? '255').trim()) },
  };
}
