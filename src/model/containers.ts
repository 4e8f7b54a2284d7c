// The containers reading: what the Snapshot carries for the containers pane, the status
// command and the CPU pane's groups, in the engine's words (states, health, checks). Plain
// data, made by src/probes/containers/.
import type { Level } from './status.js';

export const HEALTHS = ['starting', 'healthy', 'unhealthy', 'none'] as const;
export type ContainerHealth = (typeof HEALTHS)[number];

export const STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead'] as const;
export type ContainerState = (typeof STATES)[number] | 'unknown';

/** What a service's container check asks of the engine: is it running, and its health. */
export type ContainerStatus = { state: ContainerState; health: ContainerHealth };

export type HealthCheckResult = {
  start: string | null;
  end: string | null;
  /** 0 passed, 1 failed, -1 timed out (the engine's own code). */
  exitCode: number | null;
  output: string;
};

export type EngineInfo = { version: string | null; apiVersion: string | null; os: string | null };

/** The pseudo-group of containers the plan does not name. */
export const UNPLANNED = 'unplanned';

export type ContainerRow = {
  /** The host whose engine runs it (a key of hosts). */
  host: string;
  id: string;
  shortId: string;
  name: string;
  image: string;
  composeProject: string | null;
  composeService: string | null;
  /** The plan group it belongs to, or `unplanned`. */
  group: string;
  /** How the group was found: the plan names the container, or its compose service. */
  groupBy: 'name' | 'compose' | null;
  state: ContainerState;
  /** The engine's own words: `Up 3 days (healthy)`, `Restarting (1) 8 seconds ago`. */
  statusText: string;
  /** Of the last run, for exited and restarting containers. */
  exitCode: number | null;
  health: ContainerHealth;
  /** Consecutive failed checks (0 when healthy); null when the engine did not say. */
  failingStreak: number | null;
  /** The last health checks, oldest first (the engine keeps 5). Empty without an inspect. */
  healthLog: HealthCheckResult[];
  /** The newest check's output, trimmed; null when there is none. */
  lastHealthOutput: string | null;
  restartCount: number | null;
  /** Restarts counted within the restart-loop window (probe config); null until known. */
  recentRestarts: number | null;
  /** Restarting now, or restarted often enough within the window to count as a loop. */
  restartLoop: boolean;
  restartPolicy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** For running containers: time since StartedAt when the list was read. */
  uptimeMs: number | null;
  oomKilled: boolean;
  /** As `docker stats`: 100 = one CPU thread busy. Null until two samples were compared. */
  cpuPercent: number | null;
  /** Cores' worth, the plan's unit: cpuPercent / 100 / threads per core. */
  cpuCores: number | null;
  memoryUsedBytes: number | null;
  memoryLimitBytes: number | null;
  memoryPercent: number | null;
  /** The plan's memory for this container (`containers: [{ name, memory }]`). */
  planMemoryBytes: number | null;
  networks: string[];
  /** Age of the stats sample used, at read time; null without one. */
  statsAgeMs: number | null;
  /**
   * What the assessment makes of this container: crit or warn when one of its alerts is about
   * it (src/probes/containers/assess.ts), null when nothing is wrong. Tables sort by it.
   */
  level: 'crit' | 'warn' | null;
};

export type ContainerGroupUsage = {
  /** A plan group's name, or `unplanned`. */
  group: string;
  planned: boolean;
  /** The group's allotment in the plan (physical cores); null for `unplanned`. */
  cores: number | null;
  /** Cores' worth used by its containers (sum of cpuCores). */
  usedCores: number;
  /** usedCores against cores, in %; null without an allotment. */
  coresPercent: number | null;
  memoryBytes: number | null;
  memoryUsedBytes: number;
  memoryPercent: number | null;
  containers: number;
  running: number;
  unhealthy: number;
  /** Containers with CPU figures (the others count as 0 above). */
  measured: number;
  /** Containers the plan names in this group that the engine does not have. */
  missing: string[];
  /**
   * The verdict on its use against its allotment: warn past the CPU (memory) trigger, crit past
   * all of it; null without an allotment.
   */
  coresLevel: Level | null;
  memoryLevel: Level | null;
  /** It uses all of its cores or memory, or more. */
  over: boolean;
};

export type EndpointSummary = {
  host: string;
  /** `unix:///var/run/docker.sock`, `nas over SSH`. */
  label: string;
  engine: EngineInfo | null;
  /** ok: answered now; stale: failed now, containers are from its last answer; down/off: nothing. */
  status: 'ok' | 'stale' | 'down' | 'off';
  error: string | null;
  /** Age of this endpoint's containers, at read time. */
  ageMs: number;
  containers: number;
};

export type ContainerCounts = {
  total: number;
  running: number;
  healthy: number;
  unhealthy: number;
  starting: number;
  restarting: number;
  exited: number;
  unplanned: number;
};

export type ContainersReading = {
  endpoints: EndpointSummary[];
  /** Every container of every endpoint, by host then name. */
  containers: ContainerRow[];
  /** Per plan group (in plan order), then `unplanned`: what the containers use against the plan. */
  groups: ContainerGroupUsage[];
  counts: ContainerCounts;
  /** When the newest list was read (ms since the epoch). */
  readAt: number;
};
