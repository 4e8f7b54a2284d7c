// `homeops watch` as a service runs it: the built binary in a clean environment under a test
// home, its stdout and stderr kept, and a wait for a line.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI } from './cli.js';

export type Watch = {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

function envFor(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    ...extra,
  };
}

/** Starts `homeops watch ARGS` with HOME and the XDG folders under `home`. */
export function startWatch(home: string, args: readonly string[], extra: Record<string, string> = {}): Watch {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], {
    cwd: home,
    env: envFor(home, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exited };
}

/** Waits until what `read` returns matches `pattern`. */
export async function waitForText(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const start = Date.now();
  while (!pattern.test(read())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; got:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}
