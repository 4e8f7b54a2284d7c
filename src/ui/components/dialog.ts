// A dialog's lines: the question, wrapped to the room there is, and its answers; for an inputs
// form, a line per field with the cursor's field marked. It fits any area: when there is too
// little height the text is cut, never the fields or the answers. Pure.
import type { FormField, Prompt } from '../console-state.js';
import { type Line, lineText, type Tone, textWidth, wrapText } from '../text.js';
import { boxLines } from './box.js';

export type Typed = { text: string; wrong: boolean };

/** An inputs form as filled in: the field at the cursor and every field's value. */
export type FormView = { index: number; values: Readonly<Record<string, string>> };

/** The answers, one item each: "[y] Restart", "[n] Cancel", "[esc] Later". */
function answerItems(prompt: Prompt): Line[] {
  const item = (key: string, what: string, tone: Tone): Line => [
    { text: ` ${key} `, tone, inverse: true, bold: true },
    { text: ` ${what}` },
  ];
  switch (prompt.kind) {
    case 'confirm':
      return [
        item('y', prompt.yes, prompt.danger ? 'warn' : 'accent'),
        item('n', prompt.no, 'accent'),
        ...(prompt.cancel ? [item('esc', prompt.cancel, 'accent')] : []),
      ];
    case 'notice':
      return [item('enter', 'OK', 'accent')];
    case 'inputs':
      return [item('enter', prompt.submit, 'accent'), item('esc', 'Cancel', 'accent')];
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

/** A field's value as shown: choices side by side with the chosen one marked, text with a cursor. */
function fieldValue(field: FormField, value: string, current: boolean): Line {
  if (field.choices) {
    return field.choices.flatMap(
      (choice, index): Line => [
        ...(index > 0 ? [{ text: ' ' }] : []),
        choice === value ? { text: `[${choice}]`, tone: 'accent', bold: true } : { text: ` ${choice} `, tone: 'muted' },
      ],
    );
  }
  const shown = field.secret ? '•'.repeat(Array.from(value).length) : value;
  return [
    { text: shown === '' && !current ? (field.required ? '(required)' : '(empty)') : shown, tone: shown === '' ? 'muted' : 'plain' },
    ...(current ? [{ text: '▏', tone: 'accent' as const }] : []),
  ];
}

/** The form's lines: a field each, its description under the one at the cursor. */
function formLines(prompt: Extract<Prompt, { kind: 'inputs' }>, form: FormView | null, width: number): Line[] {
  // Before any key, the form as the prompt opens it.
  const { index, values } = form ?? { index: prompt.focus, values: prompt.values };
  const nameWidth = Math.min(20, Math.max(...prompt.fields.map((f) => textWidth(f.name))));
  const lines: Line[] = [];
  prompt.fields.forEach((field, i) => {
    const current = i === index;
    lines.push([
      { text: current ? '▸ ' : '  ', tone: 'accent', bold: true },
      { text: field.name.padEnd(nameWidth), bold: current },
      { text: '  ' },
      ...fieldValue(field, values[field.name] ?? '', current),
    ]);
    if (current && field.description) {
      for (const text of wrapText(field.description, Math.max(8, width - nameWidth - 4)))
        lines.push([{ text: ' '.repeat(nameWidth + 4) }, { text, tone: 'muted' }]);
    }
  });
  return lines;
}

function answers(prompt: Prompt, typed: Typed | null, width: number): Line[] {
  if (prompt.kind === 'inputs') {
    const hint: Line = prompt.error
      ? [{ text: prompt.error, tone: 'crit' }]
      : [{ text: '↑↓ field · ←→ choose · type to edit', tone: 'muted' }];
    return [...wrapLine(hint, width), ...pack(answerItems(prompt), width)];
  }
  if (prompt.kind !== 'typed') return pack(answerItems(prompt), width);
  const text = typed?.text ?? '';
  return [
    [{ text: '> ', tone: 'accent', bold: true }, { text }, { text: '▏', tone: 'accent' }],
    typed?.wrong
      ? [{ text: `type ${prompt.expect} exactly, or esc to cancel`, tone: 'crit' }]
      : [{ text: 'enter runs it · esc cancels', tone: 'muted' }],
  ];
}

/** A one-segment line wrapped to the width. */
function wrapLine(line: Line, width: number): Line[] {
  const [segment] = line;
  if (!segment) return [];
  return wrapText(segment.text, Math.max(8, width)).map((text) => [{ ...segment, text }]);
}

function toneOf(prompt: Prompt): Tone {
  if (prompt.kind === 'typed') return 'warn';
  if (prompt.kind === 'inputs') return prompt.error ? 'warn' : 'accent';
  if (prompt.kind === 'confirm') return prompt.danger ? 'warn' : 'accent';
  return prompt.tone === 'plain' ? 'accent' : prompt.tone;
}

/** The dialog's box for an area of `maxWidth`×`maxHeight`; its width is the first line's. */
export function dialogLines(
  prompt: Prompt,
  typed: Typed | null,
  maxWidth: number,
  maxHeight: number,
  form: FormView | null = null,
): Line[] {
  const wanted = answers(prompt, typed, Number.MAX_SAFE_INTEGER);
  const fieldsWanted = prompt.kind === 'inputs' ? formLines(prompt, form, Number.MAX_SAFE_INTEGER) : [];
  const longest = Math.max(
    ...prompt.lines.map((l) => textWidth(l)),
    ...wanted.map((l) => textWidth(lineText(l))),
    ...fieldsWanted.map((l) => textWidth(lineText(l)) - 2),
    textWidth(prompt.title) + 4,
  );
  const width = Math.max(Math.min(maxWidth, 24), Math.min(maxWidth, 76, longest + 4));
  const inner = Math.max(1, width - 4);
  const fields = prompt.kind === 'inputs' ? formLines(prompt, form, inner) : [];
  // The fields belong with the answers: when height is short, the question's text gives way first.
  const footer = [...fields.map((line): Line => [...line]), ...(fields.length ? [[] as Line] : []), ...answers(prompt, typed, inner)];
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
