// Whether the console may change the estate, decided in one place. Read-only mode (--read-only,
// or readOnly: true in the config) refuses every change: a container action, Pi-hole blocking, a
// dangerous runbook. Every path that changes something asks here, with the same words.

/** How read-only mode is named to the operator, whichever way it was turned on. */
export const READ_ONLY_MODE = 'read-only mode (--read-only or readOnly: true in the config)';

/** Why changes are refused, naming where read-only mode came from; null when they are allowed. */
export function readOnlyReason(flag: boolean, configReadOnly: boolean, configFile?: string | null): string | null {
  if (flag) return 'homeops was started with --read-only';
  if (configReadOnly) return `the config says readOnly: true${configFile ? ` (${configFile})` : ''}`;
  return null;
}

export type Guard = {
  /** Why every change is refused; null when changes are allowed. */
  readonly reason: string | null;
  /** The one line that says `what` (e.g. "Restart web") is refused, or null when it may go on. */
  refusal(what: string): string | null;
};

export function guardOf(reason: string | null): Guard {
  return {
    reason,
    refusal: (what) => (reason === null ? null : `${what} refused: ${reason}; nothing was changed`),
  };
}

/** A guard for a session that is read-only or not, without saying where that came from. */
export function sessionGuard(readOnly: boolean): Guard {
  return guardOf(readOnly ? READ_ONLY_MODE : null);
}

/** A dangerous runbook refused in read-only mode (the runner and `runbook run` say it so). */
export function readOnlyRunbookMessage(runbook: string, reason: string): string {
  return `${runbook} is dangerous (it changes things) and ${reason}; nothing was run`;
}
