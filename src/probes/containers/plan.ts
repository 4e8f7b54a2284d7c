// Containers against the allocation plan: which group a container belongs to (named in the
// plan, else by its compose service), and what each group's containers use against the
// group's allotment. Pure.
import type { Plan, Triggers } from '../../config/schema.js';
import { type ContainerGroupUsage, type ContainerRow, UNPLANNED } from '../../model/containers.js';
import type { Level } from '../../model/status.js';

export type PlanEntry = { group: string; memoryBytes: number | null };

/** Container name → its group and planned memory. A name listed twice keeps its first group. */
export function planIndex(plan: Plan): Map<string, PlanEntry> {
  const index = new Map<string, PlanEntry>();
  for (const group of plan.groups) {
    for (const container of group.containers) {
      const name = typeof container === 'string' ? container : container.name;
      const memoryBytes = typeof container === 'string' ? null : (container.memory ?? null);
      if (!index.has(name)) index.set(name, { group: group.name, memoryBytes });
    }
  }
  return index;
}

/** The plan entry for a container: by its name, then by its compose service label. */
export function placeContainer(
  index: ReadonlyMap<string, PlanEntry>,
  name: string,
  composeService: string | null,
): (PlanEntry & { by: 'name' | 'compose' }) | null {
  const byName = index.get(name);
  if (byName) return { ...byName, by: 'name' };
  const byService = composeService ? index.get(composeService) : undefined;
  return byService ? { ...byService, by: 'compose' } : null;
}

/**
 * Per plan group (in plan order) and then `unplanned` (only when it has containers): the
 * cores' worth and memory its containers use against the group's allotment. Rows already
 * carry their group (see placeContainer); containers on hosts other than the plan's are
 * `unplanned` there.
 */
/** A share of an allotment, in %: past the trigger it is a warning, past all of it critical. */
function usageLevel(percent: number | null, triggerPercent: number): Level | null {
  if (percent === null) return null;
  return percent > 100 ? 'crit' : percent > triggerPercent ? 'warn' : 'ok';
}

export function groupUsage(
  containers: readonly ContainerRow[],
  plan: Plan,
  triggers: Pick<Triggers, 'cpu' | 'memory'>,
  /** Whether the plan host's engine was read; without it nothing can be called missing. */
  planHostWatched: boolean = containers.some((c) => c.host === plan.host),
): ContainerGroupUsage[] {
  const index = planIndex(plan);
  const present = new Set<string>();
  for (const c of containers) {
    if (c.host !== plan.host) continue;
    present.add(c.name);
    if (c.composeService) present.add(c.composeService);
  }
  const tally = (
    group: string,
    rows: readonly ContainerRow[],
    cores: number | null,
    memoryBytes: number | null,
    missing: string[],
  ): ContainerGroupUsage => {
    const usedCores = rows.reduce((sum, r) => sum + (r.cpuCores ?? 0), 0);
    const memoryUsedBytes = rows.reduce((sum, r) => sum + (r.memoryUsedBytes ?? 0), 0);
    const coresPercent = cores ? (usedCores / cores) * 100 : null;
    const memoryPercent = memoryBytes ? (memoryUsedBytes / memoryBytes) * 100 : null;
    return {
      group,
      planned: group !== UNPLANNED,
      cores,
      usedCores,
      coresPercent,
      memoryBytes,
      memoryUsedBytes,
      memoryPercent,
      containers: rows.length,
      running: rows.filter((r) => r.state === 'running').length,
      unhealthy: rows.filter((r) => r.health === 'unhealthy').length,
      measured: rows.filter((r) => r.cpuCores !== null).length,
      missing,
      coresLevel: usageLevel(coresPercent, triggers.cpu.percent),
      memoryLevel: usageLevel(memoryPercent, triggers.memory.percent),
      over: (coresPercent ?? 0) >= 100 || (memoryPercent ?? 0) >= 100,
    };
  };
  const result = plan.groups.map((group) => {
    const names = [...index].filter(([, entry]) => entry.group === group.name).map(([name]) => name);
    return tally(
      group.name,
      containers.filter((c) => c.group === group.name),
      group.cores,
      group.memory ?? null,
      planHostWatched ? names.filter((n) => !present.has(n)) : [],
    );
  });
  const unplanned = containers.filter((c) => c.group === UNPLANNED);
  if (unplanned.length) result.push(tally(UNPLANNED, unplanned, null, null, []));
  return result;
}
