// The backups probe's data: the config it reads, what the reader brings back (raw), and the
// reading panes render. Docs: docs/backups.md.
import type { Config } from '../../config/schema.js';
import type { FileStat } from '../../hosts/host.js';
import type { DrillRecord } from '../../model/drill.js';

export type BackupsConfig = NonNullable<Config['backups']>;
export type BackupSetConfig = BackupsConfig['sets'][number];
export type BackupKind = BackupSetConfig['kind'];
export type WalArchiveConfig = Exclude<BackupSetConfig['walArchive'], boolean>;
/** Retention as configured: a number of versions, or an age as text ("7d"). */
export type KeepConfig = NonNullable<BackupSetConfig['keep']>;
/** Retention as the probe uses it. */
export type Keep = { versions: number } | { ageMs: number };

// ---------------------------------------------------------------- raw (what the reader returns)

/** A set's location as read: a directory listing, or a repository program's output. */
export type SetSource =
  | { kind: 'listing'; entries: FileStat[] }
  | { kind: 'restic' | 'borg'; stdout: string };

/**
 * Why a read gave nothing: the host is unreachable, no answer in time, permission denied,
 * the location does not exist, the program failed (or is not installed), the monitor gave
 * up on the read (aborted), or anything else.
 */
export type FailureReason = 'unreachable' | 'timeout' | 'permission' | 'not-found' | 'command' | 'aborted' | 'other';
export type ReadFailure = { reason: FailureReason; message: string };

/** psql's answer (one JSON line), or why there is none. */
export type WalRaw = { stdout: string } | { failure: ReadFailure };

export type SetRaw = {
  name: string;
  /** When `source` was read: now, or the last read that worked when the newest failed. */
  seenAt: number | null;
  source: SetSource | null;
  /** Why the newest read failed, and since when reads fail; null when it worked. */
  failure: (ReadFailure & { since: number }) | null;
  /** null when the set has no WAL archiving check. */
  wal: WalRaw | null;
  /** The set's last drill (homeops drill); null: never drilled; undefined: drills not known here (a demo). */
  drill?: DrillRecord | null;
};

export type BackupsRaw = {
  /** When the reading was taken (ms since the epoch): ages count from here. */
  at: number;
  sets: SetRaw[];
};

// ---------------------------------------------------------------- reading (what panes render)

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
