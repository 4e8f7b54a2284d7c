// `homeops check-config`: everything the console would load, validated, with the paths used.

import { join } from 'node:path';
import { severitiesOf } from '../alerts/routes.js';
import { machineNotes } from '../config/machine-config.js';
import type { Env } from '../config/paths.js';
import { stateHome, userConfigPath } from '../config/paths.js';
import { PrivatePathError } from '../config/private-files.js';
import type { RunbookCatalog } from '../runbooks/load.js';
import { checkStateDir } from '../runbooks/state-dir.js';
import { terminalSafe } from '../terminal/terminal-safe.js';
import type { Setup } from './compose.js';

/** Why the state directory cannot be used, or null (it is fine, or not made yet). */
function stateProblem(env: Env): string | null {
  try {
    checkStateDir(env, null, false);
    return null;
  } catch (error) {
    if (error instanceof PrivatePathError) return error.message;
    throw error;
  }
}

const SOURCE: Record<Exclude<Setup['source']['kind'], 'builtin'>, string> = {
  flag: '--config',
  env: 'HOMEOPS_CONFIG',
  user: 'user config',
  demo: 'the reference estate, for the demo',
};

function configLine(s: Setup, env: Env): string {
  if (s.source.kind === 'builtin')
    return `config   none: the built-in default, this machine only (homeops init writes ${userConfigPath(env)})`;
  return `config   ${s.source.path} (${SOURCE[s.source.kind]})`;
}

/**
 * The report; `catalog` is the runbooks validated with this config. Each line is one line safe
 * for a terminal: paths and reasons may hold anything a file name can.
 */
export function checkConfigReport(s: Setup, env: Env, catalog: Pick<RunbookCatalog, 'dirs' | 'runbooks'>): string {
  const usable = catalog.runbooks.filter((r) => !r.unavailable).length;
  const triggered = catalog.runbooks.filter((r) => r.trigger && !r.unavailable).map((r) => r.id);
  const { placement } = s;
  const lines = [
    configLine(s, env),
    ...(s.config.plan.note ? [`plan     ${s.config.plan.note}`] : []),
    ...Object.entries(s.machine ? machineNotes(s.machine) : {}).map(([pane, note]) => `note     ${pane}: ${note}`),
    ...s.views.map((view, index) => `view ${index + 1}   ${view.name.padEnd(12)} ${view.file}`),
    `keymap   ${s.keymap.name.padEnd(12)} ${s.keymap.files.join(' → ')}`,
    `state    ${join(stateHome(env), 'homeops')}`,
    ...[stateProblem(env)].filter((p): p is string => p !== null).map((p) => `note     runbooks cannot run: ${p}`),
    `profile  ${placement.profile.padEnd(12)} ${placement.reason}`,
    ...(placement.local.length ? [`local    ${placement.local.join(', ')}`] : []),
    ...(placement.ssh.length ? [`ssh      ${placement.ssh.join(', ')}`] : []),
    ...(s.scenario ? [`demo     ${s.scenario.name.padEnd(12)} ${s.scenario.dir}`] : []),
    ...(s.config.alerts?.channels ?? []).map((c) => `channel  ${c.name.padEnd(12)} ${c.type}: ${severitiesOf(c).join(', ')}`),
    ...catalog.dirs.map((d) => `runbooks ${d.dir}${d.builtin ? ' (built-in)' : ''}`),
    ...catalog.runbooks.filter((r) => r.unavailable).map((r) => `note     runbook ${r.id} cannot run with this config: ${r.unavailable}`),
    // runbooks.triggers naming a runbook that has no trigger changes nothing: said, not refused.
    ...Object.keys(s.config.runbooks?.triggers ?? {})
      .filter((id) => !catalog.runbooks.some((r) => r.id === id && r.trigger))
      .map((id) => `note     runbooks.triggers.${id}: no runbook "${id}" has a trigger; this changes nothing`),
    ...(triggered.length && !s.config.services?.list.length
      ? [`note     no services in the config: the triggers of ${triggered.join(', ')} never offer anything`]
      : []),
    `ok: config, ${s.views.length} views, keymap "${s.keymap.name}" and ${usable} runbooks are valid`,
  ];
  return `${lines.map((line) => terminalSafe(line)).join('\n')}\n`;
}
