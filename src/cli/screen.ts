// Writes Ink's frames to the terminal line by line. Ink renders into a FrameStream (debug mode:
// one whole frame per write, no cursor movement); each frame is compared with the one on
// screen and only the rows that changed are rewritten, at absolute positions, inside one
// synchronized update. This keeps a console on a slow SSH link lean, never scrolls the
// alternate screen, and avoids Ink 6's relative-cursor redraws (its incremental mode lands
// one row low when the frame ends in a newline).
import { EventEmitter } from 'node:events';
import stringWidth from '../ui/string-width.js';

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';
const RESET = '\x1b[0m';

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
    else parts.push(`\x1b[${row + 1};1H${RESET}\x1b[2K${line}${RESET}`);
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
