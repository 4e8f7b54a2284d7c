// The console's bell: one BEL when a critical alert appears that was not there at the last
// tick and no silence covers it, outside the maintenance window. The console has no sustain time (what it shows, it shows at
// once), so neither has the bell. Pure but for the silences, read only when there is news.

import type { Snapshot } from '../model/snapshot.js';
import { conditionsOf } from './conditions.js';
import { type AlertRules, severityOf } from './rules.js';
import { type Silences, silenceFor } from './silences.js';

/** The keys of what is critical in this snapshot. */
export function criticalKeys(snapshot: Snapshot, rules: Pick<AlertRules, 'severity'>): Set<string> {
  const keys = new Set<string>();
  for (const c of conditionsOf(snapshot).list) {
    const subject = c.pane === null ? { host: c.host ?? '?' } : { pane: c.pane, level: c.level };
    if (severityOf(subject, rules) === 'critical') keys.add(c.key);
  }
  return keys;
}

/**
 * Calls `ring` for each snapshot that brings a new, unsilenced critical alert. Inside the
 * maintenance window (`maintenance` gives its words while it holds) nothing rings, as the
 * watcher sends nothing: what is known is left as it was before the window, so that what became
 * critical inside it and still is at its end rings then, once.
 */
export function bellWatch(
  rules: Pick<AlertRules, 'severity'>,
  silences: () => Silences,
  ring: () => void,
  maintenance: (now: number) => string | null = () => null,
): (snapshot: Snapshot) => void {
  let before = new Set<string>();
  return (snapshot) => {
    if (maintenance(Date.parse(snapshot.takenAt)) !== null) return;
    const now = criticalKeys(snapshot, rules);
    const fresh = [...now].filter((k) => !before.has(k));
    before = now;
    if (fresh.length === 0) return;
    const all = silences();
    const at = Date.parse(snapshot.takenAt);
    if (fresh.some((k) => silenceFor(all, k, at) === null)) ring();
  };
}
