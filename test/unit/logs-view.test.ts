// How the logs panel is read (src/ui/logs-view.ts, src/ui/components/panel-lines.ts): following
// or held on a line while lines come and go, the search with smart case and n/N, timestamps and
// wrapping, times of other days with their date. Pure.
import { describe, expect, it } from 'vitest';
import { logsLines, logTime } from '../../src/ui/components/panel-lines.js';
import type { LogLineView, LogsPanel } from '../../src/ui/console-state.js';
import {
  acceptSearch,
  goToMatch,
  INITIAL_LOGS_VIEW,
  type LogsView,
  matchesIn,
  moveLogs,
  shownTop,
  toggleFollow,
} from '../../src/ui/logs-view.js';
import { lineText } from '../../src/ui/text.js';

const line = (text: string, at: string | null = null, source?: string): LogLineView => ({
  stream: 'stdout',
  text,
  at,
  ...(source ? { source } : {}),
});
const panel = (texts: string[], dropped = 0): LogsPanel => ({
  kind: 'logs',
  container: 'api',
  host: 'ws',
  lines: texts.map((t) => line(t)),
  state: 'following',
  error: null,
  dropped,
});
const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
const view = (more: Partial<LogsView> = {}): LogsView => ({ ...INITIAL_LOGS_VIEW, key: 'logs:ws/api', ...more });
/** The rows of a rendered panel that show lines: no frame, no foot, no empty rows. */
const body = (lines: ReturnType<typeof logsLines>) =>
  lines
    .slice(1, -1)
    .map((l) => lineText(l).slice(1, -1).trimEnd())
    .filter((r) => r !== '' && !r.includes('esc back'));

describe('follow and hold', () => {
  it('following shows the newest lines; holding keeps the same lines while new ones come and old ones are dropped', () => {
    const before = panel(numbered(0, 100));
    expect(shownTop(view(), before, 10)).toBe(90);
    const held = toggleFollow(view(), before, 10);
    expect(held.follow).toBe(false);
    // 50 new lines; the 50 oldest dropped: the view is still on line 90.
    const after = panel(numbered(50, 150), 50);
    expect(shownTop(held, after, 10)).toBe(90);
    expect(body(logsLines(after, 40, 14, { ...held, timestamps: false }, {})).slice(0, 2)).toEqual(['line 90', 'line 91']);
    // Following again shows the end.
    expect(shownTop(toggleFollow(held, after, 10), after, 10)).toBe(140);
  });

  it('scrolling up stops following; the end follows again; a line dropped under a held view moves it to the oldest kept', () => {
    const p = panel(numbered(0, 100));
    const up = moveLogs(view(), p, 10, -5);
    expect(up).toMatchObject({ follow: false, top: 85 });
    expect(moveLogs(up, p, 10, 'bottom').follow).toBe(true);
    expect(moveLogs(view(), p, 10, 1)).toEqual(view());
    expect(shownTop({ ...up, top: 3 }, panel(numbered(20, 120), 20), 10)).toBe(20);
  });

  it('the badge says held and how many newer lines wait', () => {
    const p = panel(numbered(0, 30));
    // 13 rows: the frame and the foot take 3, 10 show lines.
    const frame = logsLines(p, 60, 13, moveLogs(view(), p, 10, -10), {});
    expect(lineText(frame[0] ?? [])).toContain('held · 10 newer');
  });
});

describe('search', () => {
  it('smart case: lower case ignores case, a capital matches exactly', () => {
    expect(matchesIn('Error: error ERROR', 'error')).toEqual([
      [0, 5],
      [7, 12],
      [13, 18],
    ]);
    expect(matchesIn('Error: error ERROR', 'Error')).toEqual([[0, 5]]);
  });

  it('enter goes to the newest match; n and N go to newer and older ones, and say when there are none', () => {
    const p = panel(['boot', 'timeout a', 'ok', 'timeout b', 'ok', 'ok', 'timeout c', 'ok']);
    const typed = view({ typing: true, search: 'timeout' });
    const kept = acceptSearch(typed, p, 4);
    expect(kept.found).toBe(3);
    expect(kept.view).toMatchObject({ typing: false, follow: false, match: 6 });
    const older = goToMatch(kept.view, p, 4, -1);
    expect(older?.match).toBe(3);
    expect(goToMatch(older ?? kept.view, p, 4, -1)?.match).toBe(1);
    expect(goToMatch({ ...kept.view, match: 1 }, p, 4, -1)).toBeNull();
    expect(goToMatch(kept.view, p, 4, 1)).toBeNull();
  });

  it('matches are marked; the one gone to in reverse video; the foot says which of how many', () => {
    const p = panel(['timeout a', 'ok', 'timeout b']);
    const frame = logsLines(p, 60, 10, view({ search: 'timeout', match: 2, follow: false, top: 0, timestamps: false }), {
      next: 'n',
      previous: 'N',
    });
    const marked = frame.flat().filter((s) => s.text === 'timeout');
    expect(marked).toHaveLength(2);
    expect(marked.map((s) => !!s.inverse)).toEqual([false, true]);
    expect(frame.map((l) => lineText(l)).join('\n')).toContain('/timeout  2 of 2 · n/N next/previous');
  });
});

describe('timestamps, wrapping, times of other days', () => {
  const now = new Date(2026, 11, 7, 12, 0, 0).getTime();
  const today = new Date(2026, 11, 7, 9, 30, 5).toISOString();
  const older = new Date(2026, 11, 4, 23, 10, 0).toISOString();

  it('a line of today shows its time; an older one its date too, so that lines of several days read in order', () => {
    expect(logTime(today, now)).toBe('09:30:05 ');
    expect(logTime(older, now)).toBe('2026-12-04 23:10:00 ');
    const p: LogsPanel = { ...panel([]), lines: [line('ready', older), line('checkpoint', today)] };
    expect(body(logsLines(p, 60, 8, view(), {}, now)).slice(-2)).toEqual(['2026-12-04 23:10:00 ready', '09:30:05 checkpoint']);
    expect(body(logsLines(p, 60, 8, view({ timestamps: false }), {}, now)).slice(-2)).toEqual(['ready', 'checkpoint']);
  });

  it('wrap on: a long line takes as many rows as it needs; off: it is cut to one', () => {
    const long = 'x'.repeat(50);
    const p = panel(['short', long]);
    const cut = body(logsLines(p, 22, 10, view({ timestamps: false }), {}));
    expect(cut.filter((r) => r.startsWith('x'))).toHaveLength(1);
    const wrapped = body(logsLines(p, 22, 10, view({ timestamps: false, wrap: true }), {}));
    expect(wrapped.filter((r) => r.startsWith('x')).join('')).toBe(long);
  });

  it("the merged logs of a group say so and show each line's container", () => {
    const p: LogsPanel = {
      ...panel([]),
      container: 'core',
      group: { name: 'core', containers: 2 },
      lines: [line('up', null, 'api'), line('up', null, 'web')],
    };
    const frame = logsLines(p, 70, 8, view({ timestamps: false }), {});
    expect(lineText(frame[0] ?? [])).toContain('Logs · group core (2 containers, merged)');
    expect(body(frame).slice(-2)).toEqual(['api up', 'web up']);
  });
});
