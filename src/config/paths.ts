// Where files are looked up. Everything here is derived from arguments and the environment
// passed in, so tests and `check-config` see exactly what the console would use.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathExists } from './file-facts.js';

export type Env = Readonly<Record<string, string | undefined>>;

let cachedRoot: string | undefined;

/** The installed package's root (holds views/, keymaps/, runbooks/, fixtures/). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let guard = 0; guard < 8; guard++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'homeops') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('cannot find the homeops package root');
}

export function configHome(env: Env): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
}

export function cacheHome(env: Env): string {
  return env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
}

export function stateHome(env: Env): string {
  return env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
}

export function userDir(env: Env): string {
  return join(configHome(env), 'homeops');
}

export function expandHome(path: string, env: Env): string {
  return path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path;
}

/**
 * Where the config came from. `builtin`: no file, the built-in default (this machine only,
 * made at start: config/machine-config.ts). `demo`: a demo scenario without a file named, run
 * on the reference estate it was recorded on (examples/estate.yaml).
 */
export type ConfigSource = { kind: 'flag' | 'env' | 'user' | 'demo'; path: string } | { kind: 'builtin'; path: null };

/**
 * --config, then HOMEOPS_CONFIG, then (for a demo) the reference estate, then
 * $XDG_CONFIG_HOME/homeops/config.yaml, then the built-in default: this machine.
 */
export function resolveConfigPath(flag: string | undefined, env: Env, cwd: string, options: { demo?: boolean } = {}): ConfigSource {
  if (flag) return { kind: 'flag', path: resolve(cwd, expandHome(flag, env)) };
  if (env.HOMEOPS_CONFIG) return { kind: 'env', path: resolve(cwd, expandHome(env.HOMEOPS_CONFIG, env)) };
  // The scenarios are recordings of the reference estate: its hosts, containers and servers.
  if (options.demo) return { kind: 'demo', path: estateConfigPath() };
  const user = join(userDir(env), 'config.yaml');
  if (pathExists(user)) return { kind: 'user', path: user };
  return { kind: 'builtin', path: null };
}

/** The reference estate: the example to copy from, and the estate of every demo scenario. */
export function estateConfigPath(): string {
  return join(packageRoot(), 'examples', 'estate.yaml');
}

/** The user's config file, where `homeops init` writes. */
export function userConfigPath(env: Env): string {
  return join(userDir(env), 'config.yaml');
}

/**
 * A named file (view, keymap) is looked up in the user's directory first, then among the
 * built-ins; anything with a slash or a .yaml/.yml ending is a path.
 */
export function resolveNamed(
  kind: 'views' | 'keymaps',
  nameOrFile: string,
  env: Env,
  cwd: string,
): { path: string; builtin: boolean } | undefined {
  if (nameOrFile.includes('/') || /\.ya?ml$/.test(nameOrFile)) {
    return { path: resolve(cwd, expandHome(nameOrFile, env)), builtin: false };
  }
  const user = join(userDir(env), kind, `${nameOrFile}.yaml`);
  if (pathExists(user)) return { path: user, builtin: false };
  const builtin = join(packageRoot(), kind, `${nameOrFile}.yaml`);
  if (pathExists(builtin)) return { path: builtin, builtin: true };
  return undefined;
}
