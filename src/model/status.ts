// Status words shared by every pane, the status command and the exit codes.

export const STATUSES = ['ok', 'warn', 'crit', 'stale', 'down', 'off'] as const;
export type Status = (typeof STATUSES)[number];

/** A verdict on one figure against its thresholds. */
export type Level = 'ok' | 'warn' | 'crit';

/** Severity used to pick the worst status of several (off counts for nothing). */
const SEVERITY: Record<Status, number> = { off: 0, ok: 1, stale: 2, warn: 3, down: 4, crit: 5 };

export function worst(statuses: Iterable<Status>): Status {
  let result: Status = 'off';
  for (const status of statuses) if (SEVERITY[status] > SEVERITY[result]) result = status;
  return result;
}

/**
 * Nagios plugin exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 * A source that is down is critical (something the admin must act on); stale data, or
 * nothing configured at all, is unknown.
 */
export function exitCodeFor(statuses: readonly Status[]): 0 | 1 | 2 | 3 {
  if (statuses.some((s) => s === 'crit' || s === 'down')) return 2;
  if (statuses.some((s) => s === 'warn')) return 1;
  if (statuses.some((s) => s === 'stale')) return 3;
  return statuses.some((s) => s === 'ok') ? 0 : 3;
}

export const NAGIOS_WORDS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;
