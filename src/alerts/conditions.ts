// What is wrong in one Snapshot, as conditions with stable keys: each pane's alerts, a pane
// whose source is down or whose data is old, and each host that does not answer. Pure.

import { PANE_IDS, type PaneId } from '../model/panes.js';
import type { Snapshot } from '../model/snapshot.js';
import { alertKey, hostKey, paneKey } from './keys.js';
import type { Level } from './rules.js';

export type Condition = {
  key: string;
  /** The pane it is about; null for a host. */
  pane: PaneId | null;
  /** The host, for a host that does not answer. */
  host: string | null;
  level: Level;
  /** One line: what is wrong. */
  title: string;
  /** More words: the pane's summary, the host's reason. */
  text: string;
};

export type Conditions = {
  list: Condition[];
  /** Panes whose alerts cannot be known now (no reading yet, or none kept): their alerts neither
   *  start nor resolve until they are read again. */
  unknown: ReadonlySet<PaneId>;
};

export function conditionsOf(snapshot: Snapshot): Conditions {
  const list: Condition[] = [];
  const unknown = new Set<PaneId>();
  const seen = new Set<string>();
  for (const pane of PANE_IDS) {
    const entry = snapshot.panes[pane];
    if (entry.status === 'off') continue;
    if (entry.data === null) unknown.add(pane);
    const waiting = entry.status === 'stale' && entry.ageMs === null && entry.error === undefined;
    if (entry.status === 'down' || (entry.status === 'stale' && !waiting)) {
      const level = entry.status;
      const why = entry.error ?? entry.summary;
      list.push({
        key: paneKey(pane, level),
        pane,
        host: entry.host ?? null,
        level,
        title: `${pane} ${level === 'down' ? 'down' : 'stale'}: ${why}`,
        text: entry.summary,
      });
    }
    for (const alert of entry.alerts) {
      let key = alertKey(pane, alert.message);
      // Two alerts of the same words but for figures: told apart by their order.
      for (let n = 2; seen.has(key); n++) key = `${alertKey(pane, alert.message)}-${n}`;
      seen.add(key);
      list.push({ key, pane, host: entry.host ?? null, level: alert.level, title: `${pane}: ${alert.message}`, text: entry.summary });
    }
  }
  for (const u of snapshot.unreachable) {
    list.push({ key: hostKey(u.host), pane: null, host: u.host, level: 'down', title: `${u.host} unreachable`, text: u.reason });
  }
  return { list, unknown };
}

/** The keys of what is wrong in one pane now: its alerts and its own trouble. */
export function paneAlertKeys(snapshot: Snapshot, pane: PaneId): string[] {
  return conditionsOf(snapshot)
    .list.filter((c) => c.pane === pane)
    .map((c) => c.key);
}
