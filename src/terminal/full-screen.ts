// The terminal while the console runs: alternate screen, no auto-wrap, hidden cursor, bracketed
// paste (pasted text arrives marked, so that it types into a field and never runs commands), mouse
// reports unless turned off; and
// the way back on every exit (q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error, process exit).
import { writeSync } from 'node:fs';
import { terminalSafe } from './terminal-safe.js';

/** The modes the console runs in, besides the alternate screen: no auto-wrap, no cursor, bracketed paste. */
const MODES = '\x1b[?7l\x1b[?25l\x1b[?2004h';
/**
 * Mouse reports: presses, releases and the wheel (1000), in the SGR form (1006), which has no
 * limit on the column and ends each report unambiguously. Not 1002/1003: drags and motion are
 * not used, and every motion report would be a read.
 */
const MOUSE = '\x1b[?1000h\x1b[?1006h';
/** Mouse reports off whether they were on or not: a terminal left reporting clicks types junk into the shell. */
const LEAVE = '\x1b[?1006l\x1b[?1000l\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l';

export type TerminalGuard = {
  restore(): void;
  /** Sets the console's modes again (a program that ran in the terminal may have changed them). */
  reassert(): void;
  /** Gives the terminal back for a while (a shell in a container), as at exit; `resume` takes it again. */
  suspend(): void;
  resume(): void;
};

/** Lines of stray stderr kept while the screen is ours, to be said after it is given back. */
const HELD_LINES = 20;

/**
 * While the console draws, nothing else may write to the terminal: a library's or the runtime's
 * warning on stderr would scroll the screen under the frame writer, which only redraws what it
 * thinks changed. Such text is held and said once the screen is back. Deprecation notices are
 * for the developers of those libraries, not for the operator: they are not shown at all.
 */
function holdStderr(): () => void {
  const stderr = process.stderr;
  const original = stderr.write;
  const held: string[] = [];
  const previousNoDeprecation = process.noDeprecation;
  process.noDeprecation = true;
  stderr.write = ((
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean => {
    held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    if (held.length > HELD_LINES) held.splice(0, held.length - HELD_LINES);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    done?.();
    return true;
  }) as typeof stderr.write;
  return () => {
    stderr.write = original;
    process.noDeprecation = previousNoDeprecation;
    const text = held.join('');
    if (text.trim()) {
      try {
        const safe = terminalSafe(text.endsWith('\n') ? text : `${text}\n`, { newlines: 'lines' });
        writeSync(2, `homeops: while the console ran, this was written to stderr:\n${safe}`);
      } catch {
        // nowhere to say it
      }
    }
  };
}

export function enterFullScreen(fd = 1, options: { mouse?: boolean } = {}): TerminalGuard {
  let active = true;
  const modes = options.mouse ? `${MODES}${MOUSE}` : MODES;
  writeSync(fd, `\x1b[?1049h${modes}\x1b[H\x1b[2J`);
  const release = holdStderr();
  const restore = () => {
    if (!active) return;
    active = false;
    try {
      writeSync(fd, LEAVE);
    } catch {
      // The terminal is gone (SSH dropped): nothing left to restore.
    }
    release();
  };
  // Last resort: whatever ends the process, the screen comes back.
  process.once('exit', restore);
  const reassert = () => {
    if (!active) return;
    try {
      writeSync(fd, modes);
    } catch {
      // the terminal is gone
    }
  };
  const suspend = () => {
    if (!active) return;
    try {
      writeSync(fd, LEAVE);
    } catch {
      // the terminal is gone
    }
  };
  const resume = () => {
    if (!active) return;
    try {
      writeSync(fd, `\x1b[?1049h${modes}\x1b[H\x1b[2J`);
    } catch {
      // the terminal is gone
    }
  };
  return { restore, reassert, suspend, resume };
}
