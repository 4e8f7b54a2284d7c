// A bordered box of exactly `height` lines of exactly `width` cells, for panels, menus and
// dialogs: a title and a badge on the top border, a window of the body, an optional footer
// that never scrolls away, and a hint on the bottom border when there is more. Pure.
import { fitLine, type Line, type Tone, textWidth, truncate } from '../text.js';

export type BoxInput = {
  title: string;
  /** Shown at the right of the top border (a state word). */
  badge?: { text: string; tone: Tone } | null;
  lines: readonly Line[];
  width: number;
  height: number;
  /** First body line shown; 'end' shows the last lines. Clamped. */
  scroll: number | 'end';
  /** The border's tone: accent for what has the keys, warn for a dangerous question. */
  tone: Tone;
  heavy?: boolean;
  /** Lines kept at the bottom of the box, below the window (keys to press). */
  footer?: readonly Line[];
};

const LIGHT = { tl: '╭', tr: '╮', bl: '╰', br: '╯', h: '─', v: '│' };
const HEAVY = { tl: '┏', tr: '┓', bl: '┗', br: '┛', h: '━', v: '┃' };

/** The body lines that fit, and how many are above and below them. */
export function windowOf(count: number, room: number, scroll: number | 'end'): { start: number; above: number; below: number } {
  const max = Math.max(0, count - room);
  const start = scroll === 'end' ? max : Math.min(Math.max(0, scroll), max);
  return { start, above: start, below: Math.max(0, count - start - room) };
}

export function boxLines(input: BoxInput): Line[] {
  const { width, height } = input;
  if (height <= 0 || width <= 0) return [];
  if (width < 4 || height < 3) {
    // No room for a border: the title, then the footer's first line.
    const out: Line[] = [fitLine([{ text: input.title, tone: input.tone, bold: true }], width)];
    const rest = [...(input.footer ?? []), ...input.lines];
    for (let i = 1; i < height; i++) out.push(fitLine(rest[i - 1] ?? [], width));
    return out;
  }
  const box = input.heavy ? HEAVY : LIGHT;
  const inner = width - 2;
  const footer = (input.footer ?? []).slice(0, Math.max(0, height - 2));
  const room = Math.max(0, height - 2 - footer.length);
  const { start, above, below } = windowOf(input.lines.length, room, input.scroll);

  const badge = input.badge ? ` ${input.badge.text} ` : '';
  const badgeWidth = textWidth(badge);
  const titleRoom = Math.max(0, inner - 1 - (badgeWidth ? badgeWidth + 1 : 0) - 2);
  const title = ` ${truncate(input.title, titleRoom)} `;
  const fill = Math.max(0, inner - 1 - textWidth(title) - badgeWidth);
  const top: Line = [
    { text: box.tl + box.h, tone: input.tone },
    { text: title, tone: input.tone, bold: true },
    { text: box.h.repeat(fill), tone: input.tone },
    ...(badge && input.badge ? [{ text: badge, tone: input.badge.tone, bold: true }] : []),
    { text: box.tr, tone: input.tone },
  ];

  const hints = [above > 0 ? `↑${above}` : '', below > 0 ? `↓${below} more` : ''].filter(Boolean).join(' ');
  const hint = hints && textWidth(hints) + 4 <= inner ? ` ${hints} ` : '';
  const bottom: Line = [
    { text: box.bl + box.h.repeat(Math.max(0, inner - textWidth(hint) - 1)), tone: input.tone },
    { text: hint, tone: 'accent' },
    { text: box.h + box.br, tone: input.tone },
  ];

  const side = (content: Line): Line => [{ text: box.v, tone: input.tone }, ...fitLine(content, inner), { text: box.v, tone: input.tone }];
  const body: Line[] = [];
  for (let row = 0; row < room; row++) body.push(side(input.lines[start + row] ?? []));
  for (const line of footer) body.push(side(line));
  return [fitLine(top, width), ...body, bottom];
}
