// Where runbooks are looked for: the package's built-in ones, the user's, and the config's
// runbooks.dirs (relative to the config file). Without checks: load.ts says which of the
// config's directories is missing, located in the config; the console's quick look skips it.
import { dirname, join, resolve } from 'node:path';
import { pathExists } from '../config/file-facts.js';
import { type Env, expandHome, packageRoot, userDir } from '../config/paths.js';
import type { Config } from '../config/schema.js';

export type RunbookDirOptions = {
  config: Config;
  env: Env;
  /** The config file, for runbooks.dirs relative to it. */
  configFile?: string;
  cwd: string;
  /** Built-in runbooks; the package's runbooks/ by default. */
  builtinDir?: string;
};

export function builtinRunbookDir(): string {
  return join(packageRoot(), 'runbooks');
}

/** Every directory to look in, in order; `index` is the position in runbooks.dirs of a configured one. */
export function runbookDirCandidates(options: RunbookDirOptions): { dir: string; builtin: boolean; index: number | null }[] {
  const dirs: { dir: string; builtin: boolean; index: number | null }[] = [
    { dir: options.builtinDir ?? builtinRunbookDir(), builtin: true, index: null },
  ];
  const own = join(userDir(options.env), 'runbooks');
  // Noted (file-facts) so that a catalog kept in the cache is made again once the directory appears.
  if (pathExists(own)) dirs.push({ dir: own, builtin: false, index: null });
  const base = options.configFile ? dirname(options.configFile) : options.cwd;
  for (const [index, dir] of (options.config.runbooks?.dirs ?? []).entries()) {
    dirs.push({ dir: resolve(base, expandHome(dir, options.env)), builtin: false, index });
  }
  return dirs;
}
