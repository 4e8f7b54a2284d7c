// The runbook ids a keymap may name, found quickly: each runbook file's top-level `id:` line.
// Validating every runbook takes a few hundred milliseconds, so the console does that after its
// first frame; this check, done before the screen changes, lets a key bound to a runbook that
// does not exist still stop the start with a located error.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from '../config/file-facts.js';
import { type RunbookDirOptions, runbookDirCandidates } from '../runbooks/dirs.js';

const ID_LINE = /^id:[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9._-]*)\1[ \t]*(?:#.*)?$/m;

/** Ids written plainly on an `id:` line; a file written otherwise is simply not counted. */
export function quickRunbookIds(options: RunbookDirOptions): Set<string> {
  const ids = new Set<string>();
  // A missing directory is skipped here; the full load says so, located in the config.
  for (const { dir } of runbookDirCandidates(options)) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n));
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        // Read as the full load reads it (at most the user-file cap), so a huge file costs nothing here.
        const id = ID_LINE.exec(readText(join(dir, name)))?.[2];
        if (id) ids.add(id);
      } catch {
        // unreadable: the full load reports it
      }
    }
  }
  return ids;
}
