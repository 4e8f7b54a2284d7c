// Raw engine answers (raw.ts) → the containers reading (types.ts): list, inspect and stats
// merged per container, placed in the plan, summed per group. Pure (answers already parsed are
// remembered by identity: the engine's answers are never changed once received).
import type { Plan, Triggers } from '../../config/schema.js';
import {
  type ContainerCounts,
  type ContainerRow,
  type ContainersReading,
  type EndpointSummary,
  UNPLANNED,
} from '../../model/containers.js';
import { compareNames } from './name-order.js';
import { type InspectInfo, type ListEntry, parseInspect, parseListOnce } from './parse.js';
import { groupUsage, placeContainer, planIndex } from './plan.js';
import type { ContainersRaw, EndpointRaw } from './raw.js';
import { parseStats, type StatsSample, usageOf } from './stats.js';

export type ReadingContext = {
  plan: Plan;
  /** The CPU and memory triggers a group's use is judged against. */
  triggers: Pick<Triggers, 'cpu' | 'memory'>;
  /** Threads per physical core, to turn CPU threads into the plan's cores. */
  threadsPerCore: number;
};

const COMPOSE_SERVICE = 'com.docker.compose.service';
const COMPOSE_PROJECT = 'com.docker.compose.project';

// The same answers come back read after read: a stats sample is current until the next one and
// then serves as the previous, and an inspect is reused while its container is unchanged. Each
// is parsed once.
const statsParsed = new WeakMap<object, StatsSample | null>();
const inspectParsed = new WeakMap<object, InspectInfo | null>();

function memo<T>(cache: WeakMap<object, T>, parse: (body: unknown) => T, body: unknown): T {
  if (body === null || typeof body !== 'object') return parse(body);
  const known = cache.get(body);
  if (known !== undefined || cache.has(body)) return known as T;
  const parsed = parse(body);
  cache.set(body, parsed);
  return parsed;
}

const statsOf = (body: unknown) => memo(statsParsed, parseStats, body);
const inspectOf = (body: unknown) => memo(inspectParsed, parseInspect, body);

function rowOf(
  endpoint: EndpointRaw,
  entry: ListEntry,
  inspect: InspectInfo | null,
  ctx: ReadingContext,
  index: ReturnType<typeof planIndex>,
): ContainerRow {
  const composeService = entry.labels[COMPOSE_SERVICE] ?? null;
  const placed = endpoint.host === ctx.plan.host ? placeContainer(index, entry.name, composeService) : null;
  // The list says how the container is now; an inspect (maybe a moment older) adds the streak
  // and the check log, when it saw the same health.
  const inspectHealth = inspect?.health ?? null;
  // Health checks run only while a container runs; a restarting or exited one keeps the last
  // word of its previous run, which would read as current.
  const checked = entry.state === 'running';
  const health = checked ? entry.health : 'none';
  const sameHealth = checked && inspectHealth !== null && inspectHealth.status === entry.health;
  const log = inspectHealth?.log ?? [];
  const lastOutput = log.at(-1)?.output.trim() || null;
  const pair = endpoint.stats[entry.id];
  const sample = pair ? statsOf(pair.current) : null;
  const previous = pair?.previous ? statsOf(pair.previous) : null;
  const usage = sample && entry.state === 'running' ? usageOf(sample, previous) : null;
  const startedAt = inspect?.startedAt ?? null;
  const running = entry.state === 'running' || entry.state === 'paused';
  return {
    host: endpoint.host,
    id: entry.id,
    shortId: entry.id.slice(0, 12),
    name: entry.name,
    image: entry.image,
    composeProject: entry.labels[COMPOSE_PROJECT] ?? null,
    composeService,
    group: placed?.group ?? UNPLANNED,
    groupBy: placed?.by ?? null,
    state: entry.state,
    statusText: entry.statusText,
    exitCode: entry.exitCode ?? (entry.state === 'exited' ? (inspect?.exitCode ?? null) : null),
    health,
    failingStreak: !checked ? null : (entry.failingStreak ?? (sameHealth ? inspectHealth.failingStreak : null)),
    healthLog: log,
    lastHealthOutput: lastOutput,
    restartCount: inspect?.restartCount ?? null,
    recentRestarts: null,
    restartLoop: entry.state === 'restarting',
    restartPolicy: inspect?.restartPolicy ?? null,
    startedAt,
    finishedAt: inspect?.finishedAt ?? null,
    uptimeMs: running && startedAt ? Math.max(0, endpoint.readAt - Date.parse(startedAt)) : null,
    oomKilled: inspect?.oomKilled ?? false,
    cpuPercent: usage?.cpuPercent ?? null,
    cpuCores: usage?.cpuPercent != null ? usage.cpuPercent / 100 / Math.max(1, ctx.threadsPerCore) : null,
    memoryUsedBytes: usage?.memoryUsedBytes ?? null,
    memoryLimitBytes: usage?.memoryLimitBytes ?? inspect?.memoryLimitBytes ?? null,
    memoryPercent: usage?.memoryPercent ?? null,
    planMemoryBytes: placed?.memoryBytes ?? null,
    networks: entry.networks,
    statsAgeMs: sample && pair ? Math.max(0, endpoint.readAt - pair.receivedAt) : null,
    // Set by the probe once restarts are counted (assess.ts's rowLevel).
    level: null,
  };
}

export function countContainers(rows: readonly ContainerRow[]): ContainerCounts {
  const count = (test: (r: ContainerRow) => boolean) => rows.filter(test).length;
  return {
    total: rows.length,
    running: count((r) => r.state === 'running'),
    healthy: count((r) => r.health === 'healthy'),
    unhealthy: count((r) => r.health === 'unhealthy'),
    starting: count((r) => r.health === 'starting'),
    restarting: count((r) => r.state === 'restarting'),
    exited: count((r) => r.state === 'exited' || r.state === 'dead'),
    unplanned: count((r) => r.group === UNPLANNED),
  };
}

/** Builds the reading. `now` ages endpoints that failed this time (their last answer). */
export function buildReading(raw: ContainersRaw, ctx: ReadingContext, now: number): ContainersReading {
  const index = planIndex(ctx.plan);
  const rows: ContainerRow[] = [];
  const endpoints: EndpointSummary[] = [];
  for (const endpoint of raw.endpoints) {
    const hasData = Array.isArray(endpoint.list);
    const list = hasData ? parseListOnce(endpoint.list) : [];
    const mine = list.map((entry) => rowOf(endpoint, entry, inspectOf(endpoint.inspect[entry.id]), ctx, index));
    rows.push(...mine);
    endpoints.push({
      host: endpoint.host,
      label: endpoint.label,
      engine: endpoint.engine,
      status: endpoint.failure ? (hasData ? 'stale' : endpoint.failure.status) : 'ok',
      error: endpoint.failure?.message ?? null,
      ageMs: Math.max(0, now - endpoint.readAt),
      containers: mine.length,
    });
  }
  rows.sort((a, b) => compareNames(a.host, b.host) || compareNames(a.name, b.name));
  const planHostWatched = raw.endpoints.some((e) => e.host === ctx.plan.host && Array.isArray(e.list));
  return {
    endpoints,
    containers: rows,
    groups: groupUsage(rows, ctx.plan, ctx.triggers, planHostWatched),
    counts: countContainers(rows),
    readAt: Math.max(0, ...raw.endpoints.filter((e) => !e.failure).map((e) => e.readAt)),
  };
}
