// Guards for tests that need a real program or service. On a developer's machine a missing
// one skips those tests with a one-line hint; in CI (CI=true) it is a failure, never a skip,
// because .ci/run is supposed to have installed and started everything.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const announced = new Set<string>();

/**
 * True when `check()` says the service is there. Otherwise throws in CI, and elsewhere prints
 * `SKIP: <name> is not installed — install it with: <installHint>` once and returns false, for
 * `describe.runIf(requireService(...))` or `it.runIf(...)`.
 */
export function requireService(name: string, check: () => boolean, installHint: string): boolean {
  let available = false;
  try {
    available = check();
  } catch {
    available = false;
  }
  if (available) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is missing in CI (a failure, not a skip): .ci/run must provide it — ${installHint}`);
  }
  if (!announced.has(name)) {
    announced.add(name);
    process.stderr.write(`SKIP: ${name} is not installed — install it with: ${installHint}\n`);
  }
  return false;
}

/** True when `cmd` (a name looked up on PATH, or a path) is an executable file. Spawns nothing. */
export function haveCommand(cmd: string): boolean {
  const candidates = cmd.includes('/')
    ? [cmd]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, cmd));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}
