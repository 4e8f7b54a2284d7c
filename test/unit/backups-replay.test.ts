// Demo scenarios' backups (backups.json), replayed through the real backups reader, parsers and
// assessment: the fresh scenarios are ok, backups-stale is the database 9 h old with WAL
// archiving failing; and a recording can say a host is unreachable or a directory denied.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import { replayBackups } from '../../src/demo/backups-replay.js';
import { RecordingError } from '../../src/demo/http-replay.js';
import { listScenarios, type Scenario } from '../../src/demo/scenario.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { type BackupsConfig, backupsProbe } from '../../src/probes/backups/probe.js';
import { backupsConfig, HOUR } from '../helpers/backups.js';

const config = readUserFile(estateConfigPath(), configSchema);
const backups = config.backups!;
const never = new AbortController().signal;

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

function scenarioWith(recording: unknown): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-backups-scenario-'));
  temp.push(dir);
  writeFileSync(join(dir, 'backups.json'), typeof recording === 'string' ? recording : JSON.stringify(recording));
  return { name: 'test', dir, description: '', host: 'workstation' };
}

async function demo(scenario: Scenario, setConfig: BackupsConfig = backups, now: () => number = Date.now) {
  const read = replayBackups(scenario, setConfig, now);
  if (!read) throw new Error(`${scenario.name} has no backups.json`);
  const probe = backupsProbe(read, setConfig);
  const reading = probe.parse(await probe.read(never));
  return { read, probe, reading, assessment: probe.assess(reading, now()) };
}

describe('the scenarios', () => {
  it('every scenario records backups; backups-stale is a whole scenario', () => {
    for (const name of listScenarios()) expect(existsSync(join(loadScenario(name).dir, 'backups.json')), `${name}/backups.json`).toBe(true);
    const stale = loadScenario('backups-stale');
    expect(stale.description).toMatch(/9 h old.*WAL archiving fails/);
    for (const file of ['cpu.json', 'containers.json', 'dns.json', 'gluetun.json', 'nvidia-smi/query-gpu.csv', 'pihole/primary.json']) {
      expect(existsSync(join(stale.dir, file)), `backups-stale/${file}`).toBe(true);
    }
  });

  it.each(['healthy', 'gpu-hot', 'db-unhealthy', 'primary-down', 'vpn-down'])(
    '%s: every set fresh, WAL archiving working',
    async (name) => {
      const { reading, assessment } = await demo(loadScenario(name));
      expect(assessment).toEqual({ status: 'ok', summary: '4 sets fresh', alerts: [] });
      expect(reading.sets.map((s) => [s.name, s.state])).toEqual([
        ['configuration', 'fresh'],
        ['database', 'fresh'],
        ['application', 'fresh'],
        ['media', 'fresh'],
      ]);
      expect(reading.sets[0]?.retention).toEqual({ kind: 'versions', limit: 30, count: 30, over: false });
      expect(reading.sets[1]?.wal?.state).toBe('ok');
    },
  );

  it('backups-stale: the database dump 9 h old (every 4 h) is overdue and WAL archiving fails: crit', async () => {
    const { reading, assessment } = await demo(loadScenario('backups-stale'));
    expect(reading.sets.map((s) => [s.name, s.state])).toEqual([
      ['configuration', 'fresh'],
      ['database', 'overdue'],
      ['application', 'fresh'],
      ['media', 'fresh'],
    ]);
    const db = reading.sets[1]!;
    expect(db.ageMs).toBe(9 * HOUR);
    expect(db.wal).toMatchObject({
      state: 'failing',
      failedCount: 327,
      lastFailedWal: '00000001000000A7000000B9',
      lastArchivedWal: '00000001000000A7000000B8',
    });
    expect(assessment.status).toBe('crit');
    expect(assessment.summary).toBe('4 sets: 3 fresh, database overdue 9h (every 4h); database WAL failing');
    expect(assessment.alerts.map((a) => a.level)).toEqual(['crit', 'crit']);
    expect(assessment.alerts[0]?.message).toMatch(
      /^database: overdue — newest backup 9h old, made every 4h \(homeops-\d{8}-\d{4}\.dump\)$/,
    );
    expect(assessment.alerts[1]?.message).toMatch(/^database: WAL archiving failing — 00000001000000A7000000B9 failed at /);
  });

  it('ages stay as recorded while the demo runs', async () => {
    let t = Date.parse('2026-05-03T12:00:00Z');
    const { read, probe } = await demo(loadScenario('backups-stale'), backups, () => t);
    t += 3 * HOUR;
    expect(probe.parse(await read(never)).sets[1]?.ageMs).toBe(9 * HOUR);
  });

  it('a scenario without backups.json has no backups reader (the pane is off)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-backups-scenario-'));
    temp.push(dir);
    expect(replayBackups({ name: 'none', dir, description: '', host: 'h' }, backups)).toBeNull();
  });
});

describe('what a recording can say', () => {
  const sets = backupsConfig({
    sets: [
      { name: 'db', host: 'nas', path: '/b/db', glob: '*.dump', schedule: '4h' },
      { name: 'app', host: 'nas', kind: 'restic', path: '/r/app', schedule: '1d' },
      { name: 'media', host: 'box', kind: 'borg', path: '/r/media', schedule: '7d' },
      { name: 'denied', host: 'box', path: '/b/private', schedule: '1d' },
      { name: 'shrunk', host: 'box', path: '/b/shrunk', schedule: '1d' },
    ],
  });

  it('restic snapshots, borg archives, a denied directory, a backup that shrank', async () => {
    const { reading } = await demo(
      scenarioWith({
        hosts: {
          nas: {
            dirs: { '/b/db': [{ name: 'db-{time}.dump', count: 3, every: '4h', newest: '1h', size: '1GiB' }] },
            restic: { '/r/app': [{ name: 'x', count: 2, every: '1d', newest: '26h', size: 5000 }] },
          },
          box: {
            borg: { '/r/media': [{ name: 'media-{time}', newest: '12d' }] },
            denied: ['/b/private'],
            dirs: {
              '/b/private': [],
              '/b/shrunk': [{ name: 'a.tar', count: 2, every: '1d', newest: '2h', size: '10GiB', newestSize: '1GiB' }],
            },
          },
        },
      }),
      sets,
    );
    expect(reading.sets.map((s) => [s.name, s.state, s.count])).toEqual([
      ['db', 'fresh', 3],
      ['app', 'due', 2],
      ['media', 'overdue', 1],
      ['denied', 'unknown', 0],
      ['shrunk', 'fresh', 2],
    ]);
    expect(reading.sets[0]?.newest?.name).toMatch(/^db-\d{8}-\d{4}\.dump$/);
    expect(reading.sets[1]?.newest?.size).toBe(5000);
    expect(reading.sets[3]?.problem?.message).toBe('permission denied reading /b/private on box');
    expect(reading.sets[4]?.sizeDrop?.fraction).toBeCloseTo(0.1);
  });

  it('an unreachable host, and a host or path the recording does not know', async () => {
    const { reading, assessment } = await demo(
      scenarioWith({ hosts: { nas: { unreachable: 'connect ETIMEDOUT 10.0.10.20:22' }, box: { dirs: {} } } }),
      sets,
    );
    expect(reading.sets[0]?.problem).toMatchObject({ reason: 'unreachable' });
    expect(reading.sets[0]?.problem?.message).toMatch(/^nas unreachable since \d\d:\d\d:\d\d \(connect ETIMEDOUT 10\.0\.10\.20:22\)$/);
    expect(reading.sets[2]).toMatchObject({
      state: 'missing',
      problem: { reason: 'not-found', message: 'no borg repository at /r/media on box' },
    });
    expect(reading.sets[4]).toMatchObject({ state: 'missing', problem: { message: 'no such directory: /b/shrunk on box' } });
    expect(assessment.summary).toBe(
      '5 sets: 0 fresh, db unknown, app unknown, media missing, denied missing, shrunk missing; nas unreachable',
    );
  });

  it('a malformed recording is an error naming the file and the place', () => {
    expect(() => replayBackups(scenarioWith('{'), backups)).toThrow(SyntaxError);
    expect(() => replayBackups(scenarioWith({ sets: {} }), backups)).toThrow(RecordingError);
    expect(() => replayBackups(scenarioWith({ hosts: { nas: { dirs: { '/b': [{ name: 'a', age: 'old' }] } } } }), backups)).toThrow(
      /backups\.json: hosts\.nas\.dirs\.\/b\[0\]\.age: "old" is not a duration/,
    );
    expect(() => replayBackups(scenarioWith({ hosts: { nas: { dirs: { '/b': [{ name: 'a', count: 3 }] } } } }), backups)).toThrow(
      /a series of 3 needs "every"/,
    );
  });
});
