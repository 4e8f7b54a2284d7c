// Lines of the panels that take the place of the panes: a container's logs, the history of
// runbook runs and actions and one run's steps (or one action), a runbook's dry run. Pure.
import { formatDuration } from '../../config/units.js';
import { runLabel } from '../../runbooks/audit.js';
import { formatTime } from '../../runbooks/lock.js';
import type { DryRunPanel, HistoryPanel, LogsPanel, RunDetailPanel, TimelinePanel } from '../console-state.js';
import type { TimelineEvent } from '../../model/timeline.js';
import { pad, wrapText, type Line, type Tone } from '../text.js';
import { boxLines } from './box.js';

export type PanelKeys = { close?: string | undefined; bottom?: string | undefined };

const LOG_STATE: Record<LogsPanel['state'], { text: string; tone: Tone }> = {
  loading: { text: 'loading', tone: 'accent' },
  following: { text: 'following', tone: 'ok' },
  ended: { text: 'ended', tone: 'muted' },
  failed: { text: 'FAILED', tone: 'crit' },
};

function logTime(at: string | null): string {
  if (!at) return '';
  const time = /T(\d\d:\d\d:\d\d)/.exec(at)?.[1];
  return time ? `${time} ` : '';
}

/** `scroll`: lines up from the end; 0 follows new lines. */
export function logsLines(panel: LogsPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const body: Line[] = [];
  if (panel.dropped) body.push([{ text: `(${panel.dropped} older lines dropped)`, tone: 'muted' }]);
  for (const line of panel.lines) {
    body.push([{ text: logTime(line.at), tone: 'muted' }, { text: line.text, tone: line.stream === 'stderr' ? 'warn' : 'plain' }]);
  }
  if (panel.state === 'loading' && !panel.lines.length) body.push([{ text: 'asking the engine for the last lines…', tone: 'muted' }]);
  if (panel.state === 'ended') body.push([{ text: '(the log ended: the container stopped or the stream closed)', tone: 'muted' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  const following = scroll === 0;
  const state = following ? LOG_STATE[panel.state] : { text: `paused ↑${scroll}`, tone: 'warn' as Tone };
  const footer: Line[] = [[{
    text: ` ↑↓ pgup pgdn scroll${keys.bottom ? ` · ${keys.bottom} follow` : ''} · ${keys.close ?? 'esc'} back`,
    tone: 'muted',
  }]];
  const room = Math.max(0, height - 2 - footer.length);
  const start = Math.max(0, body.length - room - scroll);
  return boxLines({ title: `Logs · ${panel.container} on ${panel.host}`, badge: state, lines: body, width, height, scroll: start, tone: 'accent', heavy: true, footer });
}

const RUN_TONE: Record<string, Tone> = { ok: 'ok', failed: 'crit', aborted: 'warn', interrupted: 'warn', partial: 'warn', unfinished: 'accent' };

/** `selected`: the run at the cursor (enter opens it); the list scrolls to keep it in sight. */
export function historyLines(panel: HistoryPanel, width: number, height: number, selected: number, keys: PanelKeys): Line[] {
  const body: Line[] = [];
  let selectedLine = 0;
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  else if (!panel.entries.length) body.push([{ text: 'no runs or actions in the audit log yet', tone: 'muted' }]);
  else {
    const statusOf = (run: HistoryPanel['entries'][number]) => `${run.status === 'failed' && run.failedStep ? `failed at ${run.failedStep}` : run.status}${run.resumed ? ' (resumed)' : ''}`;
    const idWidth = Math.max(17, ...panel.entries.map((e) => runLabel(e).length));
    const statusWidth = Math.min(40, Math.max(8, ...panel.entries.map((e) => statusOf(e).length)) + 2);
    body.push([{ text: `${pad('started', 20)}${pad('runbook or action', idWidth + 2)}${pad('status', statusWidth)}${pad('time', 9)}user`, tone: 'muted' }]);
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
  const footer: Line[] = [[{ text: ` ↑↓ choose · enter its steps · ${keys.close ?? 'esc'} back · homeops runbook history in a shell`, tone: 'muted' }]];
  const room = Math.max(1, height - 3);
  const scroll = Math.max(0, selectedLine + 2 - room);
  const actions = panel.entries.filter((e) => e.kind === 'action').length;
  const runs = panel.entries.length - actions;
  const count = `${runs} run${runs === 1 ? '' : 's'}${actions ? `, ${actions} action${actions === 1 ? '' : 's'}` : ''}`;
  return boxLines({ title: `Runbook history (${count}, newest first)`, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}

const STEP_MARK: Record<string, { text: string; tone: Tone }> = {
  ok: { text: '✔', tone: 'ok' }, failed: { text: '✖', tone: 'crit' }, skipped: { text: '–', tone: 'muted' }, aborted: { text: '■', tone: 'warn' },
};

/** One run as the audit log has it: who, when, the inputs, then every step with its command and output. An action: who, when, what, the result. */
export function runDetailLines(panel: RunDetailPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const { run } = panel;
  if (run.kind === 'action') return actionDetailLines(panel, width, height, scroll, keys);
  const body: Line[] = [];
  const status = run.status === 'failed' && run.failedStep ? `failed at ${run.failedStep}` : run.status;
  body.push([
    { text: `${status}${run.resumed ? ' (resumed)' : ''}`, tone: RUN_TONE[run.status] ?? 'plain', bold: true },
    { text: ` · started ${formatTime(Date.parse(run.startedAt))} by ${run.user}@${run.machine}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs)}`} · run ${run.runId}`, tone: 'muted' },
  ]);
  if (run.message && run.status !== 'ok') body.push([{ text: run.message, tone: RUN_TONE[run.status] ?? 'muted' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  for (const entry of panel.entries) {
    if (entry.event === 'run-start') {
      const inputs = Object.entries(entry.inputs).map(([k, v]) => `${k}=${String(v)}`).join(' ');
      if (inputs || entry.resumedAt) body.push([{ text: `${entry.resumedAt ? `resumed at ${entry.resumedAt} · ` : ''}${inputs ? `inputs: ${inputs}` : ''}`, tone: 'muted' }]);
    } else if (entry.event === 'step') {
      const mark = STEP_MARK[entry.state] ?? { text: '?', tone: 'plain' as Tone };
      const exit = entry.exitCode === null ? '' : ` · exit ${entry.exitCode}`;
      body.push([
        { text: `${mark.text} ${entry.phase === 'rollback' ? 'rollback ' : ''}${entry.step}`, tone: mark.tone, bold: true },
        { text: `  ${entry.host ?? 'this machine'} · ${entry.state} · ${formatDuration(entry.durationMs)}${exit}`, tone: 'muted' },
      ]);
      if (entry.command) body.push([{ text: `    ${entry.kind === 'run' ? '$ ' : ''}${entry.command.split('\n')[0] ?? ''}`, tone: 'accent' }]);
      if (entry.message) body.push([{ text: `    ${entry.message}`, tone: entry.state === 'failed' ? 'crit' : 'muted' }]);
      for (const text of entry.output.trimEnd().split('\n').filter((l) => l !== '')) body.push([{ text: `    │ ${text}` }]);
    }
  }
  if (!panel.entries.some((e) => e.event === 'step') && !panel.error) body.push([{ text: 'no steps in the audit log for this run', tone: 'muted' }]);
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back to the history`, tone: 'muted' }]];
  return boxLines({ title: `Run of ${runLabel(run)}`, badge: { text: status, tone: RUN_TONE[run.status] ?? 'plain' }, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}

function actionDetailLines(panel: RunDetailPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const { run } = panel;
  const body: Line[] = [[
    { text: run.status, tone: RUN_TONE[run.status] ?? 'plain', bold: true },
    { text: ` · ${formatTime(Date.parse(run.startedAt))} by ${run.user}@${run.machine}${run.durationMs === null ? '' : ` · ${formatDuration(run.durationMs)}`} · action ${run.runId}`, tone: 'muted' },
  ]];
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  for (const entry of panel.entries) {
    if (entry.event === 'action-start') body.push([{ text: `${entry.action}: ${entry.what}`, bold: true }], [{ text: `target: ${entry.target}`, tone: 'muted' }]);
    else if (entry.event === 'action-end') body.push([{ text: entry.message, tone: RUN_TONE[entry.result] ?? 'plain' }]);
  }
  if (run.status === 'unfinished') body.push([{ text: 'no result in the audit log: the console stopped while it ran', tone: 'warn' }]);
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back to the history`, tone: 'muted' }]];
  return boxLines({ title: runLabel(run), badge: { text: run.status, tone: RUN_TONE[run.status] ?? 'plain' }, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}

export function dryRunLines(panel: DryRunPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const body: Line[] = panel.lines.map((text) => {
    const tone: Tone = /^\s*\$ /.test(text) ? 'accent' : /^note:/.test(text) ? 'warn' : /^\s{0,4}(R?\d+\.|steps:|rollback)/.test(text) ? 'plain' : 'muted';
    return [{ text, tone, bold: /^\s{0,4}R?\d+\. /.test(text) }];
  });
  const footer: Line[] = [[{ text: ` ↑↓ scroll · ${keys.close ?? 'esc'} back · nothing was run`, tone: 'muted' }]];
  return boxLines({ title: `Dry run · ${panel.runbook} · ${panel.title}`, badge: { text: 'nothing run', tone: 'ok' }, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}

const EVENT_TONE: Record<string, Tone> = {
  ok: 'ok', back: 'ok', resolved: 'ok', started: 'accent', warn: 'warn', stale: 'warn', held: 'warn', reminder: 'warn', silenced: 'muted', acked: 'muted',
  crit: 'crit', down: 'crit', lost: 'crit', firing: 'crit', failed: 'crit', off: 'muted', stopped: 'muted',
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
  return wrapText(e.text, Math.max(12, width - 4 - indent)).map((text, index) => index === 0
    ? [
      { text: pad(eventTime(e.at, today), timeWidth + 2), tone: 'muted' },
      { text: pad(`${e.state}${e.severity ? ` ${e.severity}` : ''}`, STATE_WIDTH), tone, bold: tone === 'crit' },
      { text },
    ]
    : [{ text: ' '.repeat(indent) }, { text }]);
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
  return boxLines({ title: `Timeline (${panel.events.length} event${panel.events.length === 1 ? '' : 's'}, newest first)`, lines: body, width, height, scroll, tone: 'accent', heavy: true, footer });
}
