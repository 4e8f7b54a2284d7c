// What the history keeps of a Snapshot: one number per series, named so that a pane or an item
// finds its own (`cpu.group.database`, `gpu.0.temp`, `dns.primary.latency`,
// `container.workstation/postgres.cpu`, `service.auth.latency`), and the mean of each minute's ticks. Pure: the
// watcher writes the minutes to the store, the console keeps the last hour in memory.

import type { Snapshot } from '../model/snapshot.js';

import type { SeriesUnit } from '../model/trends.js';
import { REPLIED } from '../probes/dns/query.js';

export type { SeriesUnit };

export function unitOf(series: string): SeriesUnit {
  if (series.endsWith('.temp')) return 'celsius';
  if (series.endsWith('.latency')) return 'ms';
  if (series.endsWith('.mem') && series.startsWith('container.')) return 'bytes';
  return 'percent';
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The numbers of one Snapshot. Panes without fresh data give none (a gap, not a zero). */
export function samplesOf(snapshot: Snapshot): Map<string, number> {
  const out = new Map<string, number>();
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) out.set(name, value);
  };
  const fresh = (status: string) => status === 'ok' || status === 'warn' || status === 'crit';
  const cpu = snapshot.panes.cpu;
  if (cpu.data && fresh(cpu.status)) {
    const { plan } = cpu.data;
    put('cpu.total', plan.totalPercent);
    for (const group of plan.groups) if (group.verdict !== 'absent') put(`cpu.group.${group.name}`, group.percent);
    put('mem.used', plan.memory.percent);
  }
  const gpu = snapshot.panes.gpu;
  if (gpu.data && fresh(gpu.status)) {
    for (const g of gpu.data.gpus) {
      put(`gpu.${g.index}.util`, g.utilizationPercent);
      put(`gpu.${g.index}.temp`, g.temperatureC);
      put(`gpu.${g.index}.vram`, g.memoryUsedMiB !== null && g.memoryTotalMiB ? (g.memoryUsedMiB / g.memoryTotalMiB) * 100 : null);
    }
  }
  const dns = snapshot.panes.dns;
  if (dns.data && fresh(dns.status)) {
    for (const server of dns.data.servers) {
      put(
        `dns.${server.name}.latency`,
        median(server.answers.filter((a) => REPLIED.has(a.outcome) && a.latencyMs !== null).map((a) => a.latencyMs ?? 0)),
      );
    }
  }
  const containers = snapshot.panes.containers;
  if (containers.data && fresh(containers.status)) {
    for (const c of containers.data.containers) {
      if (c.state !== 'running') continue;
      put(`container.${c.host}/${c.name}.cpu`, c.cpuPercent);
      put(`container.${c.host}/${c.name}.mem`, c.memoryUsedBytes);
    }
  }
  const services = snapshot.panes.services;
  if (services.data && fresh(services.status)) {
    // The response time of the last check that got an answer; a service down has none (a gap).
    for (const service of services.data.services) if (service.state === 'up') put(`service.${service.name}.latency`, service.lastMs);
  }
  return out;
}

/** The minute (since the epoch) a time falls in. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}

/**
 * Means per minute: ticks are added as they come; when a tick falls in a new minute, the
 * minute before is handed back, finished.
 */
export class MinuteMeans {
  private minute: number | null = null;
  private sums = new Map<string, { sum: number; count: number }>();

  add(at: number, values: ReadonlyMap<string, number>): { minute: number; values: Map<string, number> } | null {
    const minute = minuteOf(at);
    const finished = this.minute !== null && minute !== this.minute ? this.flush() : null;
    this.minute = minute;
    for (const [name, value] of values) {
      const s = this.sums.get(name);
      if (s) {
        s.sum += value;
        s.count++;
      } else this.sums.set(name, { sum: value, count: 1 });
    }
    return finished;
  }

  /** The minute in progress, as far as it goes (at shutdown). */
  flush(): { minute: number; values: Map<string, number> } | null {
    if (this.minute === null || this.sums.size === 0) return null;
    const values = new Map([...this.sums].map(([name, s]) => [name, s.sum / s.count]));
    const result = { minute: this.minute, values };
    this.sums = new Map();
    return result;
  }
}
