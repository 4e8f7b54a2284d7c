// Finding a demo scenario by name and reading its scenario.yaml (description, host). Apart from
// scenario.ts so that replaying one (a cached start) does not load the YAML parser.
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { pathExists, readText } from '../config/file-facts.js';
import { pathIdProblem } from '../config/path-id.js';
import { parseDuration } from '../config/units.js';
import { listScenarios, type Scenario, ScenarioError, scenariosDir } from './scenario.js';

/**
 * A scenario by name. Its scenario.yaml may say `replays: OTHER` (use that scenario's
 * recordings) and `then: { after: 2m, scenario: OTHER }` (a second phase: a recovery).
 */
export function loadScenario(name: string, depth = 0): Scenario {
  if (pathIdProblem(name) !== null || !pathExists(join(scenariosDir(), name))) {
    throw new ScenarioError(`no demo scenario "${name}" (have: ${listScenarios().join(', ') || 'none'})`);
  }
  const dir = join(scenariosDir(), name);
  let description = '';
  let host = 'workstation';
  let recordings = dir;
  let then: Scenario['then'];
  const meta = join(dir, 'scenario.yaml');
  if (pathExists(meta)) {
    const parsed = parseYaml(readText(meta)) as { description?: unknown; host?: unknown; replays?: unknown; then?: unknown } | null;
    if (typeof parsed?.description === 'string') description = parsed.description;
    if (typeof parsed?.host === 'string') host = parsed.host;
    if (typeof parsed?.replays === 'string' && depth < 2) recordings = loadScenario(parsed.replays, depth + 1).dir;
    const next = parsed?.then as { after?: unknown; scenario?: unknown } | undefined;
    if (next && typeof next.scenario === 'string' && typeof next.after === 'string' && depth < 2) {
      const afterMs = parseDuration(next.after);
      if (afterMs === undefined) throw new ScenarioError(`${meta}: then.after "${next.after}" is not a duration`);
      then = { afterMs, scenario: loadScenario(next.scenario, depth + 1) };
    }
  }
  return { name, dir: recordings, description, host, ...(then ? { then } : {}) };
}
