// The built `homeops` binary for tests that run it as a user would: rebuilt first when a source
// is newer than the bundle, then run with a clean environment (a temp HOME and XDG folders).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of ['src', 'scripts/build.mjs', 'scripts/bundle', 'package.json']) if (existsSync(join(ROOT, path))) walk(join(ROOT, path));
  return newest;
}

/** Builds dist/cli.js when it is missing or older than a source (for beforeAll, with a long timeout). */
export function buildIfStale(): void {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
}

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type CliOptions = {
  home: string;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Node options before the script (e.g. --max-old-space-size). */
  node?: string[];
};

/** Runs `homeops ARGS` with HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_CACHE_HOME under `home`. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.home,
    XDG_CONFIG_HOME: join(options.home, 'config'),
    XDG_STATE_HOME: join(options.home, 'state'),
    XDG_CACHE_HOME: join(options.home, 'cache'),
    LANG: 'C.UTF-8',
    ...options.env,
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.node ?? []), CLI, ...args], { cwd: options.cwd ?? options.home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
