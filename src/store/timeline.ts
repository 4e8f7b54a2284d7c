// The timeline's table: every change of state, appended by the watcher, read newest first by
// `homeops events` and the console's timeline panel.
import type { StatementSync } from 'node:sqlite';
import { EVENT_KINDS, type EventKind, SEVERITIES, type Severity, type TimelineEvent } from '../model/timeline.js';
import type { Database } from './sqlite.js';

type Row = { at: number; kind: string; subject: string; state: string; severity: string | null; text: string };

function eventOf(row: Row): TimelineEvent {
  const kind = (EVENT_KINDS as readonly string[]).includes(row.kind) ? (row.kind as EventKind) : 'watch';
  const severity = row.severity !== null && (SEVERITIES as readonly string[]).includes(row.severity) ? (row.severity as Severity) : null;
  return { at: Number(row.at), kind, subject: row.subject, state: row.state, severity, text: row.text };
}

export class TimelineWriter {
  private readonly insert: StatementSync;

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT INTO events (at, kind, subject, state, severity, text) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** Appends events (inside the caller's transaction, if any). */
  append(events: readonly TimelineEvent[]): void {
    for (const e of events) this.insert.run(e.at, e.kind, e.subject, e.state, e.severity, e.text);
  }

  /** Drops events older than `before` (ms since the epoch); returns how many. */
  prune(before: number): number {
    return Number(this.db.prepare('DELETE FROM events WHERE at < ?').run(before).changes);
  }
}

export type EventQuery = { since?: number; until?: number; limit?: number };

/** Events newest first, from `since` (inclusive) to `until` (exclusive). */
export function readEvents(db: Database, query: EventQuery = {}): TimelineEvent[] {
  const rows = db
    .prepare('SELECT at, kind, subject, state, severity, text FROM events WHERE at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?')
    .all(query.since ?? 0, query.until ?? Number.MAX_SAFE_INTEGER, query.limit ?? 1000) as Row[];
  return rows.map(eventOf);
}

/** A value the watcher keeps between runs (where it has read the audit log to). */
export function readMeta(db: Database, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The newest event of each subject of these kinds, oldest first (what the watcher last recorded). */
export function latestPerSubject(db: Database, kinds: readonly EventKind[]): TimelineEvent[] {
  const marks = kinds.map(() => '?').join(', ');
  const rows = db
    .prepare(`SELECT e.at, e.kind, e.subject, e.state, e.severity, e.text FROM events e
    JOIN (SELECT max(id) AS id FROM events WHERE kind IN (${marks}) GROUP BY kind, subject) last ON last.id = e.id ORDER BY e.id`)
    .all(...kinds) as Row[];
  return rows.map(eventOf);
}
