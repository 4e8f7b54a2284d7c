// A cache of what loading the user's files produced (config, views, keymap, demo scenario),
// kept while none of the files it was made from has changed, so that a start skips parsing
// and validating them. It is only ever written from a load that succeeded, and only used when
// every path that load looked at (src/config/file-facts.ts) is as it was, under the same
// arguments, environment and build: a file that changed is loaded and validated again, with
// the same errors as without a cache. Anything unexpected means "not cached". What it holds is
// trusted (the config names commands that are run), so a cache directory or file that is not
// the user's own, or that others may write, or a symbolic link, is not used at all: the files
// are read and validated instead, and problem() says why, once.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type FileFact, factsHold, recordFacts } from './file-facts.js';
import { cacheHome, type Env } from './paths.js';
import { PrivatePathError, privateDir, readPrivate, writePrivate } from './private-files.js';

const FORMAT = 1;

/** Where cached loads are kept: $XDG_CACHE_HOME/homeops, or ~/.cache/homeops. */
export function setupCacheDir(env: Env): string {
  return join(cacheHome(env), 'homeops');
}

/** This build: a new bundle (or source file, unbundled) is a new key. */
function buildIdentity(): string {
  const file = fileURLToPath(import.meta.url);
  try {
    const stats = statSync(file);
    return `${file}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return file;
  }
}

// Maps (a keymap's bindings) survive JSON as tagged entry lists.
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? { $map: [...value.entries()] } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = (value as { $map?: unknown }).$map;
    if (Array.isArray(entries) && Object.keys(value).length === 1) return new Map(entries as [unknown, unknown][]);
  }
  return value;
}

/** A short name for a key (FNV-1a, 32 bits twice); the key itself is stored and compared. */
function nameOf(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x811c9dc5) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

type Stored = { format: number; key: string; facts: FileFact[]; value: unknown };

export type SetupCache = {
  /** The cached value for `inputs`, or what `load` returns (then cached, when it can be). */
  load<T>(inputs: unknown, load: () => T): T;
  /** The cached value for `inputs` while its files are unchanged; undefined otherwise. */
  peek<T>(inputs: unknown): T | undefined;
  /** Why the cache was not used (its directory or a file is not the user's own…); null if it was. */
  problem(): string | null;
};

/** A cache in `dir`. `inputs` must hold everything besides the files that the value depends on. */
export function setupCache(dir: string): SetupCache {
  let refused: string | null = null;
  /** Runs `use` unless the cache is refused; a refusal is kept and the cache left alone after. */
  const guarded = <T>(use: () => T): T | undefined => {
    if (refused) return undefined;
    try {
      return use();
    } catch (error) {
      if (error instanceof PrivatePathError) refused = error.message;
      return undefined;
    }
  };
  const where = (inputs: unknown) => {
    const key = JSON.stringify({ format: FORMAT, build: buildIdentity(), inputs });
    return { key, file: join(dir, `setup-${nameOf(key)}.json`) };
  };
  const stored = (key: string, file: string): { value: unknown } | undefined =>
    guarded(() => {
      if (!privateDir(dir, 'the cache directory', { create: false })) return undefined;
      const text = readPrivate(file, 'the cached setup');
      if (text === null) return undefined;
      try {
        const found = JSON.parse(text, reviver) as Stored;
        if (found.format === FORMAT && found.key === key && Array.isArray(found.facts) && factsHold(found.facts))
          return { value: found.value };
      } catch {
        // from another version, or torn
      }
      return undefined;
    });
  return {
    problem: () => refused,
    peek<T>(inputs: unknown): T | undefined {
      const { key, file } = where(inputs);
      return stored(key, file)?.value as T | undefined;
    },
    load<T>(inputs: unknown, load: () => T): T {
      const { key, file } = where(inputs);
      const found = stored(key, file);
      if (found) return found.value as T;
      const { value, facts } = recordFacts(load);
      if (refused) return value;
      try {
        const text = JSON.stringify({ format: FORMAT, key, facts, value } satisfies Stored, replacer);
        // Only what comes back exactly as it was is kept (no undefined, no class instances).
        const copy = (JSON.parse(text, reviver) as Stored).value as T;
        if (!isDeepStrictEqual(copy, value)) return value;
        // A cache that cannot be written only costs the next start its speed.
        guarded(() => {
          privateDir(dir, 'the cache directory', { create: true });
          writePrivate(file, text);
        });
        // The copy, equal to what was loaded, is what the next start will get, and it holds
        // nothing made by the loader (whose code can then be let go: cli/detached-load.ts).
        return copy;
      } catch {
        // Not kept as JSON: the value as it was loaded.
      }
      return value;
    },
  };
}
