// The Snapshot: plain, immutable data published once per tick. The console renders it,
// `homeops status --json` prints it, and demo scenarios produce it from fixtures. Its panes are
// the registered pane kinds' (src/panes/sources.ts checks that they read what PaneData says),
// each with its reading, in the words of this folder.
import type { Alert } from './alert.js';
import type { BackupsReading } from './backups.js';
import type { ContainersReading } from './containers.js';
import type { CpuData } from './cpu.js';
import type { DnsReading } from './dns.js';
import type { GpuReading } from './gpu.js';
import type { Offer } from './offer.js';
import type { ServicesReading } from './services.js';
import type { Status } from './status.js';
import type { VpnReading } from './vpn.js';

/** Each pane's data type, by id: what its probe reads. */
export type PaneData = {
  cpu: CpuData;
  gpu: GpuReading;
  containers: ContainersReading;
  dns: DnsReading;
  vpn: VpnReading;
  backups: BackupsReading;
  services: ServicesReading;
};

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
