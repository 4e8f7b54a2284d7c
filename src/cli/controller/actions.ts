// The one path every change the console makes outside a runbook takes (a container restarted,
// a shell opened, Pi-hole blocking switched): the console's guard, the operator's confirmation,
// the audit log (a line before the change and one with its result, actions/perform.ts), the
// console busy while it runs, and what came of it in the status bar. close() aborts them all.
import { hostname } from 'node:os';
import { type ActionSpec, performAction } from '../../actions/perform.js';
import type { Env } from '../../config/paths.js';
import type { AuditActionLine } from '../../model/audit.js';
import { AuditLog, auditLogPath } from '../../runbooks/audit.js';
import { currentUser } from '../../runbooks/lock.js';
import type { ConsoleBoard } from './board.js';
import type { ControllerDeps } from './deps.js';
import type { ConsoleGuard } from './guard.js';
import type { Prompts } from './prompts.js';

type Task = { label: string; controller: AbortController };

/**
 * Where the console's actions are written: the audit log in the state directory (the one the
 * runbooks write), nowhere in a demo (its Pi-holes and engines are recordings: nothing changes),
 * or the writer given.
 */
export function auditTrail(deps: {
  env: Env;
  demo: string | null;
  audit?: (line: AuditActionLine) => void;
}): (line: AuditActionLine) => void {
  if (deps.audit) return deps.audit;
  if (deps.demo) return () => {};
  return (line) => new AuditLog(auditLogPath(deps.env)).append(line);
}

export type AuditedActionsDeps = Pick<ControllerDeps, 'env' | 'demo' | 'audit' | 'now'> & {
  board: ConsoleBoard;
  prompts: Prompts;
  guard: ConsoleGuard;
};

export class AuditedActions {
  private readonly tasks = new Set<Task>();
  private readonly audit: (line: AuditActionLine) => void;

  constructor(private readonly deps: AuditedActionsDeps) {
    this.audit = auditTrail(deps);
  }

  /**
   * Does `spec` through the one path; `busy`: what the status bar says while it runs,
   * `cancelled`: what it says when the operator says no. True when the change was tried.
   */
  async act(spec: ActionSpec, busy: string, cancelled: string): Promise<boolean> {
    const { board, prompts } = this.deps;
    const task: Task = { label: busy, controller: new AbortController() };
    const outcome = await performAction(
      {
        guard: this.deps.guard.changes,
        confirm: async (question) =>
          (await prompts.ask({
            kind: 'confirm',
            title: question.title,
            lines: [question.question],
            yes: question.yes,
            no: 'Cancel',
            danger: question.danger,
          })) === 'yes',
        audit: this.audit,
        user: currentUser(this.deps.env),
        machine: hostname(),
        signal: task.controller.signal,
        onStart: () => this.track(task),
        ...(this.deps.now ? { now: this.deps.now } : {}),
      },
      spec,
    );
    if (this.tasks.has(task)) this.done(task);
    if (outcome.kind === 'refused') board.say(outcome.message, 'warn');
    else if (outcome.kind === 'cancelled') board.say(cancelled, 'plain');
    else if (outcome.result === 'ok') board.say(outcome.message, outcome.changed ? 'ok' : 'plain');
    else if (outcome.result === 'partial') board.say(outcome.message, 'warn');
    else if (outcome.result === 'failed') board.say(`${spec.what}: ${outcome.message}`, 'crit');
    return outcome.kind === 'done';
  }

  /** Aborts every action in flight (the console is closing). */
  abortAll(why: string): void {
    for (const task of this.tasks) task.controller.abort(new Error(why));
  }

  private track(task: Task): void {
    this.tasks.add(task);
    this.deps.board.set({ busy: task.label });
  }

  private done(task: Task): void {
    this.tasks.delete(task);
    const last = [...this.tasks].at(-1);
    this.deps.board.set({ busy: last?.label ?? null });
  }
}
