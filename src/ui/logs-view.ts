// How the logs panel is looked at, as in k9s and lazydocker: following the end or held at a
// line, timestamps and wrapping on or off, a search with its matches and the one gone to last.
// Pure: the lines are the controller's (src/cli/controller.ts); this is the reader's state.
//
// Lines are counted from the start of the stream, the dropped ones included (`dropped` + index
// in `lines`), so that a held view stays on its line while new lines come and old ones go.
import type { LogLineView, LogsPanel } from './console-state.js';

export type LogsView = {
  /** Which logs panel this is for: another container's logs start over. */
  key: string | null;
  /** Following the end: new lines come into view. Off: the view holds at `top`. */
  follow: boolean;
  /** The first line shown while not following (counted from the stream's start). */
  top: number;
  timestamps: boolean;
  wrap: boolean;
  /** The search (empty: none); `typing` while it is being typed at the foot of the panel. */
  search: string;
  typing: boolean;
  /** The match gone to last with n or N, or when the search was kept. */
  match: number | null;
};

export const INITIAL_LOGS_VIEW: LogsView = {
  key: null,
  follow: true,
  top: 0,
  timestamps: true,
  wrap: false,
  search: '',
  typing: false,
  match: null,
};

/** The panel's line count, counted as lines are: the dropped ones first. */
export function endOf(panel: LogsPanel): number {
  return panel.dropped + panel.lines.length;
}

/** The line at a stream position, if it is still kept. */
export function lineAt(panel: LogsPanel, at: number): LogLineView | undefined {
  return panel.lines[at - panel.dropped];
}

/**
 * Where a search matches in a text: [start, end) pairs. Smart case, as in less and vim: a
 * search with a capital letter matches case exactly, one without ignores case.
 */
export function matchesIn(text: string, search: string): [number, number][] {
  if (!search) return [];
  const exact = search !== search.toLowerCase();
  const haystack = exact ? text : text.toLowerCase();
  const needle = exact ? search : search.toLowerCase();
  const out: [number, number][] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) out.push([at, at + needle.length]);
  return out;
}

/** The text a line is searched in and shown with: its source (merged logs) and its text. */
export function searchedText(line: LogLineView): string {
  return line.source ? `${line.source} ${line.text}` : line.text;
}

/** Positions of the lines that match, oldest first. */
export function matchingLines(panel: LogsPanel, search: string): number[] {
  if (!search) return [];
  const out: number[] = [];
  panel.lines.forEach((line, index) => {
    if (matchesIn(searchedText(line), search).length) out.push(panel.dropped + index);
  });
  return out;
}

/** The view for this panel: its own, or a fresh one when another panel's was kept. */
export function logsViewOf(view: LogsView, key: string | null): LogsView {
  return view.key === key ? view : { ...INITIAL_LOGS_VIEW, key };
}

/** The first line on screen while following: `room` lines from the end. */
function followedTop(panel: LogsPanel, room: number): number {
  return Math.max(panel.dropped, endOf(panel) - room);
}

/** The first line shown: the end's while following, else `top`, kept within the lines there are. */
export function shownTop(view: LogsView, panel: LogsPanel, room: number): number {
  if (view.follow) return followedTop(panel, room);
  return Math.max(panel.dropped, Math.min(view.top, Math.max(panel.dropped, endOf(panel) - 1)));
}

/**
 * Moves the view by `delta` lines (negative: up, to older lines); 'top' and 'bottom' go to the
 * first kept line and the end. Moving stops following; the end (bottom) follows again.
 */
export function moveLogs(view: LogsView, panel: LogsPanel, room: number, move: number | 'top' | 'bottom'): LogsView {
  if (move === 'bottom') return { ...view, follow: true };
  if (move === 'top') return { ...view, follow: false, top: panel.dropped };
  const from = shownTop(view, panel, room);
  const last = Math.max(panel.dropped, endOf(panel) - room);
  const top = Math.max(panel.dropped, Math.min(last, from + move));
  // Down while following is where the view is already.
  if (view.follow && move >= 0) return view;
  return { ...view, follow: false, top };
}

/** Follow on or off; off holds the view where it is now. */
export function toggleFollow(view: LogsView, panel: LogsPanel, room: number): LogsView {
  return view.follow ? { ...view, follow: false, top: followedTop(panel, room) } : { ...view, follow: true };
}

/**
 * The next match below the view's current one (`direction` 1: newer) or above it (-1: older),
 * shown a third of the way down the panel. Null when there is none that way.
 */
export function goToMatch(view: LogsView, panel: LogsPanel, room: number, direction: 1 | -1): LogsView | null {
  const matches = matchingLines(panel, view.search);
  if (!matches.length) return null;
  // From the match gone to last, else from the view: the first line on screen going down,
  // just past the last line on screen going up.
  const top = shownTop(view, panel, room);
  const from = view.match ?? (direction === 1 ? top - 1 : top + room);
  const found = direction === 1 ? matches.find((m) => m > from) : [...matches].reverse().find((m) => m < from);
  if (found === undefined) return null;
  return { ...view, follow: false, match: found, top: Math.max(panel.dropped, found - Math.floor(room / 3)) };
}

/** Keeps the typed search and goes to its newest match (the end of a log is where one looks first). */
export function acceptSearch(view: LogsView, panel: LogsPanel, room: number): { view: LogsView; found: number } {
  const base = { ...view, typing: false, match: null };
  if (!view.search) return { view: base, found: 0 };
  const matches = matchingLines(panel, view.search);
  const newest = matches.at(-1);
  if (newest === undefined) return { view: base, found: 0 };
  return {
    view: { ...base, follow: false, match: newest, top: Math.max(panel.dropped, newest - Math.floor(room / 3)) },
    found: matches.length,
  };
}
