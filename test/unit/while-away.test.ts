// What the console says when it opens of what changed while it was closed: the closing time kept
// in the state directory, and the watcher's events since then, summed up in a line.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awaySummary, closedAtPath, readAway, readClosedAt, writeClosedAt } from '../../src/cli/while-away.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import { storePath } from '../../src/store/db.js';
import { Recorder } from '../../src/store/recorder.js';

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-away-'));
  chmodSync(dir, 0o700);
  env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const e = (at: number, kind: TimelineEvent['kind'], subject: string, state: string): TimelineEvent => ({
  at,
  kind,
  subject,
  state,
  severity: kind === 'alert' ? 'high' : null,
  text: `${subject} ${state}`,
});

describe('while the console was closed', () => {
  it("keeps the closing time in the state directory, the user's own, the demo's apart", () => {
    expect(readClosedAt(env, null)).toBeNull();
    writeClosedAt(env, null, 1_000_000);
    writeClosedAt(env, 'healthy', 2_000_000);
    expect(readClosedAt(env, null)).toBe(1_000_000);
    expect(readClosedAt(env, 'primary-down')).toBe(2_000_000);
    expect(statSync(closedAtPath(env, null)).mode & 0o777).toBe(0o600);
  });

  it('sums up the alerts, hosts, runs and panes in a line, and says nothing when nothing changed', () => {
    expect(awaySummary([])).toBeNull();
    expect(awaySummary([e(1, 'watch', 'ws', 'started'), e(2, 'notify', 'mail', 'failed')])).toBeNull();
    const summary = awaySummary([
      e(1, 'pane', 'dns', 'warn'),
      e(2, 'alert', 'dns:failover', 'firing'),
      e(3, 'host', 'nas', 'lost'),
      e(4, 'host', 'nas', 'back'),
      e(5, 'runbook', 'dns-failover', 'started'),
      e(6, 'runbook', 'dns-failover', 'ok'),
      e(7, 'alert', 'dns:failover', 'resolved'),
      e(8, 'pane', 'dns', 'ok'),
      e(9, 'alert', 'gpu:hot', 'firing'),
    ]);
    expect(summary).toEqual({
      text: 'while the console was closed: 2 alerts fired, 1 resolved, nas lost and back, 1 runbook run, 2 pane changes · t shows the timeline',
      tone: 'warn',
    });
    expect(awaySummary([e(1, 'alert', 'a', 'firing'), e(2, 'alert', 'a', 'resolved')])?.tone).toBe('plain');
  });

  it("counts a trigger's automatic run once, by its end, and says when one was not made", () => {
    const auto = awaySummary([
      e(1, 'runbook', 'dns-failover', 'triggered'),
      e(2, 'runbook', 'dns-failover', 'started'),
      e(3, 'runbook', 'dns-failover', 'ok'),
    ]);
    expect(auto).toEqual({ text: 'while the console was closed: 1 runbook run · t shows the timeline', tone: 'plain' });
    expect(awaySummary([e(1, 'runbook', 'dns-failover', 'refused')])).toEqual({
      text: 'while the console was closed: 1 automatic run not made · t shows the timeline',
      tone: 'warn',
    });
  });

  it('reads what the watcher recorded after the console closed, and nothing before', async () => {
    expect(await readAway(env, null, 0)).toBeNull();
    const recorder = new Recorder(storePath(env, null));
    recorder.commit([
      e(1000, 'alert', 'dns:failover', 'firing'),
      e(3000, 'alert', 'gpu:hot', 'firing'),
      e(4000, 'host', 'workstation', 'lost'),
    ]);
    recorder.close();
    expect((await readAway(env, null, 2000))?.text).toBe(
      'while the console was closed: 1 alert fired, workstation lost · t shows the timeline',
    );
    expect(await readAway(env, null, 5000)).toBeNull();
  });
});
