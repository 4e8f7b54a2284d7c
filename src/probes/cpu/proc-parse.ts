// Pure parsers for the kernel's files as the remote CPU script prints them (proc-script.ts):
// /proc/stat, /proc/meminfo, /proc/loadavg, /proc/uptime, /proc/net/dev, /sys link speeds and
// thread siblings, `df -kP` and /proc/mounts. They fill the same CpuRaw the local reader fills.
import { CpuParseError, type CpuRaw, parseNetDev } from './parse.js';
import { SECTION_PREFIX, type SectionName } from './proc-script.js';

export type ProcSections = Partial<Record<SectionName, string>>;

/** Splits the script's output at its `@@homeops:NAME` lines. Text before the first marker is dropped. */
export function splitSections(text: string): ProcSections {
  const sections: ProcSections = {};
  let current: SectionName | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current) sections[current] = lines.length ? `${lines.join('\n')}\n` : '';
  };
  for (const line of text.split('\n')) {
    if (line.startsWith(SECTION_PREFIX)) {
      flush();
      current = line.slice(SECTION_PREFIX.length).trim() as SectionName;
      lines = [];
    } else if (current) lines.push(line);
  }
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  flush();
  return sections;
}

/** Jiffies one logical CPU has spent busy, and in all, since boot. */
export type CpuTimes = { id: number; busy: number; total: number };

/**
 * The `cpuN` lines of /proc/stat, in CPU id order. Busy is user, nice, system, irq, softirq and
 * steal; iowait counts as idle (the CPU could run something else); guest time is already
 * inside user and is not counted twice. Older kernels print fewer columns.
 */
export function parseProcStat(text: string): CpuTimes[] {
  const cpus: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const f = (match[2] ?? '').trim().split(/\s+/).map(Number);
    if (f.length < 4 || f.some((n) => !Number.isFinite(n))) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    cpus.push({ id: Number(match[1]), busy, total: busy + idle + iowait });
  }
  if (cpus.length === 0) throw new CpuParseError('no cpuN lines in /proc/stat');
  return cpus.sort((a, b) => a.id - b.id);
}

/**
 * Load per logical CPU, in percent, between two /proc/stat samples. A CPU without a usable
 * earlier sample (the first reading, a CPU brought online, counters that went back after a
 * reboot) gets its load since boot, as systeminformation's first answer does.
 */
export function cpuLoads(before: readonly CpuTimes[] | null, after: readonly CpuTimes[]): { load: number }[] {
  const earlier = new Map((before ?? []).map((cpu) => [cpu.id, cpu]));
  return after.map((cpu) => {
    const old = earlier.get(cpu.id);
    const usable = old && cpu.total > old.total && cpu.busy >= old.busy;
    const busy = usable ? cpu.busy - old.busy : cpu.busy;
    const total = usable ? cpu.total - old.total : cpu.total;
    return { load: total > 0 ? Math.min(100, Math.max(0, (busy / total) * 100)) : 0 };
  });
}

/** MemTotal and MemAvailable in bytes; kernels before 3.14 lack MemAvailable: free + buffers + cached. */
export function parseMeminfo(text: string): CpuRaw['mem'] {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match) kb.set(match[1] ?? '', Number(match[2]));
  }
  const total = kb.get('MemTotal');
  if (total === undefined) throw new CpuParseError('no MemTotal in /proc/meminfo');
  const available = kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  return { total: total * 1024, available: available * 1024 };
}

/** The 1, 5 and 15 minute load averages; undefined when the text is not /proc/loadavg. */
export function parseLoadavg(text: string): [number, number, number] | undefined {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  return a !== undefined && b !== undefined && c !== undefined && [a, b, c].every(Number.isFinite) ? [a, b, c] : undefined;
}

/** Seconds since boot, from /proc/uptime. */
export function parseUptime(text: string): number | undefined {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  return text.trim() !== '' && Number.isFinite(seconds) ? seconds : undefined;
}

/**
 * "IFACE SPEED" lines: Mbit/s, or nothing for an interface without one (virtual, down). Kept
 * as the local reader keeps them: only interfaces /proc/net/dev lists, without lo, and a
 * value of 0 or nothing as null.
 */
export function parseLinkSpeeds(text: string, netDev: string): Record<string, number | null> {
  const listed = parseNetDev(netDev);
  const speeds: Record<string, number | null> = {};
  for (const line of text.split('\n')) {
    const [iface, value = ''] = line.trim().split(/\s+/);
    if (!iface || iface === 'lo' || !listed.has(iface)) continue;
    speeds[iface] = Number(value) || null;
  }
  return speeds;
}

/** "CPU LIST" lines: thread_siblings_list per logical CPU id. */
export function parseSiblings(text: string): Record<string, string> {
  const siblings: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(\S+)\s*$/.exec(line);
    if (match) siblings[match[1] ?? ''] = match[2] ?? '';
  }
  return siblings;
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (\040). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Filesystem type per mount point; where mounts are stacked, the last (visible) one wins. */
export function parseMounts(text: string): Map<string, { device: string; type: string }> {
  const mounts = new Map<string, { device: string; type: string }>();
  for (const line of text.split('\n')) {
    const [device, mount, type] = line.split(' ');
    if (!device || !mount || !type) continue;
    mounts.set(unescapeMount(mount), { device: unescapeMount(device), type });
  }
  return mounts;
}

// Pseudo filesystems that systeminformation leaves out when their device is not a path.
const PSEUDO = [
  'rootfs',
  'unionfs',
  'squashfs',
  'cramfs',
  'initrd',
  'initramfs',
  'devtmpfs',
  'tmpfs',
  'udev',
  'devfs',
  'specfs',
  'type',
  'appimaged',
];

function keptLikeLocal(device: string, type: string, mount: string): boolean {
  return (
    device.startsWith('/') ||
    mount === '/' ||
    device.indexOf('/') > 0 ||
    device.indexOf(':') === 1 ||
    !PSEUDO.some((pseudo) => type.toLowerCase().includes(pseudo))
  );
}

const DF_ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(.+)$/;

/**
 * `df -kP` rows (1 KiB blocks) with their types from /proc/mounts. The device and the mount
 * may contain spaces: the numeric columns between them anchor the row. A device name too long
 * for its column puts the numbers on the next line in some df builds; the two are joined.
 */
export function parseDf(df: string, mountsText: string): CpuRaw['fsSize'] {
  const mounts = parseMounts(mountsText);
  const rows: CpuRaw['fsSize'] = [];
  const lines = df.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trimEnd();
    if (line === '' || /^Filesystem\s/.test(line)) continue;
    let match = DF_ROW.exec(line.trim());
    const next = lines[i + 1];
    if (!match && next !== undefined && /^\s+\d/.test(next)) {
      line = `${line.trim()} ${next.trim()}`;
      match = DF_ROW.exec(line);
      i++;
    }
    if (!match) continue;
    const [, device = '', blocks, used, available, mount = ''] = match;
    const type = mounts.get(mount)?.type ?? '';
    if (!keptLikeLocal(device, type, mount)) continue;
    if (rows.some((row) => row.fs === device && row.type === type && row.mount === mount)) continue;
    rows.push({ fs: device, type, size: Number(blocks) * 1024, used: Number(used) * 1024, available: Number(available) * 1024, mount });
  }
  return rows;
}
