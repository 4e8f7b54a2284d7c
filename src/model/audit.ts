// The audit log's lines, as the runbooks, the actions and the alerts' silences write them and
// the history panels and `runbook history` read them. An action is one change made outside a
// runbook (a container restarted, Pi-hole blocking switched); like a run, it has a start line
// (who, when, what, written before anything changes) and an end line (the result). `runId` is
// the run's or action's id: every line of a run or action names it.
import type { InputValue } from './runs.js';

export type ActionResult = 'ok' | 'partial' | 'failed' | 'aborted';

export type AuditActionStart = {
  event: 'action-start';
  time: string;
  runId: string;
  user: string;
  machine: string;
  /** What kind of change: container.restart, container.stop, container.start, pihole.blocking. */
  action: string;
  /** What it acts on: "web on workstation", "primary, secondary". */
  target: string;
  /** The change in words, as the history shows it: "Restart web on workstation". */
  what: string;
};

export type AuditActionEnd = {
  event: 'action-end';
  time: string;
  runId: string;
  user: string;
  action: string;
  /** ok; partial: some of its targets changed, some failed; failed; aborted (the console closed). */
  result: ActionResult;
  durationMs: number;
  /** The outcome in one line ("web restarted on workstation", the engine's error). */
  message: string;
};

export type AuditActionLine = AuditActionStart | AuditActionEnd;

export type AuditRunStart = {
  event: 'run-start';
  time: string;
  runId: string;
  user: string;
  machine: string;
  runbook: string;
  /** The part run alone, when not the whole runbook. */
  part?: string;
  inputs: Record<string, InputValue>;
  resumedAt?: string;
};

export type AuditStep = {
  event: 'step';
  time: string;
  runId: string;
  user: string;
  runbook: string;
  step: string;
  phase: 'main' | 'rollback';
  kind: string;
  host: string | null;
  command: string;
  /** The command's environment, NAME=value words, secrets masked. */
  env?: string;
  state: 'ok' | 'failed' | 'skipped' | 'aborted' | 'interrupted';
  exitCode: number | null;
  durationMs: number;
  /** The last ~2 KB of output (stdout and stderr as they came). */
  output: string;
  message?: string;
};

export type AuditRunEnd = {
  event: 'run-end';
  time: string;
  runId: string;
  user: string;
  runbook: string;
  status: 'ok' | 'failed' | 'aborted' | 'interrupted';
  durationMs: number;
  failedStep?: string;
  message?: string;
};

export type AuditEntry = AuditRunStart | AuditStep | AuditRunEnd | AuditActionLine;

/**
 * An operator's word on alerts (src/alerts/silences.ts): a silence set or lifted, alerts
 * acknowledged, from the console or a shell. Not part of any run: the runs' history skips it.
 */
export type AuditAlertAction = {
  event: 'silence' | 'unsilence' | 'ack';
  time: string;
  user: string;
  machine: string;
  /** A pane, a host, or an alert's key. */
  target: string;
  /** When the silence or acknowledgement ends. */
  until?: string;
  reason?: string;
  from: 'console' | 'shell';
};

export type RunHistoryEntry = {
  /** A runbook's run, or an action (a change made outside a runbook: a container restarted, Pi-hole blocking). */
  kind: 'run' | 'action';
  /** The run's id, or the action's. */
  runId: string;
  /** The runbook; for an action, what kind it is (container.restart, pihole.blocking). */
  runbook: string;
  /** An action's change in words ("Restart web on workstation"); null for a run. */
  what: string | null;
  /** The part run alone; null: the whole runbook. */
  part: string | null;
  user: string;
  machine: string;
  startedAt: string;
  endedAt: string | null;
  /** 'unfinished' when the log has no end for it (it is running, or the process died); 'partial' for an action that changed some of its targets. */
  status: AuditRunEnd['status'] | ActionResult | 'unfinished';
  durationMs: number | null;
  failedStep: string | null;
  message: string | null;
  steps: number;
  resumed: boolean;
};

/** How a run is named in the history: the runbook, with the part when it ran one alone; an action as such. */
export function runLabel(run: Pick<RunHistoryEntry, 'kind' | 'runbook' | 'part' | 'what'>): string {
  if (run.kind === 'action') return `action: ${run.what ?? run.runbook}`;
  return run.part ? `${run.runbook}/${run.part}` : run.runbook;
}
