// What the console remembers between starts (src/cli/app-state.ts): kept with conf in the state
// directory, private; what is not as written is forgotten part by part, never an error; reset
// removes it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appStatePath, checkedAppState, openAppState, resetAppState } from '../../src/cli/app-state.js';
import { CONTAINER_SORTS } from '../../src/ui/panes/containers-view.js';
import { THEME_NAMES } from '../../src/ui/theme.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function env() {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-app-state-'));
  dirs.push(dir);
  return { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
}

describe("the console's remembered state", () => {
  it('keeps what it is told, part by part, in a private file of the state directory', async () => {
    const e = env();
    const store = openAppState(e);
    store?.update({ theme: 'light' });
    store?.update({ view: 'tmux', containers: { sort: 'memory', descending: true, problemsFirst: true, filter: 're' } });
    await store?.flush();
    const again = openAppState(e);
    expect(again?.read()).toEqual({
      theme: 'light',
      view: 'tmux',
      containers: { sort: 'memory', descending: true, problemsFirst: true, filter: 're' },
    });
    expect(statSync(appStatePath(e)).mode & 0o777).toBe(0o600);
    expect(statSync(join(e.XDG_STATE_HOME, 'homeops')).mode & 0o777).toBe(0o700);
  });

  it('a part that is not as written is forgotten, the rest kept; a file that is not JSON is nothing', async () => {
    const e = env();
    mkdirSync(join(e.XDG_STATE_HOME, 'homeops'), { recursive: true, mode: 0o700 });
    writeFileSync(
      appStatePath(e),
      JSON.stringify({ theme: 'solarized', view: 'tmux', containers: { sort: 'colour' }, dismissed: ['builtin-default'] }),
    );
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

  it('a start that changes nothing rewrites nothing', async () => {
    const e = env();
    const state = { view: 'tmux', containers: { sort: 'cpu' as const, descending: true, problemsFirst: false, filter: '' } };
    const first = openAppState(e);
    first?.update(state);
    await first?.flush();
    const before = statSync(appStatePath(e)).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const again = openAppState(e);
    expect(again?.read()).toEqual(state);
    again?.update(state);
    await again?.flush();
    expect(statSync(appStatePath(e)).mtimeMs).toBe(before);
    again?.update({ ...state, view: 'workstation' });
    await again?.flush();
    expect(openAppState(e)?.read().view).toBe('workstation');
  });

  // The file is checked by hand, part by part, as this schema (the one it was first read with) reads it.
  const asWritten = z.object({
    view: z.string().min(1).max(200).optional().catch(undefined),
    containers: z
      .object({ sort: z.enum(CONTAINER_SORTS), descending: z.boolean(), problemsFirst: z.boolean(), filter: z.string().max(200) })
      .optional()
      .catch(undefined),
    theme: z.enum(THEME_NAMES).optional().catch(undefined),
    dismissed: z.array(z.string().max(200)).max(100).optional().catch(undefined),
  });
  const schemaReading = (data: unknown) => {
    const parsed = asWritten.safeParse(data);
    return parsed.success ? (JSON.parse(JSON.stringify(parsed.data)) as unknown) : {};
  };

  it('reads any file as the schema reads it', () => {
    const text = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 198, maxLength: 202 }), fc.constant(''));
    const anything = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), text, fc.array(text, { maxLength: 3 }));
    const containers = fc.record(
      {
        sort: fc.oneof(fc.constantFrom(...CONTAINER_SORTS), anything),
        descending: fc.oneof(fc.boolean(), anything),
        problemsFirst: fc.oneof(fc.boolean(), anything),
        filter: fc.oneof(text, anything),
        extra: anything,
      },
      { requiredKeys: [] },
    );
    const file = fc.record(
      {
        view: fc.oneof(text, anything),
        containers: fc.oneof(containers, anything),
        theme: fc.oneof(fc.constantFrom(...THEME_NAMES), anything),
        dismissed: fc.oneof(fc.array(text, { maxLength: 3 }), fc.array(fc.constant('x'), { minLength: 99, maxLength: 102 }), anything),
        other: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(file, anything), (data) => {
        expect(checkedAppState(data)).toEqual(schemaReading(data));
      }),
      { numRuns: 2000 },
    );
  });
});
