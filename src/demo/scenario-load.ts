// Finding a demo scenario by name and reading its scenario.yaml (description, host). Apart from
// scenario.ts so that replaying one (a cached start) does not load the YAML parser.
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { pathIdProblem } from '../config/path-id.js';
import { pathExists, readText } from '../config/file-facts.js';
import { listScenarios, ScenarioError, scenariosDir, type Scenario } from './scenario.js';

export function loadScenario(name: string): Scenario {
  if (pathIdProblem(name) !== null || !pathExists(join(scenariosDir(), name))) {
    throw new ScenarioError(`no demo scenario "${name}" (have: ${listScenarios().join(', ') || 'none'})`);
  }
  const dir = join(scenariosDir(), name);
  let description = '';
  let host = 'workstation';
  const meta = join(dir, 'scenario.yaml');
  if (pathExists(meta)) {
    const parsed = parseYaml(readText(meta)) as { description?: unknown; host?: unknown } | null;
    if (typeof parsed?.description === 'string') description = parsed.description;
    if (typeof parsed?.host === 'string') host = parsed.host;
  }
  return { name, dir, description, host };
}
