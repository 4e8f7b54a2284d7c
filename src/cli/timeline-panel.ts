// The console's timeline panel, read from the store. The store's code and node:sqlite are
// imported when the panel is first opened: an idle console never loads them.
import type { Env } from '../config/paths.js';
import type { TimelinePanel } from '../ui/console-state.js';

/** The panel shows this far back, at most this many events. */
const SPAN_MS = 7 * 86_400_000;
const LIMIT = 500;

function clock(ms: number): string {
  const d = new Date(ms);
  return `${d.toDateString() === new Date().toDateString() ? '' : `${d.toISOString().slice(0, 10)} `}${d.toTimeString().slice(0, 5)}`;
}

export async function readTimelinePanel(env: Env, demo: string | null, now = Date.now()): Promise<TimelinePanel> {
  const [{ openForReading, storePath }, { readEvents, latestPerSubject }] = await Promise.all([
    import('../store/db.js'),
    import('../store/timeline.js'),
  ]);
  const path = storePath(env, demo);
  try {
    const db = openForReading(path);
    if (!db) {
      return {
        kind: 'timeline',
        events: [],
        error: null,
        loading: false,
        note: `nothing recorded yet: homeops watch${demo ? ` --demo ${demo}` : ''} records the timeline (docs/alerts.md)`,
      };
    }
    try {
      const events = readEvents(db, { since: now - SPAN_MS, limit: LIMIT });
      const watch = latestPerSubject(db, ['watch']).at(-1);
      const note =
        watch?.state === 'stopped'
          ? `the watcher stopped at ${clock(watch.at)}: nothing since is recorded (start homeops watch, or its service)`
          : null;
      return { kind: 'timeline', events, error: null, note, loading: false };
    } finally {
      db.close();
    }
  } catch (error) {
    return { kind: 'timeline', events: [], error: `cannot read the timeline: ${(error as Error).message}`, note: null, loading: false };
  }
}
