// The watcher's hook for what it should do about a tick beyond recording and notifying: a
// runbook trigger whose response is `auto` is one (runbooks' triggers plug in here). Each
// reaction sees every tick, in order, after the alerts have been worked out; what it does it
// records on the timeline through `record`. A reaction that throws or rejects is reported once
// per tick and never stops the watcher or the other reactions.

import type { Snapshot } from '../model/snapshot.js';
import type { TimelineEvent } from '../model/timeline.js';

export type WatchTick = {
  snapshot: Snapshot;
  now: number;
  /** What this tick recorded so far (state changes, alerts fired and resolved). */
  events: readonly TimelineEvent[];
  /** True while the maintenance window holds (nothing is notified then). */
  maintenance: boolean;
  /** Records an event of the reaction's own (a triggered run started, refused, skipped). */
  record(event: TimelineEvent): void;
};

export type Reaction = {
  /** Shown when it fails: "trigger dns-failover". */
  readonly name: string;
  react(tick: WatchTick): void | Promise<void>;
  /** Called once when the watcher stops; a run it started is left to finish or be interrupted. */
  close?(): void | Promise<void>;
};
