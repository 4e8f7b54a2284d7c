// The console's actions, outside React: the App sends intents, the controller runs them against
// the runtime (runbooks through the runner; container actions and Pi-hole blocking through the
// actions layer, which guards, confirms and audits them; logs through the Docker engines) and
// publishes what the console should show as one immutable ConsoleState. Nothing here waits on
// the App: every remote call runs in the background with its own AbortSignal, and close() stops
// them all.
import { hostname } from 'node:os';
import type { AuditActionLine } from '../actions/audit-lines.js';
import { blockingAction, type SetBlocking } from '../actions/blocking.js';
import { containerAction } from '../actions/container.js';
import { readOnlyRunbookMessage, READ_ONLY_MODE, sessionGuard } from '../actions/guard.js';
import { performAction, type ActionSpec, type Confirmation } from '../actions/perform.js';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/paths.js';
import { formatDuration, parseDuration } from '../config/units.js';
import type { ContainerActions, ContainerRef } from '../docker/actions.js';
import type { PaneId, Snapshot } from '../monitor/snapshot.js';
import { writePrivate } from '../config/private-files.js';
import { checkStateDir, stateDir } from '../runbooks/state-dir.js';
import { LogsStream, type LogsSource } from './logs-stream.js';
import { shellCommand } from '../docker/exec-argv.js';
import { join } from 'node:path';

/** The "since" steps of a logs view, in the order its key goes through them, then back to the last lines. */
const LOG_SINCE_STEPS = ['1m', '5m', '15m', '1h', '1d'];
import type { DnsSources } from '../probes/dns/probe.js';
import type { BlockingRequest } from '../probes/pihole/blocking.js';
import type { Hosts } from '../hosts/registry.js';
import { AuditLog, auditLogPath, readHistory, readRunEntries, type AuditEntry, type RunHistoryEntry } from '../runbooks/audit.js';
import type { Runbook, RunbookCatalog } from '../runbooks/load.js';
import { envNameFor, InputError, isRequired } from '../runbooks/inputs.js';
import { formatPlan, inputsUsed, runScope, type RunPlan } from '../runbooks/plan.js';
import { prepareResume, prepareRun } from '../runbooks/prepare.js';
import { RunInterruption, runPlan, type ConfirmRequest, type RunDeps, type RunResult } from '../runbooks/runner.js';
import { describeOrphan, type Orphan, type OrphanChoice } from '../runbooks/orphans.js';
import { abandonRun, findInterruptedRuns, type InterruptedRun, type RunState } from '../runbooks/state.js';
import { currentUser, formatTime } from '../runbooks/lock.js';
import {
  INITIAL_CONSOLE_STATE,
  type Answer,
  type ConsoleIntents,
  type ConsoleState,
  type ConsoleStateSource,
  type ContainerAction,
  type ContainerTarget,
  type FormField,
  type LogLineView,
  type MessageTone,
  type Prompt,
  type Panel,
  type TimelinePanel,
  type TrendsPanel,
} from '../ui/console-state.js';
import { readTimelinePanel } from './timeline-panel.js';
import { readTrendsPanel } from './trends-panel.js';
import { acknowledge, applySilence, silenceForm, type AlertActionDeps } from './alert-actions.js';
import { applyRunEvent, failedToStart, isActive, startingRun } from '../ui/run-view.js';

export type ControllerDeps = {
  config: Config;
  env: Env;
  hosts: Hosts;
  docker: { actions: ContainerActions } | null;
  dns: Pick<DnsSources, 'piholes'> | null;
  /** `current`: the newest Snapshot (what ack and silence act on). */
  monitor: { nudge(id: PaneId): void; current?(): Snapshot };
  /** The runbooks, or how to load them: loading validates every file, which takes a while, so
   *  it happens on first use or when loadCatalog() is called (after the first frame). */
  catalog?: Catalog | (() => Catalog | Promise<Catalog>);
  readOnly: boolean;
  /** The demo scenario replayed, or null: a demo runs no runbook against the estate. */
  demo: string | null;
  /** Said once in the status bar at the start (a cache that was not used, and why). */
  notes?: readonly string[];
  now?: () => number;
  /** How long a status-bar message stays. */
  messageMs?: number;
  /** At most one publish per this many ms while output streams in. */
  publishMs?: number;
  /** Lines a logs view keeps. */
  logLines?: number;
  /** --since: how far back a logs view starts ("10m"); without it, the last docker.logLines lines. */
  logSince?: string;
  /**
   * Hands the terminal to a program (a shell in a container) and takes it back when it exits;
   * `say`: the line shown above it. Without it, no shell can be opened.
   */
  handTerminal?: (argv: readonly string[], say: string) => { code: number | null; error: string | null };
  // Replaceable for tests.
  runPlan?: (plan: RunPlan, deps: RunDeps, options: { resume?: RunState }) => Promise<RunResult>;
  setBlocking?: SetBlocking;
  /** Where actions write their audit lines (default: the audit log in the state directory). */
  audit?: (line: AuditActionLine) => void;
  findInterrupted?: () => InterruptedRun[];
  history?: () => RunHistoryEntry[];
  timeline?: () => Promise<TimelinePanel>;
  trends?: (pane: PaneId, item: string | null) => Promise<TrendsPanel>;
  runEntries?: (runId: string) => AuditEntry[];
};

type Catalog = Pick<RunbookCatalog, 'runbooks' | 'get'>;

const NO_RUNBOOKS: Catalog = { runbooks: [], get: () => undefined };

type Values = Readonly<Record<string, string>>;
type Pending = { prompt: Prompt; owner: 'run' | 'ui'; resolve: (answer: Answer, values?: Values) => void };

/** A prompt before it has its id. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type PromptInput = WithoutId<Prompt>;

type Task = { label: string; controller: AbortController };

const VERB: Record<ContainerAction, { doing: string; done: string }> = {
  restart: { doing: 'restarting', done: 'restarted' },
  stop: { doing: 'stopping', done: 'stopped' },
  start: { doing: 'starting', done: 'started' },
};

/** A shell that ends with an error sooner than this after it was started never started. */
const SHELL_START_MS = 1500;

/** The part of a runbook the backups pane's verify key runs. */
const VERIFY_PART = 'verify-backups';

const DEMO_REFUSAL = 'a demo scenario replays recordings, so no runbook runs against the estate; d in the runbook menu shows what a run would do';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

function entries(catalog: Catalog): ConsoleState['catalog'] {
  return catalog.runbooks.map((r) => ({
    id: r.id, title: r.title, dangerous: r.dangerous, unavailable: r.unavailable ?? null, hosts: r.hostsUsed, steps: r.steps.length,
  }));
}

export class ConsoleController implements ConsoleStateSource {
  private state: ConsoleState;
  private readonly listeners = new Set<(state: ConsoleState) => void>();
  private readonly now: () => number;
  private readonly pending: Pending[] = [];
  private readonly tasks = new Set<Task>();
  private promptIds = 0;
  private messageIds = 0;
  private messageTimer: NodeJS.Timeout | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private runAbort: AbortController | null = null;
  private running: Promise<void> | null = null;
  private logs: LogsStream | null = null;
  private readTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private catalog: Catalog | null;
  /** Why the runbooks could not be loaded. */
  private catalogError: string | null = null;
  private catalogLoading: Promise<Catalog> | null = null;
  readonly intents: ConsoleIntents;

  constructor(private readonly deps: ControllerDeps) {
    this.now = deps.now ?? Date.now;
    this.catalog = typeof deps.catalog === 'function' ? null : deps.catalog ?? NO_RUNBOOKS;
    this.state = { ...INITIAL_CONSOLE_STATE, catalog: entries(this.catalog ?? NO_RUNBOOKS) };
    // Bound once: the App passes them down as stable functions.
    this.intents = {
      answer: (id, answer, values) => this.answer(id, answer, values),
      loadRunbooks: () => void this.loadCatalog(),
      runRunbook: (id) => void this.runRunbook(id),
      dryRun: (id) => void this.dryRun(id),
      verifyBackups: () => void this.verifyBackups(),
      showHistory: () => this.showHistory(),
      showTimeline: () => this.showTimeline(),
      showTrends: (pane, item) => this.showTrends(pane, item),
      ackAlerts: (pane) => this.ackAlerts(pane),
      silenceAlerts: (pane) => void this.silenceAlerts(pane),
      abortRun: (confirm) => void this.abortRun(confirm === true),
      closePanel: () => this.closePanel(),
      showRun: (runId) => this.showRun(runId),
      containerAction: (action, target) => void this.containerAction(action, target),
      openLogs: (target) => this.openLogs(target),
      openShell: (target) => void this.openShell(target),
      openGroupLogs: (group, targets) => this.openGroupLogs(group, targets),
      saveLogs: () => this.saveLogs(),
      cycleLogsSince: () => this.cycleLogsSince(),
      setBlocking: (enabled) => void this.setBlocking(enabled),
      notify: (text, tone) => this.say(text, tone ?? 'plain'),
    };
  }

  current(): ConsoleState {
    return this.state;
  }

  subscribe(listener: (state: ConsoleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Loads the runbooks if that has not been done (when the menu opens or a runbook is asked
   * for: an idle console never spends the time or memory): a broken runbook file (a located
   * error) is said in a dialog, and the console goes on without runbooks.
   */
  loadCatalog(): Promise<Catalog> {
    if (this.catalog) return Promise.resolve(this.catalog);
    const load = this.deps.catalog;
    if (typeof load !== 'function') return Promise.resolve(NO_RUNBOOKS);
    this.catalogLoading ??= (async () => {
      try {
        this.catalog = await load();
        this.set({ catalog: entries(this.catalog) });
      } catch (error) {
        this.catalog = NO_RUNBOOKS;
        this.catalogError = errorText(error);
        this.notice('Runbooks not loaded', [this.catalogError, 'Fix the file (homeops check-config shows every problem) and start homeops again.'], 'crit');
      }
      return this.catalog;
    })();
    return this.catalogLoading;
  }

  /** A runbook by id, or null with the reason said. */
  private async runbook(id: string): Promise<Runbook | null> {
    await this.loadCatalog();
    const found = this.catalog?.get(id);
    if (!found) this.say(this.catalogError ? `no runbooks: ${this.catalogError}` : `no runbook "${id}"`, 'warn');
    return found ?? null;
  }

  /** Offers to resume runs that were interrupted (the console or its SSH session died mid-run). */
  start(): void {
    for (const note of this.deps.notes ?? []) this.say(note, 'warn');
    if (this.deps.demo) return;
    let found: InterruptedRun[];
    try {
      found = (this.deps.findInterrupted ?? (() => findInterruptedRuns(this.deps.env)))();
    } catch (error) {
      this.say(`could not read the runs' state: ${errorText(error)}`, 'warn');
      return;
    }
    if (found.length === 0) return;
    void this.loadCatalog().then(() => this.offerResume(found));
  }

  /**
   * Stops everything: actions in flight, a logs stream, and a run (marked interrupted, so that
   * the next start offers to resume it; the running step's process is stopped). Resolves when
   * the run has ended, or after `waitMs`.
   */
  async close(why = 'the console was closed', waitMs = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.tasks) task.controller.abort(new Error(why));
    this.logs?.stop();
    if (this.runAbort && !this.runAbort.signal.aborted) this.runAbort.abort(new RunInterruption(why));
    for (const pending of this.pending.splice(0)) pending.resolve('cancel');
    if (this.messageTimer) clearTimeout(this.messageTimer);
    if (this.publishTimer) clearTimeout(this.publishTimer);
    if (this.readTimer) clearInterval(this.readTimer);
    this.readTimer = null;
    this.messageTimer = null;
    this.publishTimer = null;
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); })]);
      if (timer) clearTimeout(timer);
    }
  }

  // ------------------------------------------------------------------------------ publishing

  private set(patch: Partial<ConsoleState>, soon = false): void {
    this.state = { ...this.state, ...patch };
    if (soon) {
      this.dirty = true;
      if (!this.publishTimer && !this.closed) {
        this.publishTimer = setTimeout(() => {
          this.publishTimer = null;
          this.flush();
        }, this.deps.publishMs ?? 80);
      }
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (this.publishTimer) {
      clearTimeout(this.publishTimer);
      this.publishTimer = null;
    }
    this.dirty = false;
    for (const listener of this.listeners) listener(this.state);
  }

  private say(text: string, tone: MessageTone): void {
    if (this.closed) return;
    const id = ++this.messageIds;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => {
      this.messageTimer = null;
      if (this.state.message?.id === id) this.set({ message: null });
    }, this.deps.messageMs ?? 6000);
    this.messageTimer.unref?.();
    this.set({ message: { id, text, tone } });
  }

  // ------------------------------------------------------------------------------ prompts

  private ask(prompt: PromptInput, owner: Pending['owner'] = 'ui'): Promise<Answer> {
    if (this.closed) return Promise.resolve('cancel');
    return new Promise((resolve) => {
      const full = { ...prompt, id: ++this.promptIds } as Prompt;
      this.pending.push({ prompt: full, owner, resolve });
      if (this.pending.length === 1) this.set({ prompt: full });
    });
  }

  private notice(title: string, lines: readonly string[], tone: MessageTone): void {
    void this.ask({ kind: 'notice', title, lines, tone });
  }

  private answer(id: number, answer: Answer, values?: Values): void {
    const index = this.pending.findIndex((p) => p.prompt.id === id);
    const found = this.pending[index];
    if (!found) return;
    this.pending.splice(index, 1);
    this.set({ prompt: this.pending[0]?.prompt ?? null });
    found.resolve(answer, values);
  }

  /** Asks an inputs form; resolves with the answer and, for yes, the values as filled in. */
  private askInputs(prompt: Omit<Extract<Prompt, { kind: 'inputs' }>, 'id'>): Promise<{ answer: Answer; values: Values }> {
    if (this.closed) return Promise.resolve({ answer: 'cancel', values: prompt.values });
    return new Promise((resolve) => {
      const full: Prompt = { ...prompt, id: ++this.promptIds };
      this.pending.push({ prompt: full, owner: 'ui', resolve: (answer, values) => resolve({ answer, values: values ?? prompt.values }) });
      if (this.pending.length === 1) this.set({ prompt: full });
    });
  }

  /**
   * The inputs a run uses, asked in a form that opens with their defaults (or HOMEOPS_INPUT_*)
   * and is asked again, with the reason, until the values are good or it is cancelled. The
   * plan, or null when the operator cancelled or the runbook cannot be planned (said).
   */
  private async planWithForm(runbook: Runbook, part: string | null, names: readonly string[], submit: string): Promise<RunPlan | null> {
    const fields: FormField[] = names.map((name) => {
      const spec = runbook.inputs[name];
      const choices = spec?.type === 'enum' ? spec.values ?? [] : spec?.type === 'boolean' ? ['true', 'false'] : null;
      return { name, description: spec?.description ?? '', choices, secret: spec?.secret ?? false, required: spec ? isRequired(spec) : false };
    });
    let values: Values = Object.fromEntries(names.map((name) => {
      const fromEnv = this.deps.env[envNameFor(name)];
      const fallback = runbook.inputs[name]?.default;
      return [name, fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback === undefined ? '' : String(fallback)];
    }));
    let error: string | null = null;
    let focus = 0;
    const name = part ? `${runbook.id} · ${part}` : runbook.id;
    for (;;) {
      const asked = await this.askInputs({
        kind: 'inputs', title: `${name} · inputs`, fields, values, error, focus, submit,
        lines: [runbook.title, `Other inputs keep their defaults; from a shell: homeops runbook run ${runbook.id} --input KEY=VALUE`],
      });
      if (asked.answer !== 'yes') return null;
      values = asked.values;
      // An empty field gives no value: the default (or the environment's) stands.
      const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
      try {
        return prepareRun(runbook, given, { config: this.deps.config, env: this.deps.env }, part);
      } catch (caught) {
        if (!(caught instanceof InputError)) {
          this.notice(`${runbook.id} cannot start`, [errorText(caught)], 'crit');
          return null;
        }
        error = caught.input ? `${caught.input}: ${caught.problem ?? caught.message}` : caught.message;
        focus = Math.max(0, names.indexOf(caught.input ?? ''));
      }
    }
  }

  /** Withdraws the run's own questions (its confirm step) when the run is aborted. */
  private withdraw(owner: Pending['owner']): void {
    const mine = this.pending.filter((p) => p.owner === owner);
    if (!mine.length) return;
    for (const p of mine) this.pending.splice(this.pending.indexOf(p), 1);
    this.set({ prompt: this.pending[0]?.prompt ?? null });
    for (const p of mine) p.resolve('cancel');
  }

  // ------------------------------------------------------------------------------ background work

  private track(task: Task): void {
    this.tasks.add(task);
    this.set({ busy: task.label });
  }

  private done(task: Task): void {
    this.tasks.delete(task);
    const last = [...this.tasks].at(-1);
    this.set({ busy: last?.label ?? null });
  }

  // ------------------------------------------------------------------------------ runbooks

  private get runActive(): boolean {
    return isActive(this.state.run);
  }

  private refusal(runbook: Runbook, dangerous: boolean): string | null {
    if (runbook.unavailable) return `${runbook.id} cannot run with this config: ${runbook.unavailable}`;
    if (this.deps.demo) return `${runbook.id} is not run: ${DEMO_REFUSAL}`;
    if (this.deps.readOnly && dangerous) return readOnlyRunbookMessage(runbook.id, `homeops is in ${READ_ONLY_MODE}`);
    return null;
  }

  /** The backups pane's verify key: the first runbook with a verify-backups part runs that part. */
  private async verifyBackups(): Promise<void> {
    await this.loadCatalog();
    const found = this.catalog?.runbooks.find((r) => Object.hasOwn(r.parts, VERIFY_PART));
    if (!found) {
      this.say(this.catalogError ? `no runbooks: ${this.catalogError}` : `no runbook has a ${VERIFY_PART} part (docs/runbooks.md, "Parts")`, 'warn');
      return;
    }
    void this.runRunbook(found.id, undefined, VERIFY_PART);
  }

  private async runRunbook(id: string, interrupted?: InterruptedRun, only: string | null = null): Promise<void> {
    const resume = interrupted?.state;
    // A resumed run keeps its part.
    const part = resume ? resume.part ?? null : only;
    if (this.closed) return;
    // Said at once; asked again after the runbooks are loaded, in case a run began meanwhile.
    const busy = () => {
      if (this.runActive) this.say(`${this.state.run?.runbook.id ?? 'a runbook'} is running; one run at a time (esc aborts it)`, 'warn');
      return this.runActive;
    };
    if (busy()) return;
    const runbook = await this.runbook(id);
    if (!runbook || this.closed || busy()) return;
    let refused: string | null = null;
    let dangerous = runbook.dangerous;
    try {
      ({ dangerous } = runScope(runbook, part));
    } catch (error) {
      refused = errorText(error);
    }
    refused ??= this.refusal(runbook, dangerous);
    if (refused) {
      this.notice(`${runbook.id}${part ? ` · ${part}` : ''} refused`, [refused], 'warn');
      return;
    }
    // The inputs the run uses are asked in a form (a resumed run keeps its own).
    const asked = resume ? [] : inputsUsed(runbook, part);
    let plan: RunPlan;
    if (asked.length) {
      const planned = await this.planWithForm(runbook, part, asked, dangerous ? 'Next' : 'Run');
      if (!planned) {
        this.say(`${part ? `${runbook.id} · ${part}` : runbook.id}: not run`, 'plain');
        return;
      }
      plan = planned;
    } else {
      try {
        plan = resume
          ? prepareResume(runbook, resume, {}, { config: this.deps.config, env: this.deps.env })
          : prepareRun(runbook, {}, { config: this.deps.config, env: this.deps.env }, part);
      } catch (error) {
        this.notice(`${runbook.id} cannot start`, [errorText(error)], 'crit');
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
      ? await this.ask({ kind: 'typed', title: `${resume ? 'Resume' : 'Run'} ${name} · dangerous`, lines: [...about, `It changes things. Type ${runbook.id} and press enter to run it; esc cancels.`], expect: runbook.id })
      : asked.length ? 'yes'
        : await this.ask({ kind: 'confirm', title: `${resume ? 'Resume' : 'Run'} ${name}`, lines: about, yes: resume ? 'Resume' : 'Run', no: 'Cancel', danger: false });
    if (answer !== 'yes') {
      this.say(`${name}: not run`, 'plain');
      return;
    }
    if (this.closed || this.runActive) return;
    this.closeLogs();
    this.running = this.execute(plan.runbook, plan, resume);
  }

  private async execute(runbook: Runbook, plan: RunPlan, resume: RunState | undefined): Promise<void> {
    const abort = new AbortController();
    this.runAbort = abort;
    let view = startingRun({ id: runbook.id, title: runbook.title, dangerous: runbook.dangerous }, this.now());
    this.set({ run: view, panel: { kind: 'run' } });
    const onEvent: RunDeps['onEvent'] = (event) => {
      view = applyRunEvent(view, event);
      // Output streams in: published at most every publishMs. Steps starting and ending at once.
      this.set({ run: view }, event.type === 'output');
    };
    const confirm = async ({ prompt, step }: ConfirmRequest): Promise<boolean> => {
      const answer = await this.ask({ kind: 'confirm', title: `${runbook.id} · ${step.id}`, lines: [prompt], yes: 'Yes, go on', no: 'No, stop the run', danger: true }, 'run');
      return answer === 'yes';
    };
    // A step of an earlier run still running on a host this one uses: the operator decides.
    const onOrphan = async (orphan: Orphan): Promise<OrphanChoice> => {
      const answer = await this.ask({
        kind: 'confirm', title: `${runbook.id}: a step is still running`,
        lines: [
          `${describeOrphan(orphan)} is still running: its connection (or the console running it) was lost while it ran.`,
          'Running now would run beside it. Stop it (its process group, on its host), or wait for it to end?',
        ],
        yes: 'Stop it', no: 'Wait for it', cancel: 'Run nothing', danger: true,
      }, 'run');
      return answer === 'yes' ? 'kill' : answer === 'no' ? 'wait' : 'refuse';
    };
    const run = this.deps.runPlan ?? runPlan;
    const name = plan.part ? `${runbook.id} · ${plan.part}` : runbook.id;
    let interruptedAt: string | null = null;
    try {
      const result = await run(plan, {
        config: this.deps.config, hosts: this.deps.hosts, env: this.deps.env, confirm, onOrphan, onEvent, signal: abort.signal, readOnly: this.deps.readOnly,
        ...(this.deps.now ? { now: this.deps.now } : {}),
      }, resume ? { resume } : {});
      const time = formatDuration(result.durationMs);
      if (result.status === 'ok') this.say(`${name}: ok in ${time}`, 'ok');
      else if (result.status === 'failed') this.say(`${name}: FAILED${result.failedStep ? ` at ${result.failedStep}` : ''} after ${time}`, 'crit');
      else this.say(`${name}: ${result.status.toUpperCase()} after ${time}`, 'warn');
      // A lost connection (not the operator, not a hang-up of this console): offer to go on.
      if (result.status === 'interrupted' && !abort.signal.aborted) interruptedAt = result.runId;
    } catch (error) {
      // Refused before anything ran: locked by another run, read-only, not resumable.
      view = failedToStart(view, errorText(error), this.now());
      this.set({ run: view });
      this.say(`${name}: not started`, 'crit');
    } finally {
      this.withdraw('run');
      if (this.runAbort === abort) this.runAbort = null;
      if (this.dirty) this.flush();
    }
    if (interruptedAt !== null && !this.closed) {
      const found = findInterruptedRuns(this.deps.env, { runbook: runbook.id }).filter((f) => f.state.runId === interruptedAt);
      if (found.length) void this.offerResume(found);
    }
  }

  private async abortRun(confirm = false): Promise<void> {
    const abort = this.runAbort;
    const run = this.state.run;
    if (!abort || !run || !isActive(run) || abort.signal.aborted) return;
    if (confirm) {
      // A dangerous runbook stopped halfway can leave the estate between two states: ask.
      if (this.pending.some((p) => p.prompt.kind === 'confirm' && p.prompt.purpose === 'abort')) return;
      const answer = await this.ask({
        kind: 'confirm', purpose: 'abort', title: `Abort ${run.runbook.id}?`,
        lines: [`${run.runbook.id} is dangerous: stopping it halfway can leave things between two states.`, 'The running step is stopped (on its host too) and the run ends as aborted; it can be resumed later.', 'Ctrl-C now aborts at once.'],
        yes: 'Abort', no: 'Keep running', danger: true,
      }, 'run');
      if (answer !== 'yes' || this.runAbort !== abort) return;
      return this.abortRun(false);
    }
    abort.abort(new Error('aborted by the operator'));
    this.withdraw('run');
    this.set({ run: { ...run, aborting: true } });
  }

  private closePanel(): void {
    if (this.state.panel?.kind === 'run' && this.runActive) return;
    this.closeLogs();
    // A run's detail goes back to the history it was opened from.
    if (this.state.panel?.kind === 'run-detail' && this.state.panel.back) this.set({ panel: this.state.panel.back });
    else if (this.state.panel) this.set({ panel: null });
  }

  private showRun(runId: string): void {
    const panel = this.state.panel;
    const back = panel?.kind === 'history' ? panel : null;
    const run = back?.entries.find((e) => e.runId === runId);
    if (!run) return;
    try {
      const entries = (this.deps.runEntries ?? ((id: string) => readRunEntries(this.deps.env, id)))(runId);
      this.set({ panel: { kind: 'run-detail', run, entries, error: null, back } });
    } catch (error) {
      this.set({ panel: { kind: 'run-detail', run, entries: [], error: `cannot read the audit log: ${errorText(error)}`, back } });
    }
  }

  private async dryRun(id: string): Promise<void> {
    const runbook = await this.runbook(id);
    if (!runbook) return;
    if (this.runActive) {
      this.say(`${this.state.run?.runbook.id ?? 'a runbook'} is running; its panel stays until it ends`, 'warn');
      return;
    }
    let lines: string[];
    try {
      const plan = prepareRun(runbook, {}, { config: this.deps.config, env: this.deps.env });
      lines = formatPlan(plan, this.deps.config).trimEnd().split('\n');
      if (this.deps.readOnly && runbook.dangerous) lines.push(`note: ${runbook.id} is dangerous and homeops is in read-only mode: a real run would be refused`);
    } catch (error) {
      this.notice(`${runbook.id}: no dry run`, [errorText(error)], 'crit');
      return;
    }
    this.closeLogs();
    this.set({ panel: { kind: 'dry-run', runbook: runbook.id, title: runbook.title, lines } });
  }

  private showHistory(): void {
    if (this.runActive) {
      this.say(`${this.state.run?.runbook.id ?? 'a runbook'} is running; its panel stays until it ends`, 'warn');
      return;
    }
    this.closeLogs();
    try {
      const entries = (this.deps.history ?? (() => readHistory(this.deps.env, { limit: 200 })))();
      this.set({ panel: { kind: 'history', entries, error: null } });
    } catch (error) {
      this.set({ panel: { kind: 'history', entries: [], error: `cannot read the audit log: ${errorText(error)}` } });
    }
  }

  private alertDeps(): AlertActionDeps {
    return { env: this.deps.env, demo: this.deps.demo, snapshot: () => this.deps.monitor.current?.() ?? null };
  }

  /** Acknowledges what is wrong in the pane now (the silences file and the audit log). */
  private ackAlerts(pane: PaneId): void {
    try {
      const result = acknowledge(pane, this.alertDeps());
      this.say(result.text, result.tone);
    } catch (error) {
      this.say(`not acknowledged: ${errorText(error)}`, 'crit');
    }
  }

  /** Asks what to silence and for how long, then silences it (audited). */
  private async silenceAlerts(pane: PaneId): Promise<void> {
    const asked = await this.askInputs(silenceForm(pane, this.alertDeps()));
    if (asked.answer !== 'yes') {
      this.say('nothing silenced', 'plain');
      return;
    }
    try {
      this.say(applySilence(asked.values, this.alertDeps()), 'ok');
    } catch (error) {
      this.say(`not silenced: ${errorText(error)}`, 'crit');
    }
  }

  /** The timeline, read now and every 10 s while the panel stays open. */
  private showTimeline(): void {
    const read = this.deps.timeline ?? (() => readTimelinePanel(this.deps.env, this.deps.demo));
    this.showRead({ kind: 'timeline', events: [], error: null, note: null, loading: true }, read, 10_000);
  }

  /** A pane's history, read now and every minute (the watcher writes one a minute) while open. */
  private showTrends(pane: PaneId, item: string | null): void {
    const reader = this.deps.trends ?? ((p: PaneId, i: string | null) => readTrendsPanel(this.deps.env, this.deps.demo, p, i));
    const read = () => reader(pane, item);
    this.showRead({ kind: 'trends', pane, item, series: [], error: null, note: null, loading: true }, read, 60_000);
  }

  /** A panel read from the store: shown at once as loading, read now and again every `everyMs` while it is the one open. */
  private showRead<P extends TimelinePanel | TrendsPanel>(loading: P, read: () => Promise<P>, everyMs: number): void {
    if (this.runActive) {
      this.say(`${this.state.run?.runbook.id ?? 'a runbook'} is running; its panel stays until it ends`, 'warn');
      return;
    }
    this.closeLogs();
    // Still open: the same kind of panel, and for a history the same pane and item.
    const current = (panel: Panel | null) => panel !== null && panel.kind === loading.kind &&
      (panel.kind !== 'trends' || (loading.kind === 'trends' && panel.pane === loading.pane && panel.item === loading.item));
    const refresh = () => {
      void read().then((panel) => {
        if (!this.closed && current(this.state.panel)) this.set({ panel });
      });
    };
    this.set({ panel: loading });
    refresh();
    if (this.readTimer) clearInterval(this.readTimer);
    this.readTimer = setInterval(() => {
      if (!current(this.state.panel)) {
        if (this.readTimer) clearInterval(this.readTimer);
        this.readTimer = null;
        return;
      }
      refresh();
    }, everyMs);
    this.readTimer.unref();
  }

  private async offerResume(found: readonly InterruptedRun[]): Promise<void> {
    for (const run of found) {
      if (this.closed || this.runActive) return;
      const { state } = run;
      const known = this.catalog?.get(state.runbook);
      const answer = await this.ask({
        kind: 'confirm',
        title: `Interrupted run of ${state.runbook}`,
        lines: [
          `Run ${state.runId} of ${state.runbook} (started ${formatTime(Date.parse(state.startedAt))} by ${state.user}) was interrupted at step ${run.resumeFrom}: ${run.why}.`,
          known ? `Resume it from step ${run.resumeFrom}? Steps that finished are not run again.` : `There is no runbook ${state.runbook} any more: it cannot be resumed.`,
        ],
        yes: 'Resume',
        no: 'Dismiss (not offered again)',
        cancel: 'Later',
        danger: true,
      });
      if (answer === 'yes' && known) {
        await this.runRunbook(state.runbook, run);
        return;
      }
      if (answer === 'no') {
        try {
          abandonRun(this.deps.env, state.runId);
        } catch (error) {
          this.say(`could not dismiss run ${state.runId}: ${errorText(error)}`, 'warn');
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ containers

  private async containerAction(action: ContainerAction, target: ContainerTarget): Promise<void> {
    const docker = this.deps.docker;
    if (!docker) {
      this.say('no Docker engine configured (docker.endpoints)', 'warn');
      return;
    }
    const spec = containerAction(docker.actions, action, { host: target.host, id: target.id, name: target.name });
    const tried = await this.act(spec, `${VERB[action].doing} ${target.name}…`, `${target.name}: not ${VERB[action].done}`);
    if (tried && !this.closed) this.deps.monitor.nudge('containers');
  }

  /**
   * A shell in the container: asked first (it can change anything there), written to the audit
   * log, refused in read-only mode and in a demo; the console hands the terminal to it and takes
   * it back when the shell exits.
   */
  private async openShell(target: ContainerTarget): Promise<void> {
    const hand = this.deps.handTerminal;
    const what = `Shell in ${target.name} on ${target.host}`;
    const command = shellCommand(this.deps.config, target, this.deps.hosts.get(target.host)?.kind === 'local' || (!this.deps.hosts.get(target.host) && this.deps.config.hosts[target.host]?.local === true), this.deps.env);
    const spec: ActionSpec = {
      action: 'container.shell',
      target: `${target.name} on ${target.host}`,
      what,
      cannot: () => {
        if (this.deps.demo) return 'a demo scenario replays recordings: there is no container to open a shell in';
        if (!hand) return 'this console cannot hand its terminal over';
        if (this.runActive) return `${this.state.run?.runbook.id ?? 'a runbook'} is running: a shell waits until it ends`;
        return 'refusal' in command ? command.refusal : null;
      },
      confirm: {
        title: 'Shell in container',
        question: `Open a shell in ${target.name} on ${target.host}? The console steps aside until you leave the shell (exit or ctrl+d).`,
        yes: 'Open shell',
        danger: true,
      },
      run: async () => {
        if (!hand || 'refusal' in command) throw new Error('no shell');
        const started = this.now();
        const ended = hand(command.argv, `a shell in ${target.name} on ${target.host} (${command.argv[0] === 'ssh' ? 'docker exec over ssh -t' : 'docker exec'}); exit it to come back to the console`);
        if (ended.error) throw new Error(`${command.argv[0]} could not be run: ${ended.error}`);
        // A shell ends with the status of its last command; one that ends at once with an error
        // never started (the container is not running, docker or ssh refused).
        if (ended.code !== 0 && this.now() - started < SHELL_START_MS) throw new Error(`${command.argv[0] === 'ssh' ? 'ssh -t … docker exec' : 'docker exec'} ended at once with exit status ${ended.code ?? 'unknown'}: is ${target.name} running?`);
        return { result: 'ok', changed: false, message: `the shell in ${target.name} on ${target.host} ended${ended.code === 0 ? '' : ` (its last status ${ended.code ?? 'unknown'})`}` };
      },
    };
    await this.act(spec, `shell in ${target.name}…`, `${target.name}: no shell opened`);
  }

  private openLogs(target: ContainerTarget): void {
    this.startLogs({ targets: [target], group: null, since: this.initialSince() });
  }

  private openGroupLogs(group: string, targets: readonly ContainerTarget[]): void {
    if (targets.length === 0) {
      this.say(`no containers in group ${group}`, 'warn');
      return;
    }
    this.startLogs({ targets, group, since: this.initialSince() });
  }

  /** --since, as the logs start when opened. */
  private initialSince(): LogsSource['since'] {
    const label = this.deps.logSince;
    const ms = label ? parseDuration(label) : undefined;
    return label && ms !== undefined ? { label, ms: this.now() - ms } : null;
  }

  private startLogs(source: LogsSource): void {
    const docker = this.deps.docker;
    if (!docker) {
      this.say('no Docker engine configured (docker.endpoints)', 'warn');
      return;
    }
    if (this.runActive) {
      this.say(`${this.state.run?.runbook.id ?? 'a runbook'} is running; its panel stays until it ends`, 'warn');
      return;
    }
    this.closeLogs();
    let stream: LogsStream | null = null;
    stream = new LogsStream(source, {
      actions: docker.actions,
      keep: this.deps.logLines ?? 5000,
      publishMs: this.deps.publishMs ?? 80,
      publish: (panel) => {
        // A stream replaced or closed publishes nothing more.
        if (stream !== null && this.logs !== stream) return;
        this.set({ panel });
      },
    });
    this.logs = stream;
  }

  /** The next "since" of the open logs (the last lines, 1m, 5m, 15m, 1h, 1d back): the stream starts over from there. */
  private cycleLogsSince(): void {
    const open = this.logs;
    if (!open) return;
    // The next step further back than now (a --since of 2m goes on to 5m); after 1d, the last lines.
    const current = open.source.since ? parseDuration(open.source.since.label) ?? 0 : -1;
    const label = LOG_SINCE_STEPS.find((step) => step !== '' && (parseDuration(step) ?? 0) > current) ?? '';
    const ms = label ? parseDuration(label) : undefined;
    this.startLogs({ ...open.source, since: label && ms !== undefined ? { label, ms: this.now() - ms } : null });
    this.say(label ? `logs since ${label} ago` : 'the last lines of the logs', 'plain');
  }

  /** Writes the lines the logs panel keeps to a private file in the state directory, and says where. */
  private saveLogs(): void {
    const open = this.logs;
    if (!open) return;
    const lines = open.snapshot();
    if (lines.length === 0) {
      this.say('no log lines to save', 'plain');
      return;
    }
    const name = (open.source.group ? `group-${open.source.group}` : open.source.targets[0]?.name ?? 'logs').replace(/[^A-Za-z0-9._-]/g, '_');
    const stamp = new Date(this.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    try {
      checkStateDir(this.deps.env, 'logs', true);
      const path = join(stateDir(this.deps.env), 'logs', `${name}-${stamp}.log`);
      const text = lines.map((l) => `${l.at ?? '-'} ${l.stream}${l.source ? ` ${l.source}` : ''} ${l.text}\n`).join('');
      writePrivate(path, text);
      const dropped = open.droppedCount ? ` (${open.droppedCount} older lines were dropped before)` : '';
      this.say(`saved ${lines.length} line${lines.length === 1 ? '' : 's'} to ${path}${dropped}`, 'ok');
    } catch (error) {
      this.say(`logs not saved: ${errorText(error)}`, 'warn');
    }
  }

  private closeLogs(): void {
    if (!this.logs) return;
    this.logs.stop();
    this.logs = null;
  }

  // ------------------------------------------------------------------------------ DNS

  private async setBlocking(enabled: boolean): Promise<void> {
    const forMs = this.deps.config.dns?.disableFor ?? 300_000;
    const request: BlockingRequest = enabled ? { enabled: true } : { enabled: false, forMs };
    const spec = blockingAction(this.deps.dns?.piholes ?? [], request, this.deps.setBlocking);
    const tried = await this.act(spec, `${enabled ? 'enabling' : 'disabling'} blocking…`, 'blocking not changed');
    if (tried && !this.closed) this.deps.monitor.nudge('dns');
  }

  // ------------------------------------------------------------------------------ actions

  /**
   * A change to the estate through the one path (src/actions/perform.ts): read-only guard,
   * confirmation, audit lines; what came of it in the status bar. True when the change was tried.
   */
  private async act(spec: ActionSpec, busy: string, cancelled: string): Promise<boolean> {
    const task: Task = { label: busy, controller: new AbortController() };
    const outcome = await performAction({
      guard: sessionGuard(this.deps.readOnly),
      confirm: (question) => this.confirmAction(question),
      // A demo changes nothing in the estate (its Pi-holes are recordings): nothing to audit.
      audit: this.deps.audit ?? (this.deps.demo ? () => {} : (line) => new AuditLog(auditLogPath(this.deps.env)).append(line)),
      user: currentUser(this.deps.env),
      machine: hostname(),
      signal: task.controller.signal,
      onStart: () => this.track(task),
      ...(this.deps.now ? { now: this.deps.now } : {}),
    }, spec);
    if (this.tasks.has(task)) this.done(task);
    if (outcome.kind === 'refused') this.say(outcome.message, 'warn');
    else if (outcome.kind === 'cancelled') this.say(cancelled, 'plain');
    else if (outcome.result === 'ok') this.say(outcome.message, outcome.changed ? 'ok' : 'plain');
    else if (outcome.result === 'partial') this.say(outcome.message, 'warn');
    else if (outcome.result === 'failed') this.say(`${spec.what}: ${outcome.message}`, 'crit');
    return outcome.kind === 'done';
  }

  private async confirmAction(question: Confirmation): Promise<boolean> {
    const answer = await this.ask({ kind: 'confirm', title: question.title, lines: [question.question], yes: question.yes, no: 'Cancel', danger: question.danger });
    return answer === 'yes';
  }
}
