// Reads and validates the user's files (config, views, keymap) and the demo scenario: the slow
// way to a setup, with the YAML parser and the validators (and the runbooks' loader, which uses
// them too). compose.ts runs it in the ESM module
// graph (check-config, tests); a first start of the console runs it from a copy built on its own
// and lets that copy go afterwards (detached-load.ts).
import { loadKeymap } from '../config/keymaps.js';
import { loadConfig } from '../config/load.js';
import type { Env } from '../config/paths.js';
import { locateField } from '../config/user-file.js';
import { UnknownNameError, UserFileError } from '../config/user-file-error.js';
import { loadView } from '../config/views.js';
import { loadScenario } from '../demo/scenario-load.js';
import type { GlobalOptions } from './args.js';
import type { Loaded } from './setup-core.js';

/**
 * A view or keymap the config names that does not exist is an error in the config file, at
 * that field; one named on the command line stays an UnknownNameError (a usage error).
 */
function fromConfig<T>(file: string | null, path: (string | number)[], load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof UnknownNameError) || file === null) throw error;
    const at = locateField(file, path);
    throw new UserFileError(file, at.line, at.col, path.join('.'), error.message);
  }
}

export function loadFiles(options: GlobalOptions, env: Env, cwd: string): Loaded {
  const loaded = loadConfig(options.config, env, cwd, { demo: options.demo !== undefined });
  const file = loaded.source.path;
  const views = loaded.config.views.map((name, index) => fromConfig(file, ['views', index], () => loadView(name, env, cwd)));
  const wantedView = options.view ?? loaded.config.view;
  let initialView: number | 'auto' = 'auto';
  if (wantedView !== 'auto') {
    const index = views.findIndex((v) => v.name === wantedView);
    if (index >= 0) initialView = index;
    else {
      views.push(
        options.view !== undefined ? loadView(wantedView, env, cwd) : fromConfig(file, ['view'], () => loadView(wantedView, env, cwd)),
      );
      initialView = views.length - 1;
    }
  }
  const keymap =
    options.keymap !== undefined
      ? loadKeymap(options.keymap, env, cwd)
      : fromConfig(file, ['keymap'], () => loadKeymap(loaded.config.keymap, env, cwd));
  const scenario = options.demo ? loadScenario(options.demo) : null;
  return { ...loaded, views, initialView, keymap, scenario };
}

export type LoadFiles = typeof loadFiles;

// The runbooks' loader, for the console's catalog when it is not in the cache (cli/runbook-catalog.ts):
// in the detached copy it goes with the rest.
export { loadRunbooks } from '../runbooks/load.js';
