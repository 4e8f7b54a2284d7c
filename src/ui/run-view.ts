// A runbook run as its panel shows it: every step with its state, host and times, the output of
// the step that runs (or ran last), the result. Built from the runner's events by a pure
// reducer; every change gives a new object, and parts that did not change are kept.

import type { Phase, RunEvent, StepState, StepView } from '../model/runs.js';
import { lastRedraw } from '../terminal/terminal-safe.js';
import { splitOutput } from './output-lines.js';

export type RunStepRow = {
  id: string;
  title: string;
  kind: StepView['kind'];
  phase: Phase;
  index: number;
  /** The host it acts on; null for this machine or the operator. */
  host: string | null;
  display: string;
  state: StepState;
  skip?: string;
  startedAt: number | null;
  durationMs: number | null;
  exitCode: number | null;
  message?: string;
};

export type OutputStream = 'stdout' | 'stderr' | 'info';
export type OutputLine = { stream: OutputStream; text: string };

export type StepOutput = {
  phase: Phase;
  stepId: string;
  /** Whole lines, the oldest dropped beyond OUTPUT_LINES. */
  lines: readonly OutputLine[];
  /** The unfinished last line of each stream. */
  partial: Readonly<Record<OutputStream, string>>;
  /** Lines dropped from the start. */
  dropped: number;
};

export type RunStatus = 'starting' | 'running' | 'ok' | 'failed' | 'aborted' | 'interrupted' | 'error';

export type RunView = {
  runbook: { id: string; title: string; dangerous: boolean };
  runId: string | null;
  status: RunStatus;
  /** An abort was asked for and the running step is being stopped. */
  aborting: boolean;
  startedAt: number;
  endedAt: number | null;
  steps: readonly RunStepRow[];
  rollback: readonly RunStepRow[];
  rollingBack: boolean;
  /** The step running now. */
  current: { phase: Phase; stepId: string } | null;
  /** Output of the step running now, or of the last one that ran. */
  output: StepOutput | null;
  notes: readonly string[];
  resumedFrom: string | null;
  failedStep: string | null;
  /** Why it failed, was aborted, or could not start. */
  message: string | null;
};

/** Lines of output kept for the panel (the audit log keeps its own tail). */
export const OUTPUT_LINES = 400;

const NO_PARTIAL: Readonly<Record<OutputStream, string>> = { stdout: '', stderr: '', info: '' };

export function startingRun(runbook: RunView['runbook'], at: number, steps: readonly StepView[] = []): RunView {
  return {
    runbook,
    runId: null,
    status: 'starting',
    aborting: false,
    startedAt: at,
    endedAt: null,
    steps: steps.map((s) => row(s)),
    rollback: [],
    rollingBack: false,
    current: null,
    output: null,
    notes: [],
    resumedFrom: null,
    failedStep: null,
    message: null,
  };
}

/** A run that did not start (locked, refused): the reason is its message. */
export function failedToStart(view: RunView, message: string, at: number): RunView {
  return { ...view, status: 'error', endedAt: at, message, current: null };
}

export function isActive(view: RunView | null): boolean {
  return view !== null && (view.status === 'starting' || view.status === 'running');
}

function row(step: StepView): RunStepRow {
  return {
    id: step.id,
    title: step.title,
    kind: step.kind,
    phase: step.phase,
    index: step.index,
    host: step.host,
    display: step.display,
    state: step.state,
    ...(step.skip ? { skip: step.skip } : {}),
    startedAt: null,
    durationMs: null,
    exitCode: null,
  };
}

function patchStep(rows: readonly RunStepRow[], stepId: string, patch: Partial<RunStepRow>): readonly RunStepRow[] {
  const index = rows.findIndex((r) => r.id === stepId);
  const current = rows[index];
  if (!current) return rows;
  const next = rows.slice();
  next[index] = { ...current, ...patch };
  return next;
}

function withStep(view: RunView, phase: Phase, stepId: string, patch: Partial<RunStepRow>): RunView {
  return phase === 'main'
    ? { ...view, steps: patchStep(view.steps, stepId, patch) }
    : { ...view, rollback: patchStep(view.rollback, stepId, patch) };
}

/** Adds a chunk of a stream's output: whole lines are kept, the rest waits for its newline. */
export function addOutput(output: StepOutput, stream: OutputStream, chunk: string): StepOutput {
  const { lines: parts, rest } = splitOutput(output.partial[stream], chunk);
  if (parts.length === 0) return { ...output, partial: { ...output.partial, [stream]: rest } };
  // A progress bar redraws its line with \r: the line shows what it says last.
  const added = parts.map((line): OutputLine => ({ stream, text: lastRedraw(line) }));
  const all = output.lines.concat(added);
  const cut = Math.max(0, all.length - OUTPUT_LINES);
  return { ...output, lines: cut ? all.slice(cut) : all, dropped: output.dropped + cut, partial: { ...output.partial, [stream]: rest } };
}

/** The output's lines with the unfinished ones at the end. */
export function outputLines(output: StepOutput | null): OutputLine[] {
  if (!output) return [];
  const lines = output.lines.slice();
  for (const stream of ['stdout', 'stderr', 'info'] as const) {
    const rest = lastRedraw(output.partial[stream]);
    if (rest) lines.push({ stream, text: rest });
  }
  return lines;
}

export function applyRunEvent(view: RunView, event: RunEvent): RunView {
  switch (event.type) {
    case 'run-start':
      return {
        ...view,
        runId: event.runId,
        runbook: event.runbook,
        status: 'running',
        startedAt: event.startedAt,
        steps: event.steps.map(row),
        rollback: event.rollback.map(row),
        notes: event.notes,
        resumedFrom: event.resumedFrom,
      };
    case 'step-start': {
      const next = withStep(view, event.phase, event.stepId, { state: 'running', startedAt: event.at, durationMs: null });
      return {
        ...next,
        current: { phase: event.phase, stepId: event.stepId },
        output: { phase: event.phase, stepId: event.stepId, lines: [], partial: NO_PARTIAL, dropped: 0 },
      };
    }
    case 'output': {
      const output =
        view.output && view.output.stepId === event.stepId && view.output.phase === event.phase
          ? view.output
          : { phase: event.phase, stepId: event.stepId, lines: [], partial: NO_PARTIAL, dropped: 0 };
      return { ...view, output: addOutput(output, event.stream, event.chunk) };
    }
    case 'step-end': {
      const patch: Partial<RunStepRow> = {
        state: event.state,
        durationMs: event.durationMs,
        exitCode: event.exitCode,
        ...(event.message ? { message: event.message } : {}),
      };
      const next = withStep(view, event.phase, event.stepId, patch);
      const ended = view.current?.stepId === event.stepId && view.current.phase === event.phase;
      return ended ? { ...next, current: null } : next;
    }
    case 'rollback-start':
      return { ...view, rollingBack: true };
    case 'run-end':
      return {
        ...view,
        status: event.status,
        endedAt: view.startedAt + event.durationMs,
        current: null,
        aborting: false,
        failedStep: event.failedStep,
        message: event.message ?? null,
      };
  }
}
