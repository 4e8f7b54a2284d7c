// Runbooks from the console: a run asked, its inputs in a form, confirmed (typed for a dangerous
// one), run by the runner with its output streamed into the run's panel, aborted, resumed after
// an interruption; a dry run's plan. One run at a time, refused in a demo and (dangerous ones)
// in read-only mode: the console's guard decides.
import { formatDuration, formatTime } from '../../config/units.js';
import type { Runbook } from '../../runbooks/load.js';
import { describeOrphan, type Orphan, type OrphanChoice } from '../../runbooks/orphans.js';
import { formatPlan, inputsUsed, type RunPlan, runScope } from '../../runbooks/plan.js';
import { prepareResume, prepareRun } from '../../runbooks/prepare.js';
import { type ConfirmRequest, type RunDeps, RunInterruption, runPlan } from '../../runbooks/runner.js';
import { abandonRun, findInterruptedRuns, type InterruptedRun, type RunState } from '../../runbooks/state.js';
import { applyRunEvent, failedToStart, isActive, startingRun } from '../../ui/run-view.js';
import type { ConsoleBoard } from './board.js';
import type { RunbookShelf } from './catalog.js';
import { type ControllerDeps, errorText } from './deps.js';
import type { ConsoleGuard } from './guard.js';
import type { LogsService } from './logs.js';
import type { Prompts } from './prompts.js';
import { planWithForm } from './runbook-form.js';

/** The part of a runbook the backups pane's verify key runs. */
const VERIFY_PART = 'verify-backups';

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

export type RunbookServiceDeps = Pick<
  ControllerDeps,
  'config' | 'env' | 'hosts' | 'readOnly' | 'demo' | 'notes' | 'now' | 'runPlan' | 'findInterrupted'
> & {
  clock: () => number;
  board: ConsoleBoard;
  prompts: Prompts;
  guard: ConsoleGuard;
  shelf: RunbookShelf;
  logs: Pick<LogsService, 'close'>;
};

export class RunbookService {
  private runAbort: AbortController | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: RunbookServiceDeps) {}

  /** Offers to resume runs that were interrupted (the console or its SSH session died mid-run). */
  offerInterrupted(): void {
    if (this.deps.demo) return;
    let found: InterruptedRun[];
    try {
      found = (this.deps.findInterrupted ?? (() => findInterruptedRuns(this.deps.env)))();
    } catch (error) {
      this.deps.board.say(`could not read the runs' state: ${errorText(error)}`, 'warn');
      return;
    }
    if (found.length === 0) return;
    void this.deps.shelf.load().then(() => this.offerResume(found));
  }

  /** The backups pane's verify key: the first runbook with a verify-backups part runs that part. */
  async verifyBackups(): Promise<void> {
    const found = await this.deps.shelf.withPart(VERIFY_PART);
    if (found) void this.run(found.id, undefined, VERIFY_PART);
  }

  async run(id: string, interrupted?: InterruptedRun, only: string | null = null): Promise<void> {
    const { board, prompts, guard, config, env } = this.deps;
    const resume = interrupted?.state;
    // A resumed run keeps its part.
    const part = resume ? (resume.part ?? null) : only;
    if (board.closed) return;
    // Said at once; asked again after the runbooks are loaded, in case a run began meanwhile.
    if (guard.waits('run')) return;
    const runbook = await this.deps.shelf.get(id);
    if (!runbook || board.closed || guard.waits('run')) return;
    let refused: string | null = null;
    let dangerous = runbook.dangerous;
    try {
      ({ dangerous } = runScope(runbook, part));
    } catch (error) {
      refused = errorText(error);
    }
    refused ??= guard.runbook(runbook, dangerous);
    if (refused) {
      prompts.notice(`${runbook.id}${part ? ` · ${part}` : ''} refused`, [refused], 'warn');
      return;
    }
    // The inputs the run uses are asked in a form (a resumed run keeps its own).
    const asked = resume ? [] : inputsUsed(runbook, part);
    let plan: RunPlan;
    if (asked.length) {
      const planned = await planWithForm({ config, env, prompts }, runbook, part, asked, dangerous ? 'Next' : 'Run');
      if (!planned) {
        board.say(`${part ? `${runbook.id} · ${part}` : runbook.id}: not run`, 'plain');
        return;
      }
      plan = planned;
    } else {
      try {
        plan = resume ? prepareResume(runbook, resume, {}, { config, env }) : prepareRun(runbook, {}, { config, env }, part);
      } catch (error) {
        prompts.notice(`${runbook.id} cannot start`, [errorText(error)], 'crit');
        return;
      }
    }
    const name = plan.part ? `${runbook.id} · ${plan.part}` : runbook.id;
    const hosts = [...new Set(plan.steps.flatMap((s) => (s.host === null || s.skip ? [] : [s.host])))];
    const inputs = Object.entries(plan.inputs).map(([k, v]) => `${k}=${runbook.inputs[k]?.secret ? '***' : String(v)}`);
    const about = [
      plan.runbook.title,
      `${plan.steps.length} steps on ${listWords(hosts) || 'this machine'}${interrupted ? `, resumed from step ${interrupted.resumeFrom}` : ''}${plan.part ? `: ${plan.steps.map((s) => s.id).join(', ')}` : ''}`,
      ...(inputs.length ? [`inputs: ${inputs.join(' ')} (others: homeops runbook run ${runbook.id} --input KEY=VALUE)`] : []),
    ];
    // A form's Enter ("Run") was the question for a runbook that is not dangerous.
    const answer = plan.runbook.dangerous
      ? await prompts.ask({
          kind: 'typed',
          title: `${resume ? 'Resume' : 'Run'} ${name} · dangerous`,
          lines: [...about, `It changes things. Type ${runbook.id} and press enter to run it; esc cancels.`],
          expect: runbook.id,
        })
      : asked.length
        ? 'yes'
        : await prompts.ask({
            kind: 'confirm',
            title: `${resume ? 'Resume' : 'Run'} ${name}`,
            lines: about,
            yes: resume ? 'Resume' : 'Run',
            no: 'Cancel',
            danger: false,
          });
    if (answer !== 'yes') {
      board.say(`${name}: not run`, 'plain');
      return;
    }
    if (board.closed || guard.runActive) return;
    this.deps.logs.close();
    this.running = this.execute(plan.runbook, plan, resume);
  }

  async dryRun(id: string): Promise<void> {
    const { board, config, env } = this.deps;
    const runbook = await this.deps.shelf.get(id);
    if (!runbook) return;
    if (this.deps.guard.waits('panel')) return;
    let lines: string[];
    try {
      const plan = prepareRun(runbook, {}, { config, env });
      lines = formatPlan(plan, config).trimEnd().split('\n');
      if (this.deps.readOnly && runbook.dangerous)
        lines.push(`note: ${runbook.id} is dangerous and homeops is in read-only mode: a real run would be refused`);
    } catch (error) {
      this.deps.prompts.notice(`${runbook.id}: no dry run`, [errorText(error)], 'crit');
      return;
    }
    this.deps.logs.close();
    board.set({ panel: { kind: 'dry-run', runbook: runbook.id, title: runbook.title, lines } });
  }

  /** Aborts the run; `confirm`: a dangerous one asks first. */
  async abort(confirm = false): Promise<void> {
    const { board, prompts } = this.deps;
    const abort = this.runAbort;
    const run = board.current().run;
    if (!abort || !run || !isActive(run) || abort.signal.aborted) return;
    if (confirm) {
      // A dangerous runbook stopped halfway can leave the estate between two states: ask.
      if (prompts.asking('abort')) return;
      const answer = await prompts.ask(
        {
          kind: 'confirm',
          purpose: 'abort',
          title: `Abort ${run.runbook.id}?`,
          lines: [
            `${run.runbook.id} is dangerous: stopping it halfway can leave things between two states.`,
            'The running step is stopped (on its host too) and the run ends as aborted; it can be resumed later.',
            'Ctrl-C now aborts at once.',
          ],
          yes: 'Abort',
          no: 'Keep running',
          danger: true,
        },
        'run',
      );
      if (answer !== 'yes' || this.runAbort !== abort) return;
      return this.abort(false);
    }
    abort.abort(new Error('aborted by the operator'));
    prompts.withdraw('run');
    board.set({ run: { ...run, aborting: true } });
  }

  /** Stops the run as interrupted (the next start offers to resume it; its step's process is stopped). */
  interrupt(why: string): void {
    if (this.runAbort && !this.runAbort.signal.aborted) this.runAbort.abort(new RunInterruption(why));
  }

  /** Resolves when the run has ended, or after `waitMs`. */
  async ended(waitMs: number): Promise<void> {
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
  }

  private async execute(runbook: Runbook, plan: RunPlan, resume: RunState | undefined): Promise<void> {
    const { board, prompts } = this.deps;
    const abort = new AbortController();
    this.runAbort = abort;
    let view = startingRun({ id: runbook.id, title: runbook.title, dangerous: runbook.dangerous }, this.deps.clock());
    board.set({ run: view, panel: { kind: 'run' } });
    const onEvent: RunDeps['onEvent'] = (event) => {
      view = applyRunEvent(view, event);
      // Output streams in: published at most every publishMs. Steps starting and ending at once.
      board.set({ run: view }, event.type === 'output');
    };
    const confirm = async ({ prompt, step }: ConfirmRequest): Promise<boolean> => {
      const answer = await prompts.ask(
        { kind: 'confirm', title: `${runbook.id} · ${step.id}`, lines: [prompt], yes: 'Yes, go on', no: 'No, stop the run', danger: true },
        'run',
      );
      return answer === 'yes';
    };
    // A step of an earlier run still running on a host this one uses: the operator decides.
    const onOrphan = async (orphan: Orphan): Promise<OrphanChoice> => {
      const answer = await prompts.ask(
        {
          kind: 'confirm',
          title: `${runbook.id}: a step is still running`,
          lines: [
            `${describeOrphan(orphan)} is still running: its connection (or the console running it) was lost while it ran.`,
            'Running now would run beside it. Stop it (its process group, on its host), or wait for it to end?',
          ],
          yes: 'Stop it',
          no: 'Wait for it',
          cancel: 'Run nothing',
          danger: true,
        },
        'run',
      );
      return answer === 'yes' ? 'kill' : answer === 'no' ? 'wait' : 'refuse';
    };
    const run = this.deps.runPlan ?? runPlan;
    const name = plan.part ? `${runbook.id} · ${plan.part}` : runbook.id;
    let interruptedAt: string | null = null;
    try {
      const result = await run(
        plan,
        {
          config: this.deps.config,
          hosts: this.deps.hosts,
          env: this.deps.env,
          confirm,
          onOrphan,
          onEvent,
          signal: abort.signal,
          readOnly: this.deps.readOnly,
          ...(this.deps.now ? { now: this.deps.now } : {}),
        },
        resume ? { resume } : {},
      );
      const time = formatDuration(result.durationMs);
      if (result.status === 'ok') board.say(`${name}: ok in ${time}`, 'ok');
      else if (result.status === 'failed')
        board.say(`${name}: FAILED${result.failedStep ? ` at ${result.failedStep}` : ''} after ${time}`, 'crit');
      else board.say(`${name}: ${result.status.toUpperCase()} after ${time}`, 'warn');
      // A lost connection (not the operator, not a hang-up of this console): offer to go on.
      if (result.status === 'interrupted' && !abort.signal.aborted) interruptedAt = result.runId;
    } catch (error) {
      // Refused before anything ran: locked by another run, read-only, not resumable.
      view = failedToStart(view, errorText(error), this.deps.clock());
      board.set({ run: view });
      board.say(`${name}: not started`, 'crit');
    } finally {
      prompts.withdraw('run');
      if (this.runAbort === abort) this.runAbort = null;
      board.flushPending();
    }
    if (interruptedAt !== null && !board.closed) {
      const found = findInterruptedRuns(this.deps.env, { runbook: runbook.id }).filter((f) => f.state.runId === interruptedAt);
      if (found.length) void this.offerResume(found);
    }
  }

  private async offerResume(found: readonly InterruptedRun[]): Promise<void> {
    for (const run of found) {
      if (this.deps.board.closed || this.deps.guard.runActive) return;
      const { state } = run;
      const known = this.deps.shelf.loaded.get(state.runbook);
      const answer = await this.deps.prompts.ask({
        kind: 'confirm',
        title: `Interrupted run of ${state.runbook}`,
        lines: [
          `Run ${state.runId} of ${state.runbook} (started ${formatTime(Date.parse(state.startedAt))} by ${state.user}) was interrupted at step ${run.resumeFrom}: ${run.why}.`,
          known
            ? `Resume it from step ${run.resumeFrom}? Steps that finished are not run again.`
            : `There is no runbook ${state.runbook} any more: it cannot be resumed.`,
        ],
        yes: 'Resume',
        no: 'Dismiss (not offered again)',
        cancel: 'Later',
        danger: true,
      });
      if (answer === 'yes' && known) {
        await this.run(state.runbook, run);
        return;
      }
      if (answer === 'no') {
        try {
          abandonRun(this.deps.env, state.runId);
        } catch (error) {
          this.deps.board.say(`could not dismiss run ${state.runId}: ${errorText(error)}`, 'warn');
        }
      }
    }
  }
}
