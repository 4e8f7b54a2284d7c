// What loading the config, views, keymap, scenario and runbooks learnt about the file system:
// which paths exist, the files read (size, times, inode) and the directories listed (names). While a recording is on, lookups and
// reads through here are noted; a later run can tell from the notes alone whether anything
// that loading depended on has changed (src/config/setup-cache.ts).
import { closeSync, fstatSync, openSync, readdirSync, readSync, type Stats, statSync } from 'node:fs';
import { UserFileError } from './user-file-error.js';

/**
 * The largest user file (config, view, keymap, runbook) read. The built-in ones are a few KiB
 * (the reference estate's config about 10); a bigger file is refused at once, before it can
 * cost time or memory (parsing 256 KiB of YAML can take a second on a busy machine).
 */
export const MAX_USER_FILE_BYTES = 256 * 1024;

/** A path as loading saw it: missing, a directory, or a file with its identity. */
export type FileFact =
  | { path: string; kind: 'none' }
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'file'; size: number; mtimeMs: number; ctimeMs: number; ino: number }
  /** A directory as listed: the names in it, sorted (a file added or removed changes them). */
  | { path: string; kind: 'listing'; names: string[] };

let recording: Map<string, FileFact> | null = null;

/** A listing is noted beside what is known of the same path (it exists, it is a directory). */
const keyOf = (fact: FileFact): string => (fact.kind === 'listing' ? `listing:${fact.path}` : fact.path);

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    // A directory on the way that cannot be read: existsSync says false too.
    return undefined;
  }
}

function factOf(path: string, stats: Stats | undefined): FileFact {
  if (!stats) return { path, kind: 'none' };
  if (!stats.isFile()) return { path, kind: 'dir' };
  return { path, kind: 'file', size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
}

function note(fact: FileFact): void {
  // The first look counts: a file read after its existence was checked keeps its identity.
  const key = keyOf(fact);
  if (recording && (!recording.has(key) || recording.get(key)?.kind !== 'file')) recording.set(key, fact);
}

/** Whether something is at the path (as existsSync answers), noted while recording. */
export function pathExists(path: string): boolean {
  const stats = statOf(path);
  if (recording) note(factOf(path, stats));
  return stats !== undefined;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * A user file as text, at most MAX_USER_FILE_BYTES (a bigger one, or a device that never ends,
 * is a UserFileError saying the cap); noted while recording. The file's identity is taken
 * before it is read, so a file that changes while it is read looks changed to the next run.
 */
export function readText(path: string): string {
  if (recording) note(factOf(path, statOf(path)));
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    const cap = `user files are at most ${sizeText(MAX_USER_FILE_BYTES)}`;
    if (stats.isFile() && stats.size > MAX_USER_FILE_BYTES)
      throw new UserFileError(path, 1, 1, '', `the file is ${sizeText(stats.size)}; ${cap}`);
    const buffer = Buffer.alloc(MAX_USER_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_USER_FILE_BYTES)
        throw new UserFileError(path, 1, 1, '', `the file is more than ${sizeText(MAX_USER_FILE_BYTES)}; ${cap}`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function namesIn(path: string): string[] {
  return readdirSync(path).sort();
}

/** The names in a directory, sorted, as readdirSync lists them (it throws as that does); noted while recording. */
export function listDir(path: string): string[] {
  const names = namesIn(path);
  if (recording) note({ path, kind: 'listing', names });
  return names;
}

/** Runs `load` and returns what it returned with every path it looked at. */
export function recordFacts<T>(load: () => T): { value: T; facts: FileFact[] } {
  const outer = recording;
  recording = new Map();
  try {
    const value = load();
    return { value, facts: [...recording.values()] };
  } finally {
    recording = outer;
  }
}

/** Whether every path is still as noted: same kind, a file the same size, times and inode, a directory the same names. */
export function factsHold(facts: readonly FileFact[]): boolean {
  for (const fact of facts) {
    if (fact.kind === 'listing') {
      let names: string[];
      try {
        names = namesIn(fact.path);
      } catch {
        return false;
      }
      if (names.length !== fact.names.length || names.some((name, index) => name !== fact.names[index])) return false;
      continue;
    }
    const now = factOf(fact.path, statOf(fact.path));
    if (now.kind !== fact.kind) return false;
    if (
      now.kind === 'file' &&
      fact.kind === 'file' &&
      (now.size !== fact.size || now.mtimeMs !== fact.mtimeMs || now.ctimeMs !== fact.ctimeMs || now.ino !== fact.ino)
    )
      return false;
  }
  return true;
}
