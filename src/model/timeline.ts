// The timeline's vocabulary: one change of state, as the watcher records it, `homeops events`
// prints it and the console's timeline panel shows it. Plain data, shared by the layers that
// make, keep and show events.

/** How urgent an alert is, in the estate plan's words (critical: SMS and push; high: e-mail and
 *  dashboard; medium: dashboard and logs; low: logs only). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more urgent. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * pane: a pane's status changed · alert: an alert fired, was held, resolved, or was reminded
 * of · host: a host was lost or came back · runbook: a run started or ended · action: something
 * an operator did (silence, ack, a container action) · notify: a channel could not deliver ·
 * watch: the watcher started or stopped.
 */
export const EVENT_KINDS = ['pane', 'alert', 'host', 'runbook', 'action', 'notify', 'watch'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type TimelineEvent = {
  /** When it happened, ms since the epoch. */
  at: number;
  kind: EventKind;
  /** What changed: a pane id, an alert's key, a host, a runbook id, a channel. */
  subject: string;
  /** Its new state, one word: ok, warn, crit, stale, down, off · firing, resolved, held,
   *  reminder · lost, back · started, ok, failed, aborted, interrupted · silenced, acked ·
   *  failed · started, stopped. */
  state: string;
  severity: Severity | null;
  /** One line for a person. */
  text: string;
};
