// The console's runbook catalog from the cache: the same runbooks as a full load, and a full
// load again (with the same error) as soon as a runbook file changes, appears or goes, or the
// user's runbook directory appears.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from '../../src/cli/compose.js';
import { runbookCatalog } from '../../src/cli/runbook-catalog.js';
import type { Env } from '../../src/config/paths.js';
import { type SetupCache, setupCache } from '../../src/config/setup-cache.js';
import { UserFileError } from '../../src/config/user-file.js';
import { type LoadRunbooksOptions, loadRunbooks } from '../../src/runbooks/load.js';

let dir: string;
let env: Env;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-runbook-catalog-'));
  env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function options(): LoadRunbooksOptions {
  const s = setup({ readOnly: false, noColor: false, demo: 'healthy' }, env, dir);
  return { config: s.config, env, cwd: dir, configFile: s.source.path ?? undefined };
}

/** The catalog through a cache in the temporary directory, and whether the runbooks were loaded. */
async function catalog(o: LoadRunbooksOptions) {
  const cache = setupCache(join(dir, 'cache'));
  let loaded = false;
  const counting: SetupCache = {
    load: (inputs, load) =>
      cache.load(inputs, () => {
        loaded = true;
        return load();
      }),
    peek: (inputs) => cache.peek(inputs),
    problem: () => cache.problem(),
  };
  const found = await runbookCatalog(o, counting);
  return { found, loaded };
}

const userRunbooks = () => join(dir, 'config', 'homeops', 'runbooks');
const runbook = (id: string, title: string) =>
  `id: ${id}\ntitle: ${title}\nsteps:\n  - id: look\n    run: { host: workstation, command: "true" }\n`;

describe('the runbook catalog in the cache', () => {
  it('holds what a full load holds, from the cache on the second start', async () => {
    const o = options();
    const first = await catalog(o);
    const second = await catalog(o);
    expect(first.loaded).toBe(true);
    expect(second.loaded).toBe(false);
    const full = loadRunbooks(o);
    expect(second.found.runbooks).toEqual(full.runbooks);
    expect(second.found.dirs).toEqual(full.dirs);
    expect(second.found.get('dns-failover')?.title).toBe(full.get('dns-failover')?.title);
    expect(second.found.get('nope')).toBeUndefined();
  });

  it("sees the user's runbook directory once it appears, and a runbook added, changed or removed there", async () => {
    const o = options();
    await catalog(o);
    mkdirSync(userRunbooks(), { recursive: true });
    writeFileSync(join(userRunbooks(), 'look.yaml'), runbook('look', 'Look around'));
    const added = await catalog(o);
    expect(added.loaded).toBe(true);
    expect(added.found.get('look')?.title).toBe('Look around');
    expect((await catalog(o)).loaded).toBe(false);

    writeFileSync(join(userRunbooks(), 'look.yaml'), runbook('look', 'Look again, a longer title'));
    expect((await catalog(o)).found.get('look')?.title).toBe('Look again, a longer title');

    writeFileSync(join(userRunbooks(), 'other.yml'), runbook('other', 'Another'));
    expect((await catalog(o)).found.get('other')?.title).toBe('Another');
    rmSync(join(userRunbooks(), 'look.yaml'));
    const removed = await catalog(o);
    expect(removed.loaded).toBe(true);
    expect(removed.found.get('look')).toBeUndefined();
  });

  it('a runbook with a mistake is the same located error on every start, never kept', async () => {
    const o = options();
    mkdirSync(userRunbooks(), { recursive: true });
    writeFileSync(join(userRunbooks(), 'bad.yaml'), 'id: bad\ntitle: Bad\nsteps: nope\n');
    const errors: string[] = [];
    for (let start = 0; start < 2; start++) {
      const error = await catalog(o).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserFileError);
      errors.push((error as Error).message);
    }
    expect(errors[0]).toMatch(/bad\.yaml:\d+:\d+ steps/);
    expect(errors[1]).toBe(errors[0]);
  });
});
