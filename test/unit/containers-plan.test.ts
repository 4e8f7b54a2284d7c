// Containers against the plan: group by the plan's names, then by compose service, else
// unplanned; group totals in the plan's units; and what is critical and what only a warning.
import { describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import { assessContainers } from '../../src/probes/containers/assess.js';
import { groupUsage, placeContainer, planIndex } from '../../src/probes/containers/plan.js';
import { containersProbe, restartTracker } from '../../src/probes/containers/probe.js';
import type { ContainersRaw, EndpointRaw } from '../../src/probes/containers/raw.js';
import { buildReading } from '../../src/probes/containers/reading.js';

const GiB = 1024 ** 3;
const NOW = Date.parse('2026-01-10T12:00:00Z');

const config: Config = configSchema.parse({
  hosts: { ws: { local: true }, nas: { ssh: { user: 'admin' } } },
  plan: {
    host: 'ws',
    threadsPerCore: 2,
    groups: [
      { name: 'database', cores: 4, memory: '12GiB', containers: [{ name: 'postgres', memory: '8GiB' }, 'redis'] },
      { name: 'core', cores: 2, memory: '4GiB', containers: ['api-gateway', 'worker'] },
      { name: 'media', cores: 2, containers: ['jellyfin'] },
    ],
  },
  docker: { endpoints: [{ host: 'ws' }, { host: 'nas' }], startingGrace: '2m', restartLoop: { restarts: 3, window: '10m' } },
});

type Spec = {
  name: string;
  state?: string;
  status?: string;
  health?: string;
  streak?: number;
  service?: string;
  /** docker stats CPU % and memory used (bytes). */
  cpu?: number;
  mem?: number;
  restarts?: number;
  startedAgoMs?: number;
  log?: string;
  /** A fixed id (the same container over several readings). */
  id?: string;
};

let counter = 0;
/** An engine's answers in the 1.52 shape, with stats carrying the engine's own precpu. */
function endpoint(host: string, specs: Spec[]): EndpointRaw {
  const list: unknown[] = [];
  const inspect: Record<string, unknown> = {};
  const stats: EndpointRaw['stats'] = {};
  for (const spec of specs) {
    const id = spec.id ?? `${(++counter).toString(16).padStart(4, '0')}${'c'.repeat(60)}`;
    const state = spec.state ?? 'running';
    list.push({
      Id: id,
      Names: [`/${spec.name}`],
      Image: 'img',
      State: state,
      Status: spec.status ?? 'Up 2 hours',
      Labels: spec.service ? { 'com.docker.compose.service': spec.service, 'com.docker.compose.project': 'homeops' } : {},
      HostConfig: { NetworkMode: 'homeops_default' },
      NetworkSettings: { Networks: { homeops_default: {} } },
      ...(spec.health ? { Health: { Status: spec.health, FailingStreak: spec.streak ?? 0 } } : {}),
    });
    inspect[id] = {
      Id: id,
      Name: `/${spec.name}`,
      RestartCount: spec.restarts ?? 0,
      State: {
        Status: state,
        StartedAt: new Date(NOW - (spec.startedAgoMs ?? 7_200_000)).toISOString(),
        FinishedAt: '0001-01-01T00:00:00Z',
        ExitCode: 0,
        ...(spec.health
          ? {
              Health: {
                Status: spec.health,
                FailingStreak: spec.streak ?? 0,
                Log: [{ Start: null, End: null, ExitCode: spec.streak ? 1 : 0, Output: spec.log ?? '' }],
              },
            }
          : {}),
      },
      HostConfig: { RestartPolicy: { Name: 'always' } },
      Config: { Tty: false },
    };
    if (spec.cpu !== undefined && state === 'running') {
      const cpu = (total: number, system: number) => ({ cpu_usage: { total_usage: total }, system_cpu_usage: system, online_cpus: 32 });
      stats[id] = {
        current: {
          read: new Date(NOW).toISOString(),
          cpu_stats: cpu(1e12 + spec.cpu * 1e7, 32e12 + 32e9),
          precpu_stats: cpu(1e12, 32e12),
          memory_stats: { usage: spec.mem ?? 0, limit: 64 * GiB, stats: { inactive_file: 0 } },
        },
        previous: null,
        receivedAt: NOW - 500,
      };
    }
  }
  return {
    host,
    label: `${host} engine`,
    engine: { version: '29.0.0', apiVersion: '1.52', os: 'linux' },
    readAt: NOW,
    list,
    inspect,
    stats,
  };
}

const reading = (raw: ContainersRaw) => buildReading(raw, { plan: config.plan, triggers: config.triggers, threadsPerCore: 2 }, NOW);

describe('plan mapping', () => {
  it("places by the plan's container name first, then by the compose service, else unplanned", () => {
    const index = planIndex(config.plan);
    expect(placeContainer(index, 'postgres', null)).toEqual({ group: 'database', memoryBytes: 8 * GiB, by: 'name' });
    expect(placeContainer(index, 'homeops-jellyfin-1', 'jellyfin')).toEqual({ group: 'media', memoryBytes: null, by: 'compose' });
    expect(placeContainer(index, 'redis-commander', 'redis-commander')).toBeNull();
  });

  it('marks containers of another host unplanned even when their name is in the plan', () => {
    const r = reading({ endpoints: [endpoint('ws', [{ name: 'postgres' }]), endpoint('nas', [{ name: 'postgres' }])] });
    expect(r.containers.map((c) => [c.host, c.name, c.group])).toEqual([
      ['nas', 'postgres', 'unplanned'],
      ['ws', 'postgres', 'database'],
    ]);
  });
});

describe('group usage against the allotment', () => {
  const r = reading({
    endpoints: [
      endpoint('ws', [
        { name: 'postgres', cpu: 300, mem: 6 * GiB, health: 'healthy' },
        { name: 'redis', cpu: 100, mem: 1 * GiB, health: 'healthy' },
        { name: 'api-gateway', cpu: 350, mem: 3 * GiB },
        { name: 'homeops-jellyfin-1', service: 'jellyfin', cpu: 50, mem: 2 * GiB },
        { name: 'pihole', cpu: 10, mem: GiB / 2 },
      ]),
    ],
  });
  const group = (name: string) => r.groups.find((g) => g.group === name);

  it("sums cores' worth in physical cores (two threads each) and memory per group", () => {
    // 300 % + 100 % of a thread = 4 threads = 2 of the group's 4 cores.
    expect(group('database')).toMatchObject({
      cores: 4,
      usedCores: 2,
      coresPercent: 50,
      memoryBytes: 12 * GiB,
      memoryUsedBytes: 7 * GiB,
      containers: 2,
      measured: 2,
    });
    expect(group('core')?.usedCores).toBeCloseTo(1.75, 6);
    expect(group('core')?.missing).toEqual(['worker']);
    expect(group('media')).toMatchObject({ containers: 1, usedCores: 0.25, memoryBytes: null, memoryPercent: null });
    expect(group('unplanned')).toMatchObject({ planned: false, cores: null, containers: 1 });
    expect(r.groups.map((g) => g.group)).toEqual(['database', 'core', 'media', 'unplanned']);
    expect(r.containers.find((c) => c.name === 'postgres')).toMatchObject({ cpuPercent: 300, cpuCores: 1.5, planMemoryBytes: 8 * GiB });
  });

  it("judges each group's use once: warn past the trigger, crit past its whole allotment, over at all of it", () => {
    expect(group('database')).toMatchObject({ coresLevel: 'ok', memoryLevel: 'ok', over: false });
    expect(group('media')).toMatchObject({ memoryLevel: null });
    expect(group('unplanned')).toMatchObject({ coresLevel: null, memoryLevel: null, over: false });
    const strict = groupUsage(r.containers, config.plan, {
      ...config.triggers,
      cpu: { ...config.triggers.cpu, percent: 40 },
      memory: { ...config.triggers.memory, percent: 50 },
    });
    expect(strict.find((g) => g.group === 'database')).toMatchObject({ coresLevel: 'warn', memoryLevel: 'warn', over: false });
    const busy = r.containers.map((c) => (c.name === 'postgres' ? { ...c, cpuCores: 4 } : c));
    expect(groupUsage(busy, config.plan, config.triggers).find((g) => g.group === 'database')).toMatchObject({
      coresLevel: 'crit',
      over: true,
    });
  });

  it('is the same function the CPU pane gets (groupUsage)', () => {
    expect(groupUsage(r.containers, config.plan, config.triggers)).toEqual(r.groups);
  });

  it("calls nothing missing when the plan host's engine was not read", () => {
    const other = reading({ endpoints: [endpoint('nas', [{ name: 'x' }])] });
    expect(other.groups.flatMap((g) => g.missing)).toEqual([]);
  });
});

describe('assessment', () => {
  const assess = (specs: Spec[], extra: EndpointRaw[] = []) =>
    assessContainers(reading({ endpoints: [endpoint('ws', specs), ...extra] }), config.docker ?? { startingGrace: 120_000 });
  const all: Spec[] = [
    { name: 'postgres', health: 'healthy' },
    { name: 'redis' },
    { name: 'api-gateway' },
    { name: 'worker' },
    { name: 'jellyfin' },
  ];

  it('is ok when every planned container runs and is healthy', () => {
    const a = assess(all);
    expect(a.status).toBe('ok');
    expect(a.summary).toBe('5/5 running');
  });

  it('is critical when a planned container is unhealthy, with the streak and the check output', () => {
    const a = assess([
      {
        name: 'postgres',
        health: 'unhealthy',
        streak: 3,
        status: 'Up 3 days (unhealthy)',
        log: '/var/run/postgresql:5432 - no response\n',
      },
      ...all.slice(1),
    ]);
    expect(a.status).toBe('crit');
    expect(a.alerts).toEqual([
      { level: 'crit', message: 'postgres unhealthy (3 failed checks): /var/run/postgresql:5432 - no response [database]' },
    ]);
    expect(a.summary).toBe('5/5 running · 1 unhealthy');
  });

  it('only warns for an unhealthy unplanned container, an exited planned one and a check stuck in starting', () => {
    const a = assess([
      ...all.filter((s) => s.name !== 'worker' && s.name !== 'postgres'),
      { name: 'postgres', health: 'starting', startedAgoMs: 5 * 60_000 },
      { name: 'worker', state: 'exited', status: 'Exited (3) 2 minutes ago' },
      { name: 'pihole', health: 'unhealthy', streak: 2 },
    ]);
    expect(a.status).toBe('warn');
    expect(a.alerts.map((x) => x.message)).toEqual([
      'pihole unhealthy (2 failed checks) (unplanned)',
      'postgres health check still starting after 5m [database]',
      'worker exited (code 3) [core]',
    ]);
  });

  it('one restart reads "1 restart"; a long check output is cut with "…"', () => {
    const one = assess([
      { name: 'api-gateway', state: 'restarting', status: 'Restarting (1) 8 seconds ago', restarts: 1 },
      ...all.slice(0, 2),
    ]);
    expect(one.alerts[0]?.message).toBe('api-gateway restarting in a loop (1 restart) [core]');
    const long = `connection to server at "db" (10.0.0.5), port 5432 failed: ${'x'.repeat(120)}`;
    const cut = assess([{ name: 'postgres', health: 'unhealthy', streak: 3, log: long }, ...all.slice(1)]);
    const message = cut.alerts[0]?.message ?? '';
    // At the last whole word: the x's are one word too long to keep.
    expect(message).toBe('postgres unhealthy (3 failed checks): connection to server at "db" (10.0.0.5), port 5432 failed:… [database]');
    const oneWord = `${'y'.repeat(120)}`;
    expect(assess([{ name: 'postgres', health: 'unhealthy', streak: 3, log: oneWord }, ...all.slice(1)]).alerts[0]?.message).toBe(
      `postgres unhealthy (3 failed checks): ${'y'.repeat(79)}… [database]`,
    );
    const short = assess([{ name: 'postgres', health: 'unhealthy', streak: 1, log: 'no response' }, ...all.slice(1)]);
    expect(short.alerts[0]?.message).toBe('postgres unhealthy (1 failed check): no response [database]');
  });

  it('does not warn about a check that started a moment ago', () => {
    expect(assess([...all.slice(1), { name: 'postgres', health: 'starting', startedAgoMs: 10_000 }]).status).toBe('ok');
  });

  it('is critical when a planned container is restarting, and warns about planned containers with no container at all', () => {
    const a = assess([
      { name: 'api-gateway', state: 'restarting', status: 'Restarting (1) 8 seconds ago', restarts: 14 },
      { name: 'postgres', health: 'healthy' },
    ]);
    expect(a.status).toBe('crit');
    expect(a.alerts[0]).toEqual({ level: 'crit', message: 'api-gateway restarting in a loop (14 restarts) [core]' });
    expect(a.alerts.slice(1).map((x) => x.message)).toEqual([
      'redis [database] is planned but has no container',
      'worker [core] is planned but has no container',
      'jellyfin [media] is planned but has no container',
    ]);
  });

  it('warns when a container uses more memory than the plan gives it', () => {
    const a = assess([...all.slice(1), { name: 'postgres', cpu: 10, mem: 9 * GiB }]);
    expect(a.alerts.map((x) => x.message)).toEqual(['postgres uses 9.0 GiB of memory, over its planned 8.0 GiB [database]']);
  });

  it('warns about an engine that failed this time, showing its last containers with their age', () => {
    const stale: EndpointRaw = {
      ...endpoint('nas', [{ name: 'pihole-secondary' }]),
      readAt: NOW - 30_000,
      failure: { status: 'down', message: 'nas unreachable since 11:59:30 (connect ETIMEDOUT)' },
    };
    const r = reading({ endpoints: [endpoint('ws', all), stale] });
    expect(r.endpoints.map((e) => [e.host, e.status, e.ageMs])).toEqual([
      ['ws', 'ok', 0],
      ['nas', 'stale', 30_000],
    ]);
    expect(r.containers.some((c) => c.name === 'pihole-secondary')).toBe(true);
    const a = assessContainers(r, { startingGrace: 120_000 });
    expect(a.alerts).toEqual([
      { level: 'warn', message: 'nas: nas unreachable since 11:59:30 (connect ETIMEDOUT) (showing containers from 30s ago)' },
    ]);
  });
});

describe('restart loops', () => {
  it('counts restarts within the window from successive readings', () => {
    const track = restartTracker({ restarts: 3, window: 600_000 });
    const rows = (count: number) =>
      reading({ endpoints: [endpoint('ws', [{ name: 'worker', restarts: count, id: 'e'.repeat(64) }])] }).containers;
    expect(track(rows(4), NOW)[0]).toMatchObject({ recentRestarts: 0, restartLoop: false });
    expect(track(rows(5), NOW + 60_000)[0]).toMatchObject({ recentRestarts: 1, restartLoop: false });
    expect(track(rows(7), NOW + 120_000)[0]).toMatchObject({ recentRestarts: 3, restartLoop: true });
    // Eleven quiet minutes later the early restarts have left the window.
    expect(track(rows(7), NOW + 13 * 60_000)[0]).toMatchObject({ recentRestarts: 0, restartLoop: false });
  });

  it('counts from the count in force when the window opened, however long the count stayed put', () => {
    const track = restartTracker({ restarts: 3, window: 600_000 });
    const rows = (count: number) =>
      reading({ endpoints: [endpoint('ws', [{ name: 'worker', restarts: count, id: 'e'.repeat(64) }])] }).containers;
    track(rows(4), NOW);
    track(rows(5), NOW + 60_000);
    for (let s = 62; s < 540; s += 2) track(rows(5), NOW + s * 1000);
    track(rows(7), NOW + 540_000);
    expect(track(rows(7), NOW + 590_000)[0]).toMatchObject({ recentRestarts: 3, restartLoop: true });
    // The first restart (4 to 5) left the window at 11 minutes; 5 to 7 is what is left.
    expect(track(rows(7), NOW + 690_000)[0]).toMatchObject({ recentRestarts: 2, restartLoop: false });
  });

  it('the probe turns a loop of an unplanned container into a warning', async () => {
    let now = NOW;
    const raws = [4, 6, 9].map((n) => ({ endpoints: [endpoint('ws', [{ name: 'cron', restarts: n, id: 'f'.repeat(64) }])] }));
    let next = 0;
    const probe = containersProbe(
      async () => raws[next++] as ContainersRaw,
      config,
      () => now,
    );
    let last = null;
    for (let i = 0; i < raws.length; i++) {
      last = probe.parse(await probe.read(new AbortController().signal));
      now += 60_000;
    }
    if (!last) throw new Error('no reading');
    expect(last.containers[0]?.recentRestarts).toBe(5);
    expect(probe.assess(last, now).alerts.map((a) => [a.level, a.message])).toContainEqual([
      'warn',
      'cron restarting in a loop (5 restarts lately) (unplanned)',
    ]);
  });
});
