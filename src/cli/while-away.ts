// "What changed while I wasn't looking": when the console closes it notes the time in the state
// directory; when it opens again, what the watcher recorded since then is said once in the status
// bar ("while the console was closed: 2 alerts fired, 1 resolved, nas lost and back · t"). The
// store's code loads only then, after the first frame.
import { join } from 'node:path';
import type { Env } from '../config/paths.js';
import { privateDir, readPrivate, writePrivate } from '../config/private-files.js';
import type { TimelineEvent } from '../model/timeline.js';
import { stateDir } from '../runbooks/state-dir.js';

/** When this console (or the demo's) was last closed. */
export function closedAtPath(env: Env, demo: string | null): string {
  return join(stateDir(env), demo ? 'console-closed-demo' : 'console-closed');
}

export function readClosedAt(env: Env, demo: string | null): number | null {
  const text = readPrivate(closedAtPath(env, demo), "the console's closing time");
  const at = text === null ? NaN : Number(text.trim());
  return Number.isFinite(at) && at > 0 ? at : null;
}

export function writeClosedAt(env: Env, demo: string | null, at: number): void {
  privateDir(stateDir(env), 'the state directory', { create: true });
  writePrivate(closedAtPath(env, demo), `${at}\n`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The events since the console closed, in a line: alerts fired and resolved, hosts lost and
 * back, runbook runs, panes that changed; null when nothing did. Pure.
 */
export function awaySummary(events: readonly TimelineEvent[]): { text: string; tone: 'warn' | 'plain' } | null {
  const count = (kind: TimelineEvent['kind'], state?: string) =>
    events.filter((e) => e.kind === kind && (state === undefined || e.state === state)).length;
  const fired = count('alert', 'firing');
  const parts: string[] = [];
  if (fired) parts.push(`${plural(fired, 'alert')} fired`);
  const resolved = count('alert', 'resolved');
  if (resolved) parts.push(`${resolved} resolved`);
  const lost = [...new Set(events.filter((e) => e.kind === 'host' && e.state === 'lost').map((e) => e.subject))];
  for (const host of lost)
    parts.push(`${host} lost${events.some((e) => e.kind === 'host' && e.subject === host && e.state === 'back') ? ' and back' : ''}`);
  // A run counts once, by its end; a trigger's own events (why it ran, that it did not) are not runs.
  const runs = events.filter((e) => e.kind === 'runbook' && !['started', 'triggered', 'refused'].includes(e.state)).length;
  if (runs) parts.push(plural(runs, 'runbook run'));
  const refused = count('runbook', 'refused');
  if (refused) parts.push(`${plural(refused, 'automatic run')} not made`);
  const panes = count('pane');
  if (panes) parts.push(`${plural(panes, 'pane change')}`);
  if (parts.length === 0) return null;
  return {
    text: `while the console was closed: ${parts.join(', ')} · t shows the timeline`,
    tone: fired > resolved || lost.length || refused ? 'warn' : 'plain',
  };
}

/** What the watcher recorded since `since`, summed up; null when nothing, no watcher, or no store to read. */
export async function readAway(env: Env, demo: string | null, since: number): Promise<ReturnType<typeof awaySummary>> {
  const [{ openForReading, storePath }, { readEvents }] = await Promise.all([import('../store/db.js'), import('../store/timeline.js')]);
  const db = openForReading(storePath(env, demo));
  if (!db) return null;
  try {
    return awaySummary(readEvents(db, { since, limit: 100_000 }));
  } finally {
    db.close();
  }
}
