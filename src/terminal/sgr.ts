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

const PLAIN_PEN: Pen = {
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

// Pens are interned: one object per distinct look, so that comparing two is comparing
// references and what is worked out about a pen (its transitions) can be remembered per object.
const interned = new Map<string, Pen>();
const keyOf = (p: Pen) =>
  `${p.fg}|${p.bg}|${+p.bold}${+p.dim}${+p.italic}${+p.underline}${+p.blink}${+p.inverse}${+p.hidden}${+p.strike}${+p.overline}`;

function intern(pen: Pen): Pen {
  const key = keyOf(pen);
  const known = interned.get(key);
  if (known) return known;
  // A frame has a few dozen looks; a bound keeps a pathological stream from growing it.
  if (interned.size >= 4096) interned.clear();
  interned.set(key, pen);
  return pen;
}

export const PLAIN: Pen = intern(PLAIN_PEN);

/** Remembers a function of one or two pens per pen object. */
function memo<T>(limit: number): { get(a: Pen, b: Pen | string): T | undefined; set(a: Pen, b: Pen | string, value: T): T } {
  let table = new WeakMap<Pen, Map<Pen | string, T>>();
  let size = 0;
  return {
    get: (a, b) => table.get(a)?.get(b),
    set: (a, b, value) => {
      if (++size > limit) {
        table = new WeakMap();
        size = 0;
      }
      let row = table.get(a);
      if (!row) {
        row = new Map();
        table.set(a, row);
      }
      row.set(b, value);
      return value;
    },
  };
}

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
  const known = applied.get(pen, params);
  if (known !== undefined) return known;
  const next = computeSgr(pen, params);
  return applied.set(pen, params, next && intern(next));
}

const applied = memo<Pen | null>(65536);

function computeSgr(pen: Pen, params: string): Pen | null {
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

/** Whether two pens look the same (for interned pens, whether they are the same object). */
export const samePen = (a: Pen, b: Pen): boolean =>
  a === b ||
  (a.fg === b.fg &&
    a.bg === b.bg &&
    a.bold === b.bold &&
    a.dim === b.dim &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.blink === b.blink &&
    a.inverse === b.inverse &&
    a.hidden === b.hidden &&
    a.strike === b.strike &&
    a.overline === b.overline);

export const isPlain = (pen: Pen): boolean => samePen(pen, PLAIN);

/**
 * The pen a space is drawn with, as far as anyone can see: a blank shows its background,
 * underline, strike-through and overline (and, inverted, its foreground) but no foreground
 * colour, weight, slant or blinking. Blanks differing only in those look the same.
 */
export function blankPen(pen: Pen): Pen {
  if (pen.inverse || (pen.fg === '' && !pen.bold && !pen.dim && !pen.italic && !pen.blink)) return pen;
  return intern({ ...pen, fg: '', bold: false, dim: false, italic: false, blink: false });
}

/**
 * The pen to draw a cell that should look like `want` with, the terminal's pen being `current`:
 * `want` itself, except that a blank keeps whatever it cannot show from `current` (so padding
 * between two green words needs no colour change).
 */
export function penFor(ch: string, want: Pen, current: Pen): Pen {
  if (ch !== ' ' || want.inverse || current.inverse || want === current) return want;
  const known = blanks.get(want, current);
  if (known) return known;
  const keep = { ...want, fg: current.fg, bold: current.bold, dim: current.dim, italic: current.italic, blink: current.blink };
  return blanks.set(want, current, intern(keep));
}

const blanks = memo<Pen>(65536);

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
  return transitions.get(from, to) ?? transitions.set(from, to, computeTransition(from, to));
}

const transitions = memo<string>(65536);

function computeTransition(from: Pen, to: Pen): string {
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
