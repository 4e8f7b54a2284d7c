// The allocation plan against a host reading: which physical cores each group owns, how many
// cores' worth it uses, and the capacity triggers. Pure: history comes in as an argument.
import type { Plan, Triggers } from '../config/schema.js';
import type { Alert } from '../model/alert.js';
import type { CoreUsage, GroupUsage, GroupVerdict, HostReading, PlanView } from '../model/cpu.js';
import { type Sample, sustainedAbove } from './sustained.js';

/** Groups with coreIds keep them; the others take the lowest free cores, in plan order. */
export function assignCores(plan: Plan): Map<string, number[]> {
  const claimed = new Set(plan.groups.flatMap((g) => g.coreIds ?? []));
  const result = new Map<string, number[]>();
  let next = 0;
  for (const group of plan.groups) {
    if (group.coreIds) {
      result.set(group.name, [...group.coreIds]);
      continue;
    }
    const cores: number[] = [];
    while (cores.length < group.cores) {
      if (!claimed.has(next)) cores.push(next);
      next++;
    }
    result.set(group.name, cores);
  }
  return result;
}

/** Below this share of its cores a group is "under" its plan (cores reserved but idle). */
export const UNDER_PLAN_PERCENT = 10;

export function evaluatePlan(
  plan: Plan,
  triggers: Triggers,
  reading: HostReading,
  history: readonly Sample[],
  now: number,
  /** Filesystem types the storage trigger skips (readings from selectHost are already filtered). */
  ignoreFsTypes: readonly string[] = [],
): PlanView {
  const load = new Map(reading.threads.map((t) => [t.id, t.loadPercent]));
  const assignment = assignCores(plan);
  const ownerOf = new Map<number, string>();
  for (const [group, cores] of assignment) for (const core of cores) ownerOf.set(core, group);

  const cores: CoreUsage[] = reading.cores.map((core) => ({
    core: core.core,
    threads: core.threads,
    used: core.threads.reduce((sum, t) => sum + (load.get(t) ?? 0), 0) / 100 / Math.max(1, core.threads.length),
    group: ownerOf.get(core.core) ?? null,
  }));
  const coreUse = new Map(cores.map((c) => [c.core, c.used]));

  const groups: GroupUsage[] = plan.groups.map((group) => {
    const coreIds = assignment.get(group.name) ?? [];
    const presentCoreIds = coreIds.filter((c) => coreUse.has(c));
    const usedCores = presentCoreIds.reduce((sum, c) => sum + (coreUse.get(c) ?? 0), 0);
    const percent = presentCoreIds.length ? (usedCores / presentCoreIds.length) * 100 : 0;
    // "Over" as the CPU trigger counts it (> 80 %): the alert says "over 80 % of plan".
    const verdict: GroupVerdict =
      presentCoreIds.length === 0 ? 'absent' : percent > triggers.cpu.percent ? 'over' : percent < UNDER_PLAN_PERCENT ? 'under' : 'ok';
    return {
      name: group.name,
      description: group.description ?? null,
      coreIds,
      presentCoreIds,
      usedCores,
      percent,
      memoryBytes: group.memory ?? null,
      containers: group.containers.map((c) => (typeof c === 'string' ? c : c.name)),
      verdict,
    };
  });

  const planCores = [...assignment.values()].reduce((sum, c) => sum + c.length, 0);
  const hostCores = reading.cores.length;
  const hostThreads = reading.threads.length;
  const missing = groups.filter((g) => g.presentCoreIds.length < g.coreIds.length);
  const shortfall =
    hostCores < planCores || missing.length
      ? `plan has ${planCores} cores, this host ${hostCores}: ${
          missing
            .filter((g) => g.verdict === 'absent')
            .map((g) => g.name)
            .join(', ') || 'some groups'
        } not measurable here`
      : null;

  const totalPercent = reading.threads.length ? reading.threads.reduce((sum, t) => sum + t.loadPercent, 0) / reading.threads.length : 0;

  const alerts: Alert[] = [];
  const sustained = sustainedAbove(history, triggers.cpu.percent, triggers.cpu.sustained, now);
  if (sustained.above) {
    alerts.push({
      level: 'warn',
      message: `CPU above ${triggers.cpu.percent} % for ${Math.round(sustained.forMs / 60_000)} min (sustained trigger)`,
    });
  }
  for (const group of groups) {
    if (group.verdict === 'over') {
      alerts.push({
        level: 'warn',
        message: `${group.name} uses ${group.usedCores.toFixed(1)} of ${group.presentCoreIds.length} cores (over ${triggers.cpu.percent} % of plan)`,
      });
    }
  }

  const memPercent = (reading.memory.usedBytes / reading.memory.totalBytes) * 100;
  if (memPercent > triggers.memory.percent) {
    alerts.push({ level: 'warn', message: `memory ${memPercent.toFixed(0)} % used (trigger > ${triggers.memory.percent} %)` });
  }
  const disks: string[] = [];
  for (const fs of reading.filesystems) {
    if (ignoreFsTypes.includes(fs.fsType)) continue;
    const free = (fs.availableBytes / fs.sizeBytes) * 100;
    if (free < triggers.storage.freePercent) {
      disks.push(fs.mount);
      alerts.push({ level: 'warn', message: `${fs.mount} ${free.toFixed(0)} % free (trigger < ${triggers.storage.freePercent} %)` });
    }
  }
  const links: string[] = [];
  for (const net of reading.network) {
    if (!net.speedBitsPerSec) continue;
    const peak = Math.max(net.rxBytesPerSec ?? 0, net.txBytesPerSec ?? 0) * 8;
    const percent = (peak / net.speedBitsPerSec) * 100;
    if (percent > triggers.network.percent) {
      links.push(net.iface);
      alerts.push({
        level: 'warn',
        message: `${net.iface} at ${percent.toFixed(0)} % of link speed (trigger > ${triggers.network.percent} %)`,
      });
    }
  }

  const plannedBytes = plan.groups.reduce((sum, g) => sum + (g.memory ?? 0), 0);
  const reservedBytes = plan.reserved.reduce((sum, r) => sum + r.memory, 0);
  return {
    hostCores,
    hostThreads,
    planCores,
    planThreads: planCores * plan.threadsPerCore,
    shortfall,
    groups,
    cores,
    totalPercent,
    sustained: { thresholdPercent: triggers.cpu.percent, windowMs: triggers.cpu.sustained, aboveForMs: sustained.forMs },
    memory: {
      totalBytes: reading.memory.totalBytes,
      usedBytes: reading.memory.usedBytes,
      percent: memPercent,
      plannedBytes,
      reservedBytes,
    },
    triggered: { cpu: totalPercent > triggers.cpu.percent, memory: memPercent > triggers.memory.percent, disks, links },
    alerts,
  };
}
