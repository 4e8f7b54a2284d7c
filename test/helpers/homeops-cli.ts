// The built `homeops` binary, run as a person or a script runs it: rebuilt first when a source
// is newer than dist/cli.js, a private HOME and XDG directories per caller.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lab.js';

export const cli = join(repoRoot, 'dist', 'cli.js');

function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of ['src', 'runbooks', 'scripts/build.mjs', 'scripts/bundle', 'package.json']) if (existsSync(join(repoRoot, path))) walk(join(repoRoot, path));
  return newest;
}

export function ensureBuilt(): void {
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'pipe' });
}

/** HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_CACHE_HOME under `home`. */
export function homeEnv(home: string): { HOME: string; XDG_CONFIG_HOME: string; XDG_STATE_HOME: string; XDG_CACHE_HOME: string } {
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache') };
}

export type CliResult = { code: number | null; stdout: string; stderr: string; ms: number };

/** Runs the binary to its end (or SIGKILL after timeoutMs); `onOutput` sees stdout as it comes. */
export function homeops(args: string[], options: { env: Record<string, string>; cwd?: string; timeoutMs?: number; onOutput?: (stdout: string) => void }): Promise<CliResult> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
