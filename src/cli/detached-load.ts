// A start without a cached setup (the first one, or after a file changed) reads and validates
// the user's files with the YAML parser and the validators, which the console never uses again
// (the runbooks' catalog too, when it is not cached: cli/runbook-catalog.ts).
// Imported as modules they would stay loaded, their schemas alive, for the console's whole life
// (about 6 MB, and a larger heap for every garbage collection to walk). So the bundle holds a
// copy of the loader built on its own (dist/load-files.js, by scripts/build.mjs), which is
// compiled as a function, run once and dropped: the garbage collector takes all of it back, and
// a first start idles like a cached one. The copy shares with the console the modules whose
// state or identity matters: the file facts being recorded for the cache, the error classes
// that decide the exit code, and where the package is.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import * as fileFacts from '../config/file-facts.js';
import type { Env } from '../config/paths.js';
import * as paths from '../config/paths.js';
import type { SetupCache } from '../config/setup-cache.js';
import * as userFileError from '../config/user-file-error.js';
import * as scenario from '../demo/scenario.js';
import type { loadRunbooks } from '../runbooks/load.js';
import type { GlobalOptions } from './args.js';
import type { LoadFiles } from './load-files.js';
import { type Setup, setupFrom } from './setup-core.js';

/** In the bundle (scripts/build.mjs defines it): the detached loader's file, from the package root. */
declare const HOMEOPS_DETACHED_LOADER: string | undefined;

/** The console's own modules that the detached loader imports as `homeops:<path under src>`. */
const SHARED: Record<string, unknown> = {
  'homeops:config/file-facts': fileFacts,
  'homeops:config/paths': paths,
  'homeops:config/user-file-error': userFileError,
  'homeops:demo/scenario': scenario,
};

/**
 * What zod keeps on globalThis for every copy of it in the process: its registry of schema
 * descriptions, whose class would keep the whole detached copy alive, and its settings. The
 * copy has taken its own references to them when it has loaded; ones it made are removed then.
 */
const ZOD_GLOBALS = ['__zod_globalRegistry', '__zod_globalConfig'];

type DetachedExports = { loadFiles: LoadFiles; loadRunbooks: typeof loadRunbooks };

/**
 * The copy last compiled, as long as the collector has not taken it: a first start loads its
 * setup and, a moment later, its runbooks; one copy serves both, where two would be in memory
 * at once until the next full collection.
 */
let lastCopy: WeakRef<DetachedExports> | undefined;

/** The detached loader (compiled afresh unless the last copy is still there); undefined when running unbundled (tests, tsx). */
function detachedExports(): DetachedExports | undefined {
  if (typeof HOMEOPS_DETACHED_LOADER === 'undefined') return undefined;
  const kept = lastCopy?.deref();
  if (kept) return kept;
  const made = compileCopy(HOMEOPS_DETACHED_LOADER);
  lastCopy = new WeakRef(made);
  return made;
}

function compileCopy(loader: string): DetachedExports {
  const file = join(paths.packageRoot(), loader);
  const nodeRequire = createRequire(file);
  const run = compileFunction(readFileSync(file, 'utf8'), ['require'], { filename: file });
  const global = globalThis as Record<string, unknown>;
  const ours = ZOD_GLOBALS.filter((name) => !(name in global));
  try {
    return run((id: string) => {
      if (!id.startsWith('homeops:')) return nodeRequire(id);
      if (!(id in SHARED)) throw new Error(`${file}: imports ${id}, which the console does not share`);
      return SHARED[id];
    }) as DetachedExports;
  } finally {
    for (const name of ours) delete global[name];
  }
}

/** The setup files' loader of a detached copy; undefined when running unbundled (tests, tsx). */
export function detachedLoadFiles(): LoadFiles | undefined {
  return detachedExports()?.loadFiles;
}

/** The runbooks' loader of a detached copy; undefined when running unbundled (tests, tsx). */
export function detachedLoadRunbooks(): typeof loadRunbooks | undefined {
  return detachedExports()?.loadRunbooks;
}

/** The setup as compose.ts's `setup` makes it, with the files read by the detached loader. */
export async function detachedSetup(options: GlobalOptions, env: Env, cwd: string, cache?: SetupCache): Promise<Setup> {
  const load = detachedLoadFiles();
  if (!load) return (await import('./compose.js')).setup(options, env, cwd, cache);
  return setupFrom(() => load(options, env, cwd), options, env, cwd, cache);
}
