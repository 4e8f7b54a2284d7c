// The terminal's graphic rendition (SGR: colours, bold, inverse…) as a state rather than as the
// sequences that produced it, so that a cell's look can be compared with another's and the
// terminal can be moved from one look to the next with the fewest bytes. Ink's output repeats
// and cancels codes freely (`\x1b[36m\x1b[39m\x1b[32m` draws plain green); written as they come,
// those codes were most of what a tick put on the wire.

/** What a cell looks like, apart from its character. Colours are SGR parameters ('' = default). */
export type Pen = {
  readonly fg: string;
  readonly bg: string;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly blink: boolean;
  readonly inverse: boolean;
  readonly hidden: boolean;
  readonly strike: boolean;
  readonly overline: boolean;
};

type Flag = 'italic' | 'underline' | 'blink' | 'inverse' | 'hidden' | 'strike' | 'overline';

export const PLAIN: Pen = {
  fg: '',
  bg: '',
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  blink: false,
  inverse: false,
  hidden: false,
  strike: false,
  overline: false,
};

/** Attributes switched on and off by one code each (bold and dim share their "off": 22). */
const FLAGS: readonly (readonly [Flag, number, number])[] = [
  ['italic', 3, 23],
  ['underline', 4, 24],
  ['blink', 5, 25],
  ['inverse', 7, 27],
  ['hidden', 8, 28],
  ['strike', 9, 29],
  ['overline', 53, 55],
];

/**
 * The pen after the parameters of one SGR sequence (`"1;32"` of `\x1b[1;32m`), or null for a
 * parameter this model does not know (the caller then falls back to writing the text as it is).
 */
export function applySgr(pen: Pen, params: string): Pen | null {
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let next: { -readonly [K in keyof Pen]: Pen[K] } = { ...pen };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (!Number.isInteger(code)) return null;
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 22) next.bold = next.dim = false;
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) next.fg = String(code);
    else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) next.bg = String(code);
    else if (code === 39) next.fg = '';
    else if (code === 49) next.bg = '';
    else if (code === 38 || code === 48) {
      const mode = codes[i + 1];
      const count = mode === 5 ? 1 : mode === 2 ? 3 : -1;
      const args = codes.slice(i + 2, i + 2 + count);
      if (count < 0 || args.length !== count || args.some((n) => !(Number.isInteger(n) && n >= 0 && n <= 255))) return null;
      const colour = [code, mode, ...args].join(';');
      if (code === 38) next.fg = colour;
      else next.bg = colour;
      i += 1 + count;
    } else {
      const flag = FLAGS.find(([, on, off]) => code === on || code === off);
      if (!flag) return null;
      next[flag[0]] = code === flag[1];
    }
  }
  return next;
}

export const samePen = (a: Pen, b: Pen): boolean =>
  a.fg === b.fg &&
  a.bg === b.bg &&
  a.bold === b.bold &&
  a.dim === b.dim &&
  a.italic === b.italic &&
  a.underline === b.underline &&
  a.blink === b.blink &&
  a.inverse === b.inverse &&
  a.hidden === b.hidden &&
  a.strike === b.strike &&
  a.overline === b.overline;

export const isPlain = (pen: Pen): boolean => samePen(pen, PLAIN);

/**
 * The pen a space is drawn with, as far as anyone can see: a blank shows its background,
 * underline, strike-through and overline (and, inverted, its foreground) but no foreground
 * colour, weight, slant or blinking. Blanks differing only in those look the same.
 */
export function blankPen(pen: Pen): Pen {
  if (pen.inverse || (pen.fg === '' && !pen.bold && !pen.dim && !pen.italic && !pen.blink)) return pen;
  return { ...pen, fg: '', bold: false, dim: false, italic: false, blink: false };
}

/**
 * The pen to draw a cell that should look like `want` with, the terminal's pen being `current`:
 * `want` itself, except that a blank keeps whatever it cannot show from `current` (so padding
 * between two green words needs no colour change).
 */
export function penFor(ch: string, want: Pen, current: Pen): Pen {
  if (ch !== ' ' || want.inverse || current.inverse) return want;
  const keep = { ...want, fg: current.fg, bold: current.bold, dim: current.dim, italic: current.italic, blink: current.blink };
  return samePen(keep, current) ? current : keep;
}

function codesOf(pen: Pen): string[] {
  const codes: string[] = [];
  if (pen.bold) codes.push('1');
  if (pen.dim) codes.push('2');
  for (const [flag, on] of FLAGS) if (pen[flag]) codes.push(String(on));
  if (pen.fg) codes.push(pen.fg);
  if (pen.bg) codes.push(pen.bg);
  return codes;
}

/** The shortest SGR sequence that turns pen `from` into pen `to` ('' when they are the same). */
export function sgrTransition(from: Pen, to: Pen): string {
  if (samePen(from, to)) return '';
  const reset = isPlain(to) ? '\x1b[m' : `\x1b[0;${codesOf(to).join(';')}m`;
  const codes: string[] = [];
  if ((from.bold && !to.bold) || (from.dim && !to.dim)) {
    codes.push('22');
    if (to.bold) codes.push('1');
    if (to.dim) codes.push('2');
  } else {
    if (to.bold && !from.bold) codes.push('1');
    if (to.dim && !from.dim) codes.push('2');
  }
  for (const [flag, on, off] of FLAGS) if (from[flag] !== to[flag]) codes.push(String(to[flag] ? on : off));
  if (from.fg !== to.fg) codes.push(to.fg || '39');
  if (from.bg !== to.bg) codes.push(to.bg || '49');
  const step = `\x1b[${codes.join(';')}m`;
  return step.length < reset.length ? step : reset;
}
