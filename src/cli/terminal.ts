// The terminal while the console runs: alternate screen, no auto-wrap, hidden cursor, bracketed
// paste (pasted text arrives marked, so that it types into a field and never runs commands); and
// the way back on every exit (q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error, process exit).
import { writeSync } from 'node:fs';

const ENTER = '\x1b[?1049h\x1b[?7l\x1b[?25l\x1b[?2004h\x1b[H\x1b[2J';
const LEAVE = '\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l';

export type TerminalGuard = { restore(): void };

export function enterFullScreen(fd = 1): TerminalGuard {
  let active = true;
  writeSync(fd, ENTER);
  const restore = () => {
    if (!active) return;
    active = false;
    try {
      writeSync(fd, LEAVE);
    } catch {
      // The terminal is gone (SSH dropped): nothing left to restore.
    }
  };
  // Last resort: whatever ends the process, the screen comes back.
  process.once('exit', restore);
  return { restore };
}
