// A pane's box: border with title and status word, content window, scroll hint. Pure; the
// result is exactly `height` lines of exactly `width` cells.
import type { Status } from '../model/status.js';
import { fitLine, type Line, type Tone, textWidth, truncate } from './text.js';
import { STATUS_SYMBOL, STATUS_WORD } from './theme.js';

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

/**
 * A line that states a problem: it starts with a status label in a problem's tone (an alert,
 * an unreachable source, a DNS server or a backup set in trouble), as every pane writes them.
 */
export function problemLevel(line: Line): 'crit' | 'warn' | null {
  const tone = line[0]?.tone;
  if (tone === 'crit' || tone === 'down') return 'crit';
  if (tone === 'warn' || tone === 'stale') return 'warn';
  return null;
}

type HiddenProblems = { count: number; where: string; level: 'crit' | 'warn' };

/** Problem lines above and below the window (continuation lines of a wrapped one count once). */
function hiddenProblems(lines: readonly Line[], scroll: number, room: number): HiddenProblems[] {
  const out: HiddenProblems[] = [];
  for (const [from, to, where] of [
    [0, scroll, 'above ↑'],
    [scroll + room, lines.length, 'below ↓'],
  ] as const) {
    let count = 0;
    let level: 'crit' | 'warn' = 'warn';
    for (let i = from; i < to; i++) {
      const found = problemLevel(lines[i] ?? []);
      if (found === null) continue;
      count++;
      if (found === 'crit') level = 'crit';
    }
    if (count > 0) out.push({ count, where, level });
  }
  return out;
}

/** The largest useful scroll offset for content of `count` lines in a pane of `height`. */
export function maxScroll(count: number, height: number): number {
  return Math.max(0, count - Math.max(0, height - 2));
}

/**
 * The scroll that shows line `selected` in a pane of `height`: the pane's own where it shows it
 * already, else the least change that brings it in (the selection moved past the window).
 */
export function scrollInSight(scroll: number, selected: number | undefined, height: number): number {
  if (selected === undefined) return scroll;
  const body = Math.max(1, height - 2);
  return Math.min(Math.max(scroll, selected - body + 1), selected);
}

export function frameLines(input: FrameInput): Line[] {
  const { width, height } = input;
  if (width < 4 || height < 2) {
    // Too small for a box: a single line with the title and status.
    return Array.from({ length: Math.max(0, height) }, (_, i) =>
      fitLine(i === 0 ? [{ text: `${input.title} ${STATUS_WORD[input.status]}`, tone: input.status }] : [], Math.max(0, width)),
    );
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
  const top: Line =
    textWidth(title) + textWidth(statusText) + 1 <= inner
      ? [
          { text: box.tl + box.h, tone: borderTone },
          { text: title, tone: input.focused ? 'accent' : 'plain', bold: true },
          { text: box.h.repeat(fill), tone: borderTone },
          { text: statusText, tone: input.status, bold: input.status !== 'ok' && input.status !== 'off' },
          { text: box.tr, tone: borderTone },
        ]
      : [{ text: box.tl, tone: borderTone }, ...fitLine([{ text: title, bold: true }], inner), { text: box.tr, tone: borderTone }];

  const below = input.lines.length - scroll - bodyHeight;
  const hidden = hiddenProblems(input.lines, scroll, bodyHeight);
  // Problems out of sight are said first; the scroll counts, then the long words, give way.
  const problems = (short: boolean) =>
    hidden.map((h) => `${h.count} problem${h.count === 1 ? '' : 's'} ${short ? h.where.slice(-1) : h.where}`).join(' · ');
  const scrolled = (short: boolean) =>
    [scroll > 0 ? `↑${scroll}` : '', below > 0 ? `↓${below}${short ? '' : ' more'}` : ''].filter(Boolean).join(' ');
  const join = (a: string, b: string) => (a && b ? `${a} · ${b}` : a || b);
  const candidates = [
    join(problems(false), scrolled(false)),
    join(problems(true), scrolled(false)),
    join(problems(true), scrolled(true)),
    problems(false),
    problems(true),
    scrolled(false),
    scrolled(true),
  ];
  const chosen = candidates.find((text) => text !== '' && textWidth(text) + 4 <= inner) ?? '';
  const hint = chosen ? ` ${chosen} ` : '';
  const worst = hidden.some((h) => h.level === 'crit') ? 'crit' : 'warn';
  const hintTone: Tone = hidden.length > 0 && chosen.includes('problem') ? worst : 'accent';
  const bottom: Line = [
    { text: box.bl + box.h.repeat(Math.max(0, inner - textWidth(hint) - 1)), tone: borderTone },
    { text: hint, tone: hintTone, bold: hintTone !== 'accent' },
    { text: box.h + box.br, tone: borderTone },
  ];

  const body: Line[] = [];
  for (let row = 0; row < bodyHeight; row++) {
    const content = input.lines[scroll + row] ?? [];
    body.push([{ text: box.v, tone: borderTone }, ...fitLine(content, inner), { text: box.v, tone: borderTone }]);
  }
  return [top, ...body, bottom];
}
