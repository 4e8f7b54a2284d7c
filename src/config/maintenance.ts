// The maintenance window in local time: whether now is inside it, when the next one is, and the
// words for it. Pure over the config's `maintenance` section and a clock.
import type { MaintenanceConfig } from './schema.js';

/** The config's weekday names, by Date's getDay(). Here, not in schema.ts: the console and the
 * watcher read the window at run time, and a value from schema.ts would load zod and make every
 * schema of the config at their start. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export type WindowTimes = { from: number; until: number };

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

function minutesOf(clock: string): number {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether the day (local) is one of the window's: its weekday, and the week of the month asked for. */
function isWindowDay(window: MaintenanceConfig, day: Date): boolean {
  if (WEEKDAYS[day.getDay()] !== window.weekday) return false;
  if (!window.weeks) return true;
  const date = day.getDate();
  const nth = Math.ceil(date / 7);
  const daysInMonth = new Date(day.getFullYear(), day.getMonth() + 1, 0).getDate();
  return window.weeks.some((week) => (week === 'last' ? date + 7 > daysInMonth : week === nth));
}

function windowOn(window: MaintenanceConfig, day: Date): WindowTimes {
  const start = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minutesOf(window.from));
  const end = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minutesOf(window.to));
  return { from: start.getTime(), until: end.getTime() };
}

/** The window `now` is in, or null. */
export function windowAt(window: MaintenanceConfig | undefined, now: number): WindowTimes | null {
  if (!window) return null;
  const day = new Date(now);
  if (!isWindowDay(window, day)) return null;
  const times = windowOn(window, day);
  return now >= times.from && now < times.until ? times : null;
}

/** The next window that has not ended by `now` (the current one when inside it); null when none within a year. */
export function nextWindow(window: MaintenanceConfig | undefined, now: number): WindowTimes | null {
  if (!window) return null;
  const today = new Date(now);
  for (let offset = 0; offset <= 366; offset++) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset);
    if (!isWindowDay(window, day)) continue;
    const times = windowOn(window, day);
    if (times.until > now) return times;
  }
  return null;
}

/** "Sundays 02:00–04:00, the first of each month". */
export function describeWindow(window: MaintenanceConfig): string {
  const day = `${window.weekday[0]?.toUpperCase() ?? ''}${window.weekday.slice(1)}s`;
  const hours = `${window.from}–${window.to}`;
  if (!window.weeks) return `${day} ${hours}`;
  const which = window.weeks.map((w) => (w === 'last' ? 'last' : (ORDINALS[w - 1] ?? String(w))));
  const list = which.length > 1 ? `${which.slice(0, -1).join(', ')} and ${which.at(-1) ?? ''}` : (which[0] ?? '');
  return `${day} ${hours}, the ${list} of each month`;
}

/** "04:00": the local time of day a window ends. */
export function clockOf(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 5);
}
