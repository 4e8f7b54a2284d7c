// What a drill found: a backup set proven restorable (or not) at a time. Written to the state
// directory by the drill and read back by the backups pane. Docs: docs/backups.md, "Drills".

/** postgres: a pg_dump archive restored into a throwaway server; restic, borg: a sample of files. */
export type DrillKind = 'postgres' | 'restic' | 'borg';

export type DrillTable = { name: string; rows: number };

/**
 * same: restored, and equal to what it is compared with (the repository's checksum, or the
 * source file unchanged since the backup) · changed: the source changed since, so only the
 * restored size was compared · differs: restored, but not equal · missing: not restored.
 */
export type FileVerdict = 'same' | 'changed' | 'differs' | 'missing';

export type DrillFile = { path: string; size: number; verdict: FileVerdict };

export type DrillRecord = {
  set: string;
  kind: DrillKind;
  /** When the drill ended (ms since the epoch). */
  at: number;
  ok: boolean;
  durationMs: number;
  /** The backup restored: the dump's file name, the snapshot's or archive's id. */
  backup: string | null;
  /** One line: "2 tables, 5437 rows, pg_amcheck clean" or "5 files restored: 3 same, 2 changed since". */
  summary: string;
  /** Why it failed, in words. */
  error?: string;
  tables?: DrillTable[];
  files?: DrillFile[];
};
