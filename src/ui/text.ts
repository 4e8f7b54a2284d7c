// Lines of coloured segments, cut and padded to an exact width. Pane renderers build these;
// components only print them, so a frame never has a line wider than its pane.
import type { Status } from '../model/status.js';
import stringWidth, { graphemes } from '../terminal/string-width.js';
import { terminalSafe } from '../terminal/terminal-safe.js';

export type Tone = Status | 'accent' | 'muted' | 'plain' | 'group0' | 'group1' | 'group2' | 'group3' | 'group4' | 'group5';
export type Segment = { text: string; tone?: Tone; bold?: boolean; inverse?: boolean };
export type Line = Segment[];

// Characters one cell wide each (none zero-width, none wide), all in the BMP: a text of only
// these is as wide as it is long. Most of what panes draw; checked once instead of per character.
const ONE_CELL = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc]*$/;

/** Cells a text takes on the terminal: string-width's answer (src/terminal/string-width.ts), which Ink uses too. */
export function textWidth(text: string): number {
  if (ONE_CELL.test(text)) return text.length;
  return stringWidth(text);
}

/** Cells one grapheme takes. */
export function cellWidth(grapheme: string): number {
  return textWidth(grapheme);
}

/** Cuts text to at most `width` cells, ending in "…" when something was cut; never inside a grapheme. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let result = '';
  let used = 0;
  for (const grapheme of graphemes(text)) {
    const w = cellWidth(grapheme);
    if (used + w > width - 1) break;
    result += grapheme;
    used += w;
  }
  return `${result}…`;
}

/**
 * Cuts text to at most `width` cells at a space, ending in " …", so that no word is cut in the
 * middle (a status word half shown reads as another); a first word too long is cut as truncate does.
 */
export function truncateWords(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const room = width - 2;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ' && textWidth(text.slice(0, i)) <= room) end = i;
  }
  if (end <= 0) return truncate(text, width);
  return `${text.slice(0, end).trimEnd()} …`;
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const fill = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return align === 'left' ? cut + fill : fill + cut;
}

/** The line cut or padded to exactly `width` cells. */
export function fitLine(line: Line, width: number): Line {
  const result: Line = [];
  let used = 0;
  for (const segment of line) {
    if (used >= width) break;
    const room = width - used;
    // Every pane's text passes here: what came from outside is made safe for the terminal.
    const text = terminalSafe(segment.text);
    const w = textWidth(text);
    if (w <= room) {
      if (text) result.push({ ...segment, text });
      used += w;
    } else {
      result.push({ ...segment, text: pad(text, room) });
      used = width;
    }
  }
  if (used < width) result.push({ text: ' '.repeat(width - used) });
  return result;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `width` cells filled to `fraction` (0..1), with eighth-cell precision. */
export function bar(fraction: number, width: number): { filled: string; empty: string } {
  if (width <= 0) return { filled: '', empty: '' };
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8] ?? '';
  const filled = '█'.repeat(full) + part;
  return { filled, empty: '░'.repeat(Math.max(0, width - full - (part ? 1 : 0))) };
}

const LEVELS = '▁▂▃▄▅▆▇█';

/** One cell showing 0..1 as a block height; an idle core is still a visible cell. */
export function level(fraction: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  return LEVELS[Math.min(7, Math.floor(f * 8))] ?? '▁';
}

/** Breaks text into lines of at most `width` cells at spaces (long words are cut). */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  let current = '';
  for (const word of terminalSafe(text).split(/ +/)) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate) <= width) current = candidate;
    else {
      if (current) lines.push(current);
      current = textWidth(word) <= width ? word : truncate(word, width);
    }
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

export function percent(value: number | null, digits = 0): string {
  return value === null || !Number.isFinite(value) ? '?' : `${value.toFixed(digits)}%`;
}
