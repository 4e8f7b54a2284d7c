// The lines an action writes to the audit log, the same log the runbooks write (an action is
// one change made outside a runbook: a container restarted, Pi-hole blocking switched). Like a
// run, it has a start line (who, when, what, written before anything changes) and an end line
// (the result). `runId` is the action's id: every line of the log names the run or action it is
// part of.

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
