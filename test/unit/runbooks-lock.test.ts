// One run of a runbook at a time: a second run is refused with who holds the lock; a lock
// whose process is gone (or from before a reboot) is stale and replaced; locks of other
// machines are only cleared by force.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, judgeLock, type LockEnvironment, LockedError, type LockInfo, lockPath, unlock } from '../../src/runbooks/lock.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const machine = (alive: number[] = [], bootTime = NOW - 86_400_000): LockEnvironment => ({
  hostname: 'ws',
  isAlive: (pid) => alive.includes(pid),
  bootTime,
  now: NOW,
});
const info = (extra: Partial<LockInfo> = {}): LockInfo => ({
  pid: 4242,
  host: 'ws',
  user: 'ana',
  startedAt: new Date(NOW - 60_000).toISOString(),
  runId: 'r1',
  ...extra,
});

describe('judging a lock', () => {
  it('live while its process runs on this machine', () => {
    expect(judgeLock(info(), 0, machine([4242])).state).toBe('live');
  });
  it('stale when its process is gone', () => {
    expect(judgeLock(info(), 0, machine([]))).toMatchObject({ state: 'stale', why: 'process 4242 is gone' });
  });
  it('stale when taken before the machine last booted, even if the pid is in use again', () => {
    expect(judgeLock(info({ startedAt: new Date(NOW - 7_200_000).toISOString() }), 0, machine([4242], NOW - 3_600_000))).toMatchObject({
      state: 'stale',
      why: expect.stringMatching(/rebooted/),
    });
  });
  it('foreign when taken on another machine: homeops cannot tell', () => {
    expect(judgeLock(info({ host: 'laptop' }), 0, machine([])).state).toBe('foreign');
  });
  it('an unreadable lock is given a moment (it may be being written), then is stale', () => {
    expect(judgeLock(null, 1000, machine()).state).toBe('live');
    expect(judgeLock(null, 60_000, machine()).state).toBe('stale');
  });
});

describe('taking and clearing locks on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'homeops-lock-'));
  const env = { XDG_STATE_HOME: root };
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeEach(() => rmSync(join(root, 'homeops'), { recursive: true, force: true }));

  it('the lock file holds pid, host, user, start and run, readable by the owner alone', () => {
    const lock = acquireLock(env, 'dns-failover', 'run-1', machine([process.pid]), 'ana');
    const path = lockPath(env, 'dns-failover');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      pid: process.pid,
      host: 'ws',
      user: 'ana',
      startedAt: new Date(NOW).toISOString(),
      runId: 'run-1',
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('a second run is refused while the first holds it, saying since when and who', () => {
    const first = acquireLock(env, 'dns-failover', 'run-1', machine([process.pid]), 'ana');
    let error: unknown;
    try {
      acquireLock(env, 'dns-failover', 'run-2', machine([process.pid]), 'bob');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockedError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^dns-failover is already running since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(pid ${process.pid}, host ws, user ana, run run-1\\)$`,
      ),
    );
    // Another runbook is not held up.
    acquireLock(env, 'failback', 'run-3', machine([process.pid])).release();
    first.release();
    acquireLock(env, 'dns-failover', 'run-4', machine([process.pid])).release();
  });

  it('a stale lock is replaced, and the new lock says which one it replaced', () => {
    mkdirSync(join(root, 'homeops', 'locks'), { recursive: true });
    writeFileSync(lockPath(env, 'failback'), JSON.stringify(info({ pid: 999_999 })));
    const lock = acquireLock(env, 'failback', 'run-5', machine([process.pid]));
    expect(lock.replaced).toMatchObject({ info: { pid: 999_999, runId: 'r1' }, why: 'process 999999 is gone' });
    expect(JSON.parse(readFileSync(lockPath(env, 'failback'), 'utf8')).runId).toBe('run-5');
    lock.release();
  });

  it('a lock from another machine is not taken over', () => {
    mkdirSync(join(root, 'homeops', 'locks'), { recursive: true });
    writeFileSync(lockPath(env, 'failback'), JSON.stringify(info({ host: 'laptop' })));
    expect(() => acquireLock(env, 'failback', 'run-6', machine([]))).toThrow(
      /locked by a run on another machine .*homeops runbook unlock failback --force/,
    );
  });

  it('releasing never removes a lock that is not ours any more (cleared by force, taken by another run)', () => {
    const mine = acquireLock(env, 'failback', 'run-7', machine([process.pid]));
    writeFileSync(lockPath(env, 'failback'), JSON.stringify(info({ runId: 'someone-else', pid: process.pid })));
    mine.release();
    expect(existsSync(lockPath(env, 'failback'))).toBe(true);
  });

  it('unlock: clears a stale lock; refuses a live or foreign one unless forced', () => {
    mkdirSync(join(root, 'homeops', 'locks'), { recursive: true });
    expect(unlock(env, 'failback', false, machine())).toMatchObject({ cleared: false, message: 'failback is not locked' });
    writeFileSync(lockPath(env, 'failback'), JSON.stringify(info()));
    expect(unlock(env, 'failback', false, machine([4242]))).toMatchObject({
      cleared: false,
      message: expect.stringMatching(/^failback is running since .*\(pid 4242, host ws, user ana, run r1\); not unlocking/),
    });
    expect(existsSync(lockPath(env, 'failback'))).toBe(true);
    expect(unlock(env, 'failback', false, machine([]))).toMatchObject({
      cleared: true,
      message: expect.stringMatching(/^failback: cleared a stale lock .*: process 4242 is gone$/),
    });
    expect(existsSync(lockPath(env, 'failback'))).toBe(false);
    writeFileSync(lockPath(env, 'failback'), JSON.stringify(info({ host: 'laptop' })));
    expect(unlock(env, 'failback', false, machine()).cleared).toBe(false);
    expect(unlock(env, 'failback', true, machine()).cleared).toBe(true);
  });
});
