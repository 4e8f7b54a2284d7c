// The console's trends: the mean of each minute's ticks per series, the last hour kept in
// memory, published once a minute (one more render a minute). At the start the hour before is
// taken from the watcher's store, where one has run (`seed`), so the sparklines show the last
// hour at once rather than from when the console opened; nothing is written. The history panel
// reads the store for longer.
import type { Env } from '../config/paths.js';
import type { Snapshot } from '../model/snapshot.js';
import type { TrendSource, Trends } from '../model/trends.js';
import { NO_TRENDS } from '../model/trends.js';
import { MinuteMeans, samplesOf } from '../store/samples.js';

const KEEP = 60;

export class MinuteTrends implements TrendSource {
  private readonly means = new MinuteMeans();
  private readonly series = new Map<string, { minute: number; value: number }[]>();
  private trends: Trends = NO_TRENDS;
  private readonly listeners = new Set<() => void>();

  constructor(source: { subscribe(listener: (snapshot: Snapshot) => void): () => void }) {
    this.unsubscribe = source.subscribe((snapshot) => this.add(snapshot));
  }

  readonly unsubscribe: () => void;

  current(): Trends {
    return this.trends;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Minutes recorded before this console started (from the store), oldest first per series:
   * only those before the console's own first minute are taken, so nothing is counted twice.
   */
  seed(recorded: ReadonlyMap<string, readonly { minute: number; value: number }[]>, now: number): void {
    const newest = Math.floor(now / 60_000);
    let added = false;
    for (const [name, points] of recorded) {
      const own = this.series.get(name) ?? [];
      const first = own[0]?.minute ?? Infinity;
      const before = points.filter((p) => p.minute < first && p.minute > newest - KEEP);
      if (before.length === 0) continue;
      this.series.set(name, [...before, ...own]);
      added = true;
    }
    if (!added) return;
    this.publish();
  }

  private publish(): void {
    this.trends = new Map([...this.series].map(([name, points]) => [name, points.map((p) => p.value)]));
    for (const listener of this.listeners) listener();
  }

  private add(snapshot: Snapshot): void {
    const done = this.means.add(Date.parse(snapshot.takenAt), samplesOf(snapshot));
    if (!done) return;
    for (const [name, value] of done.values) {
      const points = this.series.get(name) ?? [];
      points.push({ minute: done.minute, value });
      while (points.length && (points[0]?.minute ?? 0) <= done.minute - KEEP) points.shift();
      this.series.set(name, points);
    }
    // A series that stopped (a container removed) goes once its hour is over.
    for (const [name, points] of this.series) {
      while (points.length && (points[0]?.minute ?? 0) <= done.minute - KEEP) points.shift();
      if (points.length === 0) this.series.delete(name);
    }
    this.publish();
  }
}

/**
 * The last hour the watcher recorded, per series, for `seed`: empty when no watcher has run or
 * the store cannot be read (the sparklines then start from this console's own minutes). The
 * store's code and node:sqlite load only here, after the first frame.
 */
export async function recordedHour(
  env: Env,
  demo: string | null,
  now = Date.now(),
): Promise<Map<string, { minute: number; value: number }[]>> {
  const out = new Map<string, { minute: number; value: number }[]>();
  try {
    const [{ openForReading, storePath }, { readRecent }] = await Promise.all([import('../store/db.js'), import('../store/history.js')]);
    const db = openForReading(storePath(env, demo));
    if (!db) return out;
    try {
      return readRecent(db, Math.floor(now / 60_000) - KEEP + 1);
    } finally {
      db.close();
    }
  } catch {
    // No history to show is not an error the console needs to speak of: the panel says why.
    return out;
  }
}
