// What the console may start now, decided in one place: read-only mode (no change to the estate,
// no dangerous runbook), a demo (replays recordings: no runbook runs against the estate), a
// runbook that cannot run with this config, and the run in progress (one at a time; its panel
// stays and a shell waits until it ends). Every service asks here, with the same words.
import { type Guard, READ_ONLY_MODE, readOnlyRunbookMessage, sessionGuard } from '../../actions/guard.js';
import type { Runbook } from '../../runbooks/load.js';
import type { MessageTone } from '../../ui/console-state.js';
import { isActive, type RunView } from '../../ui/run-view.js';

/** What waits for the run in progress: a panel (it would cover the run's), another run, a shell. */
export type WaitsForRun = 'panel' | 'run' | 'shell';

export const DEMO_REFUSAL =
  'a demo scenario replays recordings, so no runbook runs against the estate; d in the runbook menu shows what a run would do';

export type GuardDeps = {
  readOnly: boolean;
  demo: string | null;
  /** The run the console shows, if any. */
  run(): RunView | null;
  say(text: string, tone: MessageTone): void;
};

export class ConsoleGuard {
  /** The read-only guard every change to the estate passes (actions/perform.ts). */
  readonly changes: Guard;

  constructor(private readonly deps: GuardDeps) {
    this.changes = sessionGuard(deps.readOnly);
  }

  /** A run is starting or running. */
  get runActive(): boolean {
    return isActive(this.deps.run());
  }

  /** Why `what` cannot start while a run is in progress; null when none is. */
  whileRunning(what: WaitsForRun): string | null {
    if (!this.runActive) return null;
    const id = this.deps.run()?.runbook.id ?? 'a runbook';
    if (what === 'run') return `${id} is running; one run at a time (esc aborts it)`;
    if (what === 'shell') return `${id} is running: a shell waits until it ends`;
    return `${id} is running; its panel stays until it ends`;
  }

  /** True, with the reason said in the status bar, when `what` must wait for the run in progress. */
  waits(what: WaitsForRun): boolean {
    const reason = this.whileRunning(what);
    if (reason !== null) this.deps.say(reason, 'warn');
    return reason !== null;
  }

  /** Why a runbook (or the part of it asked for, dangerous or not) may not run here; null when it may. */
  runbook(runbook: Pick<Runbook, 'id' | 'unavailable'>, dangerous: boolean): string | null {
    if (runbook.unavailable) return `${runbook.id} cannot run with this config: ${runbook.unavailable}`;
    if (this.deps.demo) return `${runbook.id} is not run: ${DEMO_REFUSAL}`;
    if (this.deps.readOnly && dangerous) return readOnlyRunbookMessage(runbook.id, `homeops is in ${READ_ONLY_MODE}`);
    return null;
  }
}
