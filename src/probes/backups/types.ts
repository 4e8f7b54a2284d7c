// The backups probe's data: the config it reads, what the reader brings back (raw), and the
// reading panes render. Docs: docs/backups.md.
import type { Config } from '../../config/schema.js';
import type { FileStat } from '../../hosts/host.js';
import type { BackupKind, ReadFailure } from '../../model/backups.js';
import type { DrillRecord } from '../../model/drill.js';

export type BackupsConfig = NonNullable<Config['backups']>;
export type BackupSetConfig = BackupsConfig['sets'][number];
export type WalArchiveConfig = Exclude<BackupSetConfig['walArchive'], boolean>;
/** Retention as configured: a number of versions, or an age as text ("7d"). */
export type KeepConfig = NonNullable<BackupSetConfig['keep']>;
/** Retention as the probe uses it. */
export type Keep = { versions: number } | { ageMs: number };

// ---------------------------------------------------------------- raw (what the reader returns)

/** A set's location as read: a directory listing, or a repository program's output. */
export type SetSource = { kind: 'listing'; entries: FileStat[] } | { kind: 'restic' | 'borg'; stdout: string };

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

// The kinds the reading names are the ones the config accepts: one added to either and not the
// other does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: Same<BackupKind, BackupSetConfig['kind']> = true;
void kindsMatch;
