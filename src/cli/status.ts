// `homeops status`: one snapshot as a table or JSON, with Nagios exit codes.

import { formatAge } from '../config/units.js';
import type { Snapshot } from '../model/snapshot.js';
import { exitCodeFor, NAGIOS_WORDS, type Status } from '../model/status.js';
import { terminalSafe } from '../terminal/terminal-safe.js';
import { STATUS_WORD } from '../ui/theme.js';

/** Where a pane's value starts: the status word (6), a space, the id (10), a space. */
const VALUE_COLUMN = 18;

export function statusExitCode(snapshot: Snapshot): 0 | 1 | 2 | 3 {
  return exitCodeFor(Object.values(snapshot.panes).map((p) => p.status as Status));
}

/**
 * The human table. Everything in it that came from outside (errors, summaries and alerts built
 * from what sources said, the host name) is one line, safe for a terminal.
 */
export function formatStatus(snapshot: Snapshot): string {
  const code = statusExitCode(snapshot);
  const safe = (text: string) => terminalSafe(text);
  const lines = [
    `HOMEOPS ${NAGIOS_WORDS[code]} · ${safe(snapshot.host)}${snapshot.demo ? ` (demo ${safe(snapshot.demo)})` : ''} · ${snapshot.takenAt}`,
  ];
  for (const [id, entry] of Object.entries(snapshot.panes)) {
    const age = entry.status === 'stale' && entry.ageMs !== null ? ` (data ${formatAge(entry.ageMs)} old)` : '';
    lines.push(
      `${STATUS_WORD[entry.status].padEnd(6)} ${id.padEnd(10)} ${entry.error && entry.error !== entry.summary ? `${safe(entry.error)}${age} · ` : ''}${safe(entry.summary)}`,
    );
    // Detail lines start where the values do: under the summary, after the word and the id.
    for (const alert of entry.alerts) lines.push(`${''.padEnd(VALUE_COLUMN)}${STATUS_WORD[alert.level]} ${safe(alert.message)}`);
  }
  // The runbooks the situation calls for, and how to run one from here.
  for (const offer of snapshot.offers) {
    const since = new Date(offer.since).toTimeString().slice(0, 8);
    const how = `${offer.response === 'auto' ? 'automatic; ' : ''}run: homeops runbook run ${offer.runbook}`;
    lines.push(`${'OFFER'.padEnd(6)} ${safe(offer.runbook)}: ${safe(offer.reason)} (since ${since}) · ${how}`);
  }
  return `${lines.join('\n')}\n`;
}
