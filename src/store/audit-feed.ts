// Runbook runs and operators' actions reach the timeline from the audit log (the runner and the
// console write it; the watcher is the timeline's only writer): the watcher reads what was
// appended since the offset it recorded last, so runs made while it was stopped are recorded
// when it starts again.
import { closeSync, constants, fstatSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPrivate, privateDir } from '../config/private-files.js';
import type { TimelineEvent } from '../model/timeline.js';

/** At most this much is read at once; the rest at the next tick. */
const CHUNK = 1024 * 1024;

type Line = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function took(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return s < 120 ? ` after ${s}s` : ` after ${Math.round(s / 60)}m`;
}

/** One audit line as a timeline event; null for lines the timeline leaves out (each step). */
export function auditEvent(line: Line, runStarts: Map<string, number>): TimelineEvent | null {
  const time = str(line.time);
  const at = time ? Date.parse(time) : NaN;
  if (!Number.isFinite(at)) return null;
  const event = str(line.event);
  const runbook = str(line.runbook) ?? '?';
  const part = str(line.part);
  const user = str(line.user) ?? '?';
  const label = part ? `${runbook}/${part}` : runbook;
  if (event === 'run-start') {
    const runId = str(line.runId);
    if (runId) runStarts.set(runId, at);
    const where = str(line.machine);
    return {
      at,
      kind: 'runbook',
      subject: runbook,
      state: 'started',
      severity: null,
      text: `runbook ${label} ${line.resumedAt ? 'resumed' : 'started'} by ${user}${where ? `@${where}` : ''}`,
    };
  }
  if (event === 'run-end') {
    const status = str(line.status) ?? 'ended';
    const runId = str(line.runId);
    const started = runId ? runStarts.get(runId) : undefined;
    const failed = str(line.failedStep);
    const message = str(line.message);
    const detail = failed ? ` at step ${failed}` : '';
    return {
      at,
      kind: 'runbook',
      subject: runbook,
      state: status,
      severity: null,
      text: `runbook ${label} ${status}${detail}${started !== undefined ? took(at - started) : ''}${message && status !== 'ok' ? `: ${message}` : ''}`,
    };
  }
  if (event === 'silence' || event === 'unsilence' || event === 'ack') {
    const target = str(line.target) ?? '?';
    const until = str(line.until);
    const reason = str(line.reason);
    const from = str(line.from) === 'console' ? 'in the console' : 'from a shell';
    const text =
      event === 'silence'
        ? `${target} silenced until ${until ? new Date(until).toTimeString().slice(0, 5) : '?'} by ${user} ${from}${reason ? `: ${reason}` : ''}`
        : event === 'unsilence'
          ? `${target} no longer silenced (${user} ${from})`
          : `${target} acknowledged by ${user} ${from}`;
    return {
      at,
      kind: 'action',
      subject: target,
      state: event === 'ack' ? 'acked' : event === 'silence' ? 'silenced' : 'unsilenced',
      severity: null,
      text,
    };
  }
  if (event === 'step' || event === null || line.runId !== undefined) return null;
  // An action of a kind this version does not know (written by a newer one): recorded as said.
  const target = str(line.target) ?? str(line.container) ?? '';
  return {
    at,
    kind: 'action',
    subject: target || event,
    state: event,
    severity: null,
    text: `${event}${target ? ` ${target}` : ''} by ${user}`,
  };
}

/** The complete lines of `text` as events; the offset just past the last complete line. */
export function parseAuditChunk(text: string, runStarts: Map<string, number>): { events: TimelineEvent[]; consumed: number } {
  const events: TimelineEvent[] = [];
  const end = text.lastIndexOf('\n');
  if (end < 0) return { events, consumed: 0 };
  for (const raw of text.slice(0, end).split('\n')) {
    if (!raw.trim()) continue;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      continue; // a torn line: skipped, as the history skips it
    }
    if (line === null || typeof line !== 'object' || Array.isArray(line)) continue;
    const event = auditEvent(line as Line, runStarts);
    if (event) events.push(event);
  }
  return { events, consumed: Buffer.byteLength(text.slice(0, end + 1), 'utf8') };
}

/**
 * Reads what the audit log gained since `offset`: events and the new offset. A log shorter than
 * the offset was replaced (rotated): it is read from its start.
 */
export function readAuditSince(path: string, offset: number, runStarts: Map<string, number>): { events: TimelineEvent[]; offset: number } {
  if (!privateDir(dirname(path), 'the state directory', { create: false })) return { events: [], offset };
  const fd = openPrivate(path, constants.O_RDONLY, 'the audit log');
  if (fd === null) return { events: [], offset: 0 };
  try {
    const size = fstatSync(fd).size;
    const from = size < offset ? 0 : offset;
    if (size === from) return { events: [], offset: from };
    const length = Math.min(CHUNK, size - from);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, from);
    const { events, consumed } = parseAuditChunk(buffer.subarray(0, read).toString('utf8'), runStarts);
    // A single line longer than the chunk is skipped rather than read for ever.
    const advance = consumed === 0 && read === CHUNK ? read : consumed;
    return { events, offset: from + advance };
  } finally {
    closeSync(fd);
  }
}
