// Physical cores from the kernel's thread-sibling lists
// (/sys/devices/system/cpu/cpuN/topology/thread_siblings_list: "0,16", "0-1", "3").
import type { PhysicalCore } from '../model/cpu.js';

/** Parses a kernel CPU list such as "0-3,8,10-11". */
export function parseCpuList(list: string): number[] {
  const result: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new Error(`not a CPU list: "${list}"`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    // The kernel never writes a reversed range; reading "3-1" as no CPUs would hide the error.
    if (to < from) throw new Error(`not a CPU list: "${list}"`);
    for (let cpu = from; cpu <= to; cpu++) result.push(cpu);
  }
  return result;
}

/**
 * Groups logical CPUs into physical cores. Cores are numbered in the order of their lowest
 * thread, which is how the plan counts them (core 0 = threads 0 and 16 on a 7950X).
 * CPUs without topology information count as one core each.
 */
export function physicalCores(threadIds: readonly number[], siblings: Readonly<Record<string, string>>): PhysicalCore[] {
  const seen = new Map<string, number[]>();
  for (const id of threadIds) {
    const list = siblings[String(id)];
    let threads: number[];
    try {
      threads = list ? parseCpuList(list).filter((t) => threadIds.includes(t)) : [id];
    } catch {
      threads = [id];
    }
    if (!threads.includes(id)) threads = [id, ...threads];
    const key = [...threads].sort((a, b) => a - b).join(',');
    if (!seen.has(key))
      seen.set(
        key,
        [...threads].sort((a, b) => a - b),
      );
  }
  return [...seen.values()].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)).map((threads, core) => ({ core, threads }));
}
