// The watcher's side of the store: the one writer. Opens the database for writing, appends the
// timeline, keeps where it has read the audit log to, prunes what is older than it keeps, and
// says how big the file is.
import { statSync } from 'node:fs';
import type { EventKind, TimelineEvent } from '../model/timeline.js';
import { openForWriting } from './db.js';
import type { Database } from './sqlite.js';
import { latestPerSubject, readMeta, TimelineWriter, writeMeta } from './timeline.js';

export class Recorder {
  readonly db: Database;
  private readonly timeline: TimelineWriter;

  constructor(readonly path: string) {
    this.db = openForWriting(path);
    this.timeline = new TimelineWriter(this.db);
  }

  /**
   * A tick's events and the values kept with them (how far the audit log was read), in one
   * transaction: all of it or none, so a crash neither loses nor repeats a change.
   */
  commit(events: readonly TimelineEvent[], meta: Readonly<Record<string, string>> = {}): void {
    const keys = Object.keys(meta);
    if (events.length === 0 && keys.length === 0) return;
    this.db.exec('BEGIN');
    try {
      this.timeline.append(events);
      for (const key of keys) writeMeta(this.db, key, meta[key] ?? '');
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The newest event of each subject of these kinds, oldest first. */
  latest(kinds: readonly EventKind[]): TimelineEvent[] {
    return latestPerSubject(this.db, kinds);
  }

  meta(key: string): string | null {
    return readMeta(this.db, key);
  }

  setMeta(key: string, value: string): void {
    writeMeta(this.db, key, value);
  }

  /** Drops timeline events older than `before`. */
  pruneEvents(before: number): number {
    return this.timeline.prune(before);
  }

  /** The database's size on disk, its write-ahead log included. */
  sizeBytes(): number {
    let total = 0;
    for (const file of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(file).size;
      } catch {
        // not there
      }
    }
    return total;
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // already closed
    }
  }
}
