// Lines every pane starts with: why its data is old or missing, and its alerts.
import { formatAge } from '../../config/units.js';
import type { PaneEntry } from '../../monitor/snapshot.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { bar, textWidth, wrapText, type Line, type Tone } from '../text.js';

/**
 * A pane's title and lines. `rows`: which line shows which selectable row (a container's key,
 * a backup set's name), for a click or the wheel.
 */
export type PaneContent = { title: string; lines: Line[]; rows?: ReadonlyMap<number, string> };

/** A labelled message, wrapped to the width with the continuation lines indented. */
export function labelled(label: string, message: string, tone: Tone, width: number): Line[] {
  const indent = textWidth(label);
  return wrapText(message, Math.max(8, width - indent)).map((text, index) => [
    index === 0 ? { text: label, tone, bold: true } : { text: ' '.repeat(indent) },
    { text, tone },
  ]);
}

/** Why the pane's data is old or missing, then its alerts; wrapped, never cut. */
export function stateLines(entry: PaneEntry<unknown>, width: number): Line[] {
  const lines: Line[] = [];
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') {
    const age = entry.ageMs !== null && entry.data !== null ? ` (data ${formatAge(entry.ageMs)} old)` : '';
    lines.push(...labelled(`${STATUS_SYMBOL[entry.status]} ${STATUS_WORD[entry.status]} `, `${entry.error ?? entry.summary}${age}`, entry.status, width));
  }
  for (const alert of entry.alerts) {
    lines.push(...labelled(`${STATUS_SYMBOL[alert.level]} ${STATUS_WORD[alert.level]} `, alert.message, alert.level, width));
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

/** Colour for a value against triggers that fire above their threshold (as the plan's do). */
export function toneFor(fraction: number, warnAt: number, critAt = Infinity): Tone {
  return fraction > critAt ? 'crit' : fraction > warnAt ? 'warn' : 'ok';
}
