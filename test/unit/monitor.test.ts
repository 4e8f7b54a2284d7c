import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { exitCodeFor, STATUSES, type Status, worst } from '../../src/model/status.js';
import { Monitor, type ProbeSlot } from '../../src/monitor/monitor.js';
import { type Assessment, type Probe, ProbeError } from '../../src/probes/probe.js';

// Small fake probes: the data is whatever the reader returns; the assessment is always ok.
type Reading = { n: number };

function fakeProbe(
  id: string,
  read: (signal: AbortSignal) => Promise<Reading>,
  timing: { intervalMs?: number; timeoutMs?: number } = {},
): Probe<Reading, Reading> {
  return {
    id,
    intervalMs: timing.intervalMs ?? 20,
    timeoutMs: timing.timeoutMs ?? 200,
    read,
    parse: (raw) => ({ n: raw.n }),
    assess: (data): Assessment => ({ status: 'ok', summary: `reading ${data.n}`, alerts: [] }),
  };
}

/** Answers 1, 2, 3, … each time it is read. */
function counting(id = 'counter', timing?: { intervalMs?: number; timeoutMs?: number }) {
  let n = 0;
  return fakeProbe(id, async () => ({ n: ++n }), timing);
}

/** Never answers and ignores its abort signal (a wedged driver, a dead SSH session). */
function hung(timeoutMs: number) {
  const calls = { count: 0 };
  const probe = fakeProbe(
    'hung',
    () => {
      calls.count++;
      return new Promise<Reading>(() => {});
    },
    { intervalMs: 20, timeoutMs },
  );
  return { probe, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const monitors: Monitor[] = [];
function monitor(slots: ProbeSlot[], refreshMs = 25, now?: () => number): Monitor {
  const m = new Monitor(slots, { host: 'test', refreshMs, ...(now ? { now } : {}) });
  monitors.push(m);
  return m;
}

afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
});

const dataOf = (snapshot: Snapshot, id: 'cpu' | 'gpu') => snapshot.panes[id].data as Reading | null;

describe('a probe that never answers', () => {
  it("delays neither the other pane's readings nor the snapshots, and is not read again while it hangs", async () => {
    const { probe: dead, calls } = hung(40);
    const m = monitor([
      { id: 'cpu', probe: counting('cpu') },
      { id: 'gpu', probe: dead },
    ]);
    const published: { at: number; snapshot: Snapshot }[] = [];
    m.subscribe((snapshot) => published.push({ at: Date.now(), snapshot }));
    m.start();

    await waitFor(() => published.some((p) => p.snapshot.panes.gpu.status === 'down'), 'the hung pane to be down');
    const downAt = published.length;
    await sleep(300);
    const after = published.slice(downAt);

    // Snapshots keep coming on each tick (25 ms) while the dead probe hangs.
    expect(after.length).toBeGreaterThanOrEqual(5);
    const gaps = after.slice(1).map((p, i) => p.at - (after[i]?.at ?? 0));
    expect(Math.max(...gaps)).toBeLessThan(200);

    // The other pane's data keeps moving, and is fresh in every snapshot.
    const counts = after.map((p) => dataOf(p.snapshot, 'cpu')?.n ?? 0);
    expect(counts.at(-1)).toBeGreaterThan(counts[0] ?? Infinity);
    for (const { snapshot } of after) {
      expect(snapshot.panes.cpu.status).toBe('ok');
      expect(snapshot.panes.cpu.ageMs).toBeLessThan(200);
    }

    // The hung pane says so; the hung read was started once, never on top of itself.
    const last = after.at(-1)?.snapshot;
    expect(last?.panes.gpu.status).toBe('down');
    expect(last?.panes.gpu.summary).toMatch(/^no answer within 40ms$/);
    expect(last?.panes.gpu.data).toBeNull();
    expect(calls.count).toBe(1);
    expect(last?.status).toBe('down');
  });

  it('shows the last good data as stale once a later read stops answering', async () => {
    let reads = 0;
    const probe = fakeProbe(
      'flaky',
      (signal) => {
        reads++;
        if (reads === 1) return Promise.resolve({ n: 7 });
        return new Promise<Reading>(() => {
          void signal;
        });
      },
      { intervalMs: 20, timeoutMs: 40 },
    );
    const m = monitor([{ id: 'cpu', probe }]);
    m.start();
    await waitFor(() => m.publish().panes.cpu.error !== undefined, 'the second read to time out');
    await sleep(60); // well past the timeout: the reader is still hanging
    const entry = m.publish().panes.cpu;
    expect(entry.status).toBe('stale');
    expect(entry.data).toEqual({ n: 7 });
    expect(entry.summary).toMatch(/^no answer within 40ms \(showing data from .+ ago\)$/);
    expect(entry.error).toMatch(/^still waiting for an answer since /);
    expect(reads).toBe(2);
  });

  it("aborts the reader's signal when the timeout passes, so a reader that listens is tried again", async () => {
    const signals: AbortSignal[] = [];
    const probe = fakeProbe(
      'abortable',
      (signal) => {
        signals.push(signal);
        return new Promise<Reading>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      },
      { intervalMs: 20, timeoutMs: 30 },
    );
    const m = monitor([{ id: 'cpu', probe }]);
    m.start();
    await waitFor(() => signals.length >= 3, 'the probe to be read again after its timeout');
    expect(signals[0]?.aborted).toBe(true);
    expect(m.publish().panes.cpu).toMatchObject({ status: 'down', summary: 'no answer within 30ms' });
  });
});

describe('a slow probe', () => {
  it('is never read twice at the same time, however short its interval', async () => {
    let active = 0;
    let most = 0;
    let reads = 0;
    const probe = fakeProbe(
      'slow',
      async () => {
        active++;
        reads++;
        most = Math.max(most, active);
        await sleep(50);
        active--;
        return { n: reads };
      },
      { intervalMs: 10, timeoutMs: 500 },
    );
    const m = monitor([{ id: 'cpu', probe }]);
    m.start();
    await sleep(300);
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
  });
});

describe('failures', () => {
  it('a failing probe after a good reading shows stale with the last data and the first line of its error', async () => {
    let reads = 0;
    const probe = fakeProbe('failing', async () => {
      reads++;
      if (reads === 1) return { n: 42 };
      throw new Error('ssh: connect to host 10.0.10.20 port 22: Connection refused\n    at Client.connect');
    });
    const m = monitor([{ id: 'gpu', probe }]);
    m.start();
    await waitFor(() => reads >= 3, 'a few failed reads');
    const entry = m.publish().panes.gpu;
    expect(entry.status).toBe('stale');
    expect(entry.data).toEqual({ n: 42 });
    expect(entry.error).toBe('ssh: connect to host 10.0.10.20 port 22: Connection refused');
    expect(entry.summary).toMatch(/^ssh: connect to host 10\.0\.10\.20 port 22: Connection refused \(showing data from \d+ms ago\)$/);
    expect(entry.ageMs).toBeGreaterThan(0);
  });

  it('a failing probe with no good reading yet is down', async () => {
    const probe = fakeProbe('failing', () => Promise.reject(new Error('nvidia-smi: exit code 9')));
    const snapshot = await monitor([{ id: 'gpu', probe }]).once();
    expect(snapshot.panes.gpu).toMatchObject({ status: 'down', summary: 'nvidia-smi: exit code 9', data: null, ageMs: null });
  });

  it('ProbeError("off") shows the pane as off, even after good readings', async () => {
    let reads = 0;
    const probe = fakeProbe('gpu', async () => {
      reads++;
      if (reads === 1) return { n: 1 };
      throw new ProbeError('off', 'no NVIDIA driver on this host');
    });
    const m = monitor([{ id: 'gpu', probe }]);
    expect((await m.once()).panes.gpu.status).toBe('ok');
    const entry = (await m.once()).panes.gpu;
    expect(entry).toMatchObject({ status: 'off', summary: 'no NVIDIA driver on this host', data: null });
    // Off is "not here", not a failure: the estate's status is unknown, not critical.
    expect(exitCodeFor([entry.status])).toBe(3);
  });

  it('a disabled pane is off with the reason, and its probe is never run', async () => {
    const snapshot = await monitor([
      { id: 'cpu', probe: counting('cpu') },
      { id: 'gpu', disabled: 'disabled in config' },
    ]).once();
    expect(snapshot.panes.gpu).toMatchObject({ status: 'off', summary: 'disabled in config', data: null });
    expect(snapshot.status).toBe('ok');
  });

  it('a reader that throws before returning a promise is retried on its next interval', async () => {
    let reads = 0;
    const probe: Probe<Reading, Reading> = {
      ...fakeProbe('sync', async () => ({ n: 0 })),
      read: () => {
        reads++;
        if (reads === 1) throw new Error('spawn nvidia-smi EAGAIN');
        return Promise.resolve({ n: reads });
      },
    };
    const m = monitor([{ id: 'gpu', probe }]);
    m.start();
    await waitFor(() => m.publish().panes.gpu.status === 'ok', 'a good reading after the first read threw', 1000);
    expect(reads).toBeGreaterThanOrEqual(2);
  });

  it('data that has not been refreshed for a long time is stale', async () => {
    let clock = 1_000_000;
    const m = monitor([{ id: 'cpu', probe: counting('cpu', { intervalMs: 2000, timeoutMs: 1500 }) }], 2000, () => clock);
    expect((await m.once()).panes.cpu.status).toBe('ok');
    clock += 60_000;
    const entry = m.publish().panes.cpu;
    expect(entry).toMatchObject({ status: 'stale', ageMs: 60_000, error: 'no new reading for 1m', data: { n: 1 } });
  });
});

describe('publishing', () => {
  it('shows every pane as waiting before the first reading', () => {
    const snapshot = monitor([{ id: 'cpu', probe: counting('cpu') }]).current();
    expect(snapshot.panes.cpu).toMatchObject({ status: 'stale', summary: 'waiting for the first reading', data: null });
  });

  it('publishes the first readings without waiting for the tick', async () => {
    const m = monitor([{ id: 'cpu', probe: counting('cpu', { intervalMs: 60_000 }) }], 60_000);
    const published: Snapshot[] = [];
    m.subscribe((snapshot) => published.push(snapshot));
    const started = Date.now();
    m.start();
    await waitFor(() => published.length > 0, 'the first snapshot', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(published[0]?.panes.cpu).toMatchObject({ status: 'ok', data: { n: 1 }, summary: 'reading 1' });
  });

  it('publishes frozen snapshots that later readings do not change', async () => {
    const m = monitor([{ id: 'cpu', probe: counting('cpu') }]);
    const first = await m.once();
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.panes)).toBe(true);
    expect(Object.isFrozen(first.panes.cpu)).toBe(true);
    expect(Object.isFrozen(first.panes.cpu.alerts)).toBe(true);
    expect(Object.isFrozen(first.panes.cpu.data)).toBe(true);
    expect(() => {
      (first.panes.cpu as { status: Status }).status = 'crit';
    }).toThrow(TypeError);
    expect(() => {
      (first.panes.cpu.alerts as unknown[]).push({ level: 'crit', message: 'x' });
    }).toThrow(TypeError);

    const second = await m.once();
    expect(second).not.toBe(first);
    expect(dataOf(first, 'cpu')).toEqual({ n: 1 });
    expect(dataOf(second, 'cpu')).toEqual({ n: 2 });
    expect(first.panes.cpu.status).toBe('ok');
  });

  it('once() returns with every pane settled: read, failed, or given up on at its timeout', async () => {
    const { probe: dead } = hung(50);
    const slow = fakeProbe('slow', async () => {
      await sleep(30);
      return { n: 5 };
    });
    const started = Date.now();
    const snapshot = await monitor([
      { id: 'cpu', probe: slow },
      { id: 'gpu', probe: dead },
    ]).once();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(snapshot.panes.cpu).toMatchObject({ status: 'ok', data: { n: 5 } });
    expect(snapshot.panes.gpu).toMatchObject({ status: 'down', summary: 'no answer within 50ms' });
    expect(Object.values(snapshot.panes).map((p) => p.summary)).not.toContain('waiting for the first reading');
    expect(snapshot.status).toBe('down');
    expect(snapshot.host).toBe('test');
    expect(snapshot.demo).toBeNull();
  });

  it('stops publishing after stop()', async () => {
    const m = monitor([{ id: 'cpu', probe: counting('cpu') }], 20);
    let count = 0;
    m.subscribe(() => count++);
    m.start();
    await waitFor(() => count >= 2, 'two snapshots');
    m.stop();
    const stoppedAt = count;
    await sleep(100);
    expect(count).toBe(stoppedAt);
  });
});

describe('status words', () => {
  it('worst() picks the most severe status; off counts for nothing', () => {
    expect(worst([])).toBe('off');
    expect(worst(['off', 'off'])).toBe('off');
    expect(worst(['off', 'ok'])).toBe('ok');
    expect(worst(['ok', 'stale'])).toBe('stale');
    expect(worst(['stale', 'warn', 'ok'])).toBe('warn');
    expect(worst(['warn', 'down'])).toBe('down');
    expect(worst(['down', 'crit', 'ok'])).toBe('crit');
    expect(worst(new Set<Status>(['ok', 'warn']))).toBe('warn');
  });

  it('exitCodeFor() follows the Nagios plugin codes: 0 ok, 1 warning, 2 critical, 3 unknown', () => {
    expect(exitCodeFor(['ok', 'ok'])).toBe(0);
    expect(exitCodeFor(['ok', 'off'])).toBe(0);
    expect(exitCodeFor(['ok', 'warn'])).toBe(1);
    expect(exitCodeFor(['warn', 'stale'])).toBe(1);
    expect(exitCodeFor(['ok', 'crit'])).toBe(2);
    // A source that is down is critical; stale data, or nothing configured, is unknown.
    expect(exitCodeFor(['ok', 'down'])).toBe(2);
    expect(exitCodeFor(['warn', 'down'])).toBe(2);
    expect(exitCodeFor(['ok', 'stale'])).toBe(3);
    expect(exitCodeFor(['off'])).toBe(3);
    expect(exitCodeFor([])).toBe(3);
  });

  it('every status word has a severity and an exit code', () => {
    for (const status of STATUSES) {
      expect(worst([status])).toBe(status);
      expect([0, 1, 2, 3]).toContain(exitCodeFor([status]));
    }
  });
});
