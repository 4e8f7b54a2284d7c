// The maintenance window: weekly, on some days from one local time to another (past midnight
// when `to` is earlier than `from`: it then ends the next day). While it holds, the watcher sends
// nothing (the timeline still records everything). Pure.

import { WEEKDAYS } from '../config/schema.js';

export type Weekday = (typeof WEEKDAYS)[number];

export type MaintenanceWindow = { days: readonly Weekday[]; from: string; to: string };

/** Minutes since midnight of "HH:MM" (24 h), or null. */
export function clockMinutes(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/**
 * Whether `at` (local time) falls in the window. A window across midnight belongs to the day it
 * starts on: `days: [sat], from: 23:00, to: 01:00` holds Saturday 23:00 to Sunday 01:00.
 */
export function inWindow(window: MaintenanceWindow, at: Date): boolean {
  const from = clockMinutes(window.from);
  const to = clockMinutes(window.to);
  if (from === null || to === null || from === to) return false;
  const minute = at.getHours() * 60 + at.getMinutes();
  const day = WEEKDAYS[at.getDay()] ?? 'sun';
  const yesterday = WEEKDAYS[(at.getDay() + 6) % 7] ?? 'sat';
  if (from < to) return window.days.includes(day) && minute >= from && minute < to;
  return (window.days.includes(day) && minute >= from) || (window.days.includes(yesterday) && minute < to);
}

/** The window in words, for the timeline ("Sun 02:00–04:00"). */
export function windowName(window: MaintenanceWindow): string {
  const days = window.days.map((d) => `${d.charAt(0).toUpperCase()}${d.slice(1)}`).join(', ');
  return `${days} ${window.from}–${window.to}`;
}

/** What the watcher asks each tick: the window's name while it holds, else null. */
export function maintenanceCheck(window: MaintenanceWindow | undefined): (now: number) => string | null {
  if (!window) return () => null;
  const name = windowName(window);
  return (now) => (inWindow(window, new Date(now)) ? name : null);
}
