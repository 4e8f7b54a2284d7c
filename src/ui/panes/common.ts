// Lines every pane starts with: why its data is old or missing, and its alerts.
import { formatAge } from '../../config/units.js';
import type { PaneEntry } from '../../monitor/snapshot.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { bar, type Line, type Tone } from '../text.js';

export type PaneContent = { title: string; lines: Line[] };

export function stateLines(entry: PaneEntry<unknown>): Line[] {
  const lines: Line[] = [];
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') {
    const age = entry.ageMs !== null && entry.data !== null ? ` (data ${formatAge(entry.ageMs)} old)` : '';
    lines.push([
      { text: `${STATUS_SYMBOL[entry.status]} ${STATUS_WORD[entry.status]} `, tone: entry.status, bold: true },
      { text: `${entry.error ?? entry.summary}${age}`, tone: entry.status },
    ]);
  }
  for (const alert of entry.alerts) {
    lines.push([
      { text: `${STATUS_SYMBOL[alert.level]} ${STATUS_WORD[alert.level]} `, tone: alert.level, bold: true },
      { text: alert.message, tone: alert.level },
    ]);
  }
  return lines;
}

/** A labelled gauge: "label ▕███░░░▏ 42%" with the bar taking the width given. */
export function gauge(label: string, fraction: number, barWidth: number, tone: Tone, tail: string): Line {
  const { filled, empty } = bar(fraction, barWidth);
  return [
    { text: label },
    { text: filled, tone },
    { text: empty, tone: 'muted' },
    { text: tail },
  ];
}

export function toneFor(fraction: number, warnAt: number, critAt = Infinity): Tone {
  return fraction >= critAt ? 'crit' : fraction >= warnAt ? 'warn' : 'ok';
}
