// The console's trends: the mean of each minute's ticks per series, the last hour kept in
// memory, published once a minute (one more render a minute). Nothing is read from or written
// to disk: the sparklines show what this console has seen; the history panel reads the
// watcher's store for longer.
import type { Snapshot } from '../monitor/snapshot.js';
import type { Trends, TrendSource } from '../model/trends.js';
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
    this.trends = new Map([...this.series].map(([name, points]) => [name, points.map((p) => p.value)]));
    for (const listener of this.listeners) listener();
  }
}
