// What the console's services are given: the runtime's parts, the session's modes, and the
// replaceable pieces the tests swap (the runner, Pi-hole's client, the audit log, the stores).
import type { SetBlocking } from '../../actions/blocking.js';
import type { Env } from '../../config/paths.js';
import type { Config } from '../../config/schema.js';
import type { ContainerActions } from '../../docker/actions.js';
import type { Hosts } from '../../hosts/registry.js';
import type { AuditActionLine, AuditEntry, RunHistoryEntry } from '../../model/audit.js';
import type { PaneId } from '../../model/panes.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { DnsSources } from '../../probes/dns/probe.js';
import type { RunbookCatalog } from '../../runbooks/load.js';
import type { RunPlan } from '../../runbooks/plan.js';
import type { RunDeps, RunResult } from '../../runbooks/runner.js';
import type { InterruptedRun, RunState } from '../../runbooks/state.js';
import type { TimelinePanel, TrendsPanel } from '../../ui/console-state.js';

export type Catalog = Pick<RunbookCatalog, 'runbooks' | 'get'>;

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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
