// The runbook panel's lines: every step with its state, host and time, the live output of the
// step that runs (or the last one that ran), and the result. Pure; `now` drives the clocks.
import { formatDuration } from '../../config/units.js';
import type { StepState } from '../../model/runs.js';
import { outputLines, type RunStepRow, type RunView } from '../run-view.js';
import { type Line, pad, type Tone, textWidth, truncate, wrapText } from '../text.js';
import { boxLines } from './box.js';

export const STEP_SYMBOL: Record<StepState, string> = {
  pending: '○',
  running: '▶',
  ok: '✔',
  failed: '✖',
  skipped: '–',
  aborted: '■',
  interrupted: '↯',
};
export const STEP_TONE: Record<StepState, Tone> = {
  pending: 'muted',
  running: 'accent',
  ok: 'ok',
  failed: 'crit',
  skipped: 'muted',
  aborted: 'warn',
  interrupted: 'warn',
};

const STATUS: Record<RunView['status'], { word: string; tone: Tone }> = {
  starting: { word: 'starting', tone: 'accent' },
  running: { word: 'running', tone: 'accent' },
  ok: { word: 'ok', tone: 'ok' },
  failed: { word: 'FAILED', tone: 'crit' },
  aborted: { word: 'ABORTED', tone: 'warn' },
  interrupted: { word: 'INTERRUPTED', tone: 'warn' },
  error: { word: 'NOT STARTED', tone: 'crit' },
};

export type RunKeys = { close?: string | undefined; scroll?: string | undefined };

function where(step: RunStepRow): string {
  return step.host ?? (step.kind === 'confirm' || step.kind === 'note' ? 'operator' : 'this machine');
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** A clock that runs: whole seconds, as it ticks once a second. */
export function runningClock(ms: number): string {
  return formatDuration(Math.floor(Math.max(0, ms) / 1000) * 1000).replace(/^0ms$/, '0s');
}

function stepTime(step: RunStepRow, now: number): string {
  if (step.state === 'running' && step.startedAt !== null) return runningClock(now - step.startedAt);
  return step.durationMs !== null && step.state !== 'skipped' ? formatDuration(step.durationMs) : '';
}

/** A step's line; why it failed, was aborted or skipped is wrapped under it when it does not fit, never cut. */
function stepLines(step: RunStepRow, label: string, widths: { id: number; host: number }, width: number, now: number): Line[] {
  const state = step.state === 'running' ? 'running' : step.state;
  const why =
    step.state === 'skipped'
      ? (step.message ?? (step.skip ? `skipped: ${step.skip}` : ''))
      : step.state === 'failed' || step.state === 'aborted' || step.state === 'interrupted'
        ? (step.message ?? '')
        : '';
  const head: Line = [
    { text: ` ${STEP_SYMBOL[step.state]} `, tone: STEP_TONE[step.state], bold: step.state !== 'pending' },
    { text: `${label} `, tone: 'muted' },
    { text: pad(step.id, widths.id), bold: step.state === 'running', tone: step.state === 'pending' ? 'muted' : 'plain' },
    { text: ` ${pad(where(step), widths.host)}`, tone: 'muted' },
    { text: ` ${pad(state, 11)}`, tone: STEP_TONE[step.state] },
    { text: ` ${pad(stepTime(step, now), 7, 'right')}` },
  ];
  const used = textWidth(head.map((s) => s.text).join(''));
  const room = Math.max(0, width - used - 2);
  if (why) {
    if (textWidth(why) <= room) return [[...head, { text: `  ${why}`, tone: STEP_TONE[step.state] }]];
    const indent = 6;
    return [
      head,
      ...wrapText(why, Math.max(8, width - indent)).map(
        (text): Line => [{ text: ' '.repeat(indent) }, { text, tone: STEP_TONE[step.state] }],
      ),
    ];
  }
  return [step.title !== step.id && room > 8 ? [...head, { text: `  ${truncate(step.title, room)}`, tone: 'muted' }] : head];
}

/** The steps to show when not all fit: a window around the one running (or the last that ran). */
function stepWindow(count: number, focus: number, room: number): { start: number; end: number } {
  if (count <= room) return { start: 0, end: count };
  const start = Math.max(0, Math.min(count - room, focus - Math.floor(room / 2)));
  return { start, end: start + room };
}

export function runPanelLines(run: RunView, width: number, height: number, now: number, outputScroll: number, keys: RunKeys): Line[] {
  const inner = Math.max(0, width - 2);
  const active = run.status === 'starting' || run.status === 'running';
  const total = (run.endedAt ?? now) - run.startedAt;
  const status = STATUS[run.status];
  const badge = {
    text: `${run.aborting ? 'aborting' : status.word} ${active ? runningClock(total) : formatDuration(Math.max(0, total))}`,
    tone: run.aborting ? ('warn' as const) : status.tone,
  };

  const header: Line[] = [
    [
      { text: ` ${run.runbook.title}`, bold: true },
      { text: `${run.runbook.dangerous ? ' · dangerous' : ''}`, tone: 'warn' },
      { text: ` · started ${clock(run.startedAt)}${run.runId ? ` · run ${run.runId}` : ''}`, tone: 'muted' },
    ],
  ];
  if (run.resumedFrom) header.push([{ text: ` resumed at step ${run.resumedFrom}`, tone: 'accent' }]);
  for (const note of run.notes) header.push([{ text: ` note: ${note}`, tone: 'warn' }]);

  const footer: Line[] = [];
  if (active) {
    footer.push(
      run.aborting
        ? [{ text: ' aborting: stopping the running step…', tone: 'warn', bold: true }]
        : [
            {
              text: ` ${keys.close ?? 'esc'} or ctrl+c aborts the running step${keys.scroll ? ` · ${keys.scroll} scroll the output` : ''}`,
              tone: 'muted',
            },
          ],
    );
  } else {
    const time = formatDuration(Math.max(0, total));
    const result: Line =
      run.status === 'ok'
        ? [{ text: ` ✔ ok in ${time}`, tone: 'ok', bold: true }]
        : run.status === 'error'
          ? [
              { text: ' ✖ not started: ', tone: 'crit', bold: true },
              { text: run.message ?? '', tone: 'crit' },
            ]
          : [
              {
                text: ` ${run.status === 'failed' ? '✖' : '■'} ${status.word}${run.failedStep ? ` at ${run.failedStep}` : ''} after ${time}`,
                tone: status.tone,
                bold: true,
              },
              { text: run.message ? ` — ${run.message}` : '', tone: status.tone },
            ];
    // The result and its reason whole: wrapped under the first line where it does not fit.
    const [first, ...rest] = result;
    if (first && rest.length && textWidth(result.map((x) => x.text).join('')) > inner) {
      footer.push([first]);
      const reason = rest
        .map((x) => x.text)
        .join('')
        .replace(/^ — /, '');
      for (const text of wrapText(reason, Math.max(8, inner - 3)))
        footer.push([{ text: `   ${text}`, tone: rest[0]?.tone ?? status.tone }]);
    } else {
      footer.push(result);
    }
    if (run.status === 'interrupted' || run.status === 'aborted')
      footer.push([{ text: ` resume it with: homeops runbook run ${run.runbook.id} --resume`, tone: 'muted' }]);
    footer.push([{ text: ` ${keys.close ?? 'esc'} or q closes this panel`, tone: 'muted' }]);
  }

  const all = [...run.steps, ...(run.rollingBack || run.rollback.some((s) => s.state !== 'pending') ? run.rollback : [])];
  const widths = {
    id: Math.min(28, Math.max(4, ...all.map((s) => textWidth(s.id)))),
    host: Math.min(14, Math.max(8, ...all.map((s) => textWidth(where(s))))),
  };
  const body = height - 2 - footer.length;
  const output = outputLines(run.output);
  const outputRoom = output.length ? Math.min(output.length + 1, Math.max(0, Math.floor(body / 2))) : 0;
  const stepRoom = Math.max(1, body - header.length - outputRoom);
  const currentIndex = all.findIndex((s) => s.state === 'running');
  const lastDone = all.reduce((last, s, i) => (s.state !== 'pending' ? i : last), 0);
  // When not every step fits, one line says how many are out of sight.
  const { start, end } = stepWindow(
    all.length,
    currentIndex >= 0 ? currentIndex : lastDone,
    all.length > stepRoom ? Math.max(1, stepRoom - 1) : stepRoom,
  );

  const lines: Line[] = [...header];
  for (let i = start; i < end; i++) {
    const step = all[i];
    if (!step) continue;
    if (step.phase === 'rollback' && (i === start || all[i - 1]?.phase === 'main'))
      lines.push([{ text: ' rollback:', tone: 'warn', bold: true }]);
    const label = step.phase === 'rollback' ? `R${step.index + 1}` : `${step.index + 1}/${run.steps.length}`;
    lines.push(...stepLines(step, label, widths, inner, now));
  }
  if (all.length > end - start) lines.push([{ text: ` (${start} above, ${all.length - end} below)`, tone: 'muted' }]);

  const outputBudget = Math.max(0, body - lines.length);
  if (run.output && output.length && outputBudget >= 2) {
    const title = ` output · ${run.output.stepId} `;
    lines.push([{ text: `─${title}${'─'.repeat(Math.max(0, inner - textWidth(title) - 1))}`, tone: 'muted' }]);
    const shown = outputBudget - 1;
    const maxScroll = Math.max(0, output.length - shown);
    const scroll = Math.min(outputScroll, maxScroll);
    const from = Math.max(0, output.length - shown - scroll);
    for (const line of output.slice(from, from + shown)) {
      lines.push([
        { text: line.stream === 'info' ? ' → ' : ' │ ', tone: line.stream === 'stderr' ? 'warn' : 'muted' },
        { text: line.text, tone: line.stream === 'stderr' ? 'warn' : line.stream === 'info' ? 'accent' : 'plain' },
      ]);
    }
  }
  return boxLines({
    title: `Runbook ${run.runbook.id}`,
    badge,
    lines,
    width,
    height,
    scroll: 0,
    tone: active ? 'accent' : status.tone === 'ok' ? 'accent' : status.tone,
    heavy: true,
    footer,
  });
}
