// The history: what a Snapshot gives as per-minute series, the means of each minute, the
// watcher's step writing them to the real SQLite store, pruning, the daily size line, and the
// sparklines drawn from them.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MinuteTrends, recordedHour } from '../../src/cli/trend-source.js';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import type { Trends } from '../../src/model/trends.js';
import { storePath } from '../../src/store/db.js';
import { bucketMeans, HistoryWriter, historyStats, readSeries, seriesNames } from '../../src/store/history.js';
import { HistoryStep } from '../../src/store/history-step.js';
import { Recorder } from '../../src/store/recorder.js';
import { MinuteMeans, minuteOf, samplesOf, unitOf } from '../../src/store/samples.js';
import { containersPane } from '../../src/ui/panes/containers.js';
import { INITIAL_CONTAINERS_VIEW, visibleContainers } from '../../src/ui/panes/containers-view.js';
import { cpuPane } from '../../src/ui/panes/cpu.js';
import { dnsPane } from '../../src/ui/panes/dns.js';
import { gpuPane } from '../../src/ui/panes/gpu.js';
import { servicesPane } from '../../src/ui/panes/services.js';
import { downsample, sparkline } from '../../src/ui/sparkline.js';
import { lineText, textWidth } from '../../src/ui/text.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

let home: string;
let healthy: Snapshot;
let primaryDown: Snapshot;
beforeAll(async () => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-history-home-'));
  // Real Snapshots, as the monitor makes them, from the demo scenarios.
  const read = async (scenario: string) =>
    JSON.parse((await runCli(['status', '--json', '--demo', scenario], { home })).stdout) as Snapshot;
  healthy = await read('healthy');
  primaryDown = await read('primary-down');
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-history-'));
  chmodSync(dir, 0o700);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('samplesOf', () => {
  it('names a series for each plan group, GPU figure, DNS server and running container', () => {
    const samples = samplesOf(healthy);
    const names = [...samples.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'cpu.total',
        'mem.used',
        'cpu.group.database',
        'cpu.group.core',
        'gpu.0.util',
        'gpu.0.temp',
        'gpu.0.vram',
        'dns.primary.latency',
        'dns.secondary.latency',
      ]),
    );
    expect(names.some((n) => /^container\.[^/]+\/.+\.cpu$/.test(n))).toBe(true);
    expect(names.some((n) => /^container\.[^/]+\/.+\.mem$/.test(n))).toBe(true);
    const cpu = healthy.panes.cpu.data;
    expect(samples.get('cpu.total')).toBe(cpu?.plan.totalPercent);
    expect(samples.get('gpu.0.temp')).toBe(healthy.panes.gpu.data?.gpus[0]?.temperatureC);
    expect(unitOf('gpu.0.temp')).toBe('celsius');
    expect(unitOf('dns.primary.latency')).toBe('ms');
    expect(unitOf('container.workstation/postgres.mem')).toBe('bytes');
    expect(unitOf('cpu.group.database')).toBe('percent');
  });

  it('gives no latency for a server that does not answer, and nothing for a pane without fresh data', () => {
    const samples = samplesOf(primaryDown);
    expect(samples.has('dns.primary.latency')).toBe(false);
    expect(samples.get('dns.secondary.latency')).toBeGreaterThan(0);
    const stale: Snapshot = { ...healthy, panes: { ...healthy.panes, gpu: { ...healthy.panes.gpu, status: 'stale' } } };
    expect([...samplesOf(stale).keys()].filter((n) => n.startsWith('gpu.'))).toEqual([]);
  });
});

describe('service response times in the history', () => {
  it('one series per service that answered: its last response time in ms; none for one that is down', async () => {
    const failure = JSON.parse((await runCli(['status', '--json', '--demo', 'primary-failure'], { home })).stdout) as Snapshot;
    const samples = samplesOf(healthy);
    const services = healthy.panes.services.data?.services ?? [];
    expect(services.length).toBeGreaterThan(5);
    for (const service of services) {
      if (service.state === 'up') expect(samples.get(`service.${service.name}.latency`)).toBe(service.lastMs);
      else expect(samples.has(`service.${service.name}.latency`)).toBe(false);
    }
    expect(unitOf('service.auth.latency')).toBe('ms');
    const down = samplesOf(failure);
    expect(down.has('service.auth.latency')).toBe(false);
    expect(down.get('service.dns-secondary.latency')).toBeGreaterThan(0);
  });
});

describe('MinuteMeans', () => {
  it('hands back the mean of a minute when the next one begins, and the one in progress at the end', () => {
    const means = new MinuteMeans();
    const start = 1_000 * MINUTE;
    expect(means.add(start, new Map([['a', 10]]))).toBeNull();
    expect(
      means.add(
        start + 20_000,
        new Map([
          ['a', 20],
          ['b', 5],
        ]),
      ),
    ).toBeNull();
    const done = means.add(start + MINUTE, new Map([['a', 90]]));
    expect(done).toEqual({
      minute: 1_000,
      values: new Map([
        ['a', 15],
        ['b', 5],
      ]),
    });
    expect(means.flush()).toEqual({ minute: 1_001, values: new Map([['a', 90]]) });
    expect(means.flush()).toBeNull();
  });
});

describe('HistoryStep against the store', () => {
  const tick = (step: HistoryStep, snapshot: Snapshot, at: number, events: TimelineEvent[]) =>
    step.step(snapshot, at, (e) => events.push(e));

  it("writes each minute's means, survives a reopen, prunes what is older than it keeps and says its size once a day", () => {
    const path = join(dir, 'homeops.db');
    const recorder = new Recorder(path);
    const step = new HistoryStep(recorder, 2 * DAY);
    const events: TimelineEvent[] = [];
    const start = Date.UTC(2026, 11, 1, 0, 0, 0);
    // Three days of a tick every 30 s would be slow; a tick every 10 minutes keeps a sample each.
    for (let at = start; at <= start + 3 * DAY; at += 10 * MINUTE) tick(step, healthy, at, events);
    step.close();
    // Nothing said at the start (the watcher's own start line gives the size), then one a day.
    expect(events.map((e) => `${e.subject} ${e.state}`)).toEqual(['store size', 'store size', 'store size']);
    expect(events[0]?.at).toBe(start + DAY);
    expect(events[2]?.text).toMatch(
      /^store \d+(\.\d)? (KiB|MiB): \d+ samples of \d+ series since 2026-12-0\d \d\d:\d\d \(kept 2d\); \d+ older ones pruned · 2026-12-04$/,
    );
    recorder.close();

    const again = new Recorder(path);
    const stats = historyStats(again.db);
    // Pruned hourly: nothing older than 2 days and an hour.
    expect(stats.oldest).toBeGreaterThanOrEqual(minuteOf(start + DAY - 60 * MINUTE));
    const total = readSeries(again.db, 'cpu.total', 0);
    expect(total.length).toBeGreaterThan(250);
    expect(total.every((p) => p.value === healthy.panes.cpu.data?.plan.totalPercent)).toBe(true);
    expect(total.map((p) => p.minute)).toEqual([...total.map((p) => p.minute)].sort((a, b) => a - b));
    expect(seriesNames(again.db, ['dns.'])).toEqual(expect.arrayContaining(['dns.primary.latency', 'dns.secondary.latency']));
    expect(seriesNames(again.db, ['dns.']).every((n) => n.endsWith('.latency'))).toBe(true);
    again.close();
  });

  it('drops a series that stopped once its last sample is pruned', () => {
    const recorder = new Recorder(join(dir, 'homeops.db'));
    const step = new HistoryStep(recorder, DAY);
    const start = Date.UTC(2026, 11, 1);
    tick(step, healthy, start, []);
    tick(step, primaryDown, start + MINUTE, []);
    // primary-down has no latency for the primary: after a day its series is gone.
    for (let at = start + 2 * MINUTE; at <= start + DAY + 2 * 3_600_000; at += 30 * MINUTE) tick(step, primaryDown, at, []);
    const left = seriesNames(recorder.db, ['dns.']);
    expect(left).not.toContain('dns.primary.latency');
    expect(left).toContain('dns.secondary.latency');
    recorder.close();
  });
});

describe('bucketMeans', () => {
  it('averages each bucket, oldest first, ending before the minute given, with gaps where nothing was written', () => {
    const recorder = new Recorder(join(dir, 'homeops.db'));
    const writer = new HistoryWriter(recorder.db);
    // Minutes 1000–1059, value = the minute's offset; nothing for 1020–1029.
    for (let m = 1000; m < 1060; m++) if (m < 1020 || m >= 1030) writer.write(m, new Map([['x', m - 1000]]));
    writer.write(1060, new Map([['x', 999]])); // the minute in progress: not in the spans
    expect(bucketMeans(recorder.db, 'x', 1060, 10, 6)).toEqual([4.5, 14.5, NaN, 34.5, 44.5, 54.5]);
    expect(bucketMeans(recorder.db, 'x', 1060, 15, 4)).toEqual([7, 17, 37, 52]);
    expect(bucketMeans(recorder.db, 'x', 1060, 1, 3)).toEqual([57, 58, 59]);
    expect(bucketMeans(recorder.db, 'nothing', 1060, 60, 2)).toEqual([NaN, NaN]);
    recorder.close();
  });
});

describe("the console's sparklines start from the watcher's last hour", () => {
  it('takes the minutes recorded before its own, the last hour only, each once', async () => {
    const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
    expect((await recordedHour(env, null)).size).toBe(0);
    const now = Date.UTC(2026, 11, 7, 12, 0, 30);
    const current = minuteOf(now);
    const recorder = new Recorder(storePath(env, null));
    const writer = new HistoryWriter(recorder.db);
    // 90 minutes recorded by a watcher, value = minutes ago, up to the minute before last.
    for (let m = current - 90; m < current - 1; m++) writer.write(m, new Map([['cpu.total', current - m]]));
    recorder.close();

    let tick: (snapshot: Snapshot) => void = () => {};
    const trends = new MinuteTrends({
      subscribe: (listener) => {
        tick = listener;
        return () => {};
      },
    });
    // The console's own first minute (the one before this), finished by a tick in this one.
    const at = (ms: number): Snapshot => ({ ...healthy, takenAt: new Date(ms).toISOString() });
    tick(at(now - 60_000));
    tick(at(now));
    const own = trends.current().get('cpu.total');
    expect(own).toEqual([healthy.panes.cpu.data?.plan.totalPercent]);

    const recorded = await recordedHour(env, null, now);
    expect(recorded.get('cpu.total')?.length).toBe(58);
    trends.seed(recorded, now);
    const seeded = trends.current().get('cpu.total') ?? [];
    // 59 minutes ago … 2 minutes ago from the store, then the console's own minute.
    expect(seeded.slice(0, -1)).toEqual(Array.from({ length: 58 }, (_, i) => 59 - i));
    expect(seeded.at(-1)).toBe(own?.[0]);
    // Seeding again adds nothing.
    trends.seed(recorded, now);
    expect(trends.current().get('cpu.total')).toEqual(seeded);
  });
});

describe('sparkline', () => {
  it('leaves a gap where nothing was recorded, and scales on what was', () => {
    expect(sparkline([1, NaN, 3], 10)).toBe('▁ █');
    expect(sparkline([NaN, NaN], 10)).toBe('  ');
    expect(downsample([1, 3, NaN, NaN, 5, NaN], 3)).toEqual([2, NaN, 5]);
  });

  it('draws percentages on a fixed 0–100 scale and other figures on their own', () => {
    expect(sparkline([0, 50, 100], 10, { low: 0, high: 100 })).toBe('▁▅█');
    expect(sparkline([1, 2, 3], 10, { low: 0, high: 100 })).toBe('▁▁▁');
    expect(sparkline([1, 2, 3], 10)).toBe('▁▅█');
    expect(sparkline([7, 7], 10)).toBe('▁▁');
  });

  it('keeps the newest values when it has less room than values', () => {
    expect(sparkline([100, 100, 0, 0], 2, { low: 0, high: 100 })).toBe('▁▁');
    expect(sparkline([], 5)).toBe('');
  });

  it('averages a long series into the width it has', () => {
    expect(downsample([1, 3, 5, 7], 2)).toEqual([2, 6]);
    expect(downsample([1, 2], 5)).toEqual([1, 2]);
    expect(
      downsample(
        Array.from({ length: 10_080 }, (_, i) => i),
        60,
      ),
    ).toHaveLength(60);
  });
});

describe('sparklines in the panes', () => {
  /** A sparkline: ten blocks or more at the end of a line, after two spaces. */
  const SPARK = /  [▁▂▃▄▅▆▇█]{10,}$/m;
  const config = readUserFile(estateConfigPath(), configSchema);
  const rising = Array.from({ length: 40 }, (_, i) => i * 2.5);
  const trends = new Map([
    ['cpu.group.database', rising],
    ['gpu.0.util', rising],
    ['gpu.0.temp', rising.map((v) => 40 + v / 5)],
    ['dns.secondary.latency', rising.map((v) => 1 + v / 10)],
  ]);
  const content = (id: 'cpu' | 'gpu' | 'dns', width: number, t: Trends | undefined) => {
    if (id === 'cpu') return cpuPane(healthy.panes.cpu, width, config, 'workstation', undefined, t);
    if (id === 'gpu') return gpuPane(healthy.panes.gpu, width, 40, config, t);
    return dnsPane(healthy.panes.dns, width, 40, config, t);
  };
  const text = (id: 'cpu' | 'gpu' | 'dns', width: number, withTrends = true): string[] =>
    content(id, width, withTrends ? trends : undefined).lines.map(lineText);

  it('draws the last minutes after the line where the pane is wide, never wider than the pane', () => {
    for (const [id, label] of [
      ['cpu', 'database'],
      ['gpu', 'util'],
      ['dns', 'secondary'],
    ] as const) {
      const wide = text(id, 110);
      const line = wide.find((l) => l.includes(label) && SPARK.test(l));
      expect(line, `${id}: ${wide.join('\n')}`).toBeDefined();
      expect(line?.trimEnd().endsWith('█')).toBe(true);
      expect(wide.every((l) => textWidth(l) <= 110)).toBe(true);
    }
  });

  it("draws the selected container's CPU and memory in its detail", () => {
    const reading = healthy.panes.containers.data;
    const view = { ...INITIAL_CONTAINERS_VIEW, detail: true };
    const row = reading ? visibleContainers(reading, view)[0] : undefined;
    expect(row).toBeDefined();
    const withContainer = new Map([
      ...trends,
      [`container.${row?.host}/${row?.name}.cpu`, rising],
      [`container.${row?.host}/${row?.name}.mem`, rising.map((v) => v * 1e6)],
    ]);
    const lines = (width: number, t?: Map<string, number[]>): string[] =>
      containersPane(healthy.panes.containers, width, 40, config, view, t).lines.map(lineText);
    const wide = lines(120, withContainer);
    expect(wide.find((l) => /^cpu /.test(l.trim()) && SPARK.test(l.trimEnd()))).toBeDefined();
    expect(wide.find((l) => /^memory /.test(l.trim()) && SPARK.test(l.trimEnd()))).toBeDefined();
    expect(wide.every((l) => textWidth(l) <= 120)).toBe(true);
    // Another container's trends, or none: the detail as it was.
    expect(lines(120, trends)).toEqual(lines(120));
  });

  it("draws each up service's response times after its row where every column fits, and nothing narrower", () => {
    const withServices = new Map([...trends, ['service.api-gateway.latency', rising.map((v) => 100 + v)]]);
    const lines = (width: number, t?: Trends): string[] => servicesPane(healthy.panes.services, width, 40, t).lines.map(lineText);
    const wide = lines(130, withServices);
    const row = wide.find((l) => /^\S+ api-gateway /.test(l));
    expect(row).toMatch(SPARK);
    expect(row?.trimEnd().endsWith('█')).toBe(true);
    // Only the service that has a series gets one; no line is wider than the pane.
    expect(wide.filter((l) => SPARK.test(l))).toHaveLength(1);
    expect(wide.every((l) => textWidth(l) <= 130)).toBe(true);
    // Narrow enough that a column gives way: the figures win, no sparkline.
    expect(lines(60, withServices)).toEqual(lines(60));
  });

  it('gives way where the pane is narrow or nothing was seen yet, and loses no words for it', () => {
    for (const [id, narrow] of [
      ['cpu', 48],
      ['gpu', 24],
      ['dns', 36],
    ] as const) {
      expect(text(id, narrow).join('\n')).not.toMatch(SPARK);
      expect(text(id, narrow)).toEqual(text(id, narrow, false));
      expect(text(id, 110, false).join('\n')).not.toMatch(SPARK);
    }
  });
});
