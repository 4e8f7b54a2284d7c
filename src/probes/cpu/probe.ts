import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { Config } from '../../config/schema.js';
import type { CpuData, HostReading } from '../../model/cpu.js';
import { evaluatePlan } from '../../plan/evaluate.js';
import { pushSample, type Sample } from '../../plan/sustained.js';
import { type Assessment, assessmentFromAlerts, type Probe } from '../probe.js';
import { type CpuRaw, parseCpu } from './parse.js';
import { type CpuTimes, cpuLoads, parseMeminfo, parseProcStat } from './proc-parse.js';
import { selectHost } from './select.js';

type SystemInformation = typeof import('systeminformation');

async function readOr<T>(path: string, fallback: T, map: (text: string) => T): Promise<T> {
  try {
    return map(await readFile(path, 'utf8'));
  } catch {
    return fallback;
  }
}

async function readSiblings(count: number): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Array.from({ length: count }, async (_, cpu) => {
      const base = `/sys/devices/system/cpu/cpu${cpu}/topology`;
      const list = await readOr(`${base}/thread_siblings_list`, '', (t) => t.trim());
      return [String(cpu), list] as const;
    }),
  );
  return Object.fromEntries(entries.filter(([, list]) => list !== ''));
}

async function readLinkSpeeds(ifaces: readonly string[]): Promise<Record<string, number | null>> {
  const entries = await Promise.all(
    ifaces.map(async (iface) => [iface, await readOr(`/sys/class/net/${iface}/speed`, null, (t) => Number(t.trim()) || null)] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * The local host: per-CPU load and memory from /proc/stat and /proc/meminfo (systeminformation
 * where there is no /proc), filesystems from systeminformation; network
 * counters straight from /proc/net/dev (systeminformation spawns a shell per interface for
 * them); topology and link speeds from /sys, read rarely because they rarely change.
 */
export function localCpuReader(config: Config['probes']['cpu']): (signal: AbortSignal) => Promise<CpuRaw> {
  let si: SystemInformation | undefined;
  let previousNet: CpuRaw['netDev']['current'] | null = null;
  let siblings: Record<string, string> | undefined;
  let speeds: { at: number; value: Record<string, number | null> } | undefined;
  let disks: { at: number; value: CpuRaw['fsSize'] } | undefined;
  // Per-CPU load and memory straight from /proc where there is one (systeminformation runs a
  // shell pipeline for the load on every call); systeminformation elsewhere.
  let previousStat: CpuTimes[] | null = null;
  const procLoad = async (): Promise<{ load: number }[] | null> => {
    const text = await readOr<string | null>('/proc/stat', null, (t) => t);
    if (text === null) return null;
    const times = parseProcStat(text);
    const loads = cpuLoads(previousStat, times);
    previousStat = times;
    return loads;
  };
  return async (signal) => {
    if (!si) {
      si = (await import('systeminformation')).default;
      // The first answer is the average since boot: take a short second sample so that the
      // first reading (and a one-shot `homeops status`) shows the load now.
      if ((await procLoad()) === null) await si.currentLoad();
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (signal.aborted) throw new Error('aborted');
    }
    const system = si;
    const now = Date.now();
    const [procCpus, meminfo, netText] = await Promise.all([
      procLoad(),
      readOr<CpuRaw['mem'] | null>('/proc/meminfo', null, parseMeminfo),
      readOr('/proc/net/dev', '', (t) => t),
    ]);
    const cpus = procCpus ?? (await system.currentLoad()).cpus.map((c) => ({ load: c.load }));
    const mem = meminfo ?? (await system.mem());
    if (!disks || now - disks.at >= config.disksInterval) {
      const list = await system.fsSize();
      disks = {
        at: now,
        value: list.map((fs) => ({ fs: fs.fs, type: fs.type, size: fs.size, used: fs.used, available: fs.available, mount: fs.mount })),
      };
    }
    siblings ??= await readSiblings(cpus.length);
    const current = { text: netText, atMs: now };
    if (!speeds || now - speeds.at >= 60_000) {
      const ifaces = netText
        .split('\n')
        .map((l) => /^\s*([^:\s]+):/.exec(l)?.[1])
        .filter((i): i is string => !!i && i !== 'lo');
      speeds = { at: now, value: await readLinkSpeeds(ifaces) };
    }
    const raw: CpuRaw = {
      load: { cpus },
      mem: { total: mem.total, available: mem.available },
      fsSize: disks.value,
      netDev: { previous: previousNet, current },
      linkSpeedMbps: speeds.value,
      siblings,
      loadAverage: loadavg() as [number, number, number],
    };
    previousNet = current;
    return raw;
  };
}

export function cpuProbe(read: (signal: AbortSignal) => Promise<CpuRaw>, config: Config): Probe<CpuRaw, CpuData> {
  let history: Sample[] = [];
  const evaluate = (host: HostReading, now: number) => {
    const total = host.threads.reduce((s, t) => s + t.loadPercent, 0) / Math.max(1, host.threads.length);
    // Readings that stopped for a while (a hung probe, a suspended laptop) leave time nobody
    // measured: the sustained window starts again rather than spanning the gap.
    const last = history.at(-1);
    if (last && now - last.at > 3 * config.probes.cpu.interval + config.probes.cpu.timeout) history = [];
    history = pushSample(history, { at: now, value: total }, config.triggers.cpu.sustained);
    const plan = evaluatePlan(config.plan, config.triggers, host, history, now);
    return { host, plan };
  };
  return {
    id: 'cpu',
    intervalMs: config.probes.cpu.interval,
    timeoutMs: config.probes.cpu.timeout,
    read,
    // The plan view depends on the history of readings, so it is built here, once per reading.
    parse: (raw: CpuRaw) => evaluate(selectHost(parseCpu(raw), config.probes.cpu), Date.now()),
    assess: (data: CpuData) => assessCpu(data),
  };
}

export function assessCpu(data: CpuData): Assessment {
  const { plan } = data;
  const summary = `${plan.totalPercent.toFixed(0)}% of ${plan.hostThreads} threads · mem ${plan.memory.percent.toFixed(0)}%${plan.shortfall ? ` · ${plan.hostCores}/${plan.planCores} plan cores here` : ''}`;
  return assessmentFromAlerts(plan.alerts, summary);
}
