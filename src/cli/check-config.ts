// `homeops check-config`: everything the console would load, validated, with the paths used.
import type { Env } from '../config/paths.js';
import { stateHome } from '../config/paths.js';
import { join } from 'node:path';
import type { Setup } from './compose.js';

const SOURCE: Record<Setup['source']['kind'], string> = {
  flag: '--config',
  env: 'HOMEOPS_CONFIG',
  user: 'user config',
  builtin: 'built-in default',
};

export function checkConfigReport(s: Setup, env: Env): string {
  const lines = [
    `config   ${s.source.path} (${SOURCE[s.source.kind]})`,
    ...s.views.map((view, index) => `view ${index + 1}   ${view.name.padEnd(12)} ${view.file}`),
    `keymap   ${s.keymap.name.padEnd(12)} ${s.keymap.files.join(' → ')}`,
    `state    ${join(stateHome(env), 'homeops')}`,
    ...(s.scenario ? [`demo     ${s.scenario.name.padEnd(12)} ${s.scenario.dir}`] : []),
    `ok: config, ${s.views.length} views and keymap "${s.keymap.name}" are valid`,
  ];
  return `${lines.join('\n')}\n`;
}
