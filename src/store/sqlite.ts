// node:sqlite, loaded when first needed (the console never loads it unless a panel asks for the
// timeline or the history). Node 22 announces it as experimental on stderr each time a process
// loads it; that one warning is left out, every other warning still goes through.
import type { DatabaseSync } from 'node:sqlite';

type Sqlite = typeof import('node:sqlite');

let loaded: Sqlite | null = null;

export function sqlite(): Sqlite {
  if (loaded) return loaded;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  let found: Sqlite | undefined;
  try {
    found = typeof process.getBuiltinModule === 'function' ? (process.getBuiltinModule('node:sqlite') as Sqlite | undefined) : undefined;
  } finally {
    process.emitWarning = emit;
  }
  if (!found) throw new Error(`this Node (${process.version}) has no node:sqlite; the timeline and history need Node 22.13 or later`);
  loaded = found;
  return loaded;
}

export type Database = DatabaseSync;
