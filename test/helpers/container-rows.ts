import { type ContainerRow, type ContainersReading, UNPLANNED } from '../../src/model/containers.js';
// Containers as a reading holds them, for the tests of what the UI makes of them.

export function containerRow(name: string, overrides: Partial<ContainerRow> = {}): ContainerRow {
  return {
    host: 'workstation',
    id: `${name}-id`.padEnd(64, '0'),
    shortId: `${name}-id`.padEnd(12, '0').slice(0, 12),
    name,
    image: `example/${name}:1`,
    composeProject: null,
    composeService: null,
    group: UNPLANNED,
    groupBy: null,
    state: 'running',
    statusText: 'Up 1 hour',
    exitCode: null,
    health: 'none',
    failingStreak: null,
    healthLog: [],
    lastHealthOutput: null,
    restartCount: 0,
    recentRestarts: 0,
    restartLoop: false,
    restartPolicy: 'unless-stopped',
    startedAt: '2026-01-02T02:00:00.000Z',
    finishedAt: null,
    uptimeMs: 3_600_000,
    oomKilled: false,
    cpuPercent: 1,
    cpuCores: 0.005,
    memoryUsedBytes: 100 * 2 ** 20,
    memoryLimitBytes: 2 ** 34,
    memoryPercent: 0.6,
    planMemoryBytes: null,
    networks: ['none'],
    statsAgeMs: 0,
    level: null,
    ...overrides,
  };
}

export function readingOf(containers: ContainerRow[]): ContainersReading {
  return {
    endpoints: [
      {
        host: 'workstation',
        label: 'unix:///var/run/docker.sock',
        engine: null,
        status: 'ok',
        error: null,
        ageMs: 0,
        containers: containers.length,
      },
    ],
    containers,
    groups: [],
    counts: { total: containers.length, running: 0, healthy: 0, unhealthy: 0, starting: 0, restarting: 0, exited: 0, unplanned: 0 },
    readAt: Date.parse('2026-01-02T03:00:00.000Z'),
  };
}
