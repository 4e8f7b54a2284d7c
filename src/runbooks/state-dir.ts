// Where runbooks keep their state ($XDG_STATE_HOME/homeops: the audit log, locks/, runs/), and
// the check that it is the user's own before anything in it is read or written.
import { join } from 'node:path';
import { type Env, stateHome } from '../config/paths.js';
import { privateDir } from '../config/private-files.js';

export function stateDir(env: Env): string {
  return join(stateHome(env), 'homeops');
}

/**
 * Checks the state directory and `sub` in it (made first with `create`); throws
 * PrivatePathError when either cannot be made or is not the user's own. False when it does not
 * exist and was not to be made: there is nothing in it to read.
 */
export function checkStateDir(env: Env, sub: string | null, create: boolean): boolean {
  const dir = stateDir(env);
  if (!privateDir(dir, 'the state directory', { create })) return false;
  return sub === null || privateDir(join(dir, sub), 'the state directory', { create });
}
