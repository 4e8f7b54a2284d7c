// What loading the config, views, keymap and scenario learnt about the file system: which
// paths exist, and the files read (size, times, inode). While a recording is on, lookups and
// reads through here are noted; a later run can tell from the notes alone whether anything
// that loading depended on has changed (src/config/setup-cache.ts).
import { readFileSync, statSync, type Stats } from 'node:fs';

/** A path as loading saw it: missing, a directory, or a file with its identity. */
export type FileFact =
  | { path: string; kind: 'none' }
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'file'; size: number; mtimeMs: number; ctimeMs: number; ino: number };

let recording: Map<string, FileFact> | null = null;

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
  if (recording && (!recording.has(fact.path) || recording.get(fact.path)?.kind !== 'file')) recording.set(fact.path, fact);
}

/** Whether something is at the path (as existsSync answers), noted while recording. */
export function pathExists(path: string): boolean {
  const stats = statOf(path);
  if (recording) note(factOf(path, stats));
  return stats !== undefined;
}

/**
 * readFileSync(path, 'utf8'), noted while recording. The file's identity is taken before it is
 * read, so a file that changes while it is read looks changed to the next run.
 */
export function readText(path: string): string {
  if (recording) note(factOf(path, statOf(path)));
  return readFileSync(path, 'utf8');
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

/** Whether every path is still as noted: same kind, and a file the same size, times and inode. */
export function factsHold(facts: readonly FileFact[]): boolean {
  for (const fact of facts) {
    const now = factOf(fact.path, statOf(fact.path));
    if (now.kind !== fact.kind) return false;
    if (now.kind === 'file' && fact.kind === 'file' &&
      (now.size !== fact.size || now.mtimeMs !== fact.mtimeMs || now.ctimeMs !== fact.ctimeMs || now.ino !== fact.ino)) return false;
  }
  return true;
}
