// What a run tells whoever watches it (the console's runbook panel, the CLI's progress lines),
// in the words of a run: its steps' kinds, phases and states. Plain data; every event carries
// the run's id. Made by src/runbooks/runner.ts.

/** What a step does: exactly one of these keys in its YAML. */
export const STEP_KINDS = ['run', 'check', 'wait', 'confirm', 'note'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The run's own steps, or the rollback that runs after a failure. */
export type Phase = 'main' | 'rollback';

export type StepState = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'aborted' | 'interrupted';

/** A step as a panel shows it before and while the run goes. */
export type StepView = {
  id: string;
  title: string;
  kind: StepKind;
  phase: Phase;
  index: number;
  /** The host it acts on; null for this machine or the operator. */
  host: string | null;
  /** The exact command or what the check does, secrets masked. */
  display: string;
  /** Its environment as NAME=value words, secrets masked; empty when none. */
  displayEnv: string;
  state: StepState;
  /** Why it will be skipped (its `when` does not hold). */
  skip?: string;
  onFailure: 'stop' | 'continue';
};

export type FinishedState = Exclude<StepState, 'pending' | 'running'>;
export type RunOutcome = 'ok' | 'failed' | 'aborted' | 'interrupted';

export type RunEvent =
  | {
      type: 'run-start';
      runId: string;
      runbook: { id: string; title: string; dangerous: boolean };
      startedAt: number;
      steps: StepView[];
      rollback: StepView[];
      /** The step a resumed run continues from; null for a new run. */
      resumedFrom: string | null;
      /** Things worth saying first (a stale lock that was replaced). */
      notes: string[];
    }
  | {
      type: 'step-start';
      runId: string;
      stepId: string;
      phase: Phase;
      index: number;
      kind: StepKind;
      at: number;
      host: string | null;
      display: string;
    }
  /** Output of the running step; 'info' is the runner's own words (a check's result, a wait's tries, a note). */
  | { type: 'output'; runId: string; stepId: string; phase: Phase; stream: 'stdout' | 'stderr' | 'info'; chunk: string }
  | {
      type: 'step-end';
      runId: string;
      stepId: string;
      phase: Phase;
      index: number;
      state: FinishedState;
      /** The command's exit code; null when none ran or it was killed. */
      exitCode: number | null;
      durationMs: number;
      /** Why it failed, was skipped or aborted; what a check saw. */
      message?: string;
    }
  | { type: 'rollback-start'; runId: string; afterStep: string }
  | { type: 'run-end'; runId: string; status: RunOutcome; durationMs: number; failedStep: string | null; message?: string };

/** A runbook input's value, as given, typed by its declaration. */
export type InputValue = string | number | boolean;
