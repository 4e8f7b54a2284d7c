// One run of a runbook at a time: a lock file per runbook, created with O_EXCL, holding who
// runs it. A lock is stale when it was taken on this machine and its process is gone (or the
// machine has rebooted since); a lock from another machine (a shared home directory) cannot be
// judged from here and is only cleared by force.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, uptime, userInfo } from 'node:os';
import { join } from 'node:path';
import { idFileName } from '../config/path-id.js';
import type { Env } from '../config/paths.js';
import { openPrivate } from '../config/private-files.js';
import { formatTime } from '../config/units.js';
import { checkStateDir, stateDir } from './state-dir.js';

export type LockInfo = { pid: number; host: string; user: string; startedAt: string; runId: string };

export type LockVerdict =
  | { state: 'live'; info: LockInfo }
  | { state: 'stale'; info: LockInfo | null; why: string }
  | { state: 'foreign'; info: LockInfo };

export type LockEnvironment = {
  hostname: string;
  isAlive(pid: number): boolean;
  /** When this machine booted (ms since the epoch). */
  bootTime: number;
  now: number;
};

export function lockDir(env: Env): string {
  return join(stateDir(env), 'locks');
}

/** Throws IdError for an id that is not one plain file name (`unlock ../../../victim`). */
export function lockPath(env: Env, runbook: string): string {
  return join(lockDir(env), idFileName('runbook', runbook, '.lock'));
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function thisMachine(now = Date.now()): LockEnvironment {
  return { hostname: hostname(), isAlive: processAlive, bootTime: now - uptime() * 1000, now };
}

/** A lock file that cannot be read as a lock is only judged stale once it is this old. */
const TORN_GRACE_MS = 5000;

export function parseLock(text: string): LockInfo | null {
  try {
    const data = JSON.parse(text) as Partial<LockInfo>;
    if (
      typeof data.pid !== 'number' ||
      typeof data.host !== 'string' ||
      typeof data.startedAt !== 'string' ||
      typeof data.runId !== 'string'
    )
      return null;
    return {
      pid: data.pid,
      host: data.host,
      user: typeof data.user === 'string' ? data.user : '?',
      startedAt: data.startedAt,
      runId: data.runId,
    };
  } catch {
    return null;
  }
}

/** Pure: whether a lock still holds. `ageMs` is the lock file's age, for unreadable ones. */
export function judgeLock(info: LockInfo | null, ageMs: number, machine: LockEnvironment): LockVerdict {
  if (!info) {
    return ageMs > TORN_GRACE_MS
      ? { state: 'stale', info: null, why: 'the lock file is unreadable (a run died while taking it)' }
      : {
          state: 'live',
          info: { pid: 0, host: machine.hostname, user: '?', startedAt: new Date(machine.now - ageMs).toISOString(), runId: '?' },
        };
  }
  if (info.host !== machine.hostname) return { state: 'foreign', info };
  const started = Date.parse(info.startedAt);
  if (Number.isFinite(started) && started < machine.bootTime - 60_000)
    return { state: 'stale', info, why: `the machine has rebooted since ${formatTime(started)}` };
  if (!machine.isAlive(info.pid)) return { state: 'stale', info, why: `process ${info.pid} is gone` };
  return { state: 'live', info };
}

function describe(info: LockInfo): string {
  return `since ${formatTime(Date.parse(info.startedAt))} (pid ${info.pid}, host ${info.host}, user ${info.user}, run ${info.runId})`;
}

export class LockedError extends Error {
  constructor(
    readonly runbook: string,
    readonly verdict: LockVerdict,
  ) {
    const info = verdict.info;
    super(
      verdict.state === 'foreign' && info
        ? `${runbook} is locked by a run on another machine ${describe(info)}; homeops cannot tell from here whether it still runs. If it does not, clear the lock with: homeops runbook unlock ${runbook} --force`
        : `${runbook} is already running ${info ? describe(info) : ''}`.trim(),
    );
    this.name = 'LockedError';
  }
}

/** The lock at `path` (not followed if it is a symbolic link; PrivatePathError then), or null. */
export function readLock(path: string, machine: LockEnvironment): LockVerdict | null {
  const fd = openPrivate(path, constants.O_RDONLY, 'the lock');
  if (fd === null) return null;
  let text: string;
  let mtime: number;
  try {
    const stats = fstatSync(fd);
    mtime = stats.mtimeMs;
    const buffer = Buffer.alloc(Math.min(stats.size, 64 * 1024));
    text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
  return judgeLock(parseLock(text), machine.now - mtime, machine);
}

export type HeldLock = {
  info: LockInfo;
  path: string;
  /** The stale lock this one replaced, if any. */
  replaced: { info: LockInfo | null; why: string } | null;
  release(): void;
};

function create(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Clears a stale lock under a guard file, so that two runs that both find it stale cannot
 * both clear it (the second would remove the first one's fresh lock).
 */
function clearStale(path: string, machine: LockEnvironment): boolean {
  const guard = `${path}.clearing`;
  try {
    const age = machine.now - statSync(guard).mtimeMs;
    if (age > 10_000) rmSync(guard, { force: true }); // left by a run that died right here
  } catch {
    // no guard
  }
  let fd: number;
  try {
    fd = openSync(guard, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch {
    return false;
  }
  closeSync(fd);
  try {
    const verdict = readLock(path, machine);
    if (verdict?.state === 'stale') unlinkSync(path);
    return verdict === null || verdict.state === 'stale';
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Takes the lock of a runbook for a run. A stale lock on this machine is replaced (and said
 * so); a live one, or one from another machine, is a LockedError.
 */
export function acquireLock(
  env: Env,
  runbook: string,
  runId: string,
  machine: LockEnvironment = thisMachine(),
  user = currentUser(env),
): HeldLock {
  const path = lockPath(env, runbook);
  checkStateDir(env, 'locks', true);
  return acquireLockAt(path, runbook, runId, machine, user);
}

/**
 * Takes the lock file at `path` (in a private directory already checked) for `name`: the same
 * rules as a runbook's lock. `homeops watch` holds one so that the timeline has one writer.
 */
export function acquireLockAt(path: string, name: string, runId: string, machine: LockEnvironment, user: string): HeldLock {
  const runbook = name;
  const info: LockInfo = { pid: process.pid, host: machine.hostname, user, startedAt: new Date(machine.now).toISOString(), runId };
  let replaced: HeldLock['replaced'] = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, info)) {
      return {
        info,
        path,
        replaced,
        release() {
          // Only our own lock: a forced unlock may have let another run take it since.
          try {
            const held = readLock(path, machine);
            if (held?.info?.runId === runId) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    }
    const verdict = readLock(path, machine);
    if (verdict === null) continue; // released between our two calls
    if (verdict.state !== 'stale') throw new LockedError(runbook, verdict);
    if (clearStale(path, machine)) replaced = { info: verdict.info, why: verdict.why };
  }
  const verdict = readLock(path, machine);
  throw new LockedError(runbook, verdict ?? { state: 'live', info });
}

export type UnlockResult = { cleared: boolean; verdict: LockVerdict | null; message: string };

/** `homeops runbook unlock ID [--force]`: a stale lock always, a live or foreign one by force. */
export function unlock(env: Env, runbook: string, force: boolean, machine: LockEnvironment = thisMachine()): UnlockResult {
  const path = lockPath(env, runbook);
  const verdict = checkStateDir(env, 'locks', false) ? readLock(path, machine) : null;
  if (!verdict) return { cleared: false, verdict, message: `${runbook} is not locked` };
  const who = verdict.info ? describe(verdict.info) : '';
  if (verdict.state === 'stale' || force) {
    rmSync(path, { force: true });
    const what =
      verdict.state === 'stale'
        ? `a stale lock ${who}: ${verdict.why}`
        : verdict.state === 'live'
          ? `the lock of a run that is still running ${who}`
          : `the lock of a run on another machine ${who}`;
    return { cleared: true, verdict, message: `${runbook}: cleared ${what}`.trim() };
  }
  const message =
    verdict.state === 'live'
      ? `${runbook} is running ${who}; not unlocking (stop that run, or use --force if you are sure it is not running)`
      : `${runbook} is locked by a run on another machine ${who}; homeops cannot tell whether it still runs. Use --force if you are sure it does not`;
  return { cleared: false, verdict, message };
}

export function currentUser(env: Env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}
