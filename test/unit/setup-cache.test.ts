// The cached start: the same Setup as a full load, and a full load again (with the same
// errors) as soon as any file it came from changes or appears.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../src/cli/args.js';
import { type Setup, setup } from '../../src/cli/compose.js';
import { cachedSetup as fastSetup } from '../../src/cli/setup-core.js';
import { pathExists, readText, recordFacts } from '../../src/config/file-facts.js';
import { type Env, estateConfigPath, packageRoot } from '../../src/config/paths.js';
import { setupCache } from '../../src/config/setup-cache.js';
import { UserFileError } from '../../src/config/user-file.js';

let dir: string;
let env: Env;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-setup-cache-'));
  env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const options = (extra: Partial<GlobalOptions> = {}): GlobalOptions => ({ readOnly: false, noColor: false, ...extra });

/** setup through a cache in the temporary directory, and whether the files were loaded. */
function cachedSetup(o: GlobalOptions): { s: Setup; loaded: boolean } {
  const cache = setupCache(join(dir, 'cache'));
  let loaded = false;
  const counting = {
    load<T>(inputs: unknown, load: () => T): T {
      return cache.load(inputs, () => {
        loaded = true;
        return load();
      });
    },
    peek: <T>(inputs: unknown): T | undefined => cache.peek<T>(inputs),
    problem: () => cache.problem(),
  };
  return { s: setup(o, env, dir, counting), loaded };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserFileError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('setup cache', () => {
  it('gives the same Setup as a full load, from the cache on the second start', () => {
    const o = options({ demo: 'healthy' });
    const first = cachedSetup(o);
    const second = cachedSetup(o);
    expect(first.loaded).toBe(true);
    expect(second.loaded).toBe(false);
    expect(isDeepStrictEqual(second.s, setup(o, env, dir))).toBe(true);
    expect(second.s.keymap.byKey).toBeInstanceOf(Map);
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(1);
  });

  it('loads again when the config file changes, and an invalid one gives the same error as without a cache', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, readFileSync(estateConfigPath(), 'utf8'));
    const o = options({ config: file });
    expect(cachedSetup(o).loaded).toBe(true);
    expect(cachedSetup(o).loaded).toBe(false);
    writeFileSync(file, readFileSync(estateConfigPath(), 'utf8').replace(/^refresh: .*$/m, 'refresh: 5s'));
    const changed = cachedSetup(o);
    expect(changed.loaded).toBe(true);
    expect(changed.s.config.refresh).toBe(5000);
    writeFileSync(file, 'refresh: soon\n');
    const plain = errorOf(() => setup(o, env, dir));
    expect(plain).toMatch(/config\.yaml:1:\d+ refresh:/);
    expect(errorOf(() => cachedSetup(o))).toBe(plain);
    expect(errorOf(() => cachedSetup(o))).toBe(plain);
  });

  it('loads again when a file it looked for and did not find appears (a user view over a built-in)', () => {
    const o = options();
    expect(cachedSetup(o).loaded).toBe(true);
    expect(cachedSetup(o).loaded).toBe(false);
    const views = join(dir, 'config', 'homeops', 'views');
    mkdirSync(views, { recursive: true });
    writeFileSync(
      join(views, 'workstation.yaml'),
      readFileSync(join(packageRoot(), 'views', 'workstation.yaml'), 'utf8').replace(/^description: .*$/m, 'description: mine'),
    );
    const again = cachedSetup(o);
    expect(again.loaded).toBe(true);
    expect(again.s.views.find((v) => v.name === 'workstation')?.description).toBe('mine');
  });

  it('keeps apart starts with other arguments or environment', () => {
    expect(cachedSetup(options()).loaded).toBe(true);
    expect(cachedSetup(options({ view: 'tmux' })).loaded).toBe(true);
    env = { ...env, HOMEOPS_CONFIG: estateConfigPath() };
    expect(cachedSetup(options()).loaded).toBe(true);
    expect(cachedSetup(options()).loaded).toBe(false);
    expect(cachedSetup(options({ view: 'tmux' })).loaded).toBe(true);
  });

  it('the fast start (no YAML parser, no validator) takes the cache only while every file is as it was', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, readFileSync(estateConfigPath(), 'utf8'));
    const o = options({ config: file, demo: 'healthy', refreshMs: 1000 });
    const cache = setupCache(join(dir, 'cache'));
    expect(fastSetup(o, env, dir, cache)).toBeNull();
    const full = setup(o, env, dir, cache);
    const fast = fastSetup(o, env, dir, cache);
    expect(fast).not.toBeNull();
    expect(isDeepStrictEqual(fast, full)).toBe(true);
    expect(fast?.config.refresh).toBe(1000);
    // Other options are another key; a changed file is no longer taken.
    expect(fastSetup(options({ config: file }), env, dir, cache)).toBeNull();
    writeFileSync(file, readFileSync(estateConfigPath(), 'utf8').replace(/^refresh: .*$/m, 'refresh: 5s'));
    expect(fastSetup(o, env, dir, cache)).toBeNull();
  });

  it('does not keep what would not come back the same from its file', () => {
    const cache = setupCache(join(dir, 'cache'));
    let loads = 0;
    const value = () => {
      loads++;
      return { at: new Date(0), missing: undefined };
    };
    cache.load('x', value);
    cache.load('x', value);
    expect(loads).toBe(2);
  });

  it('notes the paths looked at and read', () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'a');
    const { value, facts } = recordFacts(() => [pathExists(join(dir, 'none')), readText(file)]);
    expect(value).toEqual([false, 'a']);
    expect(facts.map((f) => [f.path, f.kind])).toEqual([
      [join(dir, 'none'), 'none'],
      [file, 'file'],
    ]);
    expect(pathExists(file)).toBe(true);
  });
});
