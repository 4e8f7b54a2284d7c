// A pane's box: border with title and status word, content window, scroll hint. Pure; the
// result is exactly `height` lines of exactly `width` cells.
import type { Status } from '../monitor/status.js';
import { STATUS_SYMBOL, STATUS_WORD } from './theme.js';
import { fitLine, textWidth, truncate, type Line, type Tone } from './text.js';

export type FrameInput = {
  title: string;
  lines: Line[];
  status: Status;
  age: string | null;
  width: number;
  height: number;
  focused: boolean;
  scroll: number;
};

const LIGHT = { tl: '╭', tr: '╮', bl: '╰', br: '╯', h: '─', v: '│' };
const HEAVY = { tl: '┏', tr: '┓', bl: '┗', br: '┛', h: '━', v: '┃' };

/** The largest useful scroll offset for content of `count` lines in a pane of `height`. */
export function maxScroll(count: number, height: number): number {
  return Math.max(0, count - Math.max(0, height - 2));
}

export function frameLines(input: FrameInput): Line[] {
  const { width, height } = input;
  if (width < 4 || height < 2) {
    // Too small for a box: a single line with the title and status.
    return Array.from({ length: Math.max(0, height) }, (_, i) =>
      fitLine(i === 0 ? [{ text: `${input.title} ${STATUS_WORD[input.status]}`, tone: input.status }] : [], Math.max(0, width)));
  }
  const box = input.focused ? HEAVY : LIGHT;
  const borderTone: Tone = input.focused ? 'accent' : 'muted';
  const inner = width - 2;
  const bodyHeight = height - 2;
  const scroll = Math.min(Math.max(0, input.scroll), maxScroll(input.lines.length, height));

  const statusText = ` ${STATUS_SYMBOL[input.status]} ${STATUS_WORD[input.status]}${input.age ? ` ${input.age}` : ''} `;
  const titleRoom = Math.max(0, inner - textWidth(statusText) - 3);
  const title = ` ${input.focused ? '▸ ' : ''}${truncate(input.title, Math.max(0, titleRoom - (input.focused ? 3 : 1)))} `;
  const fill = Math.max(0, inner - 1 - textWidth(title) - textWidth(statusText));
  const top: Line = textWidth(title) + textWidth(statusText) + 1 <= inner
    ? [
        { text: box.tl + box.h, tone: borderTone },
        { text: title, tone: input.focused ? 'accent' : 'plain', bold: true },
        { text: box.h.repeat(fill), tone: borderTone },
        { text: statusText, tone: input.status, bold: input.status !== 'ok' && input.status !== 'off' },
        { text: box.tr, tone: borderTone },
      ]
    : [{ text: box.tl, tone: borderTone }, ...fitLine([{ text: title, bold: true }], inner), { text: box.tr, tone: borderTone }];

  const below = input.lines.length - scroll - bodyHeight;
  const hints = [scroll > 0 ? `↑${scroll}` : '', below > 0 ? `↓${below} more` : ''].filter(Boolean).join(' ');
  const hint = hints && textWidth(hints) + 4 <= inner ? ` ${hints} ` : '';
  const bottom: Line = [
    { text: box.bl + box.h.repeat(Math.max(0, inner - textWidth(hint) - 1)), tone: borderTone },
    { text: hint, tone: 'accent' },
    { text: box.h + box.br, tone: borderTone },
  ];

  const body: Line[] = [];
  for (let row = 0; row < bodyHeight; row++) {
    const content = input.lines[scroll + row] ?? [];
    body.push([{ text: box.v, tone: borderTone }, ...fitLine(content, inner), { text: box.v, tone: borderTone }]);
  }
  return [top, ...body, bottom];
}
