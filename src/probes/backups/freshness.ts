// Is a set's newest backup fresh against its schedule; are the versions kept what retention
// says; is the newest much smaller than the one before. Pure.
import { parseDuration } from '../../config/units.js';
import type { BackupItem, RetentionReading, SizeDrop } from '../../model/backups.js';
import type { Keep, KeepConfig } from './types.js';

/**
 * A newest file modified this recently may still be being written (a dump in progress): its
 * size is not compared with the one before until it has settled.
 */
export const SETTLE_MS = 120_000;

/** The newest smaller than `minPercent` of the one before; null when not (or sizes unknown). */
export function sizeDrop(items: readonly BackupItem[], minPercent: number, at: number): SizeDrop | null {
  const [newest, previous] = items;
  if (!newest || !previous || newest.size === null || previous.size === null || previous.size <= 0) return null;
  if (at - newest.at < SETTLE_MS) return null;
  const fraction = newest.size / previous.size;
  return fraction * 100 < minPercent ? { newest: newest.size, previous: previous.size, fraction } : null;
}

/** The configured retention: a count as it is, an age text in ms; null for none. */
export function keepOf(keep: KeepConfig | undefined): Keep | null {
  if (keep === undefined) return null;
  if (typeof keep === 'number') return { versions: keep };
  const ageMs = parseDuration(keep);
  return ageMs === undefined ? null : { ageMs };
}

/**
 * The versions kept against retention. More versions than `keep`, or an oldest version older
 * than `keep` by more than one schedule (pruning runs after a backup), is `over`: old backups
 * are not being pruned and fill the disk.
 */
export function retention(items: readonly BackupItem[], keep: Keep | null, scheduleMs: number, at: number): RetentionReading | null {
  if (!keep) return null;
  if ('versions' in keep) return { kind: 'versions', limit: keep.versions, count: items.length, over: items.length > keep.versions };
  const oldest = items.at(-1);
  const oldestAgeMs = oldest ? Math.max(0, at - oldest.at) : 0;
  return { kind: 'age', limitMs: keep.ageMs, oldestAgeMs, over: oldestAgeMs > keep.ageMs + scheduleMs };
}
