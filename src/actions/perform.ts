// The one path every change to the estate outside a runbook takes: the read-only guard, then
// whether it can be done at all (a demo cannot), the operator's confirmation, an audit line
// before anything changes (who, when, what), the change, and an audit line with its result.
// If the first line cannot be written nothing is changed: no change goes unrecorded.
import { randomBytes } from 'node:crypto';
import type { ActionResult, AuditActionLine } from '../model/audit.js';
import type { Guard } from './guard.js';

export type Confirmation = { title: string; question: string; yes: string; danger: boolean };

/** What the change gave: its result and one line for the operator and the log. */
export type ActionDone = { result: Exclude<ActionResult, 'aborted'>; changed: boolean; message: string };

export type ActionSpec = {
  /** container.restart, pihole.blocking, … */
  action: string;
  /** What it acts on, for the log: "web on workstation". */
  target: string;
  /** The change in words, as a refusal, a failure and the history say it: "Restart web on workstation". */
  what: string;
  /** Why it cannot be done at all here (a demo replays recordings), checked before asking. */
  cannot?: () => string | null;
  confirm: Confirmation;
  /** Makes the change. A rejection is a failed change, its message the reason. */
  run(signal: AbortSignal): Promise<ActionDone>;
};

export type ActionContext = {
  guard: Guard;
  /** Asks the operator; true to go on. */
  confirm(question: Confirmation): Promise<boolean>;
  /** Appends one line to the audit log (and flushes it); throws when it cannot. */
  audit(line: AuditActionLine): void;
  user: string;
  machine: string;
  signal: AbortSignal;
  /** Called once confirmed and recorded, as the change starts (the console shows it busy). */
  onStart?: () => void;
  now?: () => number;
};

export type ActionOutcome =
  /** Not asked, not done: read-only mode, or it cannot be done here. */
  | { kind: 'refused'; message: string }
  /** The operator said no. */
  | { kind: 'cancelled' }
  /** Asked and done (or tried): what the audit log's end line says. */
  | { kind: 'done'; id: string; result: ActionResult; changed: boolean; message: string };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An action's id: when, what, and a few random letters, like a run's. */
export function newActionId(action: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${action.replace(/[^A-Za-z0-9-]+/g, '-')}-${randomBytes(2).toString('hex')}`;
}

export async function performAction(ctx: ActionContext, spec: ActionSpec): Promise<ActionOutcome> {
  const now = ctx.now ?? Date.now;
  const refused = ctx.guard.refusal(spec.what) ?? spec.cannot?.() ?? null;
  if (refused !== null) return { kind: 'refused', message: refused };
  if (!(await ctx.confirm(spec.confirm))) return { kind: 'cancelled' };
  // Read-only mode cannot have come on while the question was open, but the console may have closed.
  if (ctx.signal.aborted) return { kind: 'cancelled' };
  const started = now();
  const id = newActionId(spec.action, started);
  try {
    ctx.audit({
      event: 'action-start',
      time: new Date(started).toISOString(),
      runId: id,
      user: ctx.user,
      machine: ctx.machine,
      action: spec.action,
      target: spec.target,
      what: spec.what,
    });
  } catch (error) {
    return {
      kind: 'refused',
      message: `${spec.what} not done: the audit log cannot be written (${errorText(error)}); nothing was changed`,
    };
  }
  ctx.onStart?.();
  let done: ActionDone | { result: 'aborted' | 'failed'; changed: boolean; message: string };
  try {
    done = await spec.run(ctx.signal);
  } catch (error) {
    done = ctx.signal.aborted
      ? { result: 'aborted', changed: false, message: `aborted: ${errorText(ctx.signal.reason ?? error)}` }
      : { result: 'failed', changed: false, message: errorText(error) };
  }
  let message = done.message;
  const ended = now();
  try {
    ctx.audit({
      event: 'action-end',
      time: new Date(ended).toISOString(),
      runId: id,
      user: ctx.user,
      action: spec.action,
      result: done.result,
      durationMs: ended - started,
      message: done.message,
    });
  } catch (error) {
    message = `${message} (the audit log could not record the result: ${errorText(error)})`;
  }
  return { kind: 'done', id, result: done.result, changed: done.changed, message };
}
