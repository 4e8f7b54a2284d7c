// Runs a plan: steps one after another on their hosts, each streamed to the watcher, recorded
// in the audit log and in the run's state file; one run of a runbook at a time (a lock); on a
// failure that stops the run, the rollback steps; on abort, the running step is stopped (on
// the remote host too) and nothing else runs.
import { randomBytes } from 'node:crypto';
import { READ_ONLY_MODE, readOnlyRunbookMessage } from '../actions/guard.js';
import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { formatDuration, formatTime } from '../config/units.js';
import { ExecError } from '../hosts/host.js';
import type { Hosts } from '../hosts/registry.js';
import type { FinishedState, Phase, RunEvent, RunOutcome, StepView } from '../model/runs.js';
import { AuditLog, auditLogPath, tail } from './audit.js';
import { type CheckResult, runCheck } from './checks.js';
import { displayInputs } from './inputs.js';
import { acquireLock, currentUser, type HeldLock, type LockEnvironment, thisMachine } from './lock.js';
import {
  describeOrphan,
  type Orphan,
  type OrphanChoice,
  OrphanError,
  possibleOrphans,
  settleOrphan,
  stepTag,
  stillRunning,
  stopOrphan,
  waitForOrphan,
} from './orphans.js';
import type { PlannedStep, RunPlan } from './plan.js';
import { withHostSecrets } from './redact.js';
import { firstUnfinished, pruneRunStates, type RunState, type StepRecord, saveRunState } from './state.js';

export type ConfirmRequest = { prompt: string; step: StepView; runId: string };

export type RunDeps = {
  config: Config;
  hosts: Hosts;
  env: Env;
  /** Asks the operator; resolves true to go on. Without it a confirm step fails. */
  confirm?: (request: ConfirmRequest) => Promise<boolean>;
  onEvent?: (event: RunEvent) => void;
  /** Aborting stops the running step (its remote process too) and the run. Abort with a
   *  RunInterruption as the reason (a hang-up) to leave the run resumable. */
  signal?: AbortSignal;
  /** Read-only mode: dangerous runbooks are refused. */
  readOnly?: boolean;
  machine?: LockEnvironment;
  user?: string;
  now?: () => number;
  /**
   * A step of an earlier run still runs on a host this run uses (its connection or its runner
   * was lost): stop it, wait for it, or run nothing. Without it, nothing runs (OrphanError).
   */
  onOrphan?: (orphan: Orphan) => Promise<OrphanChoice>;
};

export type RunResult = {
  runId: string;
  status: RunOutcome;
  failedStep: string | null;
  message?: string;
  durationMs: number;
  steps: StepRecord[];
  rollback: StepRecord[];
};

/** Abort reason for a run stopped from outside (SIGHUP, SIGTERM): it stays resumable. */
export class RunInterruption extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'RunInterruption';
  }
}

export class ReadOnlyError extends Error {
  constructor(runbook: string, reason: string) {
    super(readOnlyRunbookMessage(runbook, reason));
    this.name = 'ReadOnlyError';
  }
}

export class ResumeError extends Error {}

/** Output kept per step for the audit log. */
const OUTPUT_KEEP = 64 * 1024;
/** Largest output a step may produce (apt upgrade is chatty); more is a runaway. */
const MAX_BUFFER = 32 * 1024 * 1024;

export function newRunId(runbook: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${runbook}-${randomBytes(2).toString('hex')}`;
}

export function stepViews(plan: RunPlan, phase: Phase): StepView[] {
  return (phase === 'main' ? plan.steps : plan.rollback).map((s) => ({
    id: s.id,
    title: s.title,
    kind: s.kind,
    phase: s.phase,
    index: s.index,
    host: s.host,
    display: s.display,
    displayEnv: s.displayEnv,
    state: 'pending',
    onFailure: s.onFailure,
    ...(s.skip ? { skip: s.skip } : {}),
  }));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ExecError('aborted', 'aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ExecError('aborted', 'aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

type StepOutcome = { state: FinishedState; exitCode: number | null; message?: string };

/** Checks that a saved run can be continued with this plan; returns the index to start from. */
export function resumePoint(plan: RunPlan, state: RunState): number {
  const { runbook } = plan;
  if (state.runbook !== runbook.id) throw new ResumeError(`run ${state.runId} is of ${state.runbook}, not ${runbook.id}`);
  if ((state.part ?? null) !== plan.part)
    throw new ResumeError(
      `run ${state.runId} ran ${state.part ? `the part ${state.part}` : 'the whole runbook'}, not ${plan.part ? `the part ${plan.part}` : 'the whole runbook'}`,
    );
  if (state.status === 'ok') throw new ResumeError(`run ${state.runId} finished; there is nothing to resume`);
  if (state.status === 'failed')
    throw new ResumeError(
      `run ${state.runId} failed${state.rollback.some((s) => s.state !== 'pending') ? ' and was rolled back' : ''}; start a new run`,
    );
  if (state.status === 'abandoned') throw new ResumeError(`run ${state.runId} was abandoned; start a new run`);
  if (state.phase !== 'main') throw new ResumeError(`run ${state.runId} stopped while rolling back; start a new run`);
  const now = plan.steps.map((s) => s.id).join(',');
  const then = state.steps.map((s) => s.id).join(',');
  if (now !== then)
    throw new ResumeError(`${runbook.id} has changed since run ${state.runId} began (its steps were ${then}; now ${now}); start a new run`);
  const index = firstUnfinished(state);
  if (index === null) throw new ResumeError(`every step of run ${state.runId} finished; there is nothing to resume`);
  return index;
}

/**
 * Runs a plan, or resumes a saved run from its first unfinished step. Throws before anything
 * runs when read-only mode refuses the runbook (ReadOnlyError), another run holds its lock
 * (LockedError) or the saved run cannot be resumed (ResumeError); otherwise resolves with the
 * outcome (failures of steps are outcomes, not exceptions).
 */
export async function runPlan(plan: RunPlan, deps: RunDeps, options: { resume?: RunState } = {}): Promise<RunResult> {
  const { runbook } = plan;
  const now = deps.now ?? Date.now;
  const machine = deps.machine ?? thisMachine(now());
  const user = deps.user ?? currentUser(deps.env);
  if (deps.readOnly && runbook.dangerous) throw new ReadOnlyError(runbook.id, `homeops is in ${READ_ONLY_MODE}`);
  const startIndex = options.resume ? resumePoint(plan, options.resume) : 0;
  const started = now();
  const runId = options.resume?.runId ?? newRunId(runbook.id, started);
  const lock: HeldLock = acquireLock(deps.env, runbook.id, runId, { ...machine, now: started }, user);
  const signal = deps.signal ?? new AbortController().signal;
  let settled: string[];
  try {
    settled = await settleOrphans(plan, deps, machine, signal);
  } catch (error) {
    lock.release();
    throw error;
  }
  const audit = new AuditLog(auditLogPath(deps.env));
  const emit = (event: RunEvent) => {
    try {
      deps.onEvent?.(event);
    } catch {
      // a watcher's bug must not stop a failover half way
    }
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const secretNames = Object.entries(runbook.inputs)
    .filter(([, s]) => s.secret)
    .map(([n]) => n);
  const record = (s: PlannedStep): StepRecord => ({ id: s.id, state: 'pending', exitCode: null, startedAt: null, durationMs: null });
  const state: RunState = options.resume
    ? {
        ...options.resume,
        pid: process.pid,
        host: machine.hostname,
        user,
        status: 'running',
        updatedAt: iso(started),
        resumed: options.resume.resumed + 1,
      }
    : {
        version: 1,
        runId,
        runbook: runbook.id,
        ...(plan.part ? { part: plan.part } : {}),
        title: runbook.title,
        file: runbook.file,
        pid: process.pid,
        host: machine.hostname,
        user,
        startedAt: iso(started),
        updatedAt: iso(started),
        status: 'running',
        phase: 'main',
        inputs: Object.fromEntries(Object.entries(plan.inputs).filter(([k]) => !secretNames.includes(k))),
        secretInputs: secretNames,
        steps: plan.steps.map(record),
        rollback: plan.rollback.map(record),
        resumed: 0,
      };
  const save = () => {
    state.updatedAt = iso(now());
    try {
      saveRunState(deps.env, state);
    } catch {
      // A full disk must not stop a failover half way; the audit line below says what ran.
    }
  };

  // Secrets in files on other hosts (a restic set's password on the NAS) are read once, here.
  let redactor = plan.redactor;
  try {
    redactor = await withHostSecrets(plan.redactor, deps.config, async (host, file) => {
      const found = deps.hosts.get(host);
      if (!found) throw new Error(`no host ${host}`);
      return (await found.readFile(file, { timeoutMs: 5000, maxBytes: 4096, signal })).toString('utf8');
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    if (!options.resume) pruneRunStates(deps.env);
    save();
    audit.append({
      event: 'run-start',
      time: iso(started),
      runId,
      user,
      machine: machine.hostname,
      runbook: runbook.id,
      ...(plan.part ? { part: plan.part } : {}),
      inputs: displayInputs(runbook.inputs, plan.inputs),
      ...(options.resume ? { resumedAt: plan.steps[startIndex]?.id ?? '' } : {}),
    });
    const notes: string[] = [...settled];
    if (lock.replaced) {
      const who = lock.replaced.info
        ? ` (pid ${lock.replaced.info.pid}, started ${formatTime(Date.parse(lock.replaced.info.startedAt))}, run ${lock.replaced.info.runId})`
        : '';
      notes.push(`replaced a stale lock${who}: ${lock.replaced.why}`);
    }
    const views = stepViews(plan, 'main');
    for (const [i, view] of views.entries()) {
      const saved = state.steps[i];
      if (i < startIndex && saved) view.state = saved.state;
    }
    emit({
      type: 'run-start',
      runId,
      runbook: { id: runbook.id, title: runbook.title, dangerous: runbook.dangerous },
      startedAt: started,
      steps: views,
      rollback: stepViews(plan, 'rollback'),
      resumedFrom: options.resume ? (plan.steps[startIndex]?.id ?? null) : null,
      notes,
    });

    const runStep = async (step: PlannedStep, records: StepRecord[]): Promise<StepOutcome> => {
      const rec = records[step.index] ?? record(step);
      records[step.index] = rec;
      const view = (plan.steps.includes(step) ? views : stepViews(plan, 'rollback'))[step.index];
      const begin = now();
      const base = { runId, stepId: step.id, phase: step.phase };
      let transcript = '';
      const out = (stream: 'stdout' | 'stderr' | 'info', chunk: string) => {
        const clean = redactor.redact(chunk);
        transcript = (transcript + clean).slice(-OUTPUT_KEEP);
        emit({ type: 'output', ...base, stream, chunk: clean });
      };
      let outcome: StepOutcome;
      if (step.skip) {
        outcome = { state: 'skipped', exitCode: null, message: `skipped: ${step.skip}` };
      } else {
        rec.state = 'running';
        rec.startedAt = iso(begin);
        save();
        emit({ type: 'step-start', ...base, index: step.index, kind: step.kind, at: begin, host: step.host, display: step.display });
        // The command is written down before it starts (its tag), and its pid once known, so
        // that it can be found again if this runner or its connection is lost while it runs.
        if (step.run) {
          rec.process = { host: step.run.host, tag: stepTag(runId, step.phase, step.id), startedAt: iso(begin) };
          save();
        }
        const started = (pid: number) => {
          if (!rec.process) return;
          rec.process = { ...rec.process, pid };
          save();
        };
        outcome = await execute(step, { ...deps, signal }, out, view, runId, now, started);
      }
      const durationMs = step.skip ? 0 : now() - begin;
      Object.assign(rec, {
        state: outcome.state,
        exitCode: outcome.exitCode,
        durationMs,
        ...(outcome.message ? { message: redactor.redact(outcome.message) } : {}),
      });
      // Only a lost connection leaves the command possibly running; otherwise it has ended.
      if (outcome.state !== 'interrupted') delete rec.process;
      save();
      audit.append({
        event: 'step',
        time: iso(now()),
        runId,
        user,
        runbook: runbook.id,
        step: step.id,
        phase: step.phase,
        kind: step.kind,
        host: step.host,
        command: step.display,
        ...(step.displayEnv ? { env: step.displayEnv } : {}),
        state: outcome.state,
        exitCode: outcome.exitCode,
        durationMs,
        output: tail(transcript),
        ...(outcome.message ? { message: redactor.redact(outcome.message) } : {}),
      });
      emit({
        type: 'step-end',
        ...base,
        index: step.index,
        state: outcome.state,
        exitCode: outcome.exitCode,
        durationMs,
        ...(outcome.message ? { message: redactor.redact(outcome.message) } : {}),
      });
      return outcome;
    };

    let status: RunOutcome = 'ok';
    let failedStep: string | null = null;
    let message: string | undefined;
    let stoppedBy: PlannedStep | null = null;
    for (const step of plan.steps.slice(startIndex)) {
      if (signal.aborted) {
        status = signal.reason instanceof RunInterruption ? 'interrupted' : 'aborted';
        message = signal.reason instanceof RunInterruption ? signal.reason.why : 'aborted by the operator';
        break;
      }
      const outcome = await runStep(step, state.steps);
      if (outcome.state === 'interrupted') {
        // Not a failure: the step's host went away mid-step. No rollback (it would run on a host
        // that may still be running the step); the run can be resumed from this step.
        status = 'interrupted';
        failedStep = step.id;
        message = outcome.message;
        break;
      }
      if (outcome.state === 'aborted') {
        status = signal.reason instanceof RunInterruption ? 'interrupted' : 'aborted';
        failedStep = step.id;
        message = signal.reason instanceof RunInterruption ? signal.reason.why : outcome.message;
        break;
      }
      if (outcome.state === 'failed') {
        status = 'failed';
        // The step that stopped the run is the one to name; else the first that failed.
        if (step.onFailure === 'stop' || failedStep === null) {
          failedStep = step.id;
          message = `${step.id}: ${outcome.message ?? 'failed'}`;
        }
        if (step.onFailure === 'stop') {
          stoppedBy = step;
          break;
        }
      }
    }
    // Rollback undoes changes: when the run stopped before any command ran (a check found the
    // primary still answering, say), there is nothing to undo.
    const changed = plan.steps.some(
      (s, i) =>
        s.kind === 'run' && state.steps[i] !== undefined && state.steps[i].state !== 'pending' && state.steps[i].state !== 'skipped',
    );
    if (stoppedBy && plan.rollback.length && !signal.aborted && changed) {
      state.phase = 'rollback';
      save();
      emit({ type: 'rollback-start', runId, afterStep: stoppedBy.id });
      for (const step of plan.rollback) {
        if (signal.aborted) break;
        const outcome = await runStep(step, state.rollback);
        if (outcome.state === 'aborted' || outcome.state === 'interrupted') break;
        if (outcome.state === 'failed' && step.onFailure === 'stop') {
          message = `${message ?? ''}; rollback step ${step.id} failed too: ${outcome.message ?? 'failed'}`;
          break;
        }
      }
    }
    const durationMs = now() - started;
    state.status = status;
    if (message) state.message = redactor.redact(message);
    save();
    audit.append({
      event: 'run-end',
      time: iso(now()),
      runId,
      user,
      runbook: runbook.id,
      status,
      durationMs,
      ...(failedStep ? { failedStep } : {}),
      ...(message ? { message: redactor.redact(message) } : {}),
    });
    emit({ type: 'run-end', runId, status, durationMs, failedStep, ...(message ? { message: redactor.redact(message) } : {}) });
    return {
      runId,
      status,
      failedStep,
      ...(message ? { message: redactor.redact(message) } : {}),
      durationMs,
      steps: state.steps,
      rollback: state.rollback,
    };
  } finally {
    lock.release();
  }
}

/**
 * Before anything runs: a step of an earlier run whose command may still run on a host this run
 * uses is looked for there. Gone: its record is settled. Still running: stopped or waited for,
 * as the operator chooses (onOrphan), or nothing runs. A host that cannot be asked stops the run
 * before it starts: running a step beside its own earlier copy is never an option.
 */
async function settleOrphans(plan: RunPlan, deps: RunDeps, machine: LockEnvironment, signal: AbortSignal): Promise<string[]> {
  const used = [...new Set([...plan.steps, ...plan.rollback].flatMap((s) => (s.run ? [s.run.host] : [])))];
  const notes: string[] = [];
  for (const orphan of possibleOrphans(deps.env, used, machine)) {
    const host = deps.hosts.get(orphan.process.host);
    if (!host) continue;
    let running: boolean;
    try {
      running = await stillRunning(host, orphan.process, signal);
    } catch (error) {
      throw new OrphanError(`cannot tell whether ${describeOrphan(orphan)} is still running: ${(error as Error).message}; nothing was run`);
    }
    if (!running) {
      settleOrphan(deps.env, orphan, 'its command had ended when it was checked later');
      continue;
    }
    const choice = deps.onOrphan ? await deps.onOrphan(orphan) : 'refuse';
    if (choice === 'refuse') {
      throw new OrphanError(`${describeOrphan(orphan)} is still running; nothing was run (stop it, or wait for it to end, and run again)`);
    }
    if (choice === 'kill') {
      if (!(await stopOrphan(host, orphan.process, signal)))
        throw new OrphanError(`could not stop ${describeOrphan(orphan)}; nothing was run`);
      settleOrphan(deps.env, orphan, `its command was still running and was stopped before run of ${plan.runbook.id}`);
      notes.push(`stopped ${describeOrphan(orphan)}, still running from before`);
    } else {
      await waitForOrphan(host, orphan.process, signal);
      settleOrphan(deps.env, orphan, `its command was still running; a later run waited for it to end`);
      notes.push(`waited for ${describeOrphan(orphan)} to end`);
    }
  }
  return notes;
}

async function execute(
  step: PlannedStep,
  deps: RunDeps & { signal: AbortSignal },
  out: (stream: 'stdout' | 'stderr' | 'info', chunk: string) => void,
  view: StepView | undefined,
  runId: string,
  now: () => number,
  started: (pid: number) => void,
): Promise<StepOutcome> {
  const { signal } = deps;
  const abortedOutcome = (): StepOutcome => ({
    state: 'aborted',
    exitCode: null,
    message:
      signal.reason instanceof RunInterruption
        ? `interrupted (${signal.reason.why}); the command was stopped`
        : 'aborted by the operator; the command was stopped',
  });
  const failure = (error: unknown, host: string | null): StepOutcome => {
    if (signal.aborted || (error instanceof ExecError && error.reason === 'aborted')) return abortedOutcome();
    if (error instanceof ExecError && error.reason === 'connection-lost') {
      return {
        state: 'interrupted',
        exitCode: null,
        message: `connection to ${host ?? 'its host'} lost; its command may still run there (a resume checks first)`,
      };
    }
    if (error instanceof ExecError && error.reason === 'timeout' && step.run) {
      return {
        state: 'failed',
        exitCode: null,
        message: `timed out after ${formatDuration(step.run.timeoutMs)}; the command was stopped${host ? ` on ${host}` : ''}`,
      };
    }
    return { state: 'failed', exitCode: null, message: (error as Error).message };
  };
  try {
    if (step.run) {
      const run = step.run;
      const host = deps.hosts.get(run.host);
      if (!host)
        return {
          state: 'failed',
          exitCode: null,
          message: `host "${run.host}" cannot run commands (no ssh: or local: true in the config)`,
        };
      const result = await host.run(run.command, {
        timeoutMs: run.timeoutMs,
        signal,
        maxBuffer: MAX_BUFFER,
        onOutput: (stream, chunk) => out(stream, chunk),
        tag: stepTag(runId, step.phase, step.id),
        onStarted: started,
        ...(Object.keys(run.env).length ? { env: run.env } : {}),
      });
      if (result.code === null) return { state: 'failed', exitCode: null, message: `killed by ${result.signal ?? 'a signal'}` };
      if (!run.exit.includes(result.code))
        return { state: 'failed', exitCode: result.code, message: `exit ${result.code} (expected ${run.exit.join(' or ')})` };
      if (run.output !== undefined && !new RegExp(run.output, 'm').test(`${result.stdout}\n${result.stderr}`)) {
        return { state: 'failed', exitCode: result.code, message: `the output does not match /${run.output}/` };
      }
      return { state: 'ok', exitCode: result.code };
    }
    if (step.wait) return await waitFor(step.wait, deps, out, now);
    if (step.check) {
      // What the check saw, in words; docker inspect's JSON is no help on the panel.
      const result = await runCheck(step.check, { hosts: deps.hosts, signal, env: deps.env, ...(deps.now ? { now: deps.now } : {}) });
      out('info', `${result.detail}\n`);
      return { state: result.holds ? 'ok' : 'failed', exitCode: result.exitCode ?? null, message: result.detail };
    }
    if (step.confirm !== undefined) {
      const confirm = deps.confirm;
      if (!confirm || !view)
        return { state: 'failed', exitCode: null, message: 'a confirm step needs someone to answer, and there is no one' };
      const answer = await new Promise<boolean>((resolve, reject) => {
        const onAbort = () => reject(new ExecError('aborted', 'aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        confirm({ prompt: step.confirm ?? '', step: view, runId })
          .then(resolve, reject)
          .finally(() => signal.removeEventListener('abort', onAbort));
      });
      if (!answer) return { state: 'aborted', exitCode: null, message: 'declined by the operator' };
      out('info', 'confirmed\n');
      return { state: 'ok', exitCode: null };
    }
    out('info', `${step.note ?? ''}\n`);
    return { state: 'ok', exitCode: null };
  } catch (error) {
    return failure(error, step.host);
  }
}

async function waitFor(
  wait: NonNullable<PlannedStep['wait']>,
  deps: RunDeps & { signal: AbortSignal },
  out: (stream: 'stdout' | 'stderr' | 'info', chunk: string) => void,
  now: () => number,
): Promise<StepOutcome> {
  const start = now();
  let holdingSince: number | null = null;
  let last = '';
  for (let attempt = 1; ; attempt++) {
    let result: CheckResult;
    try {
      result = await runCheck(wait.check, {
        hosts: deps.hosts,
        signal: deps.signal,
        env: deps.env,
        ...(deps.now ? { now: deps.now } : {}),
      });
    } catch (error) {
      if (deps.signal.aborted || (error instanceof ExecError && error.reason === 'aborted')) throw error;
      result = { holds: false, detail: (error as Error).message };
    }
    last = result.detail;
    const t = now();
    if (result.holds) holdingSince ??= t;
    else holdingSince = null;
    const held = holdingSince === null ? 0 : t - holdingSince;
    out(
      'info',
      `try ${attempt} at ${formatDuration(t - start)}: ${result.detail}${result.holds ? (wait.holdForMs ? ` (holding ${formatDuration(held)} of ${formatDuration(wait.holdForMs)})` : '') : ''}\n`,
    );
    if (result.holds && held >= wait.holdForMs) return { state: 'ok', exitCode: null, message: result.detail };
    if (t - start + wait.everyMs > wait.timeoutMs) {
      return {
        state: 'failed',
        exitCode: null,
        message: `did not hold${wait.holdForMs ? ` for ${formatDuration(wait.holdForMs)}` : ''} within ${formatDuration(wait.timeoutMs)}; last: ${last}`,
      };
    }
    await sleep(wait.everyMs, deps.signal);
  }
}
