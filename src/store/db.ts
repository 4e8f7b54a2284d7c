// The store's database: one SQLite file in the state directory ($XDG_STATE_HOME/homeops), in
// WAL mode so that readers (`homeops events`, the console's panels) never wait for the writer
// (`homeops watch`, the only one that writes). The file and its -wal and -shm companions are
// private files (src/config/private-files.ts): the user's own, not symbolic links, mode 0600.
import { closeSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config/paths.js';
import { openPrivate, privateDir } from '../config/private-files.js';
import { stateDir } from '../runbooks/state-dir.js';
import { type Database, sqlite } from './sqlite.js';

/** The live estate's timeline and history; a demo scenario's go to a file of their own. */
export function storePath(env: Env, demo: string | null): string {
  return join(stateDir(env), demo ? 'demo.db' : 'homeops.db');
}

const SCHEMA_VERSION = 1;

// Samples are keyed by a series id (an integer) and the minute, without a rowid: about 20 bytes
// a sample on disk instead of 60 with the series' name in every row.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,
  severity TEXT,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS samples (
  series INTEGER NOT NULL,
  at INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (series, at)
) WITHOUT ROWID;
`;

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Checks the file (and its WAL companions, if there) the way every private file is checked. */
function checkFiles(path: string, create: boolean): void {
  const fd = openPrivate(path, create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY, 'the timeline database');
  if (fd !== null) closeSync(fd);
  for (const suffix of ['-wal', '-shm']) {
    const companion = openPrivate(`${path}${suffix}`, constants.O_RDONLY, 'the timeline database');
    if (companion !== null) closeSync(companion);
  }
}

/**
 * Opens the database for writing (made, with its tables, when missing). Throws
 * PrivatePathError when the state directory or the file is not the user's own.
 */
export function openForWriting(path: string): Database {
  privateDir(join(path, '..'), 'the state directory', { create: true });
  checkFiles(path, true);
  const { DatabaseSync } = sqlite();
  const db = new DatabaseSync(path, { timeout: 5000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    // A crash loses at most the last transaction; the file is never torn.
    db.exec('PRAGMA synchronous = NORMAL');
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version?: number } | undefined)?.user_version ?? 0);
    if (version > SCHEMA_VERSION)
      throw new StoreError(`${path} was written by a newer homeops (schema ${version}); this one knows schema ${SCHEMA_VERSION}`);
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Opens the database to read; null when nothing has been recorded yet (no file). */
export function openForReading(path: string): Database | null {
  if (!privateDir(join(path, '..'), 'the state directory', { create: false })) return null;
  if (!existsSync(path)) return null;
  checkFiles(path, false);
  const { DatabaseSync } = sqlite();
  return new DatabaseSync(path, { readOnly: true, timeout: 5000 });
}
