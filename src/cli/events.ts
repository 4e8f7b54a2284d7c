// `homeops events [--since 2h] [--json]`: the timeline the watcher recorded, newest first: what
// changed while nobody was looking. Reads the database without writing to it.

import { statSync } from 'node:fs';
import type { Env } from '../config/paths.js';
import { formatBytes } from '../config/units.js';
import type { TimelineEvent } from '../model/timeline.js';
import { openForReading, storePath } from '../store/db.js';
import { readEvents } from '../store/timeline.js';
import { terminalSafe, terminalSafeJson } from '../terminal/terminal-safe.js';

/** Most events listed at once; --since narrows it. */
export const EVENTS_LIMIT = 5000;

/** Events as the human list: the local date and time, then what happened. */
export function formatEvents(events: readonly TimelineEvent[], now: number): string {
  const today = new Date(now).toDateString();
  return events
    .map((e) => {
      const d = new Date(e.at);
      const pad = (n: number) => String(n).padStart(2, '0');
      const day = d.toDateString() === today ? '' : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `;
      const when = `${day}${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      const tag = `${e.kind} ${e.state}${e.severity ? ` ${e.severity}` : ''}`;
      return terminalSafe(`${when}  ${tag.padEnd(20)} ${e.text}`);
    })
    .join('\n');
}

export type EventsResult = { code: number; stdout: string; stderr: string };

export function eventsCommand(env: Env, demo: string | null, sinceMs: number, json: boolean, now = Date.now()): EventsResult {
  const path = storePath(env, demo);
  const db = openForReading(path);
  if (!db) {
    if (json) return { code: 0, stdout: '[]\n', stderr: '' };
    return {
      code: 0,
      stdout: '',
      stderr: `homeops events: nothing recorded yet (${path} does not exist); homeops watch records the timeline\n`,
    };
  }
  try {
    const events = readEvents(db, { since: now - sinceMs, limit: EVENTS_LIMIT });
    if (json)
      return {
        code: 0,
        stdout: `${terminalSafeJson(
          events.map((e) => ({ ...e, time: new Date(e.at).toISOString() })),
          2,
        )}\n`,
        stderr: '',
      };
    let size = 0;
    try {
      size = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    } catch {
      // gone meanwhile
    }
    const footer = `${events.length === EVENTS_LIMIT ? `the newest ${EVENTS_LIMIT} ` : ''}${events.length} event${events.length === 1 ? '' : 's'} in the last ${describeSpan(sinceMs)} · ${path} ${formatBytes(size)}`;
    return { code: 0, stdout: events.length ? `${formatEvents(events, now)}\n${footer}\n` : `${footer}\n`, stderr: '' };
  } finally {
    db.close();
  }
}

function describeSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}
