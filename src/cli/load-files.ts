// Reads and validates the user's files (config, views, keymap) and the demo scenario: the slow
// way to a setup, with the YAML parser and the validators. compose.ts runs it in the ESM module
// graph (check-config, tests); a first start of the console runs it from a copy built on its own
// and lets that copy go afterwards (detached-load.ts).
import { loadKeymap } from '../config/keymaps.js';
import { loadConfig } from '../config/load.js';
import type { Env } from '../config/paths.js';
import { loadView, loadViews } from '../config/views.js';
import { loadScenario } from '../demo/scenario-load.js';
import type { GlobalOptions } from './args.js';
import type { Loaded } from './setup-core.js';

export function loadFiles(options: GlobalOptions, env: Env, cwd: string): Loaded {
  const loaded = loadConfig(options.config, env, cwd, { demo: options.demo !== undefined });
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

export type LoadFiles = typeof loadFiles;
