// Writes Ink's frames to the terminal line by line. Ink renders into a FrameStream (debug mode:
// one whole frame per write, no cursor movement); each frame is compared with the one on
// screen and only what changed is rewritten — within a row, only the span of cells from the
// first change to the last — at absolute positions, inside one synchronized update. This keeps a console on a slow SSH link lean, never scrolls the
// alternate screen, and avoids Ink 6's relative-cursor redraws (its incremental mode lands
// one row low when the frame ends in a newline).
import { EventEmitter } from 'node:events';
import stringWidth from '../ui/string-width.js';

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';
const RESET = '\x1b[0m';

const SGR = /\x1b\[[0-9;]*m/y;

type Cell = { style: string; ch: string };

/**
 * A line as screen cells: each visible character with the SGR state it is drawn in. null when
 * the line holds anything but SGR sequences and one-cell characters (then the whole line is
 * rewritten, which is always right).
 */
export function lineCells(line: string): Cell[] | null {
  const cells: Cell[] = [];
  let style = '';
  for (let i = 0; i < line.length;) {
    if (line.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const match = SGR.exec(line);
      if (!match) return null;
      const seq = match[0];
      style = seq === '\x1b[0m' || seq === '\x1b[m' ? '' : style + seq;
      i += seq.length;
      continue;
    }
    const code = line.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(code);
    if (code < 0x20 || (code > 0x7e && stringWidth(ch) !== 1)) return null;
    cells.push({ style, ch });
    i += ch.length;
  }
  return cells;
}

const sameCell = (a: Cell | undefined, b: Cell | undefined) => a !== undefined && b !== undefined && a.ch === b.ch && a.style === b.style;

/**
 * The shortest way to turn row `row` (from 0) from `before` into `after`: only the cells that
 * changed, from the first to the last of them (a clock's digits, a figure), or the whole line.
 */
export function lineUpdate(row: number, before: string, after: string): string {
  const whole = `\x1b[${row + 1};1H${RESET}\x1b[2K${after}${RESET}`;
  const a = lineCells(before);
  const b = lineCells(after);
  if (!a || !b) return whole;
  let start = 0;
  while (start < a.length && start < b.length && sameCell(a[start], b[start])) start++;
  let end = Math.max(a.length, b.length);
  while (end > start && end <= a.length && end <= b.length && sameCell(a[end - 1], b[end - 1])) end--;
  if (start >= end) return '';
  const parts = [`\x1b[${row + 1};${start + 1}H${RESET}`];
  let style = '';
  for (let i = start; i < Math.min(end, b.length); i++) {
    const cell = b[i] as Cell;
    if (cell.style !== style) {
      parts.push(style === '' ? cell.style : `${RESET}${cell.style}`);
      style = cell.style;
    }
    parts.push(cell.ch);
  }
  parts.push(RESET);
  // The old line was longer: clear what is left of it (the cursor is short of the last column).
  if (end > b.length) parts.push('\x1b[K');
  const span = parts.join('');
  return span.length < whole.length ? span : whole;
}

/** The escape sequence that turns screen `previous` into `next` (rows numbered from 1). */
export function diffFrame(previous: readonly string[] | null, next: readonly string[]): string {
  const parts: string[] = [];
  if (previous === null) parts.push('\x1b[H\x1b[2J');
  const rows = Math.max(next.length, previous?.length ?? 0);
  for (let row = 0; row < rows; row++) {
    const line = next[row];
    if (previous !== null && line === previous[row]) continue;
    if (line === undefined) parts.push(`\x1b[${row + 1};1H${RESET}\x1b[2K`);
    else if (previous === null && line === '') continue;
    // Erase first: erasing after a line that fills the last column would eat its last cell.
    else if (previous === null || previous[row] === undefined) parts.push(`\x1b[${row + 1};1H${RESET}\x1b[2K${line}${RESET}`);
    else {
      const update = lineUpdate(row, previous[row] as string, line);
      if (update) parts.push(update);
    }
  }
  return parts.length ? BEGIN_SYNC + parts.join('') + END_SYNC : '';
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

  /** Stops passing frames on (Ink renders a last frame while unmounting). */
  close(): void {
    this.closed = true;
    this.terminal.off('resize', this.onResize);
  }
}
