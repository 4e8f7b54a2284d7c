// Finds and validates runbooks: the built-in ones (runbooks/ in the package), then the user's
// ($XDG_CONFIG_HOME/homeops/runbooks/ and runbooks.dirs of the config). A user runbook with the
// id of a built-in one replaces it. Any problem in a user's file is a UserFileError
// (FILE:LINE:COL path: message). A built-in runbook that the config cannot serve (a minimal
// config without the NAS, or without the site values it calls) is listed as unavailable, with
// the located reason, rather than breaking every command.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { listDir, readText } from '../config/file-facts.js';
import type { Config } from '../config/schema.js';
import { UserFileError, validateDocument } from '../config/user-file.js';
import { builtinRunbookDir, type RunbookDirOptions, runbookDirCandidates } from './dirs.js';
import { hostFields, parseHostField, type RunbookDoc, runbookSchema } from './schema.js';

export type Runbook = RunbookDoc & {
  file: string;
  builtin: boolean;
  /** Why the config cannot run this built-in runbook (a located one-line message). */
  unavailable?: string;
  /** The hosts its steps act on, site references resolved. */
  hostsUsed: string[];
};

export type RunbookCatalog = {
  runbooks: Runbook[];
  get(id: string): Runbook | undefined;
  dirs: { dir: string; builtin: boolean }[];
};

/** The config file (configFile) also locates errors about runbooks.dirs. */
export type LoadRunbooksOptions = RunbookDirOptions;

export { builtinRunbookDir };

/** Where a config field sits in its file, for errors about the config itself. */
function locateInConfig(file: string | undefined, path: (string | number)[]): { file: string; line: number; col: number } {
  if (!file) return { file: 'config', line: 1, col: 1 };
  try {
    const counter = new LineCounter();
    const doc = parseDocument(readText(file), { lineCounter: counter, logLevel: 'error' });
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as YamlNode | null | undefined;
      if (node?.range) return { file, ...counter.linePos(node.range[0]) };
    }
  } catch {
    // fall through to the top of the file
  }
  return { file, line: 1, col: 1 };
}

export function runbookDirs(options: LoadRunbooksOptions): { dir: string; builtin: boolean }[] {
  const dirs: { dir: string; builtin: boolean }[] = [];
  for (const { dir, builtin, index } of runbookDirCandidates(options)) {
    if (index !== null) {
      let isDir = false;
      try {
        isDir = statSync(dir).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        const at = locateInConfig(options.configFile, ['runbooks', 'dirs', index]);
        throw new UserFileError(at.file, at.line, at.col, `runbooks.dirs.${index}`, `no such directory: ${dir}`);
      }
    }
    if (!dirs.some((d) => d.dir === dir)) dirs.push({ dir, builtin });
  }
  return dirs;
}

function hostsUsed(doc: RunbookDoc, config: Config): string[] {
  const site = config.runbooks?.site ?? {};
  const used = new Set<string>(doc.hosts ?? []);
  for (const step of [...doc.steps, ...doc.rollback]) {
    for (const { value } of hostFields(step)) {
      const parsed = parseHostField(value);
      if ('name' in parsed) used.add(parsed.name);
      else if ('site' in parsed && site[parsed.site] !== undefined) used.add((site[parsed.site] ?? '').trim());
    }
    for (const check of [step.check, step.wait?.check]) {
      const set = check?.backup?.set;
      const found = set === undefined ? undefined : config.backups?.sets.find((s) => s.name === set);
      if (found) used.add(found.host);
    }
  }
  return [...used];
}

/** Reads one runbook file. Built-in files that do not fit the config come back unavailable. */
export function loadRunbookFile(file: string, config: Config, builtin: boolean): Runbook {
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    if (error instanceof UserFileError) throw error;
    throw new UserFileError(file, 1, 1, '', `cannot read: ${(error as Error).message}`);
  }
  // The file on its own first: a mistake in it is always an error, built-in or not.
  const doc = validateDocument(file, text, runbookSchema(null));
  try {
    validateDocument(file, text, runbookSchema(config));
  } catch (error) {
    if (builtin && error instanceof UserFileError)
      return { ...doc, file, builtin, unavailable: error.message, hostsUsed: hostsUsed(doc, config) };
    throw error;
  }
  return { ...doc, file, builtin, hostsUsed: hostsUsed(doc, config) };
}

export function loadRunbooks(options: LoadRunbooksOptions): RunbookCatalog {
  const dirs = runbookDirs(options);
  const byId = new Map<string, Runbook>();
  for (const { dir, builtin } of dirs) {
    let names: string[] = [];
    try {
      // Listed through file-facts: a runbook added or removed is a change to a cached catalog.
      names = listDir(dir).filter((n) => /\.ya?ml$/.test(n));
    } catch {
      names = []; // a built-in directory missing from a trimmed install
    }
    for (const entry of names) {
      const file = join(dir, entry);
      const runbook = loadRunbookFile(file, options.config, builtin);
      const previous = byId.get(runbook.id);
      if (previous && !(previous.builtin && !builtin)) {
        const pos = idPosition(file);
        throw new UserFileError(file, pos.line, pos.col, 'id', `runbook "${runbook.id}" is also defined in ${previous.file}`);
      }
      byId.set(runbook.id, runbook);
    }
  }
  const runbooks = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { runbooks, dirs, get: (id) => byId.get(id) };
}

function idPosition(file: string): { line: number; col: number } {
  const at = locateInConfig(file, ['id']);
  return { line: at.line, col: at.col };
}
