// Drill results in the state directory ($XDG_STATE_HOME/homeops/drills.jsonl): one JSON line per
// drill, appended; the last line of a set is its last drill. Read by the backups reader.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Env, stateHome } from '../config/paths.js';
import type { DrillRecord } from '../model/drill.js';

export function drillLogPath(env: Env): string {
  return join(stateHome(env), 'homeops', 'drills.jsonl');
}

export function recordDrill(env: Env, record: DrillRecord): void {
  const file = drillLogPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

const isRecord = (value: unknown): value is DrillRecord => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.set === 'string' && typeof v.at === 'number' && typeof v.ok === 'boolean' && typeof v.summary === 'string';
};

/** Each set's last drill; a missing file is no drills, a broken line is skipped. */
export function lastDrills(env: Env): Map<string, DrillRecord> {
  let text: string;
  try {
    text = readFileSync(drillLogPath(env), 'utf8');
  } catch {
    return new Map();
  }
  const last = new Map<string, DrillRecord>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed) && (last.get(parsed.set)?.at ?? -Infinity) <= parsed.at) last.set(parsed.set, parsed);
    } catch {
      // a line cut short by a full disk: the others still count
    }
  }
  return last;
}
