// The watcher's history: the mean of each minute's ticks written per series, what is older than
// `store.history` pruned every hour (the first time at the start), and once a day how big the
// store is, recorded on the timeline (the watcher's own start line says it already).

import { formatBytes } from '../config/units.js';
import type { Snapshot } from '../model/snapshot.js';
import type { TimelineEvent } from '../model/timeline.js';
import { HistoryWriter, historyStats } from './history.js';
import type { Recorder } from './recorder.js';
import { MinuteMeans, minuteOf, samplesOf } from './samples.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export class HistoryStep {
  readonly name = 'history';
  private readonly writer: HistoryWriter;
  private readonly means = new MinuteMeans();
  private lastPrune = 0;
  private lastReport: number | null = null;
  /** Samples pruned since the last report. */
  private pruned = 0;

  constructor(
    private readonly recorder: Recorder,
    private readonly keepMs: number,
  ) {
    this.writer = new HistoryWriter(recorder.db);
  }

  step(snapshot: Snapshot, now: number, record: (event: TimelineEvent) => void): void {
    const done = this.means.add(now, samplesOf(snapshot));
    if (done) this.writer.write(done.minute, done.values);
    if (now - this.lastPrune >= HOUR) {
      this.lastPrune = now;
      this.pruned += this.writer.prune(minuteOf(now - this.keepMs));
      this.lastReport ??= now;
      if (now - this.lastReport >= DAY) {
        this.lastReport = now;
        record({ at: now, kind: 'watch', subject: 'store', state: 'size', severity: null, text: this.describe(now, this.pruned) });
        this.pruned = 0;
      }
    }
  }

  /** The store in one line: its size, what the history holds, what was pruned. */
  describe(now: number, pruned: number): string {
    const stats = historyStats(this.recorder.db);
    const since =
      stats.oldest === null ? 'nothing yet' : `since ${new Date(stats.oldest * 60_000).toISOString().slice(0, 16).replace('T', ' ')}`;
    const days = Math.round(this.keepMs / DAY);
    return `store ${formatBytes(this.recorder.sizeBytes())}: ${stats.samples} samples of ${stats.series} series ${since} (kept ${days}d)${pruned ? `; ${pruned} older ones pruned` : ''} · ${new Date(now).toISOString().slice(0, 10)}`;
  }

  /** Writes the minute in progress (the watcher is stopping). */
  close(): void {
    const done = this.means.flush();
    if (done) this.writer.write(done.minute, done.values);
  }
}
