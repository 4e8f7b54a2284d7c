// What changed between one snapshot and the state last recorded: a pane's status, a host lost
// or back. Pure. The last recorded state comes from the timeline itself when the watcher starts,
// so a restart records nothing that did not change while it was away.

import type { Snapshot } from '../model/snapshot.js';
import type { TimelineEvent } from '../model/timeline.js';

/** The last state recorded per subject: `pane:<id>` → a status word, `host:<name>` → lost or back. */
export type Recorded = ReadonlyMap<string, { state: string; at: number }>;

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 5);
}

function lasted(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))}s`;
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
}

/** A pane that has not had its first reading yet has no status worth recording. */
function waiting(entry: Snapshot['panes'][keyof Snapshot['panes']]): boolean {
  return entry.status === 'stale' && entry.ageMs === null && entry.error === undefined;
}

export function stateChanges(
  recorded: Recorded,
  snapshot: Snapshot,
): { events: TimelineEvent[]; next: Map<string, { state: string; at: number }> } {
  const at = Date.parse(snapshot.takenAt);
  const next = new Map(recorded);
  const events: TimelineEvent[] = [];
  const down = new Map(snapshot.unreachable.map((u) => [u.host, u]));
  for (const [host, u] of down) {
    const key = `host:${host}`;
    if (recorded.get(key)?.state === 'lost') continue;
    const since = Date.parse(u.since);
    next.set(key, { state: 'lost', at: since });
    events.push({
      at: since,
      kind: 'host',
      subject: host,
      state: 'lost',
      severity: null,
      text: `${host} unreachable since ${clock(since)}: ${u.reason}`,
    });
  }
  for (const [key, value] of recorded) {
    if (!key.startsWith('host:') || value.state !== 'lost') continue;
    const host = key.slice('host:'.length);
    if (down.has(host)) continue;
    next.set(key, { state: 'back', at });
    events.push({
      at,
      kind: 'host',
      subject: host,
      state: 'back',
      severity: null,
      text: `${host} answers again after ${lasted(at - value.at)}`,
    });
  }
  for (const [id, entry] of Object.entries(snapshot.panes)) {
    if (waiting(entry)) continue;
    const key = `pane:${id}`;
    const before = recorded.get(key)?.state;
    // A pane not configured is not news the first time it is seen.
    if (before === entry.status || (before === undefined && entry.status === 'off')) continue;
    next.set(key, { state: entry.status, at });
    const why = entry.error && entry.error !== entry.summary ? `${entry.error} · ${entry.summary}` : entry.summary;
    events.push({
      at,
      kind: 'pane',
      subject: id,
      state: entry.status,
      severity: null,
      text: `${id} ${before === undefined ? entry.status : `${before} → ${entry.status}`}: ${why}`,
    });
  }
  return { events, next };
}

/** The state recorded last per subject, from the timeline's pane and host events (oldest first). */
export function recordedFrom(events: readonly TimelineEvent[]): Map<string, { state: string; at: number }> {
  const out = new Map<string, { state: string; at: number }>();
  for (const e of events) {
    if (e.kind === 'pane') out.set(`pane:${e.subject}`, { state: e.state, at: e.at });
    else if (e.kind === 'host') out.set(`host:${e.subject}`, { state: e.state, at: e.at });
  }
  return out;
}
