// The one path of a change to the estate (src/actions/perform.ts): read-only first, then what
// the source cannot do, the question, an audit line before the change and one after. No change
// is made that the audit log could not record.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guardOf, readOnlyReason } from '../../src/actions/guard.js';
import { type ActionContext, type ActionSpec, performAction } from '../../src/actions/perform.js';
import type { AuditActionLine } from '../../src/model/audit.js';
import { AuditLog } from '../../src/runbooks/audit.js';

const dir = mkdtempSync(join(tmpdir(), 'homeops-perform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(runs: string[], extra: Partial<ActionSpec> = {}): ActionSpec {
  return {
    action: 'container.restart',
    target: 'web on ws',
    what: 'Restart web on ws',
    confirm: { title: 'Restart container', question: 'Restart web on ws?', yes: 'Restart', danger: true },
    async run() {
      runs.push('restart');
      return { result: 'ok', changed: true, message: 'web restarted on ws' };
    },
    ...extra,
  };
}

function context(lines: AuditActionLine[], extra: Partial<ActionContext> = {}): ActionContext {
  let clock = 1_760_000_000_000;
  return {
    guard: guardOf(null),
    confirm: async () => true,
    audit: (line) => lines.push(line),
    user: 'ana',
    machine: 'ws',
    signal: new AbortController().signal,
    now: () => (clock += 250),
    ...extra,
  };
}

describe('performAction', () => {
  it('asks, records who, when and what before the change, then the result', async () => {
    const lines: AuditActionLine[] = [];
    const order: string[] = [];
    const outcome = await performAction(
      context(lines, {
        confirm: async () => {
          order.push('asked');
          return true;
        },
        audit: (l) => {
          order.push(l.event);
          lines.push(l);
        },
      }),
      spec(order),
    );
    expect(order).toEqual(['asked', 'action-start', 'restart', 'action-end']);
    expect(outcome).toMatchObject({ kind: 'done', result: 'ok', changed: true, message: 'web restarted on ws' });
    expect(lines[0]).toMatchObject({
      event: 'action-start',
      user: 'ana',
      machine: 'ws',
      action: 'container.restart',
      target: 'web on ws',
      what: 'Restart web on ws',
      time: new Date(1_760_000_000_250).toISOString(),
    });
    expect(lines[1]).toMatchObject({ event: 'action-end', runId: lines[0]?.runId, result: 'ok', durationMs: 250 });
  });

  it('read-only mode and a source that cannot act refuse before asking, and write nothing', async () => {
    const lines: AuditActionLine[] = [];
    const runs: string[] = [];
    let asked = 0;
    const ask = async () => {
      asked++;
      return true;
    };
    const reason = readOnlyReason(true, false);
    expect(await performAction(context(lines, { guard: guardOf(reason), confirm: ask }), spec(runs))).toEqual({
      kind: 'refused',
      message: 'Restart web on ws refused: homeops was started with --read-only; nothing was changed',
    });
    expect(await performAction(context(lines, { confirm: ask }), spec(runs, { cannot: () => 'a demo replays recordings' }))).toEqual({
      kind: 'refused',
      message: 'a demo replays recordings',
    });
    expect([lines, runs, asked]).toEqual([[], [], 0]);
    expect(readOnlyReason(false, true, '/etc/homeops.yaml')).toBe('the config says readOnly: true (/etc/homeops.yaml)');
    expect(readOnlyReason(false, false)).toBeNull();
  });

  it('a no changes nothing and writes nothing', async () => {
    const lines: AuditActionLine[] = [];
    const runs: string[] = [];
    expect(await performAction(context(lines, { confirm: async () => false }), spec(runs))).toEqual({ kind: 'cancelled' });
    expect([lines, runs]).toEqual([[], []]);
  });

  it('an audit log that cannot be written stops the change before it is made', async () => {
    // The log's folder is a file: every append fails.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const log = new AuditLog(join(dir, 'not-a-dir', 'audit.jsonl'));
    const runs: string[] = [];
    const outcome = await performAction(context([], { audit: (line) => log.append(line) }), spec(runs));
    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' && outcome.message).toMatch(
      /^Restart web on ws not done: the audit log cannot be written \(.*\); nothing was changed$/,
    );
    expect(runs).toEqual([]);
  });

  it('a failure and an abort are results like any other', async () => {
    const lines: AuditActionLine[] = [];
    const failing = spec([], {
      run: async () => {
        throw new Error('web no longer exists on ws');
      },
    });
    expect(await performAction(context(lines), failing)).toMatchObject({
      kind: 'done',
      result: 'failed',
      message: 'web no longer exists on ws',
    });
    const abort = new AbortController();
    const slow = spec([], {
      run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('request aborted')))),
    });
    const pending = performAction(context(lines, { signal: abort.signal }), slow);
    setTimeout(() => abort.abort(new Error('the console was closed')), 10);
    expect(await pending).toMatchObject({ kind: 'done', result: 'aborted', message: 'aborted: the console was closed' });
    expect(lines.filter((l) => l.event === 'action-end').map((l) => l.event === 'action-end' && l.result)).toEqual(['failed', 'aborted']);
  });
});
