// CPU, memory, filesystems and network of a host reached through `hosts/` (SSH, usually): one
// shell script per tick prints the kernel's files, and the pure parsers turn them into the same
// CpuRaw the local reader gives, so parseCpu and the plan logic apply unchanged.
import type { Config } from '../../config/schema.js';
import type { Host } from '../../hosts/host.js';
import { ProbeError } from '../probe.js';
import { CpuParseError, type CpuRaw, type NetDevSample } from './parse.js';
import { localCpuReader } from './probe.js';
import {
  type CpuTimes,
  cpuLoads,
  type ProcSections,
  parseDf,
  parseLinkSpeeds,
  parseLoadavg,
  parseMeminfo,
  parseProcStat,
  parseSiblings,
  parseUptime,
  splitSections,
} from './proc-parse.js';
import { type ProcWants, procScript } from './proc-script.js';

type CpuConfig = Config['probes']['cpu'];

/** What the reader needs of a host: a shell command line with a timeout and an abort signal. */
export type ShellHost = Pick<Host, 'name' | 'run'>;

export type CpuReader = (signal: AbortSignal) => Promise<CpuRaw>;

const SPEEDS_EVERY_MS = 60_000;

/**
 * The reader leaves a little of the probe's timeout unused, so that its own reason (no SSH
 * handshake, unreachable since …) reaches the pane before the monitor's plain "no answer".
 */
function ownDeadline(timeoutMs: number): number {
  return Math.max(1, timeoutMs - Math.min(100, Math.floor(timeoutMs / 10)));
}

/**
 * Reads a host with one exec per tick. The previous /proc/stat sample is kept for per-core
 * load; the first reading (and one after a gap in readings) takes two samples 0.3 s apart in the
 * same exec, as the local reader does, so that it shows the load now rather than since boot.
 * Topology is read on the first reading and again after a failed one (the host may have been
 * replaced or rebooted), link speeds every minute, filesystems every `disksInterval`.
 */
export function remoteCpuReader(host: ShellHost, config: CpuConfig, now: () => number = Date.now): CpuReader {
  let previous: { cpus: CpuTimes[]; at: number } | null = null;
  let previousNet: NetDevSample | null = null;
  let siblings: Record<string, string> | null = null;
  let speeds: { at: number; value: Record<string, number | null> } | null = null;
  let disks: { at: number; value: CpuRaw['fsSize'] } | null = null;
  const gapMs = 3 * config.interval + config.timeout;

  return async (signal) => {
    const started = now();
    const wants: ProcWants = {
      twoSamples: !previous || started - previous.at > gapMs,
      topology: !siblings,
      speeds: !speeds || started - speeds.at >= SPEEDS_EVERY_MS,
      disks: !disks || started - disks.at >= config.disksInterval,
    };
    let sections: ProcSections;
    try {
      const result = await host.run(
        { shell: procScript(wants) },
        { timeoutMs: ownDeadline(config.timeout), signal, maxBuffer: 1024 * 1024 },
      );
      sections = splitSections(result.stdout);
      if (sections.end === undefined) {
        const why = result.stderr.trim().split('\n').slice(-1)[0] || `exit code ${result.code ?? result.signal ?? '?'}`;
        throw new ProbeError('down', `${host.name}: reading /proc did not finish (${why})`);
      }
    } catch (error) {
      siblings = null;
      throw error;
    }
    const at = now();
    try {
      const cpus = parseProcStat(sections.stat ?? '');
      const before = wants.twoSamples ? parseProcStat(sections.stat0 ?? '') : (previous?.cpus ?? null);
      const mem = parseMeminfo(sections.meminfo ?? '');
      const netText = sections.netdev ?? '';
      // Rates use the host's uptime clock: the time between two samples as the host saw it.
      const uptime = parseUptime(sections.uptime ?? '');
      const current: NetDevSample = { text: netText, atMs: uptime !== undefined ? uptime * 1000 : at };
      if (wants.topology) siblings = parseSiblings(sections.topology ?? '');
      if (wants.speeds) speeds = { at: started, value: parseLinkSpeeds(sections.speed ?? '', netText) };
      if (wants.disks) disks = { at: started, value: parseDf(sections.df ?? '', sections.mounts ?? '') };
      const loadAverage = parseLoadavg(sections.loadavg ?? '');
      const raw: CpuRaw = {
        load: { cpus: cpuLoads(before, cpus) },
        mem,
        fsSize: disks?.value ?? [],
        netDev: { previous: previousNet, current },
        linkSpeedMbps: speeds?.value ?? {},
        siblings: siblings ?? {},
        ...(loadAverage ? { loadAverage } : {}),
      };
      previous = { cpus, at };
      previousNet = current;
      return raw;
    } catch (error) {
      if (error instanceof CpuParseError) throw new ProbeError('down', `${host.name}: ${error.message}`);
      throw error;
    }
  };
}

/**
 * The reader for a probe's host: this machine's own reader when the host is reached directly
 * (systeminformation), the /proc script through the host otherwise. Undefined host: the host
 * cannot run commands (neither local nor ssh under the active profile).
 */
export function cpuReaderFor(host: Host | undefined, hostName: string, config: CpuConfig): CpuReader {
  if (!host) {
    return () =>
      Promise.reject(new ProbeError('off', `host "${hostName}" cannot be reached: it has neither ssh: nor local: true under this profile`));
  }
  return host.kind === 'local' ? localCpuReader(config) : remoteCpuReader(host, config);
}
