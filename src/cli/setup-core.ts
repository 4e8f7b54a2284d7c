// What a run is set up from (config, views, keymap, scenario, placement), and the fast way to
// it: a start whose files are unchanged takes them from the cache (src/config/setup-cache.ts)
// without loading the YAML parser or the validators. compose.ts has the slow way.
import type { Keymap } from '../config/keymaps.js';
import type { LoadedConfig } from '../config/load.js';
import { detectMachine } from '../config/machine.js';
import { type Env, resolveConfigPath } from '../config/paths.js';
import type { SetupCache } from '../config/setup-cache.js';
import type { View } from '../config/views.js';
import type { Scenario } from '../demo/scenario.js';
import { type HostPlacement, profileChoice, resolveHosts, thisMachine } from '../hosts/profile.js';
import type { GlobalOptions } from './args.js';

export type Setup = LoadedConfig & {
  views: View[];
  /** Index into views of the one asked for, or 'auto'. */
  initialView: number | 'auto';
  keymap: Keymap;
  scenario: Scenario | null;
  readOnly: boolean;
  /** Which hosts are this machine and which are reached over SSH (the profile). */
  placement: HostPlacement;
};

/** What setup reads from files: the slow part (YAML and validation), and the part a cache keeps. */
export type Loaded = LoadedConfig & { views: View[]; initialView: number | 'auto'; keymap: Keymap; scenario: Scenario | null };

/** Everything besides the files that what is loaded depends on: the cache's key. */
export function setupInputs(options: GlobalOptions, env: Env, cwd: string): unknown {
  // The built-in default is made from this machine's facts (cheap to read: a few files under
  // /sys and /etc), so they are part of the key: a Docker engine installed since is seen.
  const builtin = resolveConfigPath(options.config, env, cwd, { demo: options.demo !== undefined }).kind === 'builtin';
  return {
    config: options.config ?? null,
    view: options.view ?? null,
    keymap: options.keymap ?? null,
    demo: options.demo ?? null,
    env: { HOMEOPS_CONFIG: env.HOMEOPS_CONFIG ?? null, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME ?? null, HOME: env.HOME ?? null },
    cwd,
    machine: builtin ? detectMachine(env) : null,
  };
}

function placementFor(config: Loaded['config'], options: GlobalOptions, env: Env): HostPlacement {
  const { profile, origin } = profileChoice(options.profile, env, config);
  return resolveHosts(config, profile, thisMachine(), origin);
}

/** The setup from what was loaded: the refresh asked for, read-only, where each host is. */
export function completeSetup(loaded: Loaded, options: GlobalOptions, env: Env): Setup {
  const config = options.refreshMs ? { ...loaded.config, refresh: options.refreshMs } : loaded.config;
  // The built-in default is this machine and nothing else: there is no host to reach over SSH.
  const placement =
    loaded.source.kind === 'builtin'
      ? {
          ...resolveHosts(config, 'local', thisMachine()),
          reason: 'the built-in default: this machine only (no config file; homeops init writes one)',
        }
      : placementFor(config, options, env);
  return { ...loaded, config, readOnly: options.readOnly || config.readOnly, placement };
}

/** The setup from what `load` reads; with `cache`, from the cache while none of its files has changed. */
export function setupFrom(load: () => Loaded, options: GlobalOptions, env: Env, cwd: string, cache?: SetupCache): Setup {
  const loaded = cache ? cache.load(setupInputs(options, env, cwd), load) : load();
  return completeSetup(loaded, options, env);
}

/** The setup from the cache while none of its files has changed; null otherwise (load them: compose.ts). */
export function cachedSetup(options: GlobalOptions, env: Env, cwd: string, cache: SetupCache): Setup | null {
  const loaded = cache.peek<Loaded>(setupInputs(options, env, cwd));
  return loaded === undefined ? null : completeSetup(loaded, options, env);
}
