// What the console shows of the actions it runs (runbook runs, container actions, logs, DNS
// blocking), as plain immutable data published by the actions controller, and the intents the
// App sends it. The App renders this state and never runs anything itself.

import type { AuditEntry, RunHistoryEntry } from '../model/audit.js';
import type { PaneId } from '../model/panes.js';
import type { TimelineEvent } from '../model/timeline.js';
import type { SeriesHistory } from '../model/trends.js';
import type { RunView } from './run-view.js';

export type MessageTone = 'ok' | 'warn' | 'crit' | 'plain';

/** A short result for the status bar; it goes away after a few seconds. */
export type Message = { id: number; text: string; tone: MessageTone };

export type Answer = 'yes' | 'no' | 'cancel';

/** A field of an inputs form: a runbook input, edited as text or chosen from its values. */
export type FormField = {
  name: string;
  description: string;
  /** enum values, or "true"/"false"; null: typed text. */
  choices: readonly string[] | null;
  /** Shown as dots; never written anywhere. */
  secret: boolean;
  required: boolean;
};

/** A question or notice on top of everything; keys go to it while it is open. */
export type Prompt =
  | {
      id: number;
      kind: 'confirm';
      title: string;
      lines: readonly string[];
      /** Words for the answers: "[y] Restart", "[n] Cancel", "[esc] Later". */
      yes: string;
      no: string;
      /** When set, Esc answers 'cancel' (a third choice) instead of 'no'. */
      cancel?: string;
      /** The action changes something: the dialog says so in warning colour. */
      danger: boolean;
      /** 'abort': the question before aborting a dangerous run (a Ctrl-C there aborts at once). */
      purpose?: 'abort';
    }
  | {
      id: number;
      kind: 'typed';
      title: string;
      lines: readonly string[];
      /** What the operator must type (the runbook id) for 'yes'. */
      expect: string;
    }
  | { id: number; kind: 'notice'; title: string; lines: readonly string[]; tone: MessageTone }
  | {
      id: number;
      kind: 'inputs';
      title: string;
      lines: readonly string[];
      fields: readonly FormField[];
      /** The values the form opens with (defaults, HOMEOPS_INPUT_*, or what was given before). */
      values: Readonly<Record<string, string>>;
      /** Why the values given last were not taken; null the first time. */
      error: string | null;
      /** The field the cursor starts on (the one at fault, when asked again). */
      focus: number;
      /** The word for Enter: "Run", "Next". */
      submit: string;
    };

export type RunbookEntry = {
  id: string;
  title: string;
  dangerous: boolean;
  /** Why the config cannot run it; null when it can. */
  unavailable: string | null;
  hosts: readonly string[];
  steps: number;
};

/** `source`: the container a line came from, in the merged logs of a plan group. */
export type LogLineView = { stream: 'stdout' | 'stderr'; text: string; at: string | null; source?: string };

export type LogsPanel = {
  kind: 'logs';
  /** The container, or for a plan group's merged logs the group's name. */
  container: string;
  host: string;
  /** The merged logs of a plan group: its name and how many containers; null for one container. */
  group?: { name: string; containers: number } | null;
  /** How far back the logs start ("10m"), or null for the last lines (docker.logLines). */
  since?: string | null;
  lines: readonly LogLineView[];
  /** loading: waiting for the engine; following: new lines come as written; ended: the
   *  container stopped or the stream closed; failed: see error. */
  state: 'loading' | 'following' | 'ended' | 'failed';
  error: string | null;
  /** Lines dropped from the start to keep memory bounded. */
  dropped: number;
};

export type HistoryPanel = { kind: 'history'; entries: readonly RunHistoryEntry[]; error: string | null };

/** One run from the audit log, step by step; `back` is the history it was opened from. */
export type RunDetailPanel = {
  kind: 'run-detail';
  run: RunHistoryEntry;
  entries: readonly AuditEntry[];
  error: string | null;
  back: HistoryPanel | null;
};

export type DryRunPanel = { kind: 'dry-run'; runbook: string; title: string; lines: readonly string[] };

/** The run panel shows ConsoleState.run. */
export type RunPanel = { kind: 'run' };

/**
 * The timeline the watcher recorded, newest first: what changed while nobody was looking.
 * `note`: why it may be incomplete (no watcher has run, or it stopped); `loading` until read.
 */
export type TimelinePanel = {
  kind: 'timeline';
  events: readonly TimelineEvent[];
  error: string | null;
  note: string | null;
  loading: boolean;
};

/**
 * The history of the focused pane's series (or of one container: `item`, HOST/NAME), over the
 * last hour, day and week, from the store the watcher writes.
 */
export type TrendsPanel = {
  kind: 'trends';
  pane: PaneId;
  item: string | null;
  series: readonly SeriesHistory[];
  error: string | null;
  note: string | null;
  loading: boolean;
};

export type Panel = RunPanel | LogsPanel | HistoryPanel | RunDetailPanel | DryRunPanel | TimelinePanel | TrendsPanel;

export type ConsoleState = {
  /** The runbooks found at start, for the menu. */
  catalog: readonly RunbookEntry[];
  prompt: Prompt | null;
  panel: Panel | null;
  /** The run in progress, or the last one. */
  run: RunView | null;
  message: Message | null;
  /** An action in flight ("restarting postgres…"), for the status bar. */
  busy: string | null;
};

export const INITIAL_CONSOLE_STATE: ConsoleState = { catalog: [], prompt: null, panel: null, run: null, message: null, busy: null };

export type ContainerAction = 'restart' | 'stop' | 'start';

/** A container as actions name it: the host whose engine runs it, and its id and name. */
export type ContainerTarget = { host: string; id: string; name: string };

/** What the App asks of the controller. None of them blocks: results arrive as new state. */
export type ConsoleIntents = {
  /** `values`: what an inputs form holds when it is answered yes. */
  answer(promptId: number, answer: Answer, values?: Readonly<Record<string, string>>): void;
  /** The runbook menu opens: the runbooks are needed (they are loaded on first use). */
  loadRunbooks(): void;
  /** Asks (the typed id for dangerous ones), then runs it with the panel open. */
  runRunbook(id: string): void;
  dryRun(id: string): void;
  /** Runs the verify-backups part of the runbook that has one (maintenance-window), asking first. */
  verifyBackups(): void;
  showHistory(): void;
  /** The timeline panel (read from the store; again every few seconds while it is open). */
  showTimeline(): void;
  /** The history panel of a pane (or of one container, HOST/NAME), read from the store. */
  showTrends(pane: PaneId, item: string | null): void;
  /** Acknowledges what is wrong in a pane now: no reminders until it resolves. */
  ackAlerts(pane: PaneId): void;
  /** Asks what to silence (the pane, or one of its alerts) and for how long, then silences it. */
  silenceAlerts(pane: PaneId): void;
  /** One run of the history, step by step, from the audit log. */
  showRun(runId: string): void;
  /** Stops the running step (the remote process too) and ends the run; `confirm`: ask first. */
  abortRun(confirm?: boolean): void;
  /** Closes the panel (a logs view stops its stream); a running run's panel stays. */
  closePanel(): void;
  containerAction(action: ContainerAction, target: ContainerTarget): void;
  openLogs(target: ContainerTarget): void;
  /** A shell in the container (asked first, audited): the console hands the terminal to it. */
  openShell(target: ContainerTarget): void;
  /** The merged logs of a plan group's containers. */
  openGroupLogs(group: string, targets: readonly ContainerTarget[]): void;
  /** Writes the open logs' kept lines to a file (said in the status bar). */
  saveLogs(): void;
  /** The open logs start over from further back: the last lines, 1m, 5m, 15m, 1h, 1d. */
  cycleLogsSince(): void;
  /** Disables blocking on every Pi-hole for config.dns.disableFor, or enables it again. */
  setBlocking(enabled: boolean): void;
  /** A message for the status bar from the App itself ("focus the containers pane first"). */
  notify(text: string, tone?: MessageTone): void;
};

/** Where the App reads the controller's state, like the Snapshot source. */
export type ConsoleStateSource = {
  current(): ConsoleState;
  subscribe(listener: (state: ConsoleState) => void): () => void;
};

/** For an App without a controller (tests of the panes alone): nothing changes, nothing runs. */
export const STATIC_CONSOLE_STATE: ConsoleStateSource = {
  current: () => INITIAL_CONSOLE_STATE,
  subscribe: () => () => {},
};
