// What the console remembers between starts (src/cli/app-state.ts): kept with conf in the state
// directory, private; what is not as written is forgotten part by part, never an error; reset
// removes it.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appStatePath, openAppState, resetAppState } from '../../src/cli/app-state.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function env() {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-app-state-'));
  dirs.push(dir);
  return { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
}

describe('the console\'s remembered state', () => {
  it('keeps what it is told, part by part, in a private file of the state directory', async () => {
    const e = env();
    const store = openAppState(e);
    store?.update({ theme: 'light' });
    store?.update({ view: 'tmux', containers: { sort: 'memory', descending: true, problemsFirst: true, filter: 're' } });
    await store?.flush();
    const again = openAppState(e);
    expect(again?.read()).toEqual({ theme: 'light', view: 'tmux', containers: { sort: 'memory', descending: true, problemsFirst: true, filter: 're' } });
    expect(statSync(appStatePath(e)).mode & 0o777).toBe(0o600);
    expect(statSync(join(e.XDG_STATE_HOME, 'homeops')).mode & 0o777).toBe(0o700);
  });

  it('a part that is not as written is forgotten, the rest kept; a file that is not JSON is nothing', async () => {
    const e = env();
    mkdirSync(join(e.XDG_STATE_HOME, 'homeops'), { recursive: true, mode: 0o700 });
    writeFileSync(appStatePath(e), JSON.stringify({ theme: 'solarized', view: 'tmux', containers: { sort: 'colour' }, dismissed: ['builtin-default'] }));
    expect(openAppState(e)?.read()).toEqual({ view: 'tmux', dismissed: ['builtin-default'] });
    writeFileSync(appStatePath(e), '{ not json');
    expect(openAppState(e)?.read()).toEqual({});
  });

  it('reset removes it, and says whether there was anything', async () => {
    const e = env();
    const store = openAppState(e);
    store?.update({ theme: 'dark' });
    await store?.flush();
    expect(readFileSync(appStatePath(e), 'utf8')).toContain('dark');
    expect(resetAppState(e)).toBe(true);
    expect(resetAppState(e)).toBe(false);
    expect(openAppState(e)?.read()).toEqual({});
  });

  it('a state directory others may write is not used: nothing is remembered there', async () => {
    const e = env();
    mkdirSync(join(e.XDG_STATE_HOME, 'homeops'), { recursive: true, mode: 0o777 });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(e.XDG_STATE_HOME, 'homeops'), 0o777);
    expect(openAppState(e)).toBeNull();
  });
});
