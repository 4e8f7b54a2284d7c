// The console's actions, outside React: the App sends intents, and the controller hands each to
// the application service that does it (runbooks, container actions, Pi-hole blocking, logs,
// the recorded panels, alerts), all of them publishing what the console should show through one
// board as one immutable ConsoleState. They share one guard (read-only mode, a demo, the run in
// progress) and one audited path for every change to the estate. Nothing here waits on the App:
// every remote call runs in the background with its own AbortSignal, and close() stops them all.
import { type ConsoleIntents, type ConsoleState, type ConsoleStateSource, INITIAL_CONSOLE_STATE } from '../ui/console-state.js';
import { AuditedActions } from './controller/actions.js';
import { AlertService } from './controller/alerts.js';
import { ConsoleBoard } from './controller/board.js';
import { RunbookShelf } from './controller/catalog.js';
import { ContainerService } from './controller/containers.js';
import type { Catalog, ControllerDeps } from './controller/deps.js';
import { ConsoleGuard } from './controller/guard.js';
import { LogsService } from './controller/logs.js';
import { PanelService } from './controller/panels.js';
import { PiholeService } from './controller/pihole.js';
import { Prompts } from './controller/prompts.js';
import { RunbookService } from './controller/runbooks.js';

export class ConsoleController implements ConsoleStateSource {
  private readonly board: ConsoleBoard;
  private readonly prompts: Prompts;
  private readonly shelf: RunbookShelf;
  private readonly actions: AuditedActions;
  private readonly runbooks: RunbookService;
  private readonly logs: LogsService;
  private readonly panels: PanelService;
  readonly intents: ConsoleIntents;

  constructor(private readonly deps: ControllerDeps) {
    const clock = deps.now ?? Date.now;
    const board = new ConsoleBoard(INITIAL_CONSOLE_STATE, deps);
    const prompts = new Prompts(board);
    const shelf = new RunbookShelf(deps.catalog, { board, prompts });
    board.set({ catalog: shelf.entries() });
    const guard = new ConsoleGuard({
      readOnly: deps.readOnly,
      demo: deps.demo,
      run: () => board.current().run,
      say: (text, tone) => board.say(text, tone),
    });
    const actions = new AuditedActions({ ...deps, board, prompts, guard });
    const logs = new LogsService({ ...deps, now: clock, board, guard });
    const panels = new PanelService({ ...deps, board, guard, logs });
    const runbooks = new RunbookService({ ...deps, clock, board, prompts, guard, shelf, logs });
    const containers = new ContainerService({ ...deps, now: clock, board, guard, actions });
    const pihole = new PiholeService({ ...deps, board, actions });
    const alerts = new AlertService({ ...deps, board, prompts });
    this.board = board;
    this.prompts = prompts;
    this.shelf = shelf;
    this.actions = actions;
    this.runbooks = runbooks;
    this.logs = logs;
    this.panels = panels;
    // Bound once: the App passes them down as stable functions.
    this.intents = {
      answer: (id, answer, values) => prompts.answer(id, answer, values),
      loadRunbooks: () => void shelf.load(),
      runRunbook: (id) => void runbooks.run(id),
      dryRun: (id) => void runbooks.dryRun(id),
      verifyBackups: () => void runbooks.verifyBackups(),
      showHistory: () => panels.showHistory(),
      showTimeline: () => panels.showTimeline(),
      showTrends: (pane, item) => panels.showTrends(pane, item),
      ackAlerts: (pane) => alerts.ack(pane),
      silenceAlerts: (pane) => void alerts.silence(pane),
      abortRun: (confirm) => void runbooks.abort(confirm === true),
      closePanel: () => panels.close(),
      showRun: (runId) => panels.showRun(runId),
      containerAction: (action, target) => void containers.act(action, target),
      openLogs: (target) => logs.open(target),
      openShell: (target) => void containers.openShell(target),
      openGroupLogs: (group, targets) => logs.openGroup(group, targets),
      saveLogs: () => logs.save(),
      cycleLogsSince: () => logs.cycleSince(),
      setBlocking: (enabled) => void pihole.setBlocking(enabled),
      notify: (text, tone) => board.say(text, tone ?? 'plain'),
    };
  }

  current(): ConsoleState {
    return this.board.current();
  }

  subscribe(listener: (state: ConsoleState) => void): () => void {
    return this.board.subscribe(listener);
  }

  /**
   * Loads the runbooks if that has not been done (when the menu opens or a runbook is asked
   * for: an idle console never spends the time or memory): a broken runbook file (a located
   * error) is said in a dialog, and the console goes on without runbooks.
   */
  loadCatalog(): Promise<Catalog> {
    return this.shelf.load();
  }

  /** Says the start's notes, and offers to resume runs that were interrupted. */
  start(): void {
    for (const note of this.deps.notes ?? []) this.board.say(note, 'warn');
    this.runbooks.offerInterrupted();
  }

  /**
   * Stops everything: actions in flight, a logs stream, and a run (marked interrupted, so that
   * the next start offers to resume it; the running step's process is stopped). Resolves when
   * the run has ended, or after `waitMs`.
   */
  async close(why = 'the console was closed', waitMs = 3000): Promise<void> {
    if (this.board.closed) return;
    this.board.close();
    this.actions.abortAll(why);
    this.logs.close();
    this.runbooks.interrupt(why);
    this.prompts.cancelAll();
    this.panels.stop();
    await this.runbooks.ended(waitMs);
  }
}
