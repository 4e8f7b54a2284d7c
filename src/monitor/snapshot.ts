// The Snapshot: plain, immutable data published once per tick. The console renders it,
// `homeops status --json` prints it, and demo scenarios produce it from fixtures. Its panes are
// the registered pane kinds' (src/panes/sources.ts), each with the data its probe reads.
import type { PaneData } from '../panes/sources.js';
import type { Alert } from '../probes/probe.js';
import type { Offer } from '../model/offer.js';
import type { Status } from '../model/status.js';

export { PANE_IDS, type PaneId } from '../model/panes.js';
export type { PaneData };

export type PaneEntry<T> = {
  status: Status;
  /** The host the pane's source reads, when it is not the machine the console runs on. */
  host?: string;
  /** Age of the data shown, in ms; null before the first reading. */
  ageMs: number | null;
  /** Why the newest attempt failed (data, if any, is the last good reading). */
  error?: string;
  /** One line: the reading in short, or what is wrong. */
  summary: string;
  alerts: Alert[];
  data: T | null;
};

export type Panes = { [K in keyof PaneData]: PaneEntry<PaneData[K]> };

export type { Offer } from '../model/offer.js';

export type Snapshot = {
  version: 1;
  takenAt: string;
  host: string;
  /** The demo scenario being replayed, or null for live readings. */
  demo: string | null;
  status: Status;
  /** The console's own cost: CPU % of one core since the previous tick, resident memory. */
  self: { cpuPercent: number | null; rssBytes: number };
  /** SSH hosts not answering now: since when, why, and when the next try is due. */
  unreachable: { host: string; since: string; reason: string; retryAt: string | null }[];
  panes: Panes;
  /** Runbooks the situation calls for, the most pressing first. */
  offers: Offer[];
};
