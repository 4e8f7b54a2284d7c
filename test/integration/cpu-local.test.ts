// The local CPU reader on this machine: per-CPU load and memory from /proc, as the kernel says.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { probesSchema } from '../../src/config/schema.js';
import { localCpuReader } from '../../src/probes/cpu/probe.js';

describe.runIf(process.platform === 'linux')('the local CPU reader', () => {
  it('reads every logical CPU, a load between 0 and 100 %, and the memory /proc/meminfo reports', async () => {
    const read = localCpuReader(probesSchema.parse({}).cpu);
    const signal = new AbortController().signal;
    const first = await read(signal);
    const second = await read(signal);
    for (const raw of [first, second]) {
      expect(raw.load.cpus).toHaveLength(availableParallelism());
      for (const cpu of raw.load.cpus) {
        expect(cpu.load).toBeGreaterThanOrEqual(0);
        expect(cpu.load).toBeLessThanOrEqual(100);
      }
    }
    const total = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    expect(second.mem.total).toBe(total);
    expect(second.mem.available).toBeGreaterThan(0);
    expect(second.mem.available).toBeLessThanOrEqual(total);
    expect(Object.keys(second.siblings).length).toBeGreaterThan(0);
  });

  it('shows a thread kept busy between two readings as load', async () => {
    const read = localCpuReader(probesSchema.parse({}).cpu);
    const signal = new AbortController().signal;
    await read(signal);
    const until = Date.now() + 600;
    while (Date.now() < until) Math.sqrt(Math.random());
    const raw = await read(signal);
    // One thread of this process was busy for the whole interval.
    const sum = raw.load.cpus.reduce((s, c) => s + c.load, 0);
    expect(sum).toBeGreaterThan(50);
  });
});
