// What the console remembers between starts: the view last chosen, the containers' sort and
// filter, the theme chosen with T, and the notices already seen. Kept with `conf` in the state
// directory ($XDG_STATE_HOME/homeops/console.json, private like the rest of it); the config files
// stay the user's alone. What is read is checked: a part that is not as written is forgotten,
// never an error. `homeops --reset-state` removes the file.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Env } from '../config/paths.js';
import { checkStateDir, stateDir } from '../runbooks/state-dir.js';
import { CONTAINER_SORTS } from '../ui/panes/containers-view.js';
import { THEME_NAMES } from '../ui/theme.js';

export const APP_STATE_FILE = 'console.json';

const appStateSchema = z.object({
  view: z.string().min(1).max(200).optional().catch(undefined),
  containers: z.object({
    sort: z.enum(CONTAINER_SORTS),
    descending: z.boolean(),
    problemsFirst: z.boolean(),
    filter: z.string().max(200),
  }).optional().catch(undefined),
  theme: z.enum(THEME_NAMES).optional().catch(undefined),
  dismissed: z.array(z.string().max(200)).max(100).optional().catch(undefined),
});

export type AppState = z.infer<typeof appStateSchema>;

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
    conf ??= import('conf').then(
      ({ default: Conf }) => new Conf<Record<string, unknown>>({ cwd: stateDir(env), configName: 'console', configFileMode: 0o600, clearInvalidConfig: true, accessPropertiesByDotNotation: false }) as ConfStore,
      () => null,
    ).catch(() => null);
    return conf;
  };
  let queue: Promise<void> = Promise.resolve();
  return {
    path,
    read() {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        return {};
      }
      const parsed = appStateSchema.safeParse(data);
      return parsed.success ? parsed.data : {};
    },
    update(patch) {
      const parts = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
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
