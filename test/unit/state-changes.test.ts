import { describe, expect, it } from 'vitest';
import { recordedFrom, stateChanges } from '../../src/alerts/state-changes.js';
import { snapshotAt } from '../helpers/snapshot.js';

const T = Date.parse('2026-03-01T10:00:00Z');

describe('what changed between snapshots', () => {
  it("records a pane's first status, then only its changes", () => {
    const first = stateChanges(new Map(), snapshotAt(T, { dns: { status: 'ok', summary: 'primary answers' } }));
    expect(first.events.map((e) => [e.subject, e.state, e.text])).toEqual([['dns', 'ok', 'dns ok: primary answers']]);
    const same = stateChanges(first.next, snapshotAt(T + 2000, { dns: { status: 'ok' } }));
    expect(same.events).toEqual([]);
    const worse = stateChanges(same.next, snapshotAt(T + 4000, { dns: { status: 'warn', summary: 'FAILOVER → secondary' } }));
    expect(worse.events).toEqual([
      { at: T + 4000, kind: 'pane', subject: 'dns', state: 'warn', severity: null, text: 'dns ok → warn: FAILOVER → secondary' },
    ]);
  });

  it('leaves out a pane still waiting for its first reading', () => {
    const waiting = stateChanges(
      new Map(),
      snapshotAt(T, { cpu: { status: 'stale', ageMs: null, data: null, summary: 'waiting for the first reading' } }),
    );
    expect(waiting.events.filter((e) => e.subject === 'cpu')).toEqual([]);
  });

  it('says a host lost with its reason, and back with how long it was away', () => {
    const lost = stateChanges(
      new Map(),
      snapshotAt(T, {}, [{ host: 'nas', since: new Date(T - 60_000).toISOString(), reason: 'no route to host', retryAt: null }]),
    );
    const hostEvents = lost.events.filter((e) => e.kind === 'host');
    expect(hostEvents).toHaveLength(1);
    expect(hostEvents[0]).toMatchObject({ at: T - 60_000, subject: 'nas', state: 'lost' });
    expect(hostEvents[0]?.text).toContain('no route to host');
    const still = stateChanges(
      lost.next,
      snapshotAt(T + 2000, {}, [{ host: 'nas', since: new Date(T - 60_000).toISOString(), reason: 'no route to host', retryAt: null }]),
    );
    expect(still.events.filter((e) => e.kind === 'host')).toEqual([]);
    const back = stateChanges(still.next, snapshotAt(T + 12 * 60_000, {}));
    expect(back.events.filter((e) => e.kind === 'host')).toEqual([
      { at: T + 12 * 60_000, kind: 'host', subject: 'nas', state: 'back', severity: null, text: 'nas answers again after 13m' },
    ]);
  });

  it('starts again from what the timeline recorded last: nothing that did not change', () => {
    const recorded = recordedFrom([
      { at: T, kind: 'pane', subject: 'dns', state: 'ok', severity: null, text: '' },
      { at: T + 1, kind: 'pane', subject: 'dns', state: 'warn', severity: null, text: '' },
      { at: T + 2, kind: 'host', subject: 'nas', state: 'lost', severity: null, text: '' },
    ]);
    const after = stateChanges(
      recorded,
      snapshotAt(T + 5000, { dns: { status: 'warn' } }, [{ host: 'nas', since: new Date(T).toISOString(), reason: 'x', retryAt: null }]),
    );
    expect(after.events.filter((e) => e.subject === 'dns' || e.subject === 'nas')).toEqual([]);
  });
});
