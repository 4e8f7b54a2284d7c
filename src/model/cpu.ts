// The CPU pane's reading: the host's threads, physical cores, memory, disks and network, and the
// allocation plan against them (each group's cores and verdict, the triggers' alerts). Plain
// data, made by src/probes/cpu/ and src/plan/.
import type { Alert } from './alert.js';

/** A physical core and its threads (the kernel's thread ids). */
export type PhysicalCore = { core: number; threads: number[] };

export type Filesystem = { mount: string; device: string; fsType: string; sizeBytes: number; usedBytes: number; availableBytes: number };
export type NetInterface = { iface: string; rxBytesPerSec: number | null; txBytesPerSec: number | null; speedBitsPerSec: number | null };

export type HostReading = {
  threads: { id: number; loadPercent: number }[];
  cores: PhysicalCore[];
  memory: { totalBytes: number; availableBytes: number; usedBytes: number };
  filesystems: Filesystem[];
  network: NetInterface[];
  loadAverage: [number, number, number] | null;
};

export type GroupVerdict = 'over' | 'ok' | 'under' | 'absent';

export type GroupUsage = {
  name: string;
  description: string | null;
  /** Physical cores the plan gives the group. */
  coreIds: number[];
  /** Of those, the ones this host has. */
  presentCoreIds: number[];
  /** Cores' worth in use on the group's present cores (a core with all threads busy = 1). */
  usedCores: number;
  percent: number;
  memoryBytes: number | null;
  containers: string[];
  verdict: GroupVerdict;
};

export type CoreUsage = { core: number; threads: number[]; used: number; group: string | null };

export type PlanView = {
  hostCores: number;
  hostThreads: number;
  planCores: number;
  planThreads: number;
  /** Set when the host has fewer cores than the plan: what is and is not shown. */
  shortfall: string | null;
  groups: GroupUsage[];
  cores: CoreUsage[];
  totalPercent: number;
  sustained: { thresholdPercent: number; windowMs: number; aboveForMs: number };
  memory: { totalBytes: number; usedBytes: number; percent: number; plannedBytes: number; reservedBytes: number };
  /**
   * What is past its capacity trigger now: the CPU in use, memory, the disks (mounts) short of
   * free space, the links (interfaces) busy. The pane marks them; the CPU's alert waits for the
   * sustained window.
   */
  triggered: { cpu: boolean; memory: boolean; disks: string[]; links: string[] };
  alerts: Alert[];
};

export type CpuData = { host: HostReading; plan: PlanView };

/** A list of core ids as the config writes them: "0-3,8". */
export function formatCoreList(cores: readonly number[]): string {
  if (cores.length === 0) return '–';
  const sorted = [...cores].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0] ?? 0;
  let previous = start;
  for (const core of [...sorted.slice(1), Infinity]) {
    if (core === previous + 1) {
      previous = core;
      continue;
    }
    parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = core;
    previous = core;
  }
  return parts.join(',');
}
