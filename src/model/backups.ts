// The backups reading: each set's newest backup against its schedule, retention, size drops,
// WAL archiving and the last restore drill. Plain data, made by src/probes/backups/, with the
// one rule of freshness both the probe and the pane (as the backups age between reads) apply.

/** What a set holds: files, directories, a restic repository or borg archives. */
export type BackupKind = 'files' | 'dirs' | 'restic' | 'borg';

/**
 * Why a read gave nothing: the host is unreachable, no answer in time, permission denied,
 * the location does not exist, the program failed (or is not installed), the monitor gave
 * up on the read (aborted), or anything else.
 */
export type FailureReason = 'unreachable' | 'timeout' | 'permission' | 'not-found' | 'command' | 'aborted' | 'other';
export type ReadFailure = { reason: FailureReason; message: string };

/** One backup: a file, a directory, a restic snapshot or a borg archive. */
export type BackupItem = { name: string; at: number; size: number | null };

/**
 * fresh: the newest is younger than the schedule · due: older, up to 1.5 times it · overdue:
 * older still · missing: no backup at all (empty or absent location) · unknown: never read.
 */
export type SetState = 'fresh' | 'due' | 'overdue' | 'missing' | 'unknown';

export type RetentionReading =
  | { kind: 'versions'; limit: number; count: number; over: boolean }
  | { kind: 'age'; limitMs: number; oldestAgeMs: number; over: boolean };

export type SizeDrop = { newest: number; previous: number; fraction: number };

/**
 * ok: archiving works (or nothing needed archiving yet: `idle`) · failing: the newest attempt
 * failed after the newest success · off: archive_mode is off · unknown: psql gave no answer.
 */
export type WalState = 'ok' | 'idle' | 'failing' | 'off' | 'unknown';

export type WalReading = {
  state: WalState;
  /** The host psql ran on. */
  host: string;
  archivedCount: number | null;
  lastArchivedWal: string | null;
  /** On this machine's clock (the server's ages, counted back from the time of the read). */
  lastArchivedAt: number | null;
  failedCount: number | null;
  lastFailedWal: string | null;
  lastFailedAt: number | null;
  /** Why the state is unknown. */
  error: string | null;
};

/**
 * restorable: the last drill restored the backup and found it sound · failed: it did not ·
 * never: the set has not been drilled.
 */
export type DrillState = 'restorable' | 'failed' | 'never';

export type DrillReading = {
  state: DrillState;
  /** When the last drill ended. */
  at: number | null;
  /** Its age at the time of the reading. */
  ageMs: number | null;
  /** The set's drill schedule (`drill.schedule`); null when the config gives the set no drill. */
  scheduleMs: number | null;
  /** A drill is due: never drilled, or the last is older than the schedule. */
  overdue: boolean;
  /** What it restored and found, or why it failed. */
  summary: string;
  backup: string | null;
};

export type BackupSetReading = {
  name: string;
  host: string;
  kind: BackupKind;
  /** Where, in words: "/volume1/backups/db/*.dump", "restic repository /srv/restic". */
  location: string;
  scheduleMs: number;
  state: SetState;
  newest: BackupItem | null;
  previous: BackupItem | null;
  oldest: BackupItem | null;
  count: number;
  /** The newest backup's age at the time of the reading. */
  ageMs: number | null;
  sizeDrop: SizeDrop | null;
  retention: RetentionReading | null;
  /** When the backups shown were seen: older than the reading when the newest read failed. */
  seenAt: number | null;
  /** Why the newest read failed (what is shown, if anything, is from `seenAt`). */
  problem: (ReadFailure & { since: number }) | null;
  wal: WalReading | null;
  /** null when drills are not known here (a demo). */
  drill: DrillReading | null;
};

export type BackupsReading = {
  at: number;
  sets: BackupSetReading[];
};

/** Past the schedule a backup is due; past this many schedules, overdue. */
export const OVERDUE_FACTOR = 1.5;

export type Freshness = 'fresh' | 'due' | 'overdue';

/** A backup from the future (clocks apart) counts as just made. */
export function freshness(ageMs: number, scheduleMs: number): Freshness {
  if (ageMs <= scheduleMs) return 'fresh';
  return ageMs <= OVERDUE_FACTOR * scheduleMs ? 'due' : 'overdue';
}

/** How far along to overdue the newest backup is: 0 just made, 1 at the overdue point (for bars). */
export function overdueFraction(ageMs: number, scheduleMs: number): number {
  if (scheduleMs <= 0) return 1;
  return Math.min(1, Math.max(0, ageMs / (OVERDUE_FACTOR * scheduleMs)));
}
