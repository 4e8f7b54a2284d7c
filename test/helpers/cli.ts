// The built `homeops` binary run as a person or a script runs it (rebuilt first by ensureBuilt
// when a source is newer than the bundle), with a clean environment: a temporary HOME and XDG
// folders, PATH and a UTF-8 locale, nothing else of the machine's user.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cli, root } from './built.js';

export { ensureBuilt } from './built.js';
export const ROOT = root;
export const CLI = cli;

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

type RunOptions = {
  /** Added to PATH and LANG. */
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  /** Node options before the script (e.g. --max-old-space-size). */
  node?: readonly string[];
  /** Sees stdout so far each time more of it comes. */
  onOutput?: (stdout: string) => void;
};

/** Runs the binary to its end (or SIGKILL after timeoutMs). */
function runBinary(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...options.env };
    const child = spawn(process.execPath, [...(options.node ?? []), CLI, ...args], {
      cwd: options.cwd,
      env,
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
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

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
    HOME: options.home,
    XDG_CONFIG_HOME: join(options.home, 'config'),
    XDG_STATE_HOME: join(options.home, 'state'),
    XDG_CACHE_HOME: join(options.home, 'cache'),
    ...options.env,
  };
  return runBinary(args, {
    env,
    cwd: options.cwd ?? options.home,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.node ? { node: options.node } : {}),
  });
}

/** Runs `homeops ARGS` with the environment given (homeEnv for a private user), from the repository. */
export function homeops(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number; onOutput?: (stdout: string) => void },
): Promise<CliResult> {
  return runBinary(args, {
    env: options.env,
    cwd: options.cwd ?? root,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
}
