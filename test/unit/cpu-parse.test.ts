import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuParseError, type CpuRaw, parseCpu, parseNetDev } from '../../src/probes/cpu/parse.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/cpu/${name}`, import.meta.url), 'utf8')) as CpuRaw;

const HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

function netDev(rows: Record<string, [number, number]>): string {
  return `${
    HEADER +
    Object.entries(rows)
      .map(([iface, [rx, tx]]) => `${iface.padStart(6)}: ${rx} 100 0 0 0 0 0 0 ${tx} 90 0 0 0 0 0 0`)
      .join('\n')
  }\n`;
}

/** A minimal valid sample; tests override what they look at. */
function raw(overrides: Partial<CpuRaw> = {}): CpuRaw {
  return {
    load: { cpus: [{ load: 10 }, { load: 30 }] },
    mem: { total: 8 * 1024 ** 3, available: 6 * 1024 ** 3 },
    fsSize: [],
    netDev: { previous: null, current: { text: netDev({ lo: [0, 0] }), atMs: 0 } },
    linkSpeedMbps: {},
    siblings: {},
    ...overrides,
  };
}

describe('parseNetDev', () => {
  it('reads receive bytes (field 1) and transmit bytes (field 9) per interface, skipping the two header lines', () => {
    const text =
      `${HEADER}    lo:   93039     525    0    0    0     0          0         0    93039     525    0    0    0     0       0          0\n` +
      '  eth0: 276827054   10262    0    0    0     0          0        12   710780    6563    0    0    0     0       0          0\n';
    expect([...parseNetDev(text)]).toEqual([
      ['lo', { rx: 93039, tx: 93039 }],
      ['eth0', { rx: 276827054, tx: 710780 }],
    ]);
  });

  it('reads names longer than the 6-column field and counters glued to the colon (old kernels)', () => {
    const text =
      `${HEADER}br-3c1f0a9e5d72: 41214942418 64398348 0 0 0 0 0 0 96561105129 150876727 0 0 0 0 0 0\n` +
      '  eth1:1234567890 100 0 0 0 0 0 0 987654321 90 0 0 0 0 0 0\n';
    const parsed = parseNetDev(text);
    expect(parsed.get('br-3c1f0a9e5d72')).toEqual({ rx: 41214942418, tx: 96561105129 });
    expect(parsed.get('eth1')).toEqual({ rx: 1234567890, tx: 987654321 });
  });

  it('skips lines too short to hold the transmit counters', () => {
    expect(parseNetDev(`${HEADER}  eth0: 1 2 3\n  eth1: 10 0 0 0 0 0 0 0 20 0 0 0 0 0 0 0\n`)).toEqual(
      new Map([['eth1', { rx: 10, tx: 20 }]]),
    );
  });

  it('reads nothing from empty or unrelated text', () => {
    expect(parseNetDev('').size).toBe(0);
    expect(parseNetDev('cat: /proc/net/dev: No such file or directory\n').size).toBe(0);
  });
});

describe('network rates', () => {
  const sample = (
    previous: Record<string, [number, number]> | null,
    current: Record<string, [number, number]>,
    seconds = 2,
    speeds: CpuRaw['linkSpeedMbps'] = {},
  ) =>
    raw({
      netDev: {
        previous: previous ? { text: netDev(previous), atMs: 1_000_000 } : null,
        current: { text: netDev(current), atMs: 1_000_000 + seconds * 1000 },
      },
      linkSpeedMbps: speeds,
    });

  it('turns two counter readings into bytes per second in each direction, leaving out loopback', () => {
    const reading = parseCpu(
      sample({ lo: [0, 0], eth0: [1_000_000, 500_000] }, { lo: [9e9, 9e9], eth0: [3_000_000, 600_000] }, 2, { eth0: 10000 }),
    );
    expect(reading.network).toEqual([{ iface: 'eth0', rxBytesPerSec: 1_000_000, txBytesPerSec: 50_000, speedBitsPerSec: 10e9 }]);
  });

  it('has no rate on the first reading (no previous sample)', () => {
    const reading = parseCpu(sample(null, { eth0: [3_000_000, 600_000] }));
    expect(reading.network).toEqual([{ iface: 'eth0', rxBytesPerSec: null, txBytesPerSec: null, speedBitsPerSec: null }]);
  });

  it('has no rate when a counter went backwards (interface re-created), rather than a negative or huge one', () => {
    const reading = parseCpu(sample({ veth1: [5_000_000, 100] }, { veth1: [2_000, 300] }));
    expect(reading.network[0]).toMatchObject({ iface: 'veth1', rxBytesPerSec: null, txBytesPerSec: 100 });
  });

  it('has no rate for an interface that appeared since the previous reading', () => {
    const reading = parseCpu(sample({ eth0: [0, 0] }, { eth0: [2000, 2000], veth9: [500, 500] }));
    expect(reading.network.find((n) => n.iface === 'veth9')).toMatchObject({ rxBytesPerSec: null, txBytesPerSec: null });
  });

  it('has no rate when the two readings carry the same time', () => {
    const reading = parseCpu(sample({ eth0: [0, 0] }, { eth0: [2000, 2000] }, 0));
    expect(reading.network[0]).toMatchObject({ rxBytesPerSec: null, txBytesPerSec: null });
  });

  it('counts an unknown link speed (-1 from the kernel, or none) as no speed', () => {
    const reading = parseCpu(
      sample({ eth0: [0, 0], docker0: [0, 0] }, { eth0: [10, 10], docker0: [10, 10] }, 2, { eth0: -1, docker0: null }),
    );
    expect(reading.network.map((n) => n.speedBitsPerSec)).toEqual([null, null]);
  });
});

describe('parseCpu', () => {
  it('clamps per-thread load to 0–100 % and reads a missing value as idle', () => {
    const reading = parseCpu(raw({ load: { cpus: [{ load: 100.4 }, { load: -0.1 }, { load: Number.NaN }, { load: 42.5 }] } }));
    expect(reading.threads).toEqual([
      { id: 0, loadPercent: 100 },
      { id: 1, loadPercent: 0 },
      { id: 2, loadPercent: 0 },
      { id: 3, loadPercent: 42.5 },
    ]);
  });

  it('derives used memory from total and available', () => {
    const reading = parseCpu(raw({ mem: { total: 16e9, available: 4e9 } }));
    expect(reading.memory).toEqual({ totalBytes: 16e9, availableBytes: 4e9, usedBytes: 12e9 });
  });

  it('leaves out filesystems with no size (pseudo filesystems) and keeps device and type', () => {
    const reading = parseCpu(
      raw({
        fsSize: [
          { fs: '/dev/vda1', type: 'ext4', size: 100, used: 40, available: 55, mount: '/' },
          { fs: 'none', type: 'overlay', size: 0, used: 0, available: 0, mount: '/mnt/wslg/doc' },
        ],
      }),
    );
    expect(reading.filesystems).toEqual([
      { mount: '/', device: '/dev/vda1', fsType: 'ext4', sizeBytes: 100, usedBytes: 40, availableBytes: 55 },
    ]);
  });

  it('fails on a sample without per-CPU load', () => {
    expect(() => parseCpu(raw({ load: { cpus: [] } }))).toThrow(CpuParseError);
    expect(() => parseCpu(raw({ load: {} as CpuRaw['load'] }))).toThrow(/no per-CPU load/);
  });

  it('fails on a sample without usable memory totals', () => {
    expect(() => parseCpu(raw({ mem: { total: 0, available: 0 } }))).toThrow(/no memory totals/);
    expect(() => parseCpu(raw({ mem: { total: Number.NaN, available: 1 } }))).toThrow(CpuParseError);
    expect(() => parseCpu(raw({ mem: {} as CpuRaw['mem'] }))).toThrow(CpuParseError);
  });

  it('has no load average when the sample carries none', () => {
    expect(parseCpu(raw()).loadAverage).toBeNull();
    expect(parseCpu(raw({ loadAverage: [1, 2, 3] })).loadAverage).toEqual([1, 2, 3]);
  });
});

describe('recorded samples', () => {
  it('7950X busy: 32 threads on 16 cores, siblings N and N+16, 64 GB, eth0 on a 10 Gbit/s link', () => {
    const reading = parseCpu(fixture('7950x-busy.json'));
    expect(reading.threads).toHaveLength(32);
    expect(reading.cores).toHaveLength(16);
    expect(reading.cores[0]?.threads).toEqual([0, 16]);
    expect(reading.cores[9]?.threads).toEqual([9, 25]);
    expect(reading.memory.totalBytes / 1e9).toBeCloseTo(67.2, 1);
    const eth0 = reading.network.find((n) => n.iface === 'eth0');
    expect(eth0?.speedBitsPerSec).toBe(10e9);
    // A backup and a download: hundreds of MB/s, well inside 10 Gbit/s.
    expect(eth0?.rxBytesPerSec).toBeGreaterThan(100e6);
    expect(eth0?.txBytesPerSec).toBeGreaterThan(50e6);
    expect(reading.network.map((n) => n.iface)).not.toContain('lo');
    expect(reading.network.find((n) => n.iface === 'docker0')?.speedBitsPerSec).toBeNull();
    expect(reading.filesystems.map((f) => `${f.mount} ${f.fsType}`)).toEqual(expect.arrayContaining(['/ ext4', '/mnt/c 9p']));
    expect(reading.loadAverage).toHaveLength(3);
  });

  it('7950X idle: every thread almost idle, every rate known', () => {
    const reading = parseCpu(fixture('7950x-idle.json'));
    expect(Math.max(...reading.threads.map((t) => t.loadPercent))).toBeLessThan(10);
    expect(reading.network.every((n) => n.rxBytesPerSec !== null && n.txBytesPerSec !== null)).toBe(true);
  });

  it('2-core box: two threads, each its own core, link speed unknown', () => {
    const reading = parseCpu(fixture('2core.json'));
    expect(reading.cores).toEqual([
      { core: 0, threads: [0] },
      { core: 1, threads: [1] },
    ]);
    expect(reading.network).toEqual([expect.objectContaining({ iface: 'eth0', speedBitsPerSec: null })]);
    expect(reading.network[0]?.rxBytesPerSec).toBeGreaterThan(0);
  });
});
