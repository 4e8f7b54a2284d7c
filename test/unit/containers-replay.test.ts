// The demo scenarios' Docker recordings, replayed through the real containers probe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEMO_REASON, replayDocker, substituteTimes } from '../../src/demo/containers-replay.js';
import { listScenarios } from '../../src/demo/scenario.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { ActionRefused } from '../../src/docker/actions.js';
import type { ContainersReading } from '../../src/model/containers.js';
import { containersProbe } from '../../src/probes/containers/probe.js';

const { config } = loadConfig(undefined, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' }, '/', { demo: true });
const never = new AbortController().signal;

async function play(name: string, reads = 1) {
  const access = replayDocker(loadScenario(name), config);
  if (!access) throw new Error(`${name} has no containers.json`);
  const probe = containersProbe(access.read, config);
  let reading: ContainersReading | null = null;
  for (let i = 0; i < reads; i++) reading = probe.parse(await probe.read(never));
  if (!reading) throw new Error('no reading');
  return { access, reading, assessment: probe.assess(reading, Date.now()) };
}

const ESTATE = [
  'agent-orchestrator',
  'api-gateway',
  'central-agent',
  'financial',
  'gluetun',
  'homeops-media-1',
  'homeops-smart-home-1',
  'nginx',
  'pihole',
  'postgres',
  'redis',
  'timescaledb',
];

describe('containers in the demo scenarios', () => {
  it("every scenario has the estate's twelve containers", async () => {
    for (const name of listScenarios()) {
      const { reading } = await play(name);
      expect(
        reading.containers.map((c) => c.name),
        name,
      ).toEqual(ESTATE);
    }
  });

  it('healthy: all running and healthy, placed in the plan by name or compose service, with CPU from the first read', async () => {
    const { reading, assessment } = await play('healthy');
    expect(assessment).toMatchObject({ status: 'ok', alerts: [], summary: '12/12 running · 3 unplanned' });
    expect(reading.endpoints[0]?.engine?.apiVersion).toBe('1.47');
    expect(reading.containers.every((c) => c.state === 'running' && c.health === 'healthy')).toBe(true);
    const groupOf = Object.fromEntries(reading.containers.map((c) => [c.name, `${c.group}${c.groupBy ? `/${c.groupBy}` : ''}`]));
    expect(groupOf).toMatchObject({
      postgres: 'database/name',
      redis: 'database/name',
      timescaledb: 'database/name',
      'api-gateway': 'core/name',
      'homeops-media-1': 'specialized/compose',
      'homeops-smart-home-1': 'specialized/compose',
      pihole: 'unplanned',
      gluetun: 'unplanned',
      nginx: 'unplanned',
    });
    expect(reading.containers.every((c) => c.cpuPercent !== null && c.memoryUsedBytes !== null && c.uptimeMs !== null)).toBe(true);
    const database = reading.groups.find((g) => g.group === 'database');
    expect(database).toMatchObject({ cores: 4, containers: 3, running: 3, missing: [] });
    expect(database?.memoryPercent).toBeGreaterThan(30);
    expect(database?.memoryPercent).toBeLessThan(60);
  });

  it("gpu-hot: the core services' containers use over 80 % of the group's 4 cores", async () => {
    const { reading, assessment } = await play('gpu-hot');
    expect(assessment.status).toBe('ok');
    const core = reading.groups.find((g) => g.group === 'core');
    expect(core?.coresPercent).toBeGreaterThan(80);
    expect(core?.coresPercent).toBeLessThan(100);
  });

  it('db-unhealthy: postgres unhealthy with 3 failed checks, api-gateway restarting in a loop: critical', async () => {
    const { reading, assessment } = await play('db-unhealthy', 3);
    expect(reading.endpoints[0]?.engine?.apiVersion).toBe('1.52');
    const postgres = reading.containers.find((c) => c.name === 'postgres');
    expect(postgres).toMatchObject({ health: 'unhealthy', failingStreak: 3, lastHealthOutput: '/var/run/postgresql:5432 - no response' });
    expect(postgres?.healthLog.map((l) => l.exitCode)).toEqual([0, 0, -1, 2, 2]);
    const gateway = reading.containers.find((c) => c.name === 'api-gateway');
    expect(gateway).toMatchObject({
      state: 'restarting',
      health: 'none',
      restartCount: 17,
      recentRestarts: 3,
      restartLoop: true,
      exitCode: 1,
      cpuPercent: null,
    });
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts).toEqual([
      { level: 'crit', message: 'api-gateway restarting in a loop (3 restarts lately) [core]' },
      { level: 'crit', message: 'postgres unhealthy (3 failed checks): /var/run/postgresql:5432 - no response [database]' },
    ]);
    expect(assessment.summary).toBe('11/12 running · 1 unhealthy · 1 restarting · 3 unplanned');
  });

  it.each([
    ['primary-down', 'pihole'],
    ['vpn-down', 'gluetun'],
  ])('%s: %s unhealthy, outside the plan: a warning', async (name, container) => {
    const { assessment } = await play(name);
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts).toHaveLength(1);
    expect(assessment.alerts[0]?.message).toMatch(new RegExp(`^${container} unhealthy \\(\\d failed checks\\): .+ \\(unplanned\\)$`));
  });

  it("the VPN pane's container health agrees with each scenario's gluetun.json", async () => {
    for (const name of listScenarios()) {
      const gluetun = JSON.parse(readFileSync(join(loadScenario(name).dir, 'gluetun.json'), 'utf8')) as { container?: string };
      const { access } = await play(name);
      expect(await access.containerHealth('gluetun', never), name).toBe(gluetun.container);
    }
  });

  it('frames move: CPU figures change from read to read and recorded times keep their age', async () => {
    const access = replayDocker(loadScenario('healthy'), config);
    const probe = containersProbe(access?.read ?? (async () => ({ endpoints: [] })), config);
    const cpu = async () => probe.parse(await probe.read(never)).containers.find((c) => c.name === 'postgres');
    const first = await cpu();
    const second = await cpu();
    expect(first?.cpuPercent).not.toEqual(second?.cpuPercent);
    expect(first?.uptimeMs).toBe(3 * 86_400_000);
  });

  it("refuses actions with the demo's reason, and shows recorded logs", async () => {
    const { access } = await play('db-unhealthy');
    expect(access.actions.refusal('restart')).toBe(DEMO_REASON);
    await expect(access.actions.restart({ host: 'workstation', id: 'x', name: 'postgres' })).rejects.toThrow(ActionRefused);
    const lines = [];
    for await (const line of access.actions.logs({ host: 'workstation', id: 'x', name: 'api-gateway' }, { tail: 2 })) lines.push(line);
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stderr', 'error: connect to postgres:5432: timeout after 10s'],
      ['stderr', 'fatal: database unavailable, exiting (code 1)'],
    ]);
    expect(Date.now() - Date.parse(lines[0]?.at ?? '')).toBeGreaterThanOrEqual(9000);
  });

  it('substitutes recorded times relative to now', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(substituteTimes({ a: '$now-1h', b: ['$date:now-30s'], c: '$date:now', d: 'plain', e: '$nowhere' }, now)).toEqual({
      a: now / 1000 - 3600,
      b: ['2026-01-10T11:59:30.000Z'],
      c: '2026-01-10T12:00:00.000Z',
      d: 'plain',
      e: '$nowhere',
    });
  });
});

describe('substituteTimes shares what holds no time', () => {
  it('returns the parts without times as the same objects, and copies only the way to a time', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const still = { Labels: { a: '1' }, Ports: [] };
    const value = [still, { Created: '$now-1h', Labels: { b: '2' } }];
    const out = substituteTimes(value, now) as [unknown, { Created: number; Labels: unknown }];
    expect(out).not.toBe(value);
    expect(out[0]).toBe(still);
    expect(out[1]).toEqual({ Created: now / 1000 - 3600, Labels: { b: '2' } });
    expect(out[1].Labels).toBe(value[1]?.Labels);
    expect(value[1]).toEqual({ Created: '$now-1h', Labels: { b: '2' } });
    expect(substituteTimes(still, now)).toBe(still);
    // The next tick puts the new time in again, and still shares the rest.
    const later = substituteTimes(value, now + 2000) as [unknown, { Created: number }];
    expect(later[0]).toBe(still);
    expect(later[1].Created).toBe(now / 1000 - 3600 + 2);
  });
});
