// Writes Ink's frames to the terminal. Ink renders into a FrameStream (debug mode: one whole
// frame per write, no cursor movement); each frame is compared with the one on screen, cell by
// cell (character and look), and only the cells that changed are rewritten, inside one
// synchronized update. Between two changed stretches of a row the cursor jumps when that is
// shorter than rewriting the cells in between; a row's end that became blank is erased rather
// than written; cursor moves take the shortest form (absolute, column only, carriage return,
// rows down); colours and attributes are written as the change from the terminal's current
// ones (sgr.ts), never re-sent while in effect. This keeps a console on a slow SSH link lean,
// never scrolls the alternate screen, and avoids Ink 6's relative-cursor redraws (its
// incremental mode lands one row low when the frame ends in a newline).
import { EventEmitter } from 'node:events';
import { detached } from './detached.js';
import { applySgr, blankPen, isPlain, type Pen, PLAIN, penFor, samePen, sgrTransition } from './sgr.js';
import stringWidth from './string-width.js';

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';
const RESET = '\x1b[m';

const SGR = /\x1b\[([0-9;]*)m/y;

/** A row as cells: the character of each (one cell wide) and the look it is drawn in. */
export type Cells = { readonly ch: readonly string[]; readonly pen: readonly Pen[] };

/**
 * A line as screen cells: each visible character with the look it is drawn in (a blank with
 * only what a blank shows). null when the line holds anything but SGR sequences this model
 * knows and one-cell characters (then the whole line is rewritten as it is, which is always
 * right).
 */
export function lineCells(line: string): Cells | null {
  const chars: string[] = [];
  const pens: Pen[] = [];
  let pen: Pen = PLAIN;
  let blank: Pen = PLAIN;
  for (let i = 0; i < line.length; ) {
    if (line.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const match = SGR.exec(line);
      if (!match) return null;
      const next = applySgr(pen, match[1] as string);
      if (!next) return null;
      if (!samePen(next, pen)) {
        pen = next;
        blank = blankPen(pen);
      }
      i += match[0].length;
      continue;
    }
    const code = line.charCodeAt(i);
    // Printable ASCII, or one UTF-16 unit one cell wide (a surrogate pair is never one here).
    const ch = line[i] as string;
    if (code < 0x20 || (code > 0x7e && !narrow(ch))) return null;
    chars.push(ch);
    pens.push(code === 0x20 ? blank : pen);
    i++;
  }
  return { ch: chars, pen: pens };
}

const widths = new Map<string, boolean>();

/** Whether a character outside ASCII is a whole character one cell wide. */
function narrow(ch: string): boolean {
  let known = widths.get(ch);
  if (known === undefined) {
    const code = ch.charCodeAt(0);
    known = !(code >= 0xd800 && code <= 0xdfff) && stringWidth(ch) === 1;
    if (widths.size >= 1024) widths.clear();
    widths.set(ch, known);
  }
  return known;
}

// The rows of the last frames as cells: a changed row is parsed as the new row and again, a
// tick later, as the old one.
const parsed = new Map<string, Cells | null>();

function cellsOf(line: string): Cells | null {
  let cells = parsed.get(line);
  if (cells === undefined) {
    if (parsed.size >= 512) parsed.clear();
    cells = lineCells(line);
    parsed.set(detached(line), cells);
  }
  return cells;
}

const utf8Length = (ch: string) => {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
};

/** The terminal as an update leaves it: where the cursor is (null: not known) and its pen. */
class Writer {
  readonly parts: string[] = [];
  row: number | null = null;
  col: number | null = null;
  pen: Pen = PLAIN;

  /** The shortest sequence from the cursor to (row, col), counted from 0. */
  move(row: number, col: number): string {
    if (this.row === row && this.col === col) return '';
    let best = row === 0 && col === 0 ? '\x1b[H' : col === 0 ? `\x1b[${row + 1}H` : `\x1b[${row + 1};${col + 1}H`;
    const consider = (candidate: string) => {
      if (candidate.length < best.length) best = candidate;
    };
    const column = col === 0 ? '\r' : `\x1b[${col + 1}G`;
    if (this.row === row) consider(column);
    else if (this.row !== null && row > this.row) {
      // Cursor down stops at the bottom margin and never scrolls.
      const down = row - this.row === 1 ? '\x1b[B' : `\x1b[${row - this.row}B`;
      consider(this.col === col ? down : col === 0 ? `\r${down}` : `${down}${column}`);
    }
    return best;
  }

  moveTo(row: number, col: number): void {
    const move = this.move(row, col);
    if (move) this.parts.push(move);
    this.row = row;
    this.col = col;
  }

  /** Bytes that writing `cells` from the cursor would take, from the current pen. */
  cost(cells: Cells, from: number, to: number): number {
    let pen = this.pen;
    let bytes = 0;
    for (let i = from; i < to; i++) {
      const ch = cells.ch[i] ?? ' ';
      const next = penFor(ch, cells.pen[i] ?? PLAIN, pen);
      bytes += sgrTransition(pen, next).length + utf8Length(ch);
      pen = next;
    }
    return bytes;
  }

  setPen(pen: Pen): void {
    const change = sgrTransition(this.pen, pen);
    if (change) this.parts.push(change);
    this.pen = pen;
  }

  /** Writes `cells` [from, to) at the cursor (which must be on the row, at column `from`). */
  write(cells: Cells, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const ch = cells.ch[i] ?? ' ';
      this.setPen(penFor(ch, cells.pen[i] ?? PLAIN, this.pen));
      this.parts.push(ch);
    }
    // With auto-wrap off the cursor stays on the last column; `to` is where it would be short
    // of that, and a later move to it is only ever asked for when it is short of that.
    this.col = to;
  }

  /** Erases from the cursor to the end of the row (with no background, as a blank shows). */
  eraseRest(): void {
    if (this.pen.bg !== '' || this.pen.inverse) this.setPen(PLAIN);
    this.parts.push('\x1b[K');
  }

  /** Row `row` erased and `line` written as it is (for lines the cell model does not cover). */
  whole(row: number, line: string): void {
    this.moveTo(row, 0);
    this.setPen(PLAIN);
    // Erase first: erasing after a line that fills the last column would eat its last cell.
    this.parts.push(`\x1b[2K${line}${RESET}`);
    this.col = null;
  }
}

/**
 * Turns row `row` (from 0) from `before` into `after`: only the cells that changed, jumping
 * over unchanged stretches where a cursor move is shorter than rewriting them, and erasing a
 * row's end that became blank. `before` is what the screen shows (rows beyond a frame are
 * blank).
 */
function rowUpdate(out: Writer, row: number, before: string, after: string): void {
  const a = cellsOf(before);
  const b = cellsOf(after);
  if (!a || !b) {
    out.whole(row, after);
    return;
  }
  const width = Math.max(a.ch.length, b.ch.length);
  const changed = (i: number) => {
    const pa = a.pen[i] ?? PLAIN;
    const pb = b.pen[i] ?? PLAIN;
    return (a.ch[i] ?? ' ') !== (b.ch[i] ?? ' ') || (pa !== pb && !samePen(pa, pb));
  };
  // From `tail` on, the new row is blank.
  let tail = b.ch.length;
  while (tail > 0 && b.ch[tail - 1] === ' ' && isPlain(b.pen[tail - 1] ?? PLAIN)) tail--;
  let i = 0;
  while (i < width && !changed(i)) i++;
  while (i < width) {
    // Reach column i: by a cursor move, or by rewriting the unchanged cells before it (only up
    // to where the row turns blank: from there on an erase does it).
    let col = out.row === row ? out.col : null;
    if (col !== null && col < i) {
      const stop = Math.min(i, tail);
      if (out.cost(b, col, stop) <= out.move(row, i).length) {
        out.write(b, col, stop);
        col = stop;
      }
    }
    if (col !== null && col >= tail) {
      // Everything from the cursor on is to be blank (and the cells it passes over are).
      out.eraseRest();
      return;
    }
    out.moveTo(row, i);
    if (i >= tail) {
      out.eraseRest();
      return;
    }
    // Write the changed stretch.
    let end = i;
    while (end < tail && changed(end)) end++;
    out.write(b, i, end);
    i = end;
    while (i < width && !changed(i)) i++;
  }
}

/** The escape sequence that turns screen `previous` into `next`. */
export function diffFrame(previous: readonly string[] | null, next: readonly string[]): string {
  const out = new Writer();
  if (previous === null) {
    out.parts.push(`\x1b[H${RESET}\x1b[2J`);
    out.row = 0;
    out.col = 0;
  }
  const rows = Math.max(next.length, previous?.length ?? 0);
  for (let row = 0; row < rows; row++) {
    const line = next[row] ?? '';
    const before = previous?.[row] ?? '';
    if (line !== before) rowUpdate(out, row, before, line);
  }
  out.setPen(PLAIN);
  return out.parts.length ? BEGIN_SYNC + out.parts.join('') + END_SYNC : '';
}

type Terminal = NodeJS.WriteStream;

/** Whether a frame fits the terminal: no row below its last, no line wider than it. */
export function fits(lines: readonly string[], columns: number, rows: number): boolean {
  const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  if (count > rows) return false;
  for (const line of lines) if (line.length > columns && stringWidth(line) > columns) return false;
  return true;
}

/**
 * A stand-in for stdout that Ink renders into. It reports the real terminal's size and
 * passes its resize events on.
 */
export class FrameStream extends EventEmitter {
  readonly isTTY = true;
  private screen: string[] | null = null;
  private closed = false;
  bytesWritten = 0;

  constructor(private readonly terminal: Terminal) {
    super();
    terminal.on('resize', this.onResize);
  }

  get columns(): number {
    return this.terminal.columns || 80;
  }

  get rows(): number {
    return this.terminal.rows || 24;
  }

  private readonly onResize = () => {
    // After a resize the terminal's contents cannot be trusted: repaint everything.
    this.screen = null;
    this.emit('resize');
  };

  write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    // Ink also writes cursor show/hide here; the screen owner handles the cursor.
    if (!this.closed && !/^\x1b\[\?25[hl]$/.test(text)) {
      const next = text.split('\n');
      // Right after a resize Ink re-renders the old tree once, laid out for the old size, before
      // the console has re-laid out: a frame that does not fit is dropped (the terminal would
      // wrap it and scroll), and the next one, made for the new size, repaints everything.
      if (!fits(next, this.columns, this.rows)) return this.done(encodingOrCallback, callback);
      const update = diffFrame(this.screen, next);
      this.screen = next;
      if (update) {
        this.bytesWritten += Buffer.byteLength(update);
        this.terminal.write(update);
      }
    }
    return this.done(encodingOrCallback, callback);
  }

  private done(encodingOrCallback: unknown, callback: unknown): boolean {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }

  /** The whole frame again, from a cleared screen (Ctrl-L: something else wrote on the terminal). */
  repaint(): void {
    if (this.closed || this.screen === null) return;
    const update = diffFrame(null, this.screen);
    this.bytesWritten += Buffer.byteLength(update);
    this.terminal.write(update);
  }

  /** Stops passing frames on (Ink renders a last frame while unmounting). */
  close(): void {
    this.closed = true;
    this.terminal.off('resize', this.onResize);
  }
}
