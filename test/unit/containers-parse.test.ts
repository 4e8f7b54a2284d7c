// The Docker API parsers on recorded answers of two API generations: 1.41 (Docker 20.10, no
// Health in the list: it comes from the Status text) and 1.52 (Docker 29, Health in the list),
// inspects, stats of cgroup v1 and v2, and event lines of both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/docker/events.js';
import { DockerParseError, exitCodeFromStatus, healthFromStatus, parseInspect, parseList } from '../../src/probes/containers/parse.js';
import { cpuPercent, memoryUsed, parseStats, usageOf } from '../../src/probes/containers/stats.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'docker');
const json = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const lines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);

describe('container list', () => {
  const old = parseList(json('list-api-1.41.json'));
  const current = parseList(json('list-api-1.52.json'));
  const byName = (list: ReturnType<typeof parseList>, name: string) => {
    const entry = list.find((e) => e.name === name);
    if (!entry) throw new Error(`no ${name}`);
    return entry;
  };

  it('reads health from the Status text when the API has no Health field (1.41)', () => {
    expect(old.map((e) => [e.name, e.state, e.health])).toEqual([
      ['postgres', 'running', 'healthy'],
      ['redis', 'running', 'unhealthy'],
      ['timescaledb', 'running', 'starting'],
      ['homeops-media-1', 'running', 'none'],
      ['api-gateway', 'restarting', 'none'],
      ['financial', 'exited', 'none'],
      ['smart-home', 'created', 'none'],
      ['nginx', 'paused', 'none'],
      ['scratchpad', 'running', 'none'],
    ]);
    // Without the field the list cannot say how many checks failed.
    expect(byName(old, 'redis').failingStreak).toBeNull();
  });

  it('takes Health and its failing streak from the list on API 1.52', () => {
    expect(byName(current, 'redis')).toMatchObject({ health: 'unhealthy', failingStreak: 5 });
    expect(byName(current, 'postgres')).toMatchObject({ health: 'healthy', failingStreak: 0 });
    expect(byName(current, 'timescaledb').health).toBe('starting');
    // Both shapes agree on everything else.
    expect(current.map((e) => [e.name, e.state, e.networks, e.exitCode])).toEqual(
      old.map((e) => [e.name, e.state, e.networks, e.exitCode]),
    );
  });

  it('reads exit codes, networks, compose labels and the own name among link names', () => {
    expect(byName(old, 'financial').exitCode).toBe(3);
    expect(byName(old, 'api-gateway').exitCode).toBe(1);
    expect(byName(old, 'api-gateway').networks).toEqual(['homeops_default', 'homeops_internal']);
    expect(byName(old, 'scratchpad').networks).toEqual(['none']);
    expect(byName(old, 'homeops-media-1').labels['com.docker.compose.service']).toBe('media');
    expect(byName(old, 'nginx').name).toBe('nginx');
  });

  it('parses every Status text form of the engine', () => {
    expect(healthFromStatus('Up 3 days (healthy)')).toBe('healthy');
    expect(healthFromStatus('Up 2 hours (unhealthy)')).toBe('unhealthy');
    expect(healthFromStatus('Up 5 seconds (health: starting)')).toBe('starting');
    expect(healthFromStatus('Up 2 hours (Paused)')).toBe('none');
    expect(healthFromStatus('Exited (0) 5 hours ago')).toBe('none');
    expect(exitCodeFromStatus('Exited (137) About a minute ago')).toBe(137);
    expect(exitCodeFromStatus('Restarting (1) 10 seconds ago')).toBe(1);
    expect(exitCodeFromStatus('Up Less than a second')).toBeNull();
  });

  it('refuses an answer that is not a list', () => {
    expect(() => parseList({ message: 'client version 1.23 is too old' })).toThrow(DockerParseError);
  });
});

describe('container inspect', () => {
  it('gives the failing streak, the check log and the last output', () => {
    const info = parseInspect(json('inspect-unhealthy.json'));
    expect(info).toMatchObject({
      name: 'redis',
      restartCount: 2,
      startedAt: '2025-11-26T08:15:02.120000000Z',
      memoryLimitBytes: 2147483648,
      tty: false,
    });
    expect(info?.health?.status).toBe('unhealthy');
    expect(info?.health?.failingStreak).toBe(5);
    expect(info?.health?.log.map((l) => l.exitCode)).toEqual([0, -1, 1, 1, 1]);
    expect(info?.health?.log.at(-1)?.output).toBe('LOADING Redis is loading the dataset in memory\n');
  });

  it('reads a restarting container (OOM-killed) and one without a health check', () => {
    expect(parseInspect(json('inspect-restarting.json'))).toMatchObject({
      restartCount: 14,
      oomKilled: true,
      exitCode: 137,
      health: null,
      restartPolicy: 'unless-stopped',
    });
    // Zero times are "never", not year 1; a TTY container logs without frames.
    const exited = parseInspect(json('inspect-exited-no-healthcheck.json'));
    expect(exited).toMatchObject({ exitCode: 3, health: null, tty: true, memoryLimitBytes: null });
  });
});

describe('stats, by the docker CLI formulas', () => {
  it('cgroup v1 one-shot samples: CPU from our own previous sample, memory minus total_inactive_file', () => {
    const a = parseStats(json('stats-cgroup-v1-oneshot-a.json'));
    const b = parseStats(json('stats-cgroup-v1-oneshot-b.json'));
    if (!a || !b) throw new Error('no samples');
    // One-shot: the engine's precpu_stats is empty, so there is no CPU figure from one sample.
    expect(b.precpu).toBeNull();
    expect(usageOf(b, null).cpuPercent).toBeNull();
    // 0.5 s of CPU over 2 s of system time on 2 CPUs = 50 %.
    const usage = usageOf(b, a);
    expect(usage.cpuPercent).toBeCloseTo(50, 6);
    // 100 MiB used − 20 MiB total_inactive_file (v1 key wins over inactive_file) = 80 MiB of 256 MiB.
    expect(usage.memoryUsedBytes).toBe(80 * 1024 * 1024);
    expect(usage.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(usage.memoryPercent).toBeCloseTo(31.25, 6);
    // An older sample given as "previous" the wrong way round teaches nothing.
    expect(usageOf(a, b).cpuPercent).toBeNull();
  });

  it("cgroup v2 streamed sample: CPU from the engine's precpu, memory minus inactive_file", () => {
    const s = parseStats(json('stats-cgroup-v2-stream.json'));
    if (!s) throw new Error('no sample');
    const usage = usageOf(s, null);
    expect(usage.cpuPercent).toBeCloseTo(75, 6);
    expect(usage.memoryUsedBytes).toBe(400 * 1024 * 1024);
    expect(usage.memoryPercent).toBeCloseTo(19.53125, 6);
    expect(s.network).toEqual({ rxBytes: 1024, txBytes: 512 });
  });

  it('falls back to the number of per-CPU counters when online_cpus is 0, and gives 0 when the container used nothing', () => {
    const cur = { totalUsage: 3e9, systemUsage: 8e9, onlineCpus: 0, percpuCount: 4 };
    expect(cpuPercent(cur, { totalUsage: 2e9, systemUsage: 4e9, onlineCpus: 0, percpuCount: 4 })).toBeCloseTo(100, 6);
    expect(cpuPercent(cur, { totalUsage: 3e9, systemUsage: 4e9, onlineCpus: 4, percpuCount: 0 })).toBe(0);
    // A restart resets the counter: a negative delta is 0 %, as the CLI shows it.
    expect(cpuPercent(cur, { totalUsage: 9e9, systemUsage: 4e9, onlineCpus: 4, percpuCount: 0 })).toBe(0);
  });

  it('subtracts the page cache only when it is smaller than usage', () => {
    expect(memoryUsed({ usage: 100, limit: 1000, stats: { inactive_file: 150 } })).toBe(100);
    expect(memoryUsed({ usage: 100, limit: 1000, stats: {} })).toBe(100);
  });

  it('a stopped container answers with zero times: no sample', () => {
    expect(parseStats(json('stats-stopped.json'))).toBeNull();
  });
});

describe('events', () => {
  it('reads 1.41 lines (legacy fields) and 1.52 lines (without them), health from the action', () => {
    const old = lines('events-api-1.41.ndjson').map(parseEvent);
    expect(old[0]).toMatchObject({ action: 'health_status', health: 'unhealthy', name: 'redis' });
    expect(old[0]?.time).toBeCloseTo(1764152530123.457, 3);
    expect(old[1]).toMatchObject({ action: 'exec_start', health: null });
    expect(old[2]).toMatchObject({ action: 'die', name: 'api-gateway' });
    const current = lines('events-api-1.52.ndjson').map(parseEvent);
    expect(current[0]).toMatchObject({ action: 'health_status', health: 'healthy' });
    expect(current[1]).toMatchObject({ action: 'start', name: 'api-gateway' });
    // Network events are not container events.
    expect(current[2]).toBeNull();
    expect(parseEvent('not json')).toBeNull();
  });
});
