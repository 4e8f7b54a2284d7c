// Lines every pane starts with: why its data is old or missing, and its alerts.
import { formatAge } from '../../config/units.js';
import type { PaneEntry } from '../../model/snapshot.js';
import { sparkline } from '../sparkline.js';
import { bar, type Line, lineText, type Tone, textWidth, wrapText } from '../text.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';

/**
 * A pane's title and lines. `rows`: which line shows which selectable row (a container's key,
 * a backup set's name), for a click or the wheel. `selected`: the line of the selected row,
 * which the frame keeps in sight whatever the pane's scroll (src/ui/frame.ts, scrollInSight).
 */
export type PaneContent = { title: string; lines: Line[]; rows?: ReadonlyMap<number, string>; selected?: number };

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
    lines.push(
      ...labelled(
        `${STATUS_SYMBOL[entry.status]} ${STATUS_WORD[entry.status]} `,
        `${entry.error ?? entry.summary}${age}`,
        entry.status,
        width,
      ),
    );
  }
  for (const alert of entry.alerts) {
    lines.push(...labelled(`${STATUS_SYMBOL[alert.level]} ${STATUS_WORD[alert.level]} `, alert.message, alert.level, width));
  }
  return lines;
}

/** A labelled gauge: "label ▕███░░░▏ 42%" with the bar taking the width given. */
export function gauge(label: string, fraction: number, barWidth: number, tone: Tone, tail: string): Line {
  const { filled, empty } = bar(fraction, barWidth);
  return [{ text: label }, { text: filled, tone }, { text: empty, tone: 'muted' }, { text: tail }];
}

/** Least room, in cells, a sparkline needs to be worth drawing; it is at most this long. */
const TREND_MIN = 10;
const TREND_MAX = 30;

/**
 * The line with a sparkline of the last minutes after it, where the pane has room for one (the
 * words are never given up for it) and there are two minutes to draw. `scale`: fixed ends
 * (0–100 for percentages), else the values' own.
 */
export function withTrend(line: Line, values: readonly number[] | undefined, width: number, scale?: { low: number; high: number }): Line {
  if (!values || values.length < 2) return line;
  const room = width - textWidth(lineText(line)) - 2;
  if (room < TREND_MIN) return line;
  return [...line, { text: '  ' }, { text: sparkline(values, Math.min(room, TREND_MAX), scale), tone: 'muted' }];
}
