// Pure parsing of a host sample into a HostReading. The local reader fills the raw sample
// from systeminformation and the kernel's files; demo scenarios replay recorded ones.

import type { HostReading, NetInterface } from '../../model/cpu.js';
import { physicalCores } from '../../plan/topology.js';

export type NetDevSample = { text: string; atMs: number };

export type CpuRaw = {
  /** systeminformation currentLoad().cpus[].load, one per logical CPU in id order. */
  load: { cpus: { load: number }[] };
  /** systeminformation mem(): total and available bytes. */
  mem: { total: number; available: number };
  /** systeminformation fsSize(). */
  fsSize: { fs: string; type: string; size: number; used: number; available: number; mount: string }[];
  /** /proc/net/dev now and at the previous read (rates need two samples). */
  netDev: { previous: NetDevSample | null; current: NetDevSample };
  /** Link speed in Mbit/s from /sys/class/net/IFACE/speed; null when unknown (virtual, down). */
  linkSpeedMbps: Record<string, number | null>;
  /** thread_siblings_list per logical CPU id. */
  siblings: Record<string, string>;
  /** os.loadavg(). */
  loadAverage?: [number, number, number];
};

export class CpuParseError extends Error {}

/** Byte counters per interface from /proc/net/dev (receive bytes is field 1, transmit bytes field 9). */
export function parseNetDev(text: string): Map<string, { rx: number; tx: number }> {
  const result = new Map<string, { rx: number; tx: number }>();
  for (const line of text.split('\n')) {
    const match = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const fields = (match[2] ?? '').trim().split(/\s+/).map(Number);
    const rx = fields[0];
    const tx = fields[8];
    if (rx === undefined || tx === undefined || Number.isNaN(rx) || Number.isNaN(tx)) continue;
    result.set(match[1] ?? '', { rx, tx });
  }
  return result;
}

function rates(netDev: CpuRaw['netDev'], speeds: CpuRaw['linkSpeedMbps']): NetInterface[] {
  const now = parseNetDev(netDev.current.text);
  const before = netDev.previous ? parseNetDev(netDev.previous.text) : undefined;
  const seconds = netDev.previous ? (netDev.current.atMs - netDev.previous.atMs) / 1000 : 0;
  const result: NetInterface[] = [];
  for (const [iface, counters] of now) {
    if (iface === 'lo') continue;
    const old = before?.get(iface);
    // Counters reset when an interface is re-created: a negative delta is no reading, not a rate.
    const rate = (a: number, b: number | undefined) => (b === undefined || seconds <= 0 || a < b ? null : (a - b) / seconds);
    const speed = speeds[iface];
    result.push({
      iface,
      rxBytesPerSec: rate(counters.rx, old?.rx),
      txBytesPerSec: rate(counters.tx, old?.tx),
      speedBitsPerSec: speed && speed > 0 ? speed * 1e6 : null,
    });
  }
  return result;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function parseCpu(raw: CpuRaw): HostReading {
  if (!Array.isArray(raw.load?.cpus) || raw.load.cpus.length === 0) throw new CpuParseError('no per-CPU load in the sample');
  const threads = raw.load.cpus.map((cpu, id) => ({ id, loadPercent: finite(cpu.load) ? Math.min(100, Math.max(0, cpu.load)) : 0 }));
  if (!finite(raw.mem?.total) || !finite(raw.mem?.available) || raw.mem.total <= 0)
    throw new CpuParseError('no memory totals in the sample');
  const memory = {
    totalBytes: raw.mem.total,
    availableBytes: raw.mem.available,
    usedBytes: Math.max(0, raw.mem.total - raw.mem.available),
  };
  const filesystems = (raw.fsSize ?? [])
    .filter((fs) => finite(fs.size) && fs.size > 0)
    .map((fs) => ({
      mount: fs.mount,
      device: fs.fs,
      fsType: fs.type,
      sizeBytes: fs.size,
      usedBytes: fs.used,
      availableBytes: fs.available,
    }));
  return {
    threads,
    cores: physicalCores(
      threads.map((t) => t.id),
      raw.siblings ?? {},
    ),
    memory,
    filesystems,
    network: rates(raw.netDev, raw.linkSpeedMbps ?? {}),
    loadAverage: raw.loadAverage ?? null,
  };
}
