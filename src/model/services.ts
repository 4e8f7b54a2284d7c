// The services pane's reading: each service's state, figures and verdict, as the Snapshot carries
// it to the console, `status --json` and the triggers. Made by src/probes/services/.

export type CheckKind = 'http' | 'tcp' | 'tls' | 'dns' | 'container';

/** up: the last check passed · down: it failed · unknown: not checked yet, or could not be. */
export type ServiceState = 'up' | 'down' | 'unknown';

export type Windowed = { m5: number | null; m60: number | null };

export type ServiceReading = {
  name: string;
  description: string | null;
  priority: 1 | 2 | 3 | 4;
  group: string | null;
  runsOn: string | null;
  /** It runs only while the estate has failed over: down is expected, up means it serves. */
  standby: boolean;
  /** Where the check runs: a host of the config, or null for this machine. */
  from: string | null;
  kind: CheckKind;
  /** What is checked: a URL, address:port, a DNS name at a server, a container. */
  target: string;
  state: ServiceState;
  why: string | null;
  note: string | null;
  lastCheck: string | null;
  lastMs: number | null;
  /** 95th percentile response time, ms, over the last 5 and 60 minutes (checks that got an answer). */
  p95: Windowed;
  /** Share of checks that failed (0..1) over the last 5 and 60 minutes; null with no checks then. */
  errorRate: Windowed;
  checks: { m5: number; m60: number };
  certDaysLeft: number | null;
  /** When the current outage began (its first failed check); null while up. */
  downSince: string | null;
  /** Up without a failed check since then (as far back as this console has seen); null otherwise. */
  upSince: string | null;
  /** Its recovery budget (by priority), ms. */
  budgetMs: number;
  /**
   * The verdict: ok, warn or crit (its problems say why); `maintenance` when it is down inside
   * the maintenance window (expected); `standby` when a standby service is down (it runs only
   * after a failover); `unknown` before its first check or while it cannot be run.
   */
  level: 'ok' | 'warn' | 'crit' | 'maintenance' | 'standby' | 'unknown';
  problems: { level: 'warn' | 'crit'; message: string }[];
};

export type ServicesReading = {
  at: string;
  services: ServiceReading[];
  /** The maintenance window in force now: downtime inside it is expected. */
  maintenance: { until: string } | null;
};

const RANK: Record<ServiceReading['level'], number> = { crit: 0, warn: 1, maintenance: 2, unknown: 3, ok: 4, standby: 5 };

/** Services in trouble first (the worst first, then by priority), the rest in config order. */
export function troubleFirst(services: readonly ServiceReading[]): ServiceReading[] {
  return services
    .map((s, index) => ({ s, index }))
    .sort((a, b) => RANK[a.s.level] - RANK[b.s.level] || (a.s.level === 'ok' ? 0 : a.s.priority - b.s.priority) || a.index - b.index)
    .map(({ s }) => s);
}
