import { appendFileSync, chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivatePathError } from '../../src/config/private-files.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import { parseAuditChunk, readAuditSince } from '../../src/store/audit-feed.js';
import { openForReading, openForWriting } from '../../src/store/db.js';
import { Recorder } from '../../src/store/recorder.js';
import { readEvents } from '../../src/store/timeline.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeops-store-'));
  chmodSync(dir, 0o700);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const event = (at: number, subject: string, state: string): TimelineEvent => ({
  at,
  kind: 'pane',
  subject,
  state,
  severity: null,
  text: `${subject} ${state}`,
});

describe('the timeline database', () => {
  it('keeps events across a reopen, newest first, in WAL mode, owner-only', () => {
    const path = join(dir, 'homeops.db');
    const recorder = new Recorder(path);
    recorder.commit([event(1000, 'dns', 'ok'), event(3000, 'dns', 'warn'), event(2000, 'cpu', 'ok')], { 'audit.offset': '42' });
    recorder.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = new Recorder(path);
    expect(again.meta('audit.offset')).toBe('42');
    expect(String((again.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode)).toBe('wal');
    expect(again.latest(['pane']).map((e) => `${e.subject}:${e.state}`)).toEqual(['dns:warn', 'cpu:ok']);
    again.close();
    const reader = openForReading(path);
    expect(reader).not.toBeNull();
    if (!reader) return;
    expect(readEvents(reader).map((e) => e.at)).toEqual([3000, 2000, 1000]);
    expect(readEvents(reader, { since: 2000 }).map((e) => e.at)).toEqual([3000, 2000]);
    reader.close();
  });

  it('is not there to read before anything was recorded', () => {
    expect(openForReading(join(dir, 'homeops.db'))).toBeNull();
  });

  it('refuses a database that is a symbolic link, or one others may write', () => {
    const elsewhere = join(dir, 'elsewhere.db');
    writeFileSync(elsewhere, '');
    symlinkSync(elsewhere, join(dir, 'link.db'));
    expect(() => openForWriting(join(dir, 'link.db'))).toThrow(PrivatePathError);
    expect(lstatSync(join(dir, 'link.db')).isSymbolicLink()).toBe(true);
    const shared = join(dir, 'shared.db');
    writeFileSync(shared, '');
    chmodSync(shared, 0o666);
    expect(() => openForWriting(shared)).toThrow(/can be written by anyone/);
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o777 });
    chmodSync(state, 0o777);
    expect(() => openForWriting(join(state, 'homeops.db'))).toThrow(PrivatePathError);
  });

  it('drops events older than it keeps', () => {
    const recorder = new Recorder(join(dir, 'homeops.db'));
    recorder.commit([event(1000, 'a', 'ok'), event(5000, 'b', 'ok')]);
    expect(recorder.pruneEvents(2000)).toBe(1);
    expect(readEvents(recorder.db).map((e) => e.subject)).toEqual(['b']);
    recorder.close();
  });
});

describe('runs and actions from the audit log', () => {
  const line = (entry: object) => `${JSON.stringify(entry)}\n`;
  it("records a run's start and end, leaves its steps out, and names the time it took", () => {
    const starts = new Map<string, number>();
    const text =
      line({
        event: 'run-start',
        time: '2026-03-01T10:00:00Z',
        runId: 'r1',
        user: 'ann',
        machine: 'ws',
        runbook: 'dns-failover',
        inputs: {},
      }) +
      line({ event: 'step', time: '2026-03-01T10:00:10Z', runId: 'r1', user: 'ann', runbook: 'dns-failover', step: 'check', state: 'ok' }) +
      line({
        event: 'run-end',
        time: '2026-03-01T10:01:30Z',
        runId: 'r1',
        user: 'ann',
        runbook: 'dns-failover',
        status: 'failed',
        failedStep: 'point-dhcp',
        message: 'exit 1',
      }) +
      line({
        event: 'silence',
        time: '2026-03-01T10:02:00Z',
        user: 'ann',
        machine: 'ws',
        target: 'dns',
        until: '2026-03-01T12:02:00Z',
        from: 'shell',
      }) +
      '{"event":"run-st';
    const { events, consumed } = parseAuditChunk(text, starts);
    expect(events.map((e) => [e.kind, e.subject, e.state])).toEqual([
      ['runbook', 'dns-failover', 'started'],
      ['runbook', 'dns-failover', 'failed'],
      ['action', 'dns', 'silenced'],
    ]);
    expect(events[1]?.text).toBe('runbook dns-failover failed at step point-dhcp after 90s: exit 1');
    // The torn last line waits for the rest of it.
    expect(consumed).toBe(Buffer.byteLength(text) - '{"event":"run-st'.length);
  });

  it('reads only what was appended since the offset, and from the start of a replaced log', () => {
    const path = join(dir, 'audit.jsonl');
    writeFileSync(path, line({ event: 'run-start', time: '2026-03-01T10:00:00Z', runId: 'r1', user: 'a', runbook: 'x', inputs: {} }), {
      mode: 0o600,
    });
    const starts = new Map<string, number>();
    const first = readAuditSince(path, 0, starts);
    expect(first.events).toHaveLength(1);
    expect(readAuditSince(path, first.offset, starts).events).toEqual([]);
    appendFileSync(path, line({ event: 'run-end', time: '2026-03-01T10:00:05Z', runId: 'r1', user: 'a', runbook: 'x', status: 'ok' }));
    const second = readAuditSince(path, first.offset, starts);
    expect(second.events.map((e) => e.text)).toEqual(['runbook x ok after 5s']);
    writeFileSync(path, line({ event: 'run-start', time: '2026-03-02T10:00:00Z', runId: 'r2', user: 'a', runbook: 'y', inputs: {} }));
    expect(readAuditSince(path, second.offset, starts).events.map((e) => e.subject)).toEqual(['y']);
  });
});
