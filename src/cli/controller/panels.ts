// The panels that show what was recorded: the runs' history and one run's audit lines, the
// timeline and a pane's trends (read from the store now and again while open); and closing
// whichever panel is open (a run's panel stays while it runs).

import type { PaneId } from '../../model/panes.js';
import { readHistory, readRunEntries } from '../../runbooks/audit.js';
import type { Panel, TimelinePanel, TrendsPanel } from '../../ui/console-state.js';
import { readTimelinePanel } from '../timeline-panel.js';
import { readTrendsPanel } from '../trends-panel.js';
import type { ConsoleBoard } from './board.js';
import { type ControllerDeps, errorText } from './deps.js';
import type { ConsoleGuard } from './guard.js';
import type { LogsService } from './logs.js';

export type PanelServiceDeps = Pick<ControllerDeps, 'env' | 'demo' | 'history' | 'runEntries' | 'timeline' | 'trends'> & {
  board: ConsoleBoard;
  guard: ConsoleGuard;
  logs: Pick<LogsService, 'close'>;
};

export class PanelService {
  private readTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PanelServiceDeps) {}

  showHistory(): void {
    const { board, env } = this.deps;
    if (this.deps.guard.waits('panel')) return;
    this.deps.logs.close();
    try {
      const entries = (this.deps.history ?? (() => readHistory(env, { limit: 200 })))();
      board.set({ panel: { kind: 'history', entries, error: null } });
    } catch (error) {
      board.set({ panel: { kind: 'history', entries: [], error: `cannot read the audit log: ${errorText(error)}` } });
    }
  }

  /** One run of the history, its audit lines; closing it goes back to the history. */
  showRun(runId: string): void {
    const panel = this.deps.board.current().panel;
    const back = panel?.kind === 'history' ? panel : null;
    const run = back?.entries.find((e) => e.runId === runId);
    if (!run) return;
    try {
      const entries = (this.deps.runEntries ?? ((id: string) => readRunEntries(this.deps.env, id)))(runId);
      this.deps.board.set({ panel: { kind: 'run-detail', run, entries, error: null, back } });
    } catch (error) {
      this.deps.board.set({
        panel: { kind: 'run-detail', run, entries: [], error: `cannot read the audit log: ${errorText(error)}`, back },
      });
    }
  }

  /** The timeline, read now and every 10 s while the panel stays open. */
  showTimeline(): void {
    const read = this.deps.timeline ?? (() => readTimelinePanel(this.deps.env, this.deps.demo));
    this.showRead({ kind: 'timeline', events: [], error: null, note: null, loading: true }, read, 10_000);
  }

  /** A pane's history, read now and every minute (the watcher writes one a minute) while open. */
  showTrends(pane: PaneId, item: string | null): void {
    const reader = this.deps.trends ?? ((p: PaneId, i: string | null) => readTrendsPanel(this.deps.env, this.deps.demo, p, i));
    const read = () => reader(pane, item);
    this.showRead({ kind: 'trends', pane, item, series: [], error: null, note: null, loading: true }, read, 60_000);
  }

  close(): void {
    const { board } = this.deps;
    const panel = board.current().panel;
    if (panel?.kind === 'run' && this.deps.guard.runActive) return;
    this.deps.logs.close();
    // A run's detail goes back to the history it was opened from.
    if (panel?.kind === 'run-detail' && panel.back) board.set({ panel: panel.back });
    else if (panel) board.set({ panel: null });
  }

  /** Stops reading again (the console is closing). */
  stop(): void {
    if (this.readTimer) clearInterval(this.readTimer);
    this.readTimer = null;
  }

  /** A panel read from the store: shown at once as loading, read now and again every `everyMs` while it is the one open. */
  private showRead<P extends TimelinePanel | TrendsPanel>(loading: P, read: () => Promise<P>, everyMs: number): void {
    const { board } = this.deps;
    if (this.deps.guard.waits('panel')) return;
    this.deps.logs.close();
    // Still open: the same kind of panel, and for a history the same pane and item.
    const current = (panel: Panel | null) =>
      panel !== null &&
      panel.kind === loading.kind &&
      (panel.kind !== 'trends' || (loading.kind === 'trends' && panel.pane === loading.pane && panel.item === loading.item));
    const refresh = () => {
      void read().then((panel) => {
        if (!board.closed && current(board.current().panel)) board.set({ panel });
      });
    };
    board.set({ panel: loading });
    refresh();
    this.stop();
    this.readTimer = setInterval(() => {
      if (!current(board.current().panel)) {
        this.stop();
        return;
      }
      refresh();
    }, everyMs);
    this.readTimer.unref();
  }
}
