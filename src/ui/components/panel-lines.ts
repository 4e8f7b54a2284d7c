// Lines of the panels that take the place of the panes: a container's logs, the history of
// runbook runs and actions and one run's steps (or one action), a runbook's dry run. Pure.
import { formatDuration, formatTime } from '../../config/units.js';
import { runLabel } from '../../model/audit.js';
import type { TimelineEvent } from '../../model/timeline.js';
import type { DryRunPanel, HistoryPanel, LogLineView, LogsPanel, RunDetailPanel, TimelinePanel } from '../console-state.js';
import { endOf, type LogsView, lineAt, matchesIn, matchingLines, searchedText, shownTop } from '../logs-view.js';
import { type Line, pad, type Tone, textWidth, wrapText } from '../text.js';
import { boxLines } from './box.js';

export type PanelKeys = { close?: string | undefined; bottom?: string | undefined };

const LOG_STATE: Record<LogsPanel['state'], { text: string; tone: Tone }> = {
  loading: { text: 'loading', tone: 'accent' },
  following: { text: 'following', tone: 'ok' },
  ended: { text: 'ended', tone: 'muted' },
  failed: { text: 'FAILED', tone: 'crit' },
};

/**
 * A line's time as the console shows times (local): the time of day for today's lines, with the
 * date before it for older ones, so that lines of several days read in order.
 */
export function logTime(at: string | null, now: number): string {
  if (!at) return '';
  const time = Date.parse(at);
  if (Number.isNaN(time)) return '';
  const date = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  if (new Date(now).toDateString() === date.toDateString()) return `${clock} `;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${clock} `;
}

/** The keys a logs panel names in its foot, as the keymap binds them. */
export type LogsKeys = PanelKeys & {
  follow?: string | undefined;
  timestamps?: string | undefined;
  wrap?: string | undefined;
  search?: string | undefined;
  next?: string | undefined;
  previous?: string | undefined;
  save?: string | undefined;
  since?: string | undefined;
};

/** A log line's segments: time, source, text, with the search's matches marked (the one gone to in reverse video). */
function logLine(line: LogLineView, view: LogsView, current: boolean, now: number): Line {
  const out: Line = [];
  if (view.timestamps) {
    const time = logTime(line.at, now);
    if (time) out.push({ text: time, tone: 'muted' });
  }
  const tone: Tone = line.stream === 'stderr' ? 'warn' : 'plain';
  const prefix = line.source ? `${line.source} ` : '';
  const text = searchedText(line);
  const matches = matchesIn(text, view.search);
  let at = 0;
  for (const [from, to] of matches) {
    if (from > at) out.push(segmentOf(text.slice(at, from), at, prefix.length, tone));
    out.push({ text: text.slice(from, to), tone: 'accent', bold: true, inverse: current });
    at = to;
  }
  if (at < text.length) out.push(segmentOf(text.slice(at), at, prefix.length, tone));
  return out;
}

/** Part of a line's text: the source prefix muted, the rest in the stream's tone. */
function segmentOf(text: string, at: number, prefix: number, tone: Tone): Line[number] {
  return at < prefix ? { text, tone: 'group0' } : { text, tone };
}

/** A line's segments cut into rows `width` cells wide (the text wrapped, not cut). */
function wrapSegments(line: Line, width: number): Line[] {
  const rows: Line[] = [[]];
  let used = 0;
  for (const segment of line) {
    let rest = segment.text;
    while (rest) {
      const room = width - used;
      if (room <= 0) {
        rows.push([]);
        used = 0;
        continue;
      }
      const piece = truncateCells(rest, room);
      rows[rows.length - 1]?.push({ ...segment, text: piece });
      used += textWidth(piece);
      rest = rest.slice(piece.length);
      if (rest) {
        rows.push([]);
        used = 0;
      }
    }
  }
  return rows;
}

/** The longest start of `text` that fits `width` cells (at least one character, so that wrapping moves on). */
function truncateCells(text: string, width: number): string {
  let cells = 0;
  let end = 0;
  for (const ch of text) {
    const w = textWidth(ch);
    if (cells + w > width && end > 0) break;
    cells += w;
    end += ch.length;
    if (cells >= width) break;
  }
  return text.slice(0, end);
}

/** Rows the body of a logs panel has for lines (the frame and the foot take the rest). */
export function logsRoom(height: number, view: LogsView): number {
  return Math.max(1, height - 2 - (view.typing || view.search ? 2 : 1));
}

export function logsLines(panel: LogsPanel, width: number, height: number, view: LogsView, keys: LogsKeys, now = Date.now()): Line[] {
  const room = logsRoom(height, view);
  const inner = Math.max(1, width - 2);
  const top = shownTop(view, panel, room);
  const end = endOf(panel);
  const rowsOf = (at: number): Line[] => {
    const line = lineAt(panel, at);
    if (!line) return [];
    const segments = logLine(line, view, view.match === at, now);
    return view.wrap ? wrapSegments(segments, inner) : [segments];
  };
  const body: Line[] = [];
  let shownEnd = top;
  if (view.follow) {
    // From the end back until the room is full.
    const rows: Line[][] = [];
    let count = 0;
    for (let at = end - 1; at >= panel.dropped && count < room; at--) {
      const lineRows = rowsOf(at);
      rows.unshift(lineRows);
      count += lineRows.length;
    }
    for (const lineRows of rows) body.push(...lineRows);
    shownEnd = end;
  } else {
    for (let at = top; at < end && body.length < room; at++) {
      body.push(...rowsOf(at));
      shownEnd = at + 1;
    }
  }
  if (panel.state === 'loading' && !panel.lines.length) body.push([{ text: 'asking the engine for the lines…', tone: 'muted' }]);
  if (panel.state === 'ended' && shownEnd >= end)
    body.push([{ text: '(the log ended: the container stopped or the stream closed)', tone: 'muted' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);

  const newer = end - shownEnd;
  const state = view.follow ? LOG_STATE[panel.state] : { text: newer > 0 ? `held · ${newer} newer` : 'held', tone: 'warn' as Tone };
  const key = (k: string | undefined, what: string) => (k ? `${k} ${what}` : '');
  const hints = [
    key(keys.follow, view.follow ? 'hold' : 'follow'),
    key(keys.search, 'search'),
    key(keys.timestamps, view.timestamps ? 'no times' : 'times'),
    key(keys.wrap, view.wrap ? 'cut' : 'wrap'),
    key(keys.since, 'since'),
    key(keys.save, 'save'),
    `${keys.close ?? 'esc'} back`,
  ]
    .filter(Boolean)
    .join(' · ');
  const footer: Line[] = [[{ text: ` ${hints}`, tone: 'muted' }]];
  if (view.typing) {
    footer.push([
      { text: ` /${view.search}`, tone: 'accent', bold: true },
      { text: '▏', tone: 'accent' },
      { text: '  enter keeps it, esc clears it', tone: 'muted' },
    ]);
  } else if (view.search) {
    const matches = matchingLines(panel, view.search);
    const index = view.match === null ? -1 : matches.indexOf(view.match);
    const where =
      matches.length === 0
        ? 'no match'
        : index >= 0
          ? `${index + 1} of ${matches.length}`
          : `${matches.length} match${matches.length === 1 ? '' : 'es'}`;
    const moves = [keys.next, keys.previous].filter(Boolean).join('/');
    footer.push([
      { text: ` /${view.search}`, tone: 'accent', bold: true },
      { text: `  ${where}${moves && matches.length ? ` · ${moves} next/previous` : ''}`, tone: matches.length ? 'muted' : 'warn' },
    ]);
  }
  const source = panel.group ? `group ${panel.group.name} (${panel.group.containers} containers, merged)` : panel.container;
  const since = panel.since ? ` · since ${panel.since}` : '';
  const dropped = panel.dropped ? ` · ${panel.dropped} older dropped` : '';
  return boxLines({
    title: `Logs · ${source} on ${panel.host}${since}${dropped}`,
    badge: state,
    lines: body,
    width,
    height,
    scroll: view.follow ? 'end' : 0,
    tone: 'accent',
    heavy: true,
    footer,
  });
}

const RUN_TONE: Record<string, Tone> = {
  ok: 'ok',
  failed: 'crit',
  aborted: 'warn',
  interrupted: 'warn',
  partial: 'warn',
  unfinished: 'accent',
};

/** `selected`: the run at the cursor (enter opens it); the list scrolls to keep it in sight. */
export function historyLines(panel: HistoryPanel, width: number, height: number, selected: number, keys: PanelKeys): Line[] {
  const body: Line[] = [];
  let selectedLine = 0;
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  else if (!panel.entries.length) body.push([{ text: 'no runs or actions in the audit log yet', tone: 'muted' }]);
  else {
    const statusOf = (run: HistoryPanel['entries'][number]) =>
      `${run.status === 'failed' && run.failedStep ? `failed at ${run.failedStep}` : run.status}${run.resumed ? ' (resumed)' : ''}`;
    const idWidth = Math.max(17, ...panel.entries.map((e) => runLabel(e).length));
    const statusWidth = Math.min(40, Math.max(8, ...panel.entries.map((e) => statusOf(e).length)) + 2);
    body.push([
      {
        text: `${pad('started', 20)}${pad('runbook or action', idWidth + 2)}${pad('status', statusWidth)}${pad('time', 9)}user`,
        tone: 'muted',
      },
    ]);
    const pick = Math.min(selected, panel.entries.length - 1);
    panel.entries.forEach((run, index) => {
      const status = statusOf(run);
      const line: Line = [
        { text: pad(formatTime(Date.parse(run.startedAt)), 20) },
        { text: pad(runLabel(run), idWidth + 2), bold: true },
        { text: pad(status, statusWidth), tone: RUN_TONE[run.status] ?? 'plain' },
        { text: pad(run.durationMs === null ? '-' : formatDuration(run.durationMs), 9) },
        { text: `${run.user}@${run.machine}`, tone: 'muted' },
      ];
      if (index === pick) selectedLine = body.length;
      // The selected run in reverse video: visible without colour too.
      body.push(index === pick ? line.map((s) => ({ ...s, inverse: true })) : line);
      if (run.message && run.status !== 'ok') body.push([{ text: `    ${run.message}`, tone: RUN_TONE[run.status] ?? 'muted' }]);
    });
  }
  const footer: Line[] = [
    [{ text: ` ↑↓ choose · enter its steps · ${keys.close ?? 'esc'} back · homeops runbook history in a shell`, tone: 'muted' }],
  ];
  const room = Math.max(1, height - 3);
  const scroll = Math.max(0, selectedLine + 2 - room);
  const actions = panel.entries.filter((e) => e.kind === 'action').length;
  const runs = panel.entries.length - actions;
  const count = `${runs} run${runs === 1 ? '' : 's'}${actions ? `, ${actions} action${actions === 1 ? '' : 's'}` : ''}`;
  return boxLines({
    title: `Runbook history (${count}, newest first)`,
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}

const STEP_MARK: Record<string, { text: string; tone: Tone }> = {
  ok: { text: '✔', tone: 'ok' },
  failed: { text: '✖', tone: 'crit' },
  skipped: { text: '–', tone: 'muted' },
  aborted: { text: '■', tone: 'warn' },
};

/** One run as the audit log has it: who, when, the inputs, then every step with its command and output. An action: who, when, what, the result. */
export function runDetailLines(panel: RunDetailPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const { run } = panel;
  if (run.kind === 'action') return actionDetailLines(panel, width, height, scroll, keys);
  const body: Line[] = [];
  const status = run.status === 'failed' && run.failedStep ? `failed at ${run.failedStep}` : run.status;
  body.push([
    { text: `${status}${run.resumed ? ' (resumed)' : ''}`, tone: RUN_TONE[run.status] ?? 'plain', bold: true },
    {
      text: ` · started ${formatTime(Date.parse(run.startedAt))} by ${run.user}@${run.machine}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs)}`} · run ${run.runId}`,
      tone: 'muted',
    },
  ]);
  if (run.message && run.status !== 'ok') body.push([{ text: run.message, tone: RUN_TONE[run.status] ?? 'muted' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  for (const entry of panel.entries) {
    if (entry.event === 'run-start') {
      const inputs = Object.entries(entry.inputs)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      if (inputs || entry.resumedAt)
        body.push([
          { text: `${entry.resumedAt ? `resumed at ${entry.resumedAt} · ` : ''}${inputs ? `inputs: ${inputs}` : ''}`, tone: 'muted' },
        ]);
    } else if (entry.event === 'step') {
      const mark = STEP_MARK[entry.state] ?? { text: '?', tone: 'plain' as Tone };
      const exit = entry.exitCode === null ? '' : ` · exit ${entry.exitCode}`;
      body.push([
        { text: `${mark.text} ${entry.phase === 'rollback' ? 'rollback ' : ''}${entry.step}`, tone: mark.tone, bold: true },
        { text: `  ${entry.host ?? 'this machine'} · ${entry.state} · ${formatDuration(entry.durationMs)}${exit}`, tone: 'muted' },
      ]);
      if (entry.command)
        body.push([{ text: `    ${entry.kind === 'run' ? '$ ' : ''}${entry.command.split('\n')[0] ?? ''}`, tone: 'accent' }]);
      if (entry.message) body.push([{ text: `    ${entry.message}`, tone: entry.state === 'failed' ? 'crit' : 'muted' }]);
      for (const text of entry.output
        .trimEnd()
        .split('\n')
        .filter((l) => l !== ''))
        body.push([{ text: `    │ ${text}` }]);
    }
  }
  if (!panel.entries.some((e) => e.event === 'step') && !panel.error)
    body.push([{ text: 'no steps in the audit log for this run', tone: 'muted' }]);
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back to the history`, tone: 'muted' }]];
  return boxLines({
    title: `Run of ${runLabel(run)}`,
    badge: { text: status, tone: RUN_TONE[run.status] ?? 'plain' },
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}

function actionDetailLines(panel: RunDetailPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const { run } = panel;
  const body: Line[] = [
    [
      { text: run.status, tone: RUN_TONE[run.status] ?? 'plain', bold: true },
      {
        text: ` · ${formatTime(Date.parse(run.startedAt))} by ${run.user}@${run.machine}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs)}`} · action ${run.runId}`,
        tone: 'muted',
      },
    ],
  ];
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  for (const entry of panel.entries) {
    if (entry.event === 'action-start')
      body.push([{ text: `${entry.action}: ${entry.what}`, bold: true }], [{ text: `target: ${entry.target}`, tone: 'muted' }]);
    else if (entry.event === 'action-end') body.push([{ text: entry.message, tone: RUN_TONE[entry.result] ?? 'plain' }]);
  }
  if (run.status === 'unfinished') body.push([{ text: 'no result in the audit log: the console stopped while it ran', tone: 'warn' }]);
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back to the history`, tone: 'muted' }]];
  return boxLines({
    title: runLabel(run),
    badge: { text: run.status, tone: RUN_TONE[run.status] ?? 'plain' },
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}

export function dryRunLines(panel: DryRunPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const body: Line[] = panel.lines.map((text) => {
    const tone: Tone = /^\s*\$ /.test(text)
      ? 'accent'
      : /^note:/.test(text)
        ? 'warn'
        : /^\s{0,4}(R?\d+\.|steps:|rollback)/.test(text)
          ? 'plain'
          : 'muted';
    return [{ text, tone, bold: /^\s{0,4}R?\d+\. /.test(text) }];
  });
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back · nothing was run`, tone: 'muted' }]];
  return boxLines({
    title: `Dry run · ${panel.runbook} · ${panel.title}`,
    badge: { text: 'nothing run', tone: 'ok' },
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}

const EVENT_TONE: Record<string, Tone> = {
  ok: 'ok',
  back: 'ok',
  resolved: 'ok',
  started: 'accent',
  warn: 'warn',
  stale: 'warn',
  held: 'warn',
  reminder: 'warn',
  silenced: 'muted',
  acked: 'muted',
  crit: 'crit',
  down: 'crit',
  lost: 'crit',
  firing: 'crit',
  failed: 'crit',
  off: 'muted',
  stopped: 'muted',
};

function eventTime(at: number, today: string): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return d.toDateString() === today ? time : `${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`;
}

const STATE_WIDTH = 17;

/** One event, its words wrapped under themselves rather than cut. */
function eventLines(e: TimelineEvent, today: string, timeWidth: number, width: number): Line[] {
  const tone = EVENT_TONE[e.state] ?? 'plain';
  const indent = timeWidth + 2 + STATE_WIDTH;
  return wrapText(e.text, Math.max(12, width - 4 - indent)).map((text, index) =>
    index === 0
      ? [
          { text: pad(eventTime(e.at, today), timeWidth + 2), tone: 'muted' },
          { text: pad(`${e.state}${e.severity ? ` ${e.severity}` : ''}`, STATE_WIDTH), tone, bold: tone === 'crit' },
          { text },
        ]
      : [{ text: ' '.repeat(indent) }, { text }],
  );
}

/** Newest first; `scroll` lines down from the top. */
export function timelineLines(panel: TimelinePanel, width: number, height: number, scroll: number, keys: PanelKeys, now: number): Line[] {
  const body: Line[] = [];
  if (panel.note) body.push([{ text: panel.note, tone: 'warn' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  if (panel.loading && !panel.events.length) body.push([{ text: 'reading the timeline…', tone: 'muted' }]);
  else if (!panel.events.length && !panel.error) body.push([{ text: 'nothing recorded in the last 7 days', tone: 'muted' }]);
  const today = new Date(now).toDateString();
  const timeWidth = panel.events.some((e) => new Date(e.at).toDateString() !== today) ? 14 : 8;
  for (const e of panel.events) body.push(...eventLines(e, today, timeWidth, width));
  const footer: Line[] = [[{ text: ` ↑↓ pgup pgdn scroll · ${keys.close ?? 'esc'} back · homeops events in a shell`, tone: 'muted' }]];
  return boxLines({
    title: `Timeline (${panel.events.length} event${panel.events.length === 1 ? '' : 's'}, newest first)`,
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}
