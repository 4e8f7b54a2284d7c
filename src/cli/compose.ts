// Builds what a run needs from options and the environment: config, views, keymap and scenario
// read and validated (the slow way, load-files.ts; setup-core.ts has the cached one), and the
// runtime.
import type { Env } from '../config/paths.js';
import type { SetupCache } from '../config/setup-cache.js';
import type { GlobalOptions } from './args.js';
import { loadFiles } from './load-files.js';
import { type Setup, setupFrom } from './setup-core.js';

export { buildMonitor, buildRuntime, type Runtime } from './runtime.js';
export type { Setup } from './setup-core.js';

/**
 * Config, views, keymap and scenario, validated; with `cache`, taken from it while none of
 * the files they come from has changed (src/config/setup-cache.ts).
 */
export function setup(options: GlobalOptions, env: Env, cwd: string, cache?: SetupCache): Setup {
  return setupFrom(() => loadFiles(options, env, cwd), options, env, cwd, cache);
}
