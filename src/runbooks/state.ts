// Run state on disk, one file per run ($XDG_STATE_HOME/homeops/runs/RUNID.json), rewritten
// atomically (temp file, fsync, rename) when a step starts and when it ends. When the console or
// the SSH session it runs in dies mid-run, the file still says "running" for a process that is
// gone: that run is interrupted, and can be resumed from its first step that did not finish.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { idFileName } from '../config/path-id.js';
import type { Env } from '../config/paths.js';
import { readPrivate, writePrivate } from '../config/private-files.js';
import type { InputValue, StepState } from '../model/runs.js';
import { type LockEnvironment, thisMachine } from './lock.js';
import { checkStateDir, stateDir } from './state-dir.js';

/** 'interrupted': the connection to the step's host dropped while it ran; its command may go on there. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'aborted' | 'interrupted' | 'abandoned';

/**
 * Where a step's command runs while it runs (until it is known to have ended): its host, the tag
 * its command line carries, and its pid once known.
 */
export type StepProcess = { host: string; tag: string; startedAt: string; pid?: number };

export type StepRecord = {
  id: string;
  state: StepState;
  exitCode: number | null;
  startedAt: string | null;
  durationMs: number | null;
  message?: string;
  /** The command's process while it may be running: recorded when it starts, dropped when it is known to have ended. */
  process?: StepProcess;
};

export type RunState = {
  version: 1;
  runId: string;
  runbook: string;
  /** The part of the runbook run alone (its steps only); absent: the whole runbook. */
  part?: string;
  title: string;
  file: string;
  pid: number;
  host: string;
  user: string;
  startedAt: string;
  updatedAt: string;
  status: RunStatus;
  phase: 'main' | 'rollback';
  /** Inputs without the secret ones, which are never written down. */
  inputs: Record<string, InputValue>;
  secretInputs: string[];
  steps: StepRecord[];
  rollback: StepRecord[];
  /** How many times it was resumed. */
  resumed: number;
  message?: string;
};

export function runsDir(env: Env): string {
  return join(stateDir(env), 'runs');
}

/** Throws IdError for a run id that is not one plain file name. */
export function runStatePath(env: Env, runId: string): string {
  return join(runsDir(env), idFileName('run', runId, '.json'));
}

export function saveRunState(env: Env, state: RunState): void {
  const path = runStatePath(env, state.runId);
  checkStateDir(env, 'runs', true);
  writePrivate(path, `${JSON.stringify(state, null, 2)}\n`, { sync: true });
}

export function loadRunState(env: Env, runId: string): RunState | null {
  try {
    const text = readPrivate(runStatePath(env, runId), 'a run state');
    if (text === null) return null;
    const data = JSON.parse(text) as RunState;
    // A file saying it is another run (an edited runId) is not that run: its id would become
    // the path written to next.
    return data && data.version === 1 && data.runId === runId && Array.isArray(data.steps) ? data : null;
  } catch {
    return null;
  }
}

/** Every run's state, newest first; PrivatePathError when the state directory is not the user's own. */
export function listRunStates(env: Env): RunState[] {
  if (!checkStateDir(env, 'runs', false)) return [];
  let names: string[];
  try {
    names = readdirSync(runsDir(env)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const states: RunState[] = [];
  for (const name of names) {
    const state = loadRunState(env, name.slice(0, -'.json'.length));
    if (state) states.push(state);
  }
  return states.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The first step of the main phase that did not finish (not ok and not skipped); null when all did. */
export function firstUnfinished(state: RunState): number | null {
  const index = state.steps.findIndex((s) => s.state !== 'ok' && s.state !== 'skipped');
  return index < 0 ? null : index;
}

export type InterruptedRun = { state: RunState; resumeFrom: string; resumeIndex: number; why: string };

/** Pure: why a run counts as interrupted, or null. */
export function interruptedBecause(state: RunState, machine: LockEnvironment): string | null {
  if (state.status === 'interrupted') return state.message ?? 'its process was stopped';
  if (state.status !== 'running' || state.host !== machine.hostname) return null;
  const updated = Date.parse(state.updatedAt);
  if (Number.isFinite(updated) && updated < machine.bootTime - 60_000) return 'the machine rebooted during the run';
  if (!machine.isAlive(state.pid)) return `process ${state.pid} died during the run`;
  return null;
}

/**
 * Runs whose process died mid-run (or was stopped by a hang-up), newest first: what the console
 * offers to resume on its next start. Runs that were rolling back are not offered.
 */
export function findInterruptedRuns(env: Env, options: { runbook?: string; machine?: LockEnvironment } = {}): InterruptedRun[] {
  const machine = options.machine ?? thisMachine();
  const found: InterruptedRun[] = [];
  for (const state of listRunStates(env)) {
    if (options.runbook && state.runbook !== options.runbook) continue;
    const why = interruptedBecause(state, machine);
    if (!why || state.phase !== 'main') continue;
    const index = firstUnfinished(state);
    if (index === null) continue;
    found.push({ state, resumeFrom: state.steps[index]?.id ?? '', resumeIndex: index, why });
  }
  return found;
}

/** An interrupted run the operator chose not to resume: not offered again. */
export function abandonRun(env: Env, runId: string): void {
  const state = loadRunState(env, runId);
  if (!state) return;
  saveRunState(env, { ...state, status: 'abandoned', updatedAt: new Date().toISOString() });
}

/** Keeps the newest `keep` finished runs' files; unfinished ones are always kept. */
export function pruneRunStates(env: Env, keep = 200): void {
  const finished = listRunStates(env).filter((s) => s.status !== 'running' && s.status !== 'interrupted');
  for (const state of finished.slice(keep)) rmSync(runStatePath(env, state.runId), { force: true });
}
