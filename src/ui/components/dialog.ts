// A dialog's lines: the question, wrapped to the room there is, and its answers. It fits any
// area: when there is too little height the text is cut, never the answers. Pure.
import type { Prompt } from '../console-state.js';
import { lineText, textWidth, wrapText, type Line, type Tone } from '../text.js';
import { boxLines } from './box.js';

export type Typed = { text: string; wrong: boolean };

/** The answers, one item each: "[y] Restart", "[n] Cancel", "[esc] Later". */
function answerItems(prompt: Prompt): Line[] {
  const item = (key: string, what: string, tone: Tone): Line => [{ text: ` ${key} `, tone, inverse: true, bold: true }, { text: ` ${what}` }];
  switch (prompt.kind) {
    case 'confirm':
      return [
        item('y', prompt.yes, prompt.danger ? 'warn' : 'accent'),
        item('n', prompt.no, 'accent'),
        ...(prompt.cancel ? [item('esc', prompt.cancel, 'accent')] : []),
      ];
    case 'notice':
      return [item('enter', 'OK', 'accent')];
    case 'typed':
      return [];
  }
}

/** Items side by side, three spaces apart, on as many lines as the width needs. */
function pack(items: readonly Line[], width: number): Line[] {
  const lines: Line[] = [];
  let current: Line = [];
  let used = 0;
  for (const item of items) {
    const w = textWidth(lineText(item));
    if (used > 0 && used + 3 + w > width) {
      lines.push(current);
      current = [];
      used = 0;
    }
    if (used > 0) {
      current.push({ text: '   ' });
      used += 3;
    }
    current.push(...item);
    used += w;
  }
  if (current.length) lines.push(current);
  return lines;
}

function answers(prompt: Prompt, typed: Typed | null, width: number): Line[] {
  if (prompt.kind !== 'typed') return pack(answerItems(prompt), width);
  const text = typed?.text ?? '';
  return [
    [{ text: '> ', tone: 'accent', bold: true }, { text }, { text: '▏', tone: 'accent' }],
    typed?.wrong
      ? [{ text: `type ${prompt.expect} exactly, or esc to cancel`, tone: 'crit' }]
      : [{ text: 'enter runs it · esc cancels', tone: 'muted' }],
  ];
}

function toneOf(prompt: Prompt): Tone {
  if (prompt.kind === 'typed') return 'warn';
  if (prompt.kind === 'confirm') return prompt.danger ? 'warn' : 'accent';
  return prompt.tone === 'plain' ? 'accent' : prompt.tone;
}

/** The dialog's box for an area of `maxWidth`×`maxHeight`; its width is the first line's. */
export function dialogLines(prompt: Prompt, typed: Typed | null, maxWidth: number, maxHeight: number): Line[] {
  const wanted = answers(prompt, typed, Number.MAX_SAFE_INTEGER);
  const longest = Math.max(...prompt.lines.map((l) => textWidth(l)), ...wanted.map((l) => textWidth(lineText(l))), textWidth(prompt.title) + 4);
  const width = Math.max(Math.min(maxWidth, 24), Math.min(maxWidth, 76, longest + 4));
  const inner = Math.max(1, width - 4);
  const footer = answers(prompt, typed, inner);
  const body: Line[] = [];
  for (const paragraph of prompt.lines) for (const text of wrapText(paragraph, inner)) body.push([{ text: ` ${text}` }]);
  body.push([]);
  const height = Math.min(maxHeight, body.length + footer.length + 2);
  const lines = boxLines({
    title: prompt.title,
    lines: body,
    width,
    height,
    scroll: 0,
    tone: toneOf(prompt),
    heavy: true,
    footer: footer.map((line) => [{ text: ' ' }, ...line]),
  });
  return lines;
}
