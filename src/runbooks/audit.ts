// The audit log: one JSON object per line, appended and flushed to disk (fsync) line by line,
// readable by the owner only. A run writes a run-start line, one line per step and a run-end
// line; what it records has already been through the redactor. A change made outside a runbook
// (src/actions/) writes an action-start and an action-end line to the same log.
import { closeSync, constants, fstatSync, fsyncSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from '../config/paths.js';
import { openPrivate, privateDir } from '../config/private-files.js';
import type { AuditAlertAction, AuditEntry, RunHistoryEntry } from '../model/audit.js';
import { stateDir } from './state-dir.js';

export function auditLogPath(env: Env): string {
  return join(stateDir(env), 'audit.jsonl');
}

export const OUTPUT_TAIL_BYTES = 2048;

/** The last `bytes` of text, cut at a character boundary, marked when cut. */
export function tail(text: string, bytes = OUTPUT_TAIL_BYTES): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  let start = buffer.length - bytes;
  // Skip UTF-8 continuation bytes so the cut does not split a character.
  while (start < buffer.length && ((buffer[start] ?? 0) & 0xc0) === 0x80) start++;
  return `…${buffer.subarray(start).toString('utf8')}`;
}

export class AuditLog {
  constructor(readonly path: string) {}

  /**
   * Appends one line and flushes it to disk before returning. The state directory must be the
   * user's own and the log a file of theirs, not a symbolic link (PrivatePathError otherwise).
   */
  append(entry: AuditEntry | AuditAlertAction): void {
    privateDir(dirname(this.path), 'the state directory', { create: true });
    const fd = openPrivate(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 'the audit log') as number;
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** At most this much of the end of the log is read for the history. */
const HISTORY_BYTES = 8 * 1024 * 1024;

function readTail(path: string, bytes: number): string {
  if (!privateDir(dirname(path), 'the state directory', { create: false })) return '';
  const fd = openPrivate(path, constants.O_RDONLY, 'the audit log');
  if (fd === null) return '';
  let size: number;
  let length: number;
  let data = Buffer.alloc(0);
  try {
    size = fstatSync(fd).size;
    length = Math.min(size, bytes);
    data = Buffer.alloc(length);
    readSync(fd, data, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const text = data.toString('utf8');
  // A cut first line is dropped.
  return length < size ? text.slice(text.indexOf('\n') + 1) : text;
}

export function readAuditLog(path: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of readTail(path, HISTORY_BYTES).split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as AuditEntry;
      if (entry && typeof entry === 'object' && typeof entry.runId === 'string') entries.push(entry);
    } catch {
      // a torn line (a crash mid-write on a filesystem without atomic appends): skip it
    }
  }
  return entries;
}

/**
 * The last runs and actions, newest first, from the audit log. `runbook` keeps that runbook's
 * runs only; `actions: false` leaves the actions out.
 */
export function readHistory(env: Env, options: { limit?: number; runbook?: string; actions?: boolean } = {}): RunHistoryEntry[] {
  const runs = new Map<string, RunHistoryEntry>();
  for (const entry of readAuditLog(auditLogPath(env))) {
    if (entry.event === 'action-start' || entry.event === 'action-end') {
      if (options.runbook || options.actions === false) continue;
      if (entry.event === 'action-start') {
        runs.set(entry.runId, {
          kind: 'action',
          runId: entry.runId,
          runbook: entry.action,
          what: entry.what,
          part: null,
          user: entry.user,
          machine: entry.machine,
          startedAt: entry.time,
          endedAt: null,
          status: 'unfinished',
          durationMs: null,
          failedStep: null,
          message: null,
          steps: 0,
          resumed: false,
        });
      } else {
        const action = runs.get(entry.runId);
        if (action)
          Object.assign(action, { endedAt: entry.time, status: entry.result, durationMs: entry.durationMs, message: entry.message });
      }
      continue;
    }
    if (options.runbook && entry.runbook !== options.runbook) continue;
    let run = runs.get(entry.runId);
    if (entry.event === 'run-start') {
      if (run) {
        // A resumed run: same id, a new start. Its end is the new one.
        run.resumed = true;
        run.status = 'unfinished';
        run.endedAt = null;
        run.durationMs = null;
        run.failedStep = null;
        run.message = null;
        continue;
      }
      run = {
        kind: 'run',
        runId: entry.runId,
        runbook: entry.runbook,
        what: null,
        part: entry.part ?? null,
        user: entry.user,
        machine: entry.machine,
        startedAt: entry.time,
        endedAt: null,
        status: 'unfinished',
        durationMs: null,
        failedStep: null,
        message: null,
        steps: 0,
        resumed: Boolean(entry.resumedAt),
      };
      runs.set(entry.runId, run);
    } else if (run && entry.event === 'step') {
      run.steps++;
    } else if (run && entry.event === 'run-end') {
      run.endedAt = entry.time;
      run.status = entry.status;
      run.durationMs = Date.parse(entry.time) - Date.parse(run.startedAt);
      run.failedStep = entry.failedStep ?? null;
      run.message = entry.message ?? null;
    }
  }
  const list = [...runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return options.limit ? list.slice(0, options.limit) : list;
}

/** Every line the log holds for one run, in order (a history view's detail). */
export function readRunEntries(env: Env, runId: string): AuditEntry[] {
  return readAuditLog(auditLogPath(env)).filter((e) => e.runId === runId);
}
