// The runbook menu: every runbook found, the picked one highlighted, with the keys that run it,
// show its dry run or the history. Pure.
import type { RunbookEntry } from '../console-state.js';
import { type Line, pad, textWidth } from '../text.js';
import { boxLines } from './box.js';

export type MenuKeys = {
  select?: string | undefined;
  dryRun?: string | undefined;
  history?: string | undefined;
  close?: string | undefined;
};

function keyHint(keys: MenuKeys): Line {
  const parts = [
    keys.select ? `${keys.select} run` : '',
    keys.dryRun ? `${keys.dryRun} dry run` : '',
    keys.history ? `${keys.history} history` : '',
    keys.close ? `${keys.close} close` : '',
  ].filter(Boolean);
  return [{ text: ` ${parts.join(' · ')}`, tone: 'muted' }];
}

export function menuLines(
  entries: readonly RunbookEntry[],
  index: number,
  keys: MenuKeys,
  readOnly: boolean,
  maxWidth: number,
  maxHeight: number,
): Line[] {
  const idWidth = Math.max(8, ...entries.map((e) => textWidth(e.id)));
  const titleWidth = Math.max(10, ...entries.map((e) => textWidth(e.title)));
  const width = Math.max(Math.min(maxWidth, 30), Math.min(maxWidth, idWidth + titleWidth + 20));
  const inner = width - 2;
  const body: Line[] = entries.length
    ? entries.map((entry, i) => {
        const picked = i === index;
        const mark = entry.unavailable ? 'unavailable' : entry.dangerous ? (readOnly ? 'refused: read-only' : 'dangerous') : '';
        return [
          { text: picked ? '▸ ' : '  ', tone: 'accent', bold: true },
          { text: pad(entry.id, idWidth), tone: entry.unavailable ? 'muted' : picked ? 'accent' : 'plain', bold: picked, inverse: picked },
          { text: ' ' },
          { text: pad(entry.title, Math.max(0, inner - idWidth - 4 - textWidth(mark) - 1)), tone: entry.unavailable ? 'muted' : 'plain' },
          { text: ` ${mark}`, tone: entry.unavailable ? 'muted' : entry.dangerous ? 'warn' : 'muted' },
        ];
      })
    : [[{ text: ' no runbooks found', tone: 'muted' }]];
  const footer: Line[] = [];
  const picked = entries[index];
  if (picked?.unavailable) footer.push([{ text: ` ${picked.unavailable}`, tone: 'warn' }]);
  footer.push(keyHint(keys));
  const height = Math.max(3, Math.min(maxHeight, body.length + footer.length + 2));
  const room = Math.max(1, height - 2 - footer.length);
  // Keep the picked entry in the window.
  const scroll = Math.max(0, Math.min(index - Math.floor(room / 2), body.length - room));
  return boxLines({ title: `Runbooks (${entries.length})`, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}
