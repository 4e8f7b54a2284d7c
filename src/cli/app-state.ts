// What the console remembers between starts: the view last chosen, the containers' sort and
// filter, the theme chosen with T, and the notices already seen. Kept with `conf` in the state
// directory ($XDG_STATE_HOME/homeops/console.json, private like the rest of it); the config files
// stay the user's alone. What is read is checked: a part that is not as written is forgotten,
// never an error. `homeops --reset-state` removes the file.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Env } from '../config/paths.js';
import { checkStateDir, stateDir } from '../runbooks/state-dir.js';
import { CONTAINER_SORTS, type ContainerSort } from '../ui/panes/containers-view.js';
import { THEME_NAMES, type ThemeName } from '../ui/theme.js';

export const APP_STATE_FILE = 'console.json';

export type AppState = {
  view?: string | undefined;
  containers?: { sort: ContainerSort; descending: boolean; problemsFirst: boolean; filter: string } | undefined;
  theme?: ThemeName | undefined;
  dismissed?: string[] | undefined;
};

// Checked by hand rather than with the config's validator: the console reads this file at every
// start, and zod (with the schemas made when it loads) would be loaded for it alone.
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const isOneOf = <T extends string>(names: readonly T[], value: unknown): value is T => names.some((name) => name === value);

function containersPart(value: unknown): AppState['containers'] {
  if (!isRecord(value)) return undefined;
  const { sort, descending, problemsFirst, filter } = value;
  if (!isOneOf(CONTAINER_SORTS, sort) || typeof descending !== 'boolean' || typeof problemsFirst !== 'boolean' || !isText(filter, 0, 200))
    return undefined;
  return { sort, descending, problemsFirst, filter };
}

/** What was read, part by part: a part that is not as written is left out, the others kept. */
export function checkedAppState(data: unknown): AppState {
  if (!isRecord(data)) return {};
  const state: AppState = {};
  if (isText(data.view, 1, 200)) state.view = data.view;
  const containers = containersPart(data.containers);
  if (containers) state.containers = containers;
  if (isOneOf(THEME_NAMES, data.theme)) state.theme = data.theme;
  const dismissed = data.dismissed;
  if (Array.isArray(dismissed) && dismissed.length <= 100 && dismissed.every((notice) => isText(notice, 0, 200)))
    state.dismissed = [...(dismissed as string[])];
  return state;
}

export function appStatePath(env: Env): string {
  return join(stateDir(env), APP_STATE_FILE);
}

/** What was remembered, checked; nothing when there is no file or it cannot be read. */
export type AppStateStore = {
  readonly path: string;
  read(): AppState;
  /** Remembers these parts (the others stay); a failure to write is not the console's problem. */
  update(patch: Partial<AppState>): void;
  /** Resolves when what was given to update is written. */
  flush(): Promise<void>;
};

type ConfStore = { set(object: Record<string, unknown>): void };

/**
 * Opens the store, or null when the state directory is not the user's own (then nothing is
 * remembered, as nothing is written there). The file is read at once, as conf writes it (plain
 * JSON); `conf` itself, the writer, is loaded on the first change, so that it never delays the
 * console's first frame, and the other commands never load it.
 */
export function openAppState(env: Env): AppStateStore | null {
  try {
    if (!checkStateDir(env, null, true)) return null;
  } catch {
    return null;
  }
  const path = appStatePath(env);
  let conf: Promise<ConfStore | null> | null = null;
  const writer = (): Promise<ConfStore | null> => {
    conf ??= import('conf')
      .then(
        ({ default: Conf }) =>
          new Conf<Record<string, unknown>>({
            cwd: stateDir(env),
            configName: 'console',
            configFileMode: 0o600,
            clearInvalidConfig: true,
            accessPropertiesByDotNotation: false,
          }) as ConfStore,
        () => null,
      )
      .catch(() => null);
    return conf;
  };
  let queue: Promise<void> = Promise.resolve();
  // The file as last read or written: a part that would be written as it already is, is not
  // (the console says its view and the containers' order as it starts), so that a start that
  // changes nothing neither loads conf nor rewrites the file.
  let onFile: Record<string, unknown> | null = null;
  return {
    path,
    read() {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        return {};
      }
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) onFile = data as Record<string, unknown>;
      return checkedAppState(data);
    },
    update(patch) {
      const parts = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const known = onFile;
      if (known && Object.entries(parts).every(([key, value]) => isDeepStrictEqual(known[key], value))) return;
      onFile = { ...known, ...parts };
      queue = queue.then(async () => {
        try {
          (await writer())?.set(parts);
        } catch {
          // Remembering is a comfort: a full disk or a read-only home does not stop the console.
        }
      });
    },
    flush() {
      return queue;
    },
  };
}

/** Forgets everything remembered (--reset-state); true when there was something. */
export function resetAppState(env: Env): boolean {
  const path = appStatePath(env);
  try {
    rmSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
