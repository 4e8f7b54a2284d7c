// The remote CPU reading's parsers on recorded script output (fixtures/proc/), and the reader's
// bookkeeping (what each tick asks for, per-core load from two samples) on a replaying host.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probesSchema } from '../../src/config/schema.js';
import type { Command, ExecOptions, ExecResult } from '../../src/hosts/host.js';
import { parseCpu } from '../../src/probes/cpu/parse.js';
import {
  cpuLoads,
  parseDf,
  parseLinkSpeeds,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseProcStat,
  parseSiblings,
  parseUptime,
  splitSections,
} from '../../src/probes/cpu/proc-parse.js';
import { procScript } from '../../src/probes/cpu/proc-script.js';
import { remoteCpuReader } from '../../src/probes/cpu/remote.js';
import { selectHost } from '../../src/probes/cpu/select.js';
import { ProbeError } from '../../src/probes/probe.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/proc/${name}`, import.meta.url), 'utf8');
const ryzen = splitSections(fixture('ryzen-16c32t-first.txt'));
const vm = splitSections(fixture('vm-2cpu-first.txt'));
const config = probesSchema.parse({}).cpu;
const never = new AbortController().signal;

describe('splitSections', () => {
  it('cuts the output at its markers, every section the script printed', () => {
    expect(Object.keys(vm)).toEqual([
      'stat0',
      'stat',
      'meminfo',
      'loadavg',
      'uptime',
      'netdev',
      'speed',
      'topology',
      'df',
      'mounts',
      'end',
    ]);
    expect(Object.keys(splitSections(fixture('vm-2cpu-tick.txt')))).toEqual(['stat', 'meminfo', 'loadavg', 'uptime', 'netdev', 'end']);
    expect(vm.loadavg).toMatch(/^\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+\n$/);
  });

  it('drops text before the first marker (a login banner) and keeps an empty section', () => {
    expect(splitSections('Welcome\n@@homeops:speed\n@@homeops:end\n')).toEqual({ speed: '', end: '' });
  });
});

describe('parseProcStat and cpuLoads', () => {
  it('reads one entry per cpuN line, in id order, without the aggregate line', () => {
    const cpus = parseProcStat(ryzen.stat ?? '');
    expect(cpus).toHaveLength(32);
    expect(cpus.map((c) => c.id)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(parseProcStat(vm.stat ?? '')).toHaveLength(2);
  });

  it('gives per-CPU load between two samples: iowait is idle, steal is busy, guest is not counted twice', () => {
    const loads = cpuLoads(parseProcStat(ryzen.stat0 ?? ''), parseProcStat(ryzen.stat ?? '')).map((c) => Math.round(c.load * 100) / 100);
    expect(loads[0]).toBe(100);
    expect(loads[16]).toBe(100);
    expect(loads[1]).toBe(50);
    expect(loads[17]).toBe(50);
    expect(loads[2]).toBe(10);
    expect(loads[31]).toBe(0);
    expect(loads.filter((l) => l === 10)).toHaveLength(27);
  });

  it('falls back to the load since boot without an earlier sample, or after counters went back (a reboot)', () => {
    const after = [
      { id: 0, busy: 250, total: 1000 },
      { id: 1, busy: 600, total: 2000 },
    ];
    expect(cpuLoads(null, after)).toEqual([{ load: 25 }, { load: 30 }]);
    expect(
      cpuLoads(
        [
          { id: 0, busy: 900, total: 9000 },
          { id: 1, busy: 500, total: 1000 },
        ],
        after,
      ),
    ).toEqual([{ load: 25 }, { load: 10 }]);
  });

  it('reads the four-column lines of old kernels and refuses text without CPUs', () => {
    expect(parseProcStat('cpu  10 0 10 80\ncpu0 10 0 10 80\n')).toEqual([{ id: 0, busy: 20, total: 100 }]);
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no cpuN lines/);
  });
});

describe('parseMeminfo', () => {
  it('reads MemTotal and MemAvailable in bytes', () => {
    expect(parseMeminfo(ryzen.meminfo ?? '')).toEqual({ total: 65781432 * 1024, available: 48213576 * 1024 });
  });

  it('adds free, buffers and cached on kernels without MemAvailable', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 20 kB\nCached: 300 kB\n')).toEqual({
      total: 1024000,
      available: 420 * 1024,
    });
  });

  it('refuses text without MemTotal', () => {
    expect(() => parseMeminfo('MemFree: 1 kB\n')).toThrow(/no MemTotal/);
  });
});

describe('small files', () => {
  it('reads /proc/loadavg and /proc/uptime', () => {
    expect(parseLoadavg(ryzen.loadavg ?? '')).toEqual([6.12, 5.8, 5.41]);
    expect(parseLoadavg('')).toBeUndefined();
    expect(parseUptime(ryzen.uptime ?? '')).toBe(86400.25);
    expect(parseUptime('')).toBeUndefined();
  });

  it('reads link speeds of the interfaces /proc/net/dev lists, as the local reader keeps them', () => {
    expect(parseLinkSpeeds(ryzen.speed ?? '', ryzen.netdev ?? '')).toEqual({
      'br-3c1f0a9e5d72': null,
      docker0: null,
      eth0: 10000,
      veth1a2b3c4: 10000,
    });
    expect(parseLinkSpeeds(vm.speed ?? '', vm.netdev ?? '')).toEqual({ eth0: -1, ifb0: null, ifb1: null });
    // A file in /sys/class/net (bonding_masters) is not an interface.
    expect(parseLinkSpeeds('bonding_masters \neth0 1000\n', vm.netdev ?? '')).toEqual({ eth0: 1000 });
  });

  it('reads thread siblings per CPU', () => {
    const siblings = parseSiblings(ryzen.topology ?? '');
    expect(Object.keys(siblings)).toHaveLength(32);
    expect(siblings['0']).toBe('0,16');
    expect(siblings['16']).toBe('0,16');
    expect(siblings['31']).toBe('15,31');
  });
});

describe('parseDf and parseMounts', () => {
  it('unescapes /proc/mounts and keeps the last of stacked mounts', () => {
    const mounts = parseMounts(ryzen.mounts ?? '');
    expect(mounts.get('/mnt/my disk')).toEqual({ device: '/dev/sdd', type: 'ext4' });
    expect(mounts.get('/mnt/c')).toEqual({ device: 'C:\\', type: '9p' });
    expect(parseMounts('a /x ext4 rw 0 0\nb /x nfs4 rw 0 0\n').get('/x')).toEqual({ device: 'b', type: 'nfs4' });
  });

  it('reads df rows with their types: long devices on two lines, spaces in mount points', () => {
    const rows = parseDf(ryzen.df ?? '', ryzen.mounts ?? '');
    expect(rows.map((r) => [r.mount, r.type])).toEqual([
      ['/', 'ext4'],
      ['/mnt/c', '9p'],
      ['/srv/backups', 'xfs'],
      ['/mnt/my disk', 'ext4'],
      ['/var/lib/docker/overlay2/1f2e3d/merged', 'overlay'],
      ['/var/lib/docker', 'ext4'],
    ]);
    expect(rows.find((r) => r.mount === '/srv/backups')).toEqual({
      fs: '/dev/mapper/vg_data-lv_backups_with_a_long_name',
      type: 'xfs',
      size: 3844640564 * 1024,
      used: 2567890123 * 1024,
      available: 1276750441 * 1024,
      mount: '/srv/backups',
    });
  });

  it("reads this machine's recorded df (GNU coreutils)", () => {
    const rows = parseDf(vm.df ?? '', vm.mounts ?? '');
    expect(rows.find((r) => r.mount === '/')).toMatchObject({ fs: '/dev/vda', type: 'ext4' });
    expect(rows.some((r) => r.type === 'tmpfs')).toBe(false);
  });

  it('reads busybox df, whose header differs', () => {
    const df =
      'Filesystem           1K-blocks      Used Available Use% Mounted on\n/dev/md0               2385528   1417580    849164  63% /\n/dev/mapper/cachedev_0\n                     7742466048 4132124280 3610341768  53% /volume1\n';
    const rows = parseDf(df, '/dev/md0 / ext4 rw 0 0\n/dev/mapper/cachedev_0 /volume1 btrfs rw 0 0\n');
    expect(rows.map((r) => [r.fs, r.type, r.mount, r.size])).toEqual([
      ['/dev/md0', 'ext4', '/', 2385528 * 1024],
      ['/dev/mapper/cachedev_0', 'btrfs', '/volume1', 7742466048 * 1024],
    ]);
  });
});

describe('the parsed sections through parseCpu and selectHost', () => {
  it('makes a 16-core, 32-thread reading the plan logic understands', () => {
    const raw = {
      load: { cpus: cpuLoads(parseProcStat(ryzen.stat0 ?? ''), parseProcStat(ryzen.stat ?? '')) },
      mem: parseMeminfo(ryzen.meminfo ?? ''),
      fsSize: parseDf(ryzen.df ?? '', ryzen.mounts ?? ''),
      netDev: { previous: null, current: { text: ryzen.netdev ?? '', atMs: 0 } },
      linkSpeedMbps: parseLinkSpeeds(ryzen.speed ?? '', ryzen.netdev ?? ''),
      siblings: parseSiblings(ryzen.topology ?? ''),
    };
    const host = selectHost(parseCpu(raw), config);
    expect(host.threads).toHaveLength(32);
    expect(host.cores).toHaveLength(16);
    expect(host.cores[0]).toEqual({ core: 0, threads: [0, 16] });
    expect(host.cores[15]).toEqual({ core: 15, threads: [15, 31] });
    // overlay is ignored; /var/lib/docker is the same disk as / and folds into it.
    expect(host.filesystems.map((f) => f.mount)).toEqual(['/', '/mnt/c', '/srv/backups', '/mnt/my disk']);
    expect(host.network.map((n) => n.iface)).toEqual(['eth0']);
  });
});

/** A host that answers every script with the next recorded output and remembers the scripts. */
function replayHost(outputs: string[]) {
  const scripts: string[] = [];
  return {
    scripts,
    host: {
      name: 'ws',
      async run(command: Command, _options: ExecOptions): Promise<ExecResult> {
        scripts.push('shell' in command ? command.shell : command.argv.join(' '));
        const stdout = outputs.shift();
        if (stdout === undefined) throw new Error('no more recorded outputs');
        return { stdout, stderr: '', code: 0, signal: null };
      },
    },
  };
}

describe('remoteCpuReader on a replaying host', () => {
  it('asks for two samples and the slow-changing files first, then only the per-tick files', async () => {
    const { host, scripts } = replayHost([fixture('vm-2cpu-first.txt'), fixture('vm-2cpu-tick.txt')]);
    let clock = 1_000_000;
    const read = remoteCpuReader(host, config, () => clock);
    const first = await read(never);
    clock += 2000;
    const second = await read(never);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toBe(procScript({ twoSamples: true, topology: true, speeds: true, disks: true }));
    expect(scripts[1]).toBe(procScript({ twoSamples: false, topology: false, speeds: false, disks: false }));
    expect(first.load.cpus).toHaveLength(2);
    expect(first.netDev.previous).toBeNull();
    // The second reading compares with the first: network rates over the host's own clock.
    expect(second.netDev.previous).toEqual(first.netDev.current);
    expect(second.netDev.current.atMs - first.netDev.current.atMs).toBeGreaterThan(0);
    // Slow-changing parts are carried over from the first reading.
    expect(second.siblings).toEqual(first.siblings);
    expect(second.fsSize).toEqual(first.fsSize);
    expect(parseCpu(second).cores).toHaveLength(2);
  });

  it('takes two samples again after a gap in readings, and reads topology again after a failure', async () => {
    const { host, scripts } = replayHost([fixture('vm-2cpu-first.txt'), 'garbage', fixture('vm-2cpu-first.txt')]);
    let clock = 0;
    const read = remoteCpuReader(host, config, () => clock);
    await read(never);
    clock += 3 * config.interval + config.timeout + 1;
    const error = await read(never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe('ws: reading /proc did not finish (exit code 0)');
    await read(never);
    expect(scripts[1]).toContain('@@homeops:stat0');
    expect(scripts[2]).toContain('@@homeops:topology');
  });

  it('says which host sent text it cannot read', async () => {
    const { host } = replayHost(['@@homeops:stat\nnothing\n@@homeops:end\n']);
    const error = await remoteCpuReader(
      host,
      config,
    )(never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as Error).message).toBe('ws: no cpuN lines in /proc/stat');
  });
});
