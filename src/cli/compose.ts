// Builds what a run needs from options and the environment: config, views, keymap and scenario
// read and validated (the slow way; setup-core.ts has the cached one), and the runtime.
import { loadKeymap } from '../config/keymaps.js';
import { loadConfig } from '../config/load.js';
import type { Env } from '../config/paths.js';
import type { SetupCache } from '../config/setup-cache.js';
import { loadView, loadViews } from '../config/views.js';
import { loadScenario } from '../demo/scenario-load.js';
import type { GlobalOptions } from './args.js';
import { completeSetup, setupInputs, type Loaded, type Setup } from './setup-core.js';

export type { Setup } from './setup-core.js';
export { buildMonitor, buildRuntime, type Runtime } from './runtime.js';

function loadFiles(options: GlobalOptions, env: Env, cwd: string): Loaded {
  const loaded = loadConfig(options.config, env, cwd);
  const views = loadViews(loaded.config.views, env, cwd);
  const wantedView = options.view ?? loaded.config.view;
  let initialView: number | 'auto' = 'auto';
  if (wantedView !== 'auto') {
    const index = views.findIndex((v) => v.name === wantedView);
    if (index >= 0) initialView = index;
    else {
      views.push(loadView(wantedView, env, cwd));
      initialView = views.length - 1;
    }
  }
  const keymap = loadKeymap(options.keymap ?? loaded.config.keymap, env, cwd);
  const scenario = options.demo ? loadScenario(options.demo) : null;
  return { ...loaded, views, initialView, keymap, scenario };
}

/**
 * Config, views, keymap and scenario, validated; with `cache`, taken from it while none of
 * the files they come from has changed (src/config/setup-cache.ts).
 */
export function setup(options: GlobalOptions, env: Env, cwd: string, cache?: SetupCache): Setup {
  const inputs = setupInputs(options, env, cwd);
  const loaded = cache ? cache.load(inputs, () => loadFiles(options, env, cwd)) : loadFiles(options, env, cwd);
  return completeSetup(loaded, options, env);
}
