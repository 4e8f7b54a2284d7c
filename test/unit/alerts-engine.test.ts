import { describe, expect, it } from 'vitest';
import { type AlertState, EMPTY_STATE, loadState, type Message, type StepInput, saveState, step } from '../../src/alerts/engine.js';
import { type AlertRules, DEFAULT_RULES, severityOf, sustainOf } from '../../src/alerts/rules.js';
import { NO_SILENCES, type Silences } from '../../src/alerts/silences.js';
import type { PaneId } from '../../src/model/panes.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import { type PaneSpec, snapshotAt } from '../helpers/snapshot.js';

const T = Date.parse('2026-03-01T10:00:00Z');
const RULES: AlertRules = { ...DEFAULT_RULES, sustainMs: 30_000, clearMs: 20_000, remindMs: 600_000 };

const failover: PaneSpec = {
  status: 'warn',
  alerts: [{ level: 'warn', message: 'FAILOVER: clients use secondary 10.0.10.20 — primary timed out' }],
  summary: 'FAILOVER → secondary',
};
const healthy: PaneSpec = { status: 'ok', summary: 'primary answers' };

/** Runs ticks every `every` ms from `from` to `to`, with the snapshot `at` gives; collects everything. */
function run(
  initial: AlertState,
  from: number,
  to: number,
  snapshotFor: (now: number) => Snapshot,
  extra: Partial<StepInput> = {},
  every = 2000,
) {
  let state = initial;
  const events: TimelineEvent[] = [];
  const messages: Message[] = [];
  for (let now = from; now <= to; now += every) {
    const result = step(state, {
      snapshot: snapshotFor(now),
      now,
      paneHosts: {},
      silences: NO_SILENCES,
      maintenance: null,
      rules: RULES,
      ...extra,
    });
    state = result.state;
    events.push(...result.events);
    messages.push(...result.messages);
  }
  return { state, events, messages };
}

describe('the severities of the estate plan', () => {
  it("maps the console's words, and the config overrides them", () => {
    expect(severityOf({ host: 'workstation' }, DEFAULT_RULES)).toBe('critical');
    expect(severityOf({ pane: 'dns', level: 'crit' }, DEFAULT_RULES)).toBe('critical');
    expect(severityOf({ pane: 'dns', level: 'warn' }, DEFAULT_RULES)).toBe('high');
    expect(severityOf({ pane: 'gpu', level: 'crit' }, DEFAULT_RULES)).toBe('high');
    expect(severityOf({ pane: 'vpn', level: 'down' }, DEFAULT_RULES)).toBe('high');
    expect(severityOf({ pane: 'backups', level: 'warn' }, DEFAULT_RULES)).toBe('medium');
    expect(severityOf({ pane: 'cpu', level: 'stale' }, DEFAULT_RULES)).toBe('low');
    const rules = { severity: { gpu: 'low', 'gpu.crit': 'critical', host: 'high' } as const };
    expect(severityOf({ pane: 'gpu', level: 'warn' }, rules)).toBe('low');
    expect(severityOf({ pane: 'gpu', level: 'crit' }, rules)).toBe('critical');
    expect(severityOf({ host: 'nas' }, rules)).toBe('high');
    expect(sustainOf({ pane: 'dns', level: 'warn' }, { sustainMs: 1000, sustainFor: { dns: 5000, 'dns.crit': 10 } })).toBe(5000);
    expect(sustainOf({ pane: 'dns', level: 'crit' }, { sustainMs: 1000, sustainFor: { dns: 5000, 'dns.crit': 10 } })).toBe(10);
    expect(sustainOf({ pane: 'cpu', level: 'crit' }, { sustainMs: 1000, sustainFor: {} })).toBe(1000);
  });
});

describe('alert hygiene', () => {
  it('fires after the sustain time, once; resolves after the clear time, once', () => {
    const down = run(EMPTY_STATE, T, T + 60_000, (now) => snapshotAt(now, { dns: failover }));
    expect(down.events.filter((e) => e.kind === 'alert')).toEqual([
      {
        at: T + 30_000,
        kind: 'alert',
        subject: 'dns:failover-clients-use-secondary-primary-timed-out',
        state: 'firing',
        severity: 'high',
        text: 'dns: FAILOVER: clients use secondary 10.0.10.20 — primary timed out',
      },
    ]);
    expect(down.messages).toHaveLength(1);
    expect(down.messages[0]).toMatchObject({ state: 'firing', reminder: false, severity: 'high', pane: 'dns', since: T, at: T + 30_000 });
    expect(down.messages[0]?.text).toMatch(/^FAILOVER → secondary \(since \d\d:\d\d\)$/);
    const up = run(down.state, T + 62_000, T + 120_000, (now) => snapshotAt(now, { dns: healthy }));
    expect(up.events.map((e) => [e.state, e.at])).toEqual([['resolved', T + 80_000]]);
    expect(up.messages).toMatchObject([{ state: 'resolved', severity: 'high', since: T, text: 'resolved after 1m' }]);
    expect(up.state.tracked).toEqual({});
  });

  it('a condition shorter than its sustain time is never an alert; one that flaps within the clear time stays one alert', () => {
    const blip = run(EMPTY_STATE, T, T + 60_000, (now) => snapshotAt(now, { dns: now < T + 20_000 ? failover : healthy }));
    expect(blip.events).toEqual([]);
    expect(blip.messages).toEqual([]);
    // Fires, then flaps off and on every 10 s: never resolved, never sent again.
    const flapping = run(EMPTY_STATE, T, T + 300_000, (now) =>
      snapshotAt(now, { dns: now < T + 40_000 || Math.floor(now / 10_000) % 2 === 0 ? failover : healthy }),
    );
    expect(flapping.messages.map((m) => m.state)).toEqual(['firing']);
    expect(flapping.events.map((e) => e.state)).toEqual(['firing']);
  });

  it('reminds every `remind` while it fires, until acknowledged', () => {
    const firing = run(EMPTY_STATE, T, T + 30 * 60_000, (now) => snapshotAt(now, { dns: failover }));
    expect(firing.messages.map((m) => [m.reminder, m.at - T])).toEqual([
      [false, 30_000],
      [true, 630_000],
      [true, 1_230_000],
    ]);
    expect(firing.messages[1]?.text).toMatch(/^still firing after 11m: /);
    const key = 'dns:failover-clients-use-secondary-primary-timed-out';
    const silences: Silences = { silences: [], acks: [{ key, at: T + 31 * 60_000, until: T + 86_400_000, by: 'ann' }] };
    const after = run(firing.state, T + 31 * 60_000, T + 90 * 60_000, (now) => snapshotAt(now, { dns: failover }), { silences });
    expect(after.messages).toEqual([]);
  });

  it('sends nothing while silenced or in the maintenance window, and what still fires when they end', () => {
    const silences: Silences = { silences: [{ target: 'dns', at: T, until: T + 120_000, by: 'ann', reason: null }], acks: [] };
    const quiet = run(EMPTY_STATE, T, T + 100_000, (now) => snapshotAt(now, { dns: failover }), { silences });
    expect(quiet.messages).toEqual([]);
    expect(quiet.events[0]?.text).toMatch(/\(silenced until \d\d:\d\d by ann\)$/);
    const later = run(quiet.state, T + 120_000, T + 130_000, (now) => snapshotAt(now, { dns: failover }), { silences });
    expect(later.messages.map((m) => [m.state, m.at])).toEqual([['firing', T + 120_000]]);
    const window = run(EMPTY_STATE, T, T + 100_000, (now) => snapshotAt(now, { dns: failover }), { maintenance: 'Sunday 02:00' });
    expect(window.messages).toEqual([]);
    expect(window.events[0]?.text).toMatch(/\(maintenance window Sunday 02:00\)$/);
  });

  it('a resolution is sent for what was sent, silenced since or not', () => {
    const firing = run(EMPTY_STATE, T, T + 40_000, (now) => snapshotAt(now, { dns: failover }));
    const silences: Silences = { silences: [{ target: 'dns', at: T + 41_000, until: T + 3_600_000, by: 'ann', reason: null }], acks: [] };
    const resolved = run(firing.state, T + 42_000, T + 80_000, (now) => snapshotAt(now, { dns: healthy }), { silences });
    expect(resolved.messages.map((m) => m.state)).toEqual(['resolved']);
  });

  it('says it again when it grows more severe', () => {
    const warn: PaneSpec = { status: 'warn', alerts: [{ level: 'warn', message: 'GPU 0 at 85°C' }] };
    const crit: PaneSpec = { status: 'crit', alerts: [{ level: 'crit', message: 'GPU 0 at 93°C' }] };
    const hot = run(EMPTY_STATE, T, T + 80_000, (now) => snapshotAt(now, { gpu: now < T + 50_000 ? warn : crit }));
    expect(hot.messages.map((m) => m.severity)).toEqual(['medium', 'high']);
    expect(hot.messages[1]?.text).toMatch(/^now high: /);
    expect(hot.events.map((e) => e.text)).toEqual(['gpu: GPU 0 at 85°C', 'gpu: GPU 0 at 93°C: now high']);
  });

  it('folds the alerts of panes waiting on an unreachable host into one, and says what still fires when it is back', () => {
    const down = { host: 'workstation', since: new Date(T).toISOString(), reason: 'no route to host', retryAt: null };
    const paneHosts: Partial<Record<PaneId, string[]>> = { containers: ['workstation'], backups: ['workstation'], cpu: ['workstation'] };
    const during = (now: number) =>
      snapshotAt(
        now,
        {
          containers: {
            status: 'stale',
            error: 'workstation unreachable',
            alerts: [
              { level: 'crit', message: 'postgres unhealthy' },
              { level: 'warn', message: 'redis restarting' },
            ],
          },
          backups: { status: 'stale', error: 'workstation unreachable', alerts: [{ level: 'warn', message: 'database overdue' }] },
          cpu: { status: 'stale', error: 'workstation unreachable' },
          dns: failover,
        },
        [down],
      );
    const outage = run(EMPTY_STATE, T, T + 120_000, during, { paneHosts });
    const sent = outage.messages.map((m) => `${m.state} ${m.severity} ${m.title}`);
    expect(sent).toEqual([
      'firing high dns: FAILOVER: clients use secondary 10.0.10.20 — primary timed out',
      'firing critical workstation unreachable: 6 alerts held',
    ]);
    // Back: the host's alert resolves saying what still fires; that is sent once, the rest resolves quietly.
    const back = (now: number) =>
      snapshotAt(now, {
        containers: { status: 'crit', alerts: [{ level: 'crit', message: 'postgres unhealthy' }] },
        backups: { status: 'ok' },
        cpu: { status: 'ok' },
        dns: failover,
      });
    const after = run(outage.state, T + 122_000, T + 200_000, back, { paneHosts });
    expect(after.messages.map((m) => `${m.state} ${m.key}`)).toEqual(['firing containers:postgres-unhealthy', 'resolved host:workstation']);
    expect(after.messages[1]?.text).toMatch(/^workstation answers again after 2m; still firing: .*containers:postgres-unhealthy/);
  });

  it('a pane without a reading neither starts nor resolves its alerts', () => {
    const firing = run(EMPTY_STATE, T, T + 40_000, (now) => snapshotAt(now, { dns: failover }));
    const waiting = run(firing.state, T + 42_000, T + 200_000, (now) =>
      snapshotAt(now, { dns: { status: 'stale', ageMs: null, data: null, summary: 'waiting for the first reading' } }),
    );
    expect(waiting.messages).toEqual([]);
    expect(Object.keys(waiting.state.tracked)).toEqual(['dns:failover-clients-use-secondary-primary-timed-out']);
  });

  it('its state survives a restart: nothing is sent again', () => {
    const firing = run(EMPTY_STATE, T, T + 40_000, (now) => snapshotAt(now, { dns: failover }));
    const restored = loadState(saveState(firing.state));
    expect(restored).toEqual(firing.state);
    const again = run(restored, T + 42_000, T + 60_000, (now) => snapshotAt(now, { dns: failover }));
    expect(again.messages).toEqual([]);
    expect(loadState('not json')).toEqual(EMPTY_STATE);
    expect(loadState('{"x":{"since":"soon"}}')).toEqual(EMPTY_STATE);
  });
});
