import chalk, { type ForegroundColorName, foregroundColorNames } from 'chalk';
import { Text } from 'ink';
import { memo } from 'react';
import type { Line, Segment } from '../text.js';
import { boldOf, colorOf, type Theme } from '../theme.js';

type Style = { color: string | undefined; bold: boolean; inverse: boolean };

function styleOf(segment: Segment, theme: Theme): Style {
  return { color: colorOf(segment.tone, theme), bold: boldOf(segment.tone, segment.bold, theme), inverse: !!segment.inverse };
}

const FOREGROUND = new Set<string>(foregroundColorNames);

function isForeground(color: string): color is ForegroundColorName {
  return FOREGROUND.has(color);
}

/**
 * A run of text styled the way Ink's <Text color bold inverse> styles it (colour, then bold,
 * then inverse, through the same chalk), so that a line can be one Text node instead of one
 * per run: the same bytes on screen, a third of the React and Ink nodes.
 */
export function styled(text: string, style: Style): string {
  let out = text;
  if (style.color && isForeground(style.color)) out = chalk[style.color](out);
  else if (style.color?.startsWith('#')) out = chalk.hex(style.color)(out);
  if (style.bold) out = chalk.bold(out);
  if (style.inverse) out = chalk.inverse(out);
  return out;
}

/** The line as one string: neighbouring segments that look the same are styled together. */
export function lineString(line: Line, theme: Theme): string {
  let out = '';
  let text = '';
  let current: Style | null = null;
  for (const segment of line) {
    if (!segment.text) continue;
    const style = styleOf(segment, theme);
    if (current && current.color === style.color && current.bold === style.bold && current.inverse === style.inverse) {
      text += segment.text;
      continue;
    }
    if (current) out += styled(text, current);
    current = style;
    text = segment.text;
  }
  return current ? out + styled(text, current) : out;
}

/** Same segments, in the same order, looking the same. */
export function sameLine(a: Line, b: Line): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    const x = a[index];
    const y = b[index];
    if (!x || !y || x.text !== y.text || x.tone !== y.tone || !x.bold !== !y.bold || !x.inverse !== !y.inverse) return false;
  }
  return true;
}

/**
 * Lines that are each exactly as wide as the box they are in, as frameLines makes them (a
 * pane), as one Text: Ink lays out, measures and writes one node instead of one per line. Ink
 * cuts a Text only where it is wider than its box, which such lines never are.
 */
export const LinesText = memo(function LinesText({ lines, theme }: { lines: readonly Line[]; theme: Theme }) {
  return <Text wrap="truncate">{lines.map((line) => lineString(line, theme)).join('\n')}</Text>;
});

/** One line of a frame. A line that reads the same as last time is not rendered again. */
export const LineView = memo(
  function LineView({ line, theme }: { line: Line; theme: Theme }) {
    return <Text wrap="truncate">{lineString(line, theme)}</Text>;
  },
  (a, b) => a.theme === b.theme && sameLine(a.line, b.line),
);
