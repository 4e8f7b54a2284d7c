import { describe, expect, it } from 'vitest';
import { parseCpuList, physicalCores } from '../../src/plan/topology.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('parseCpuList', () => {
  it('reads single CPUs, ranges and mixtures as the kernel writes them', () => {
    expect(parseCpuList('3')).toEqual([3]);
    expect(parseCpuList('0,16')).toEqual([0, 16]);
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
  });

  it('accepts the trailing newline and surrounding spaces of a sysfs file', () => {
    expect(parseCpuList('0,16\n')).toEqual([0, 16]);
    expect(parseCpuList(' 4-5 ')).toEqual([4, 5]);
  });

  it('reads an empty list as no CPUs', () => {
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('\n')).toEqual([]);
  });

  it.each(['abc', '0-', '-3', '1-2-3', '0;1', '0,,x', '1.5', '3-1'])('rejects the malformed list %j', (list) => {
    expect(() => parseCpuList(list)).toThrow(/not a CPU list/);
  });
});

describe('physicalCores', () => {
  it('pairs the threads of a 7950X whose siblings are N and N+16 (core 0 = threads 0 and 16)', () => {
    const siblings = Object.fromEntries(range(0, 31).map((t) => [String(t), `${t % 16},${(t % 16) + 16}`]));
    const cores = physicalCores(range(0, 31), siblings);
    expect(cores).toHaveLength(16);
    expect(cores[0]).toEqual({ core: 0, threads: [0, 16] });
    expect(cores[6]).toEqual({ core: 6, threads: [6, 22] });
    expect(cores[15]).toEqual({ core: 15, threads: [15, 31] });
    // Every thread belongs to exactly one core.
    expect(cores.flatMap((c) => c.threads).sort((a, b) => a - b)).toEqual(range(0, 31));
  });

  it('pairs adjacent threads when siblings are written as ranges ("0-1", as Hyper-V guests show them)', () => {
    const siblings = Object.fromEntries(range(0, 7).map((t) => [String(t), `${t - (t % 2)}-${t - (t % 2) + 1}`]));
    expect(physicalCores(range(0, 7), siblings)).toEqual([
      { core: 0, threads: [0, 1] },
      { core: 1, threads: [2, 3] },
      { core: 2, threads: [4, 5] },
      { core: 3, threads: [6, 7] },
    ]);
  });

  it('counts every CPU as its own core when there is no topology information', () => {
    expect(physicalCores([0, 1, 2], {})).toEqual([
      { core: 0, threads: [0] },
      { core: 1, threads: [1] },
      { core: 2, threads: [2] },
    ]);
  });

  it('treats an unreadable sibling list as a core of its own instead of failing', () => {
    expect(physicalCores([0, 1], { 0: 'garbage', 1: '1' })).toEqual([
      { core: 0, threads: [0] },
      { core: 1, threads: [1] },
    ]);
  });

  it('numbers cores by their lowest thread, whatever order the threads come in', () => {
    const siblings = { 0: '0,2', 1: '1,3', 2: '0,2', 3: '1,3' };
    expect(physicalCores([3, 2, 1, 0], siblings)).toEqual([
      { core: 0, threads: [0, 2] },
      { core: 1, threads: [1, 3] },
    ]);
  });

  it('leaves out sibling threads that are offline (not among the measured threads)', () => {
    // Thread 17 is offline: core 1 has one thread left.
    expect(physicalCores([0, 1, 16], { 0: '0,16', 1: '1,17', 16: '0,16' })).toEqual([
      { core: 0, threads: [0, 16] },
      { core: 1, threads: [1] },
    ]);
  });
});
