// The maintenance window: which local times it holds (a window past midnight belongs to the day
// it starts on), its name, and the config's errors for it.
import { describe, expect, it } from 'vitest';
import { inWindow, maintenanceCheck, windowName, type MaintenanceWindow } from '../../src/alerts/maintenance.js';
import { configSchema } from '../../src/config/schema.js';

// 2026-12-06 is a Sunday; local times (the window is in the machine's local time).
const at = (day: number, hh: number, mm = 0) => new Date(2026, 11, day, hh, mm);

describe('the maintenance window', () => {
  const sunday: MaintenanceWindow = { days: ['sun'], from: '02:00', to: '04:00' };

  it('holds from its start (inclusive) to its end (exclusive) on its days only', () => {
    expect(inWindow(sunday, at(6, 1, 59))).toBe(false);
    expect(inWindow(sunday, at(6, 2, 0))).toBe(true);
    expect(inWindow(sunday, at(6, 3, 59))).toBe(true);
    expect(inWindow(sunday, at(6, 4, 0))).toBe(false);
    expect(inWindow(sunday, at(7, 3, 0))).toBe(false); // Monday
  });

  it('past midnight: from the start day\'s evening to the next morning', () => {
    const saturdayNight: MaintenanceWindow = { days: ['sat'], from: '23:00', to: '01:00' };
    expect(inWindow(saturdayNight, at(5, 22, 59))).toBe(false);
    expect(inWindow(saturdayNight, at(5, 23, 30))).toBe(true); // Saturday
    expect(inWindow(saturdayNight, at(6, 0, 30))).toBe(true); // Sunday morning
    expect(inWindow(saturdayNight, at(6, 1, 0))).toBe(false);
    expect(inWindow(saturdayNight, at(6, 23, 30))).toBe(false); // Sunday evening is not a start day
  });

  it('names itself for the timeline, and the watcher\'s check gives the name only while it holds', () => {
    expect(windowName({ days: ['sat', 'sun'], from: '02:00', to: '04:00' })).toBe('Sat, Sun 02:00–04:00');
    const check = maintenanceCheck(sunday);
    expect(check(at(6, 2, 30).getTime())).toBe('Sun 02:00–04:00');
    expect(check(at(6, 5).getTime())).toBeNull();
    expect(maintenanceCheck(undefined)(at(6, 2, 30).getTime())).toBeNull();
  });

  it('is checked in the config: days, times of day, and not empty', () => {
    const base = { hosts: { here: { local: true } }, plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] } };
    const parse = (maintenance: unknown) => configSchema.safeParse({ ...base, alerts: { maintenance } });
    expect(parse({ days: ['sun'], from: '02:00', to: '04:00' }).success).toBe(true);
    const issue = (maintenance: unknown) => {
      const result = parse(maintenance);
      return result.success ? null : `${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`;
    };
    expect(issue({ days: ['sunday'], from: '02:00', to: '04:00' })).toMatch(/^alerts\.maintenance\.days\.0: /);
    expect(issue({ days: ['sun'], from: '2am', to: '04:00' })).toBe('alerts.maintenance.from: a time of day as HH:MM (24 h), e.g. 02:00');
    expect(issue({ days: ['sun'], from: '02:00', to: '24:00' })).toBe('alerts.maintenance.to: a time of day as HH:MM (24 h), e.g. 02:00');
    expect(issue({ days: ['sun'], from: '02:00', to: '02:00' })).toBe('alerts.maintenance.to: from and to are the same time');
    expect(issue({ days: [], from: '02:00', to: '04:00' })).toMatch(/^alerts\.maintenance\.days: /);
  });
});
