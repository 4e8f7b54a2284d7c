// Container stats as the docker CLI computes them (docker/cli cli/command/container/
// stats_helpers.go): CPU % from two samples, memory used without the reclaimable page cache,
// for cgroup v1 (total_inactive_file) and v2 (inactive_file). Pure.
import { isZeroTime, num, obj } from './json.js';

export type CpuSample = {
  /** cpu_usage.total_usage, ns of CPU time used by the container. */
  totalUsage: number;
  /** system_cpu_usage, ns of host CPU time; null in a one-shot sample's empty precpu_stats. */
  systemUsage: number | null;
  onlineCpus: number | null;
  /** len(percpu_usage) (cgroup v1 only): the CLI's fallback when online_cpus is 0. */
  percpuCount: number;
};

export type MemorySample = { usage: number; limit: number | null; stats: Record<string, number> };

export type StatsSample = {
  /** When the engine took the sample (RFC 3339). */
  read: string;
  cpu: CpuSample;
  /** The engine's previous sample, filled for `stream=true` or `stream=false` without one-shot. */
  precpu: CpuSample | null;
  memory: MemorySample | null;
  network: { rxBytes: number; txBytes: number } | null;
  pids: number | null;
};

function cpuSample(value: unknown): CpuSample | null {
  const o = obj(value);
  const usage = obj(o?.cpu_usage);
  const total = num(usage?.total_usage);
  if (!o || total === null) return null;
  const percpu = usage?.percpu_usage;
  return {
    totalUsage: total,
    systemUsage: num(o.system_cpu_usage),
    onlineCpus: num(o.online_cpus),
    percpuCount: Array.isArray(percpu) ? percpu.length : 0,
  };
}

/**
 * One stats answer. Null for a container that is not running: the engine then answers with
 * zero times and empty fields rather than an error.
 */
export function parseStats(body: unknown): StatsSample | null {
  const o = obj(body);
  if (!o) return null;
  const read = typeof o.read === 'string' ? o.read : null;
  if (read === null || isZeroTime(read)) return null;
  const cpu = cpuSample(o.cpu_stats);
  if (!cpu) return null;
  const pre = cpuSample(o.precpu_stats);
  const m = obj(o.memory_stats);
  const usage = num(m?.usage);
  const memStats: Record<string, number> = {};
  for (const [key, value] of Object.entries(obj(m?.stats) ?? {})) {
    if (typeof value === 'number') memStats[key] = value;
  }
  let network: StatsSample['network'] = null;
  const nets = obj(o.networks);
  if (nets) {
    network = { rxBytes: 0, txBytes: 0 };
    for (const iface of Object.values(nets)) {
      network.rxBytes += num(obj(iface)?.rx_bytes) ?? 0;
      network.txBytes += num(obj(iface)?.tx_bytes) ?? 0;
    }
  }
  return {
    read,
    cpu,
    // A one-shot sample's precpu_stats has no system usage: it is no sample at all.
    precpu: pre && pre.systemUsage !== null && pre.systemUsage > 0 ? pre : null,
    memory: usage === null ? null : { usage, limit: num(m?.limit), stats: memStats },
    network,
    pids: num(obj(o.pids_stats)?.current),
  };
}

function cpuEssentials(value: unknown): Record<string, unknown> | undefined {
  const o = obj(value);
  if (!o) return undefined;
  const usage = obj(o.cpu_usage);
  return {
    cpu_usage: usage ? { total_usage: usage.total_usage, percpu_usage: usage.percpu_usage } : usage,
    system_cpu_usage: o.system_cpu_usage,
    online_cpus: o.online_cpus,
  };
}

/**
 * A stats answer cut down to what parseStats and usageOf read (about a tenth of it: no block
 * I/O, no per-cgroup memory counters but the page cache's), still in the engine's shape: what
 * the background sampler keeps of every running container between reads. Anything that is not
 * an answer is returned as it is.
 */
export function statsEssentials(body: unknown): unknown {
  const o = obj(body);
  if (!o) return body;
  const m = obj(o.memory_stats);
  const memStats = obj(m?.stats);
  const kept: Record<string, unknown> = {};
  if (memStats) {
    if (memStats.total_inactive_file !== undefined) kept.total_inactive_file = memStats.total_inactive_file;
    if (memStats.inactive_file !== undefined) kept.inactive_file = memStats.inactive_file;
  }
  const nets = obj(o.networks);
  let networks: Record<string, unknown> | undefined;
  if (nets) {
    networks = {};
    for (const [name, iface] of Object.entries(nets)) {
      const n = obj(iface);
      networks[name] = n ? { rx_bytes: n.rx_bytes, tx_bytes: n.tx_bytes } : iface;
    }
  }
  const pids = obj(o.pids_stats);
  return {
    read: o.read,
    cpu_stats: cpuEssentials(o.cpu_stats),
    precpu_stats: cpuEssentials(o.precpu_stats),
    memory_stats: m ? { usage: m.usage, limit: m.limit, stats: memStats ? kept : m.stats } : o.memory_stats,
    networks,
    pids_stats: pids ? { current: pids.current } : o.pids_stats,
  };
}

/**
 * CPU % as `docker stats` shows it: 100 % = one CPU (thread) busy. The CLI's calculation:
 * Δcontainer / Δsystem × online CPUs × 100, and 0 unless both deltas are positive. Null when
 * no time passed between the samples (nothing to compare).
 */
export function cpuPercent(current: CpuSample, previous: CpuSample): number | null {
  if (current.systemUsage === null || previous.systemUsage === null) return null;
  const systemDelta = current.systemUsage - previous.systemUsage;
  if (systemDelta <= 0) return null;
  const cpuDelta = current.totalUsage - previous.totalUsage;
  let online = current.onlineCpus ?? 0;
  if (online === 0) online = current.percpuCount;
  if (cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * online * 100;
}

/**
 * Memory in use without the page cache the kernel can drop, as `docker stats` shows it:
 * usage − total_inactive_file on cgroup v1 (the key only v1 has), usage − inactive_file on v2;
 * subtracted only when smaller than usage.
 */
export function memoryUsed(memory: MemorySample): number {
  const v1 = memory.stats.total_inactive_file;
  if (v1 !== undefined) {
    if (v1 < memory.usage) return memory.usage - v1;
  } else {
    const v2 = memory.stats.inactive_file;
    if (v2 !== undefined && v2 < memory.usage) return memory.usage - v2;
  }
  return memory.usage;
}

export type Usage = {
  cpuPercent: number | null;
  memoryUsedBytes: number | null;
  memoryLimitBytes: number | null;
  memoryPercent: number | null;
};

/**
 * Usage from a sample and, for CPU, a previous one: the engine's own precpu when it sent one
 * (a streamed or two-sample answer), else our own previous sample of the same container
 * (one-shot answers come without), provided it is older.
 */
export function usageOf(current: StatsSample, previous: StatsSample | null): Usage {
  let cpu: number | null = null;
  if (current.precpu) cpu = cpuPercent(current.cpu, current.precpu);
  else if (previous && Date.parse(previous.read) < Date.parse(current.read)) cpu = cpuPercent(current.cpu, previous.cpu);
  const used = current.memory ? memoryUsed(current.memory) : null;
  const limit = current.memory?.limit ?? null;
  return {
    cpuPercent: cpu,
    memoryUsedBytes: used,
    memoryLimitBytes: limit && limit > 0 ? limit : null,
    memoryPercent: used !== null && limit ? (used / limit) * 100 : null,
  };
}
