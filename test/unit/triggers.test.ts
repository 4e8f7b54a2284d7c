// Triggers: which runbooks a Snapshot calls for, read from since when its services have been down
// or up. The built-in runbooks' triggers (dns-failover, primary-failover, failback) over
// readings of the reference estate's services; held and released; the config's overrides; the
// maintenance window.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema, runbooksSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { ServiceReading, ServicesReading } from '../../src/probes/services/types.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { offersFor, triggeredRunbooks } from '../../src/runbooks/triggers.js';

const config = readUserFile(estateConfigPath(), configSchema);
const services = config.services!;
const triggered = triggeredRunbooks(loadRunbooks({ config, env: { HOME: '/nonexistent' }, cwd: '/' }).runbooks);
const NOW = Date.parse('2026-12-05T20:00:00Z');
const SEC = 1000;

type State = { down?: number; up?: number };

/** The reference estate's services: each up for an hour, unless `states` says since when it is down or up. */
function reading(states: Record<string, State> = {}, maintenance: ServicesReading['maintenance'] = null): ServicesReading {
  return {
    at: new Date(NOW).toISOString(),
    maintenance,
    services: services.list.map((s): ServiceReading => {
      const state = states[s.name] ?? (s.standby ? { down: 3600 * SEC } : { up: 3600 * SEC });
      const down = state.down !== undefined;
      return {
        name: s.name,
        description: null,
        priority: s.priority,
        group: s.group ?? null,
        runsOn: s.runsOn ?? null,
        standby: s.standby,
        from: null,
        kind: 'http' in s.check ? 'http' : 'tcp' in s.check ? 'tcp' : 'dns' in s.check ? 'dns' : 'container',
        target: '',
        state: down ? 'down' : 'up',
        why: down ? 'no answer within 5s' : null,
        note: null,
        lastCheck: null,
        lastMs: null,
        p95: { m5: null, m60: null },
        errorRate: { m5: null, m60: null },
        checks: { m5: 0, m60: 0 },
        certDaysLeft: null,
        downSince: down ? new Date(NOW - (state.down ?? 0)).toISOString() : null,
        upSince: down ? null : new Date(NOW - (state.up ?? 0)).toISOString(),
        budgetMs: 300_000,
        level: down ? (s.standby ? 'standby' : maintenance ? 'maintenance' : 'warn') : 'ok',
        problems: [],
      };
    }),
  };
}

const offers = (data: ServicesReading | null, overrides?: Parameters<typeof offersFor>[2], now = NOW) =>
  offersFor(data, triggered, overrides, now);

const workstation = services.list.filter((s) => s.runsOn === 'workstation' && s.priority <= 2).map((s) => s.name);
const allDown = (seconds: number) => Object.fromEntries(workstation.map((name) => [name, { down: seconds * SEC }]));

describe('the built-in triggers over the reference estate', () => {
  it('the three runbooks that declare one', () => {
    expect(triggered.map((t) => t.id).sort()).toEqual(['dns-failover', 'failback', 'primary-failover']);
  });

  it('nothing is offered while every service answers, or with no services reading', () => {
    expect(offers(reading())).toEqual([]);
    expect(offers(null)).toEqual([]);
  });

  it('dns-failover: the primary DNS down for 59 s is not yet; for 60 s it is offered, since it went down', () => {
    expect(offers(reading({ 'dns-primary': { down: 59 * SEC } }))).toEqual([]);
    expect(offers(reading({ 'dns-primary': { down: 60 * SEC } }))).toEqual([
      {
        runbook: 'dns-failover',
        title: 'DNS failover to the NAS',
        reason: 'the primary DNS does not answer: dns-primary down for 1m',
        since: new Date(NOW - 60 * SEC).toISOString(),
        response: 'offer',
      },
    ]);
    // The NAS's DNS down is not the primary's.
    expect(offers(reading({ 'dns-secondary': { down: 600 * SEC } }))).toEqual([]);
  });

  it('primary-failover: every priority 1 and 2 service of the workstation down for 60 s; it supersedes the DNS failover', () => {
    expect(offers(reading(allDown(192))).map((o) => [o.runbook, o.reason])).toEqual([
      [
        'primary-failover',
        `the workstation's health checks fail: ${workstation.length} services down (dns-primary, auth, health and ${workstation.length - 3} more) for 3m12s`,
      ],
    ]);
    // One of them still answering: it is not a primary failure (the DNS one alone is offered).
    expect(offers(reading({ ...allDown(192), postgres: { up: 3600 * SEC } })).map((o) => o.runbook)).toEqual(['dns-failover']);
    // They went down one after the other: it holds since the last of them.
    const staggered = { ...allDown(300), redis: { down: 30 * SEC } };
    expect(offers(reading(staggered)).map((o) => o.runbook)).toEqual(['dns-failover']);
    expect(offers(reading(staggered), undefined, NOW + 30 * SEC).map((o) => [o.runbook, o.since])).toEqual([
      ['primary-failover', new Date(NOW - 30 * SEC).toISOString()],
    ]);
  });

  it("failback: the workstation healthy for 10 minutes while the NAS's standby serves", () => {
    const standbyUp = { 'nas-auth': { up: 7200 * SEC } };
    const back = (seconds: number) => Object.fromEntries(workstation.map((name) => [name, { up: seconds * SEC }]));
    expect(offers(reading({ ...back(599), ...standbyUp }))).toEqual([]);
    expect(offers(reading({ ...back(600), ...standbyUp })).map((o) => [o.runbook, o.reason])).toEqual([
      [
        'failback',
        `the workstation is healthy again while the NAS serves: ${workstation.length} services up (dns-primary, auth, health and ${workstation.length - 3} more); nas-auth up for 10m`,
      ],
    ]);
    // The standby down (no failover happened): nothing to fail back from.
    expect(offers(reading(back(3600)))).toEqual([]);
  });

  it('released as soon as the condition stops holding', () => {
    expect(offers(reading(allDown(120)))).toHaveLength(1);
    expect(offers(reading({ ...allDown(120), 'dns-primary': { up: 1 * SEC } })).map((o) => o.runbook)).toEqual([]);
  });

  it('inside the maintenance window nothing is offered', () => {
    expect(offers(reading(allDown(600), { until: new Date(NOW + 3600 * SEC).toISOString() }))).toEqual([]);
  });
});

describe("the config's runbooks.triggers", () => {
  const overrides = (value: unknown) => runbooksSchema.parse({ triggers: value }).triggers;

  it('for: shortens (or lengthens) how long the condition must hold', () => {
    const down = reading({ 'dns-primary': { down: 2 * SEC } });
    expect(offers(down)).toEqual([]);
    expect(offers(down, overrides({ 'dns-failover': { for: '2s' } })).map((o) => o.runbook)).toEqual(['dns-failover']);
  });

  it('response: auto is listed as such; off is never offered', () => {
    const down = reading({ 'dns-primary': { down: 90 * SEC } });
    expect(offers(down, overrides({ 'dns-failover': { response: 'auto' } }))[0]?.response).toBe('auto');
    expect(offers(down, overrides({ 'dns-failover': { response: 'off' } }))).toEqual([]);
  });

  it("the estate's automatic DNS failover: off as shipped, on with the one documented line of examples/estate.yaml", () => {
    const down = reading({ 'dns-primary': { down: 90 * SEC } });
    expect(offers(down, config.runbooks?.triggers).map((o) => [o.runbook, o.response])).toEqual([['dns-failover', 'offer']]);
    const text = readFileSync(estateConfigPath(), 'utf8');
    const line = '  # triggers: { dns-failover: { response: auto } }\n';
    expect(text).toContain(line);
    const dir = mkdtempSync(join(tmpdir(), 'homeops-auto-dns-'));
    const file = join(dir, 'estate.yaml');
    try {
      writeFileSync(file, text.replace(line, line.replace('# ', '')).replace('  triggers: {}\n', ''));
      const auto = readUserFile(file, configSchema);
      expect(offers(down, auto.runbooks?.triggers).map((o) => [o.runbook, o.response])).toEqual([['dns-failover', 'auto']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown response is a config error', () => {
    expect(runbooksSchema.safeParse({ triggers: { 'dns-failover': { response: 'now' } } }).success).toBe(false);
  });
});

describe('a trigger that names what the config does not have', () => {
  it('an unknown service or host is a located error; without services in the config, names are not checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-trigger-'));
    writeFileSync(
      join(dir, 'x.yaml'),
      [
        'id: restart-api',
        'title: Restart the API',
        'trigger:',
        '  when:',
        '    - { services: { name: [api-gatway] }, state: down }',
        '    - { services: { runsOn: nass }, state: up }',
        '  for: 1m',
        '  reason: the API does not answer',
        'steps:',
        '  - { id: say, note: restarted }',
        '',
      ].join('\n'),
    );
    const withDir = { ...config, runbooks: { ...config.runbooks!, dirs: [dir] } };
    const error = (() => {
      try {
        loadRunbooks({ config: withDir, env: { HOME: '/nonexistent' }, cwd: '/' });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(error).toBe(
      `${join(dir, 'x.yaml')}:5:28 trigger.when.0.services.name.0: no service "api-gatway" in the config's services.list (did you mean "api-gateway"?)`,
    );
    const { services: _, ...noServices } = withDir;
    writeFileSync(join(dir, 'x.yaml'), readFileSync(join(dir, 'x.yaml'), 'utf8').replace('runsOn: nass', 'runsOn: nas'));
    expect(loadRunbooks({ config: noServices, env: { HOME: '/nonexistent' }, cwd: '/' }).get('restart-api')?.trigger?.for).toBe(60_000);
  });
});
