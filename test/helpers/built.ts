// The built console (dist/cli.js) for the tests that run it as a user would, and the one check
// that it is not older than what it is built from.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const root = resolve(import.meta.dirname, '../..');
export const cli = join(root, 'dist', 'cli.js');

/** What the bundle is built from: a change to any of them makes dist/cli.js stale. */
const SOURCES = ['src', 'scripts/build.mjs', 'scripts/node-flags.mjs', 'scripts/bundle', 'package.json'];

function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of SOURCES) if (existsSync(join(root, path))) walk(join(root, path));
  return newest;
}

/** Builds dist/cli.js when it is missing or older than a source (for beforeAll, with a long timeout). */
export function ensureBuilt(): void {
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource())
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
}

/** Every line fits the terminal, and the frame leaves the last row free. */
export function assertFits(screen: string, cols: number, rows: number): void {
  const lines = screen.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(cols);
  expect(lines[rows - 1] ?? '').toBe('');
}

/**
 * A user of its own for a test that runs the console: the home directory and the XDG ones under
 * it (config, state, cache), nothing of the machine's user. `extra` adds or removes (undefined)
 * variables.
 */
export function homeEnv<Extra extends Record<string, string | undefined> = Record<never, never>>(
  home: string,
  extra?: Extra,
): { HOME: string; XDG_CONFIG_HOME: string; XDG_STATE_HOME: string; XDG_CACHE_HOME: string } & Extra {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    ...(extra as Extra),
  };
}
