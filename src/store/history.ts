// The history's tables: per-minute samples per series, written by the watcher, read by the
// console's history panel and pruned to what the config keeps (7 days by default).
import type { StatementSync } from 'node:sqlite';
import type { Database } from './sqlite.js';

export type Point = { minute: number; value: number };

export class HistoryWriter {
  private readonly ids = new Map<string, number>();
  private readonly addSeries: StatementSync;
  private readonly findSeries: StatementSync;
  private readonly insert: StatementSync;

  constructor(private readonly db: Database) {
    this.addSeries = db.prepare('INSERT OR IGNORE INTO series (name) VALUES (?)');
    this.findSeries = db.prepare('SELECT id FROM series WHERE name = ?');
    this.insert = db.prepare('INSERT OR REPLACE INTO samples (series, at, value) VALUES (?, ?, ?)');
  }

  private idOf(name: string): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    this.addSeries.run(name);
    const id = Number((this.findSeries.get(name) as { id: number }).id);
    this.ids.set(name, id);
    return id;
  }

  /** One minute's values, in one transaction. */
  write(minute: number, values: ReadonlyMap<string, number>): void {
    if (values.size === 0) return;
    this.db.exec('BEGIN');
    try {
      for (const [name, value] of values) this.insert.run(this.idOf(name), minute, value);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Drops samples before `minute`, and series left without any; returns the samples dropped. */
  prune(minute: number): number {
    const dropped = Number(this.db.prepare('DELETE FROM samples WHERE at < ?').run(minute).changes);
    if (dropped > 0) {
      this.db.exec('DELETE FROM series WHERE id NOT IN (SELECT DISTINCT series FROM samples)');
      this.ids.clear();
    }
    return dropped;
  }
}

/** The series whose names start with one of `prefixes`, by name. */
export function seriesNames(db: Database, prefixes: readonly string[]): string[] {
  const names = (db.prepare('SELECT name FROM series ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  return names.filter((n) => prefixes.some((p) => n.startsWith(p)));
}

/** A series' samples from `from` (a minute, inclusive) on, oldest first. */
export function readSeries(db: Database, name: string, from: number): Point[] {
  const rows = db
    .prepare(
      'SELECT s.at AS minute, s.value AS value FROM samples s JOIN series n ON n.id = s.series WHERE n.name = ? AND s.at >= ? ORDER BY s.at',
    )
    .all(name, from) as { minute: number; value: number }[];
  return rows.map((r) => ({ minute: Number(r.minute), value: Number(r.value) }));
}

/** Every series' samples from `from` (a minute, inclusive) on, oldest first, in one query. */
export function readRecent(db: Database, from: number): Map<string, Point[]> {
  const rows = db
    .prepare(
      'SELECT n.name AS name, s.at AS minute, s.value AS value FROM samples s JOIN series n ON n.id = s.series WHERE s.at >= ? ORDER BY n.name, s.at',
    )
    .all(from) as { name: string; minute: number; value: number }[];
  const out = new Map<string, Point[]>();
  for (const row of rows) {
    const points = out.get(row.name) ?? [];
    points.push({ minute: Number(row.minute), value: Number(row.value) });
    out.set(row.name, points);
  }
  return out;
}

/** How much the history holds: samples, series, the oldest minute. */
export function historyStats(db: Database): { samples: number; series: number; oldest: number | null } {
  const row = db.prepare('SELECT count(*) AS n, min(at) AS oldest FROM samples').get() as { n: number; oldest: number | null };
  const series = db.prepare('SELECT count(*) AS n FROM series').get() as { n: number };
  return { samples: Number(row.n), series: Number(series.n), oldest: row.oldest === null ? null : Number(row.oldest) };
}

/**
 * A series' means in `count` buckets of `minutes` minutes each, the last ending before `end` (a
 * minute, exclusive), oldest first; NaN for a bucket with no sample (the watcher was not
 * running, or the pane had no fresh data). One query, grouped by SQLite.
 */
export function bucketMeans(db: Database, name: string, end: number, minutes: number, count: number): number[] {
  const from = end - minutes * count;
  const rows = db
    .prepare(
      // CAST: JS numbers may be bound as REAL, and a REAL division would not group.
      'SELECT CAST((s.at - ?) / ? AS INTEGER) AS bucket, avg(s.value) AS value FROM samples s JOIN series n ON n.id = s.series WHERE n.name = ? AND s.at >= ? AND s.at < ? GROUP BY bucket',
    )
    .all(from, minutes, name, from, end) as { bucket: number; value: number }[];
  const out: number[] = Array.from({ length: count }, () => NaN);
  for (const row of rows) {
    const index = Number(row.bucket);
    if (index >= 0 && index < count) out[index] = Number(row.value);
  }
  return out;
}
