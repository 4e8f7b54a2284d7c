// The console's runbook catalog. With services to watch the console reads the runbooks' triggers
// soon after every start, and validating the runbooks needs the YAML parser and the validators:
// loaded as modules they would stay for the console's life (about 5 MB resident), and the
// validation costs a few hundred milliseconds of CPU on each start. So the validated catalog is
// kept in the setup cache (config/setup-cache.ts) with every path its load looked at (each
// runbook file read, each runbook directory's names, the user's runbook directory there or not),
// and made again, by the detached loader that is let go afterwards (cli/detached-load.ts), only
// when one of them or the config has changed. A catalog with an error is never kept: the next
// start validates again and says the same.
import type { Keymap } from '../config/keymaps.js';
import type { SetupCache } from '../config/setup-cache.js';
import { boundRunbooks } from '../model/commands.js';
import type { LoadRunbooksOptions, Runbook, RunbookCatalog } from '../runbooks/load.js';
import { detachedLoadRunbooks } from './detached-load.js';

/** What the cache keeps of a catalog: `get` is made again from the runbooks. */
type Kept = { runbooks: Runbook[]; dirs: RunbookCatalog['dirs'] };

/** Everything besides the files that the catalog depends on: the cache's key. */
export function catalogInputs(options: LoadRunbooksOptions): unknown {
  return {
    catalog: 'runbooks',
    // The config decides what a runbook may name (hosts, sets, site values) and where more are.
    config: options.config,
    configFile: options.configFile ?? null,
    cwd: options.cwd,
    builtinDir: options.builtinDir ?? null,
    env: { XDG_CONFIG_HOME: options.env.XDG_CONFIG_HOME ?? null, HOME: options.env.HOME ?? null },
  };
}

/** The catalog, from the cache while its files are unchanged; otherwise loaded (and kept when it loads). */
export async function runbookCatalog(options: LoadRunbooksOptions, cache: SetupCache | undefined): Promise<RunbookCatalog> {
  const inputs = catalogInputs(options);
  let kept = cache?.peek<Kept>(inputs);
  if (kept === undefined) {
    // In the bundle a copy of the loader that is let go afterwards; unbundled (tests) the modules.
    const load = detachedLoadRunbooks() ?? (await import('../runbooks/load.js')).loadRunbooks;
    const made = (): Kept => {
      const catalog = load(options);
      return { runbooks: catalog.runbooks, dirs: catalog.dirs };
    };
    kept = cache ? cache.load(inputs, made) : made();
  }
  const byId = new Map(kept.runbooks.map((runbook) => [runbook.id, runbook]));
  return { runbooks: kept.runbooks, dirs: kept.dirs, get: (id) => byId.get(id) };
}

/**
 * The catalog, and a keymap binding that names a runbook it does not hold is a located error
 * (config/keymaps.ts, loaded only then).
 */
export async function checkedRunbookCatalog(
  options: LoadRunbooksOptions,
  keymap: Keymap,
  cache: SetupCache | undefined,
): Promise<RunbookCatalog> {
  const catalog = await runbookCatalog(options, cache);
  const ids = catalog.runbooks.map((runbook) => runbook.id);
  if (boundRunbooks(keymap).some((id) => !ids.includes(id))) {
    const { checkRunbookBindings } = await import('../config/keymaps.js');
    checkRunbookBindings(keymap, ids, options.env, options.cwd);
  }
  return catalog;
}
