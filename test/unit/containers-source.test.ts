// What the live reader asks the engine, on a scripted engine: inspects only when a container's
// list entry changed, an event came for it, or its inspect grew old (soon for a container with
// a health check, whose check log changes); an unchanged list parsed once; and the stats pace:
// every statsInterval up to 20 running containers, proportionally less often beyond, with a
// new container's second sample (its CPU figure) asked at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerEngine, GetOptions } from '../../src/docker/engine.js';
import { EngineError } from '../../src/docker/errors.js';
import { ContainersSource, INSPECT_MAX_AGE_MS, INSPECT_MAX_AGE_UNCHECKED_MS } from '../../src/probes/containers/source.js';
import { STATS_FULL_PACE, StatsCollector, statsPaceMs } from '../../src/probes/containers/stats-collector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const never = new AbortController().signal;

type Container = { id: string; name: string; state: string; status: string; health?: string };

/** An engine that answers from `containers` and counts what it is asked. */
class ScriptedEngine {
  readonly host = 'ws';
  readonly label = 'unix:///scripted.sock';
  containers: Container[] = [];
  asked: string[] = [];
  private tick = 0;
  private lastList: { text: string; value: unknown } | null = null;

  async getJson(path: string, _query: Record<string, unknown>, options: GetOptions): Promise<unknown> {
    this.asked.push(path);
    if (path === '/containers/json') {
      const value = this.containers.map((c) => ({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: 'busybox',
        State: c.state,
        Status: c.status,
        Labels: {},
        Created: 1,
        ...(c.health ? { Health: { Status: c.health, FailingStreak: 0 } } : {}),
      }));
      // As the engine does with reuseUnchanged: the same value for the same answer.
      const text = JSON.stringify(value);
      if (options.reuseUnchanged && this.lastList?.text === text) return this.lastList.value;
      this.lastList = { text, value };
      return value;
    }
    const inspect = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const c = this.containers.find((x) => x.id === inspect[1]);
      if (!c) throw new EngineError('api', 'No such container (HTTP 404)', 404);
      return {
        Id: c.id,
        Name: `/${c.name}`,
        RestartCount: 0,
        State: {
          Status: c.state,
          StartedAt: '2026-01-01T00:00:00Z',
          ...(c.health ? { Health: { Status: c.health, FailingStreak: 0, Log: [] } } : {}),
        },
        HostConfig: {},
      };
    }
    const stats = /^\/containers\/([^/]+)\/stats$/.exec(path);
    if (stats) {
      await sleep(5);
      this.tick++;
      return {
        read: new Date(Date.UTC(2026, 0, 1, 0, 0, this.tick)).toISOString(),
        cpu_stats: { cpu_usage: { total_usage: this.tick * 1e6 }, system_cpu_usage: this.tick * 1e9, online_cpus: 2 },
        memory_stats: { usage: 1000, limit: 10_000, stats: { inactive_file: 100 } },
      };
    }
    throw new EngineError('api', `unexpected ${path}`, 404);
  }

  async version(): Promise<{ version: string; apiVersion: string; os: string }> {
    return { version: '29.0.0', apiVersion: '1.52', os: 'linux' };
  }

  async stream(): Promise<never> {
    throw new EngineError('lost', 'no event stream here');
  }

  close(): void {}

  count(prefix: string): number {
    return this.asked.filter((p) => p.startsWith(prefix)).length;
  }
}

const asEngine = (fake: ScriptedEngine) => fake as unknown as DockerEngine;

describe('inspects', () => {
  let source: ContainersSource | null = null;
  afterEach(() => source?.close());

  it('are read again only when the entry changed, an event came, or the inspect grew old', async () => {
    const fake = new ScriptedEngine();
    fake.containers = [
      { id: 'a1', name: 'plain', state: 'running', status: 'Up 2 minutes' },
      { id: 'b2', name: 'checked', state: 'running', status: 'Up 2 minutes (healthy)', health: 'healthy' },
      { id: 'c3', name: 'gone', state: 'exited', status: 'Exited (0) 1 hour ago' },
    ];
    let now = 1_000_000;
    source = new ContainersSource(asEngine(fake), { timeoutMs: 2000, statsIntervalMs: 60_000, concurrency: 4, now: () => now });
    const inspects = () => fake.asked.filter((p) => /^\/containers\/[^/]+\/json$/.test(p)).length;
    await source.read(never);
    expect(inspects()).toBe(3);
    // The running time in the Status text changes; nothing else: no inspect.
    fake.containers[0]!.status = 'Up 3 minutes';
    now += 5000;
    await source.read(never);
    expect(inspects()).toBe(3);
    // The health-checked container's check log ages after INSPECT_MAX_AGE_MS; the others are kept.
    now += INSPECT_MAX_AGE_MS + 1;
    await source.read(never);
    expect(inspects()).toBe(4);
    expect(fake.asked.at(-1)).toBe('/containers/b2/json');
    // A changed state is read at once.
    fake.containers[0]!.state = 'paused';
    fake.containers[0]!.status = 'Up 3 minutes (Paused)';
    now += 1000;
    await source.read(never);
    expect(fake.asked.filter((p) => p === '/containers/a1/json')).toHaveLength(2);
    // Everything is read again now and then, in case an event was missed.
    now += INSPECT_MAX_AGE_UNCHECKED_MS + 1;
    const before = inspects();
    await source.read(never);
    expect(inspects() - before).toBe(3);
  });

  it('an unchanged list is parsed once: the reading reuses the same entries', async () => {
    const fake = new ScriptedEngine();
    fake.containers = [{ id: 'a1', name: 'plain', state: 'exited', status: 'Exited (0) 1 hour ago' }];
    source = new ContainersSource(asEngine(fake), { timeoutMs: 2000, statsIntervalMs: 60_000, concurrency: 4 });
    const first = await source.read(never);
    const second = await source.read(never);
    expect(second.list).toBe(first.list);
  });
});

describe('stats pace', () => {
  let collector: StatsCollector | null = null;
  afterEach(() => collector?.stop());

  it('every statsInterval up to 20 running containers, proportionally less often beyond', () => {
    expect(STATS_FULL_PACE).toBe(20);
    expect(statsPaceMs(2000, 0)).toBe(2000);
    expect(statsPaceMs(2000, 20)).toBe(2000);
    expect(statsPaceMs(2000, 50)).toBe(5000);
    expect(statsPaceMs(2000, 200)).toBe(20_000);
    expect(statsPaceMs(1000, 30)).toBe(1500);
  });

  it('asks each running container at that pace, and a new one twice at once (memory, then CPU)', async () => {
    const fake = new ScriptedEngine();
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    collector = new StatsCollector(asEngine(fake), { intervalMs: 100, concurrency: 64, requestTimeoutMs: 1000 });
    collector.setRunning(ids);
    collector.start();
    expect(collector.paceMs).toBe(200);
    // Start: a sweep, and for each container its second sample right after its first.
    await sleep(60);
    expect(fake.count('/containers/c7/')).toBe(2);
    expect(Object.values(collector.pairs(ids)).every((p) => p.previous !== null)).toBe(true);
    const before = fake.count('/containers/');
    await sleep(1000);
    // About 5 sweeps of 40 at a 200 ms pace (10 at the unscaled 100 ms).
    const sweeps = (fake.count('/containers/') - before) / ids.length;
    expect(sweeps).toBeGreaterThanOrEqual(2);
    expect(sweeps).toBeLessThanOrEqual(7);
  });
});
