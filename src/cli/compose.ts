// Builds what a run needs from options and the environment: config, views, keymap, monitor.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadKeymap, type Keymap } from '../config/keymaps.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { Env } from '../config/paths.js';
import { loadView, loadViews, type View } from '../config/views.js';
import { loadScenario, replayCpuReader, replayNvidiaSmiHost, type Scenario } from '../demo/scenario.js';
import { localHost } from '../hosts/local.js';
import { Monitor, type ProbeSlot } from '../monitor/monitor.js';
import { cpuProbe, localCpuReader } from '../probes/cpu/probe.js';
import { gpuProbe, gpuReader } from '../probes/gpu/probe.js';
import type { GlobalOptions } from './args.js';

export type Setup = LoadedConfig & {
  views: View[];
  /** Index into views of the one asked for, or 'auto'. */
  initialView: number | 'auto';
  keymap: Keymap;
  scenario: Scenario | null;
  readOnly: boolean;
};

export function setup(options: GlobalOptions, env: Env, cwd: string): Setup {
  const loaded = loadConfig(options.config, env, cwd);
  const config = options.refreshMs ? { ...loaded.config, refresh: options.refreshMs } : loaded.config;
  const views = loadViews(config.views, env, cwd);
  const wantedView = options.view ?? config.view;
  let initialView: number | 'auto' = 'auto';
  if (wantedView !== 'auto') {
    const index = views.findIndex((v) => v.name === wantedView);
    if (index >= 0) initialView = index;
    else {
      views.push(loadView(wantedView, env, cwd));
      initialView = views.length - 1;
    }
  }
  const keymap = loadKeymap(options.keymap ?? config.keymap, env, cwd);
  const scenario = options.demo ? loadScenario(options.demo) : null;
  return { config, source: loaded.source, views, initialView, keymap, scenario, readOnly: options.readOnly || config.readOnly };
}

export function buildMonitor(s: Setup): Monitor {
  const { config, scenario } = s;
  const slots: ProbeSlot[] = [];
  if (!config.probes.cpu.enabled) slots.push({ id: 'cpu', disabled: 'disabled in config (probes.cpu.enabled)' });
  else if (scenario) {
    const read = replayCpuReader(scenario);
    slots.push(read ? { id: 'cpu', probe: cpuProbe(read, config) } : { id: 'cpu', disabled: `no CPU data in scenario ${scenario.name}` });
  } else {
    slots.push({ id: 'cpu', probe: cpuProbe(localCpuReader(config.probes.cpu), config) });
  }
  if (!config.probes.gpu.enabled) slots.push({ id: 'gpu', disabled: 'disabled in config (probes.gpu.enabled)' });
  else {
    const host = scenario ? replayNvidiaSmiHost(join(scenario.dir, 'nvidia-smi'), scenario.host) : localHost(hostname());
    slots.push({ id: 'gpu', probe: gpuProbe(gpuReader(host, config.probes.gpu), config.probes.gpu) });
  }
  return new Monitor(slots, { host: scenario?.host ?? hostname(), refreshMs: config.refresh, demo: scenario?.name ?? null });
}

