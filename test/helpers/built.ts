// The built console (dist/cli.js) for the tests that run it as a user would.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const root = resolve(import.meta.dirname, '../..');
export const cli = join(root, 'dist', 'cli.js');

/** Builds dist/cli.js when it is missing or older than any source file. */
export function ensureBuilt(): void {
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      latest = Math.max(latest, statSync(entry).mtimeMs);
    }
    return latest;
  };
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest(join(root, 'src'))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
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
export function homeEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache'), ...extra };
}
