// `homeops status`: one snapshot as a table or JSON, with Nagios exit codes.
import type { Snapshot } from '../monitor/snapshot.js';
import { exitCodeFor, NAGIOS_WORDS, type Status } from '../monitor/status.js';
import { STATUS_WORD } from '../ui/theme.js';
import { formatAge } from '../config/units.js';

export function statusExitCode(snapshot: Snapshot): 0 | 1 | 2 | 3 {
  return exitCodeFor(Object.values(snapshot.panes).map((p) => p.status as Status));
}

export function formatStatus(snapshot: Snapshot): string {
  const code = statusExitCode(snapshot);
  const lines = [`HOMEOPS ${NAGIOS_WORDS[code]} · ${snapshot.host}${snapshot.demo ? ` (demo ${snapshot.demo})` : ''} · ${snapshot.takenAt}`];
  for (const [id, entry] of Object.entries(snapshot.panes)) {
    const age = entry.status === 'stale' && entry.ageMs !== null ? ` (data ${formatAge(entry.ageMs)} old)` : '';
    lines.push(`${STATUS_WORD[entry.status].padEnd(6)} ${id.padEnd(10)} ${entry.error && entry.error !== entry.summary ? `${entry.error}${age} · ` : ''}${entry.summary}`);
    for (const alert of entry.alerts) lines.push(`${''.padEnd(17)}${STATUS_WORD[alert.level]} ${alert.message}`);
  }
  return `${lines.join('\n')}\n`;
}
