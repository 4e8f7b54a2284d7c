// The maintenance window as the watcher sees it (the config's `maintenance`): its words while it
// holds, none outside it, and the timeline's events when it begins and ends.
import { describe, expect, it } from 'vitest';
import { AlertStep } from '../../src/alerts/alert-step.js';
import { maintenanceCheck } from '../../src/alerts/maintenance.js';
import { DEFAULT_RULES } from '../../src/alerts/rules.js';
import { NO_SILENCES } from '../../src/alerts/silences.js';
import { maintenanceSchema } from '../../src/config/schema.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import { snapshotAt } from '../helpers/snapshot.js';

// 2026-12-06 is the first Sunday of December; local times (the window is in local time).
const at = (day: number, hh: number, mm = 0) => new Date(2026, 11, day, hh, mm);
const sunday = maintenanceSchema.parse({ weekday: 'sunday', weeks: [1], from: '02:00', to: '04:00' });

describe('the maintenance window, for the watcher', () => {
  it('names the window while it holds, with when it ends, and nothing outside it', () => {
    const check = maintenanceCheck(sunday);
    expect(check(at(6, 1, 59).getTime())).toBeNull();
    expect(check(at(6, 2, 0).getTime())).toBe('Sundays 02:00–04:00, the first of each month (until 04:00)');
    expect(check(at(6, 4, 0).getTime())).toBeNull();
    expect(check(at(13, 3, 0).getTime())).toBeNull(); // the second Sunday
    expect(maintenanceCheck(undefined)(at(6, 2, 30).getTime())).toBeNull();
  });

  it('the watcher records when the window begins and when it ends, once each', () => {
    const step = new AlertStep({
      rules: DEFAULT_RULES,
      saved: null,
      paneHosts: () => ({}),
      silences: () => NO_SILENCES,
      maintenance: maintenanceCheck(sunday),
      send: () => {},
    });
    const events: TimelineEvent[] = [];
    for (const [hh, mm] of [
      [1, 58],
      [1, 59],
      [2, 0],
      [2, 1],
      [3, 59],
      [4, 0],
      [4, 1],
    ] as const) {
      const now = at(6, hh, mm).getTime();
      step.step(snapshotAt(now, {}), now, (e) => events.push(e));
    }
    expect(events.map((e) => `${new Date(e.at).getHours()}:${new Date(e.at).getMinutes()} ${e.subject} ${e.state}: ${e.text}`)).toEqual([
      '2:0 maintenance began: maintenance window Sundays 02:00–04:00, the first of each month (until 04:00) began: nothing is sent until it ends',
      '4:0 maintenance ended: maintenance window Sundays 02:00–04:00, the first of each month (until 04:00) ended: what still fires is sent now',
    ]);
  });
});
