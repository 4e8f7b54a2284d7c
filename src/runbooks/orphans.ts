// A step's command that may outlive its run: the connection to its host dropped while it ran,
// or the runner itself was killed (SIGKILL, a crash). Its process carries the step's tag in its
// command line (the shell's $0) and its id is in the run's state file, so that before anything
// else runs on that host the runner can find it, and stop it or wait for it: nothing ever runs
// a step twice at once.
import type { Env } from '../config/paths.js';
import type { Host } from '../hosts/host.js';
import type { LockEnvironment } from './lock.js';
import { interruptedBecause, listRunStates, loadRunState, type StepProcess, saveRunState } from './state.js';

/** A step of another run whose command may still be running. */
export type Orphan = { runId: string; runbook: string; step: string; phase: 'main' | 'rollback'; process: StepProcess };

/** What to do with a step's command that is still running: stop it, wait for it to end, or run nothing. */
export type OrphanChoice = 'kill' | 'wait' | 'refuse';

export class OrphanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrphanError';
  }
}

/** The tag a step's command carries: which run and which step. */
export function stepTag(runId: string, phase: 'main' | 'rollback', stepId: string): string {
  return `homeops-step:${runId}:${phase === 'main' ? '' : 'rollback:'}${stepId}`;
}

export function describeOrphan(o: Orphan): string {
  const pid = o.process.pid !== undefined ? `process ${o.process.pid} ` : '';
  return `step ${o.step} of run ${o.runId} (${o.runbook}) on ${o.process.host}, ${pid}since ${o.process.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Steps of other runs, on one of `hosts`, that were running when their run lost its connection
 * or its runner: their command is not known to have ended.
 */
export function possibleOrphans(env: Env, hosts: readonly string[], machine: LockEnvironment): Orphan[] {
  const found: Orphan[] = [];
  for (const state of listRunStates(env)) {
    // A run whose runner is alive looks after its own steps.
    if (state.status === 'running' && interruptedBecause(state, machine) === null) continue;
    for (const [phase, records] of [
      ['main', state.steps],
      ['rollback', state.rollback],
    ] as const) {
      for (const record of records) {
        const proc = record.process;
        if (!proc || (record.state !== 'running' && record.state !== 'interrupted') || !hosts.includes(proc.host)) continue;
        found.push({ runId: state.runId, runbook: state.runbook, step: record.id, phase, process: proc });
      }
    }
  }
  return found;
}

// The processes whose command line holds the tag ($1 and $2 are its two halves, so that this
// script's own command line never holds it whole): their ids, one a line.
const FIND = [
  't="$1$2"',
  'for d in /proc/[0-9]*; do',
  '  c=$(tr "\\000" " " < "$d/cmdline" 2>/dev/null) || continue',
  '  case "$c" in *"$t"*) echo "${d#/proc/}";; esac',
  'done',
].join('\n');

function halves(tag: string): [string, string] {
  const cut = Math.floor(tag.length / 2);
  return [tag.slice(0, cut), tag.slice(cut)];
}

async function tagged(host: Host, proc: StepProcess, signal?: AbortSignal): Promise<number[]> {
  const result = await host.exec(['sh', '-c', FIND, 'homeops-find', ...halves(proc.tag)], {
    timeoutMs: 15_000,
    ...(signal ? { signal } : {}),
  });
  if (result.code !== 0) throw new Error(`cannot list the processes on ${host.name}: ${result.stderr.trim() || `exit ${result.code}`}`);
  return result.stdout
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1);
}

/**
 * Whether the step's command still runs there: a process whose command line carries its tag
 * (found by the tag, not by a pid that may have been reused, and found even if the runner died
 * before it learnt the pid).
 */
export async function stillRunning(host: Host, proc: StepProcess, signal?: AbortSignal): Promise<boolean> {
  return (await tagged(host, proc, signal)).length > 0;
}

/** Stops the step's command and everything it started: TERM to each tagged process group, KILL after 2 s. */
export async function stopOrphan(host: Host, proc: StepProcess, signal?: AbortSignal): Promise<boolean> {
  const script = [
    `tagged() {\n${FIND}\n}`,
    'pids=$(tagged "$1" "$2"); [ -n "$pids" ] || exit 0',
    'for p in $pids; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; done',
    'i=0; while [ $i -lt 20 ]; do [ -n "$(tagged "$1" "$2")" ] || exit 0; sleep 0.1; i=$((i + 1)); done',
    'for p in $(tagged "$1" "$2"); do kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; done',
    'sleep 0.2; [ -z "$(tagged "$1" "$2")" ]',
  ].join('\n');
  const result = await host.exec(['sh', '-c', script, 'homeops-stop', ...halves(proc.tag)], {
    timeoutMs: 15_000,
    ...(signal ? { signal } : {}),
  });
  return result.code === 0;
}

/** Waits until the step's command has ended by itself, checking every second. */
export async function waitForOrphan(host: Host, proc: StepProcess, signal: AbortSignal): Promise<void> {
  while (await stillRunning(host, proc, signal)) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 1000);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        },
        { once: true },
      );
    });
  }
}

/** The old run's step is settled: its command is gone, and its record says how it went. */
export function settleOrphan(env: Env, orphan: Orphan, how: string): void {
  const state = loadRunState(env, orphan.runId);
  if (!state) return;
  const records = orphan.phase === 'main' ? state.steps : state.rollback;
  const record = records.find((r) => r.id === orphan.step);
  if (!record) return;
  delete record.process;
  record.message = `${record.message ? `${record.message}; ` : ''}${how}`;
  try {
    saveRunState(env, { ...state, updatedAt: new Date().toISOString() });
  } catch {
    // The run that goes on matters more than the old record.
  }
}
