// Property: any string, through any path that prints it, puts nothing on the terminal that a
// terminal acts on — only the newlines the path writes itself (issue 13, point 1). The paths:
// `status` (human), `runbook run` (progress), `runbook history`, `check-config`, the console's
// lines (every pane, panel and dialog line is fitted by fitLine; wrapped text by wrapText).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfigReport } from '../../src/cli/check-config.js';
import type { Setup } from '../../src/cli/compose.js';
import { progressPrinter, type RunbookIo, runbookCommand } from '../../src/cli/runbook.js';
import { formatStatus } from '../../src/cli/status.js';
import { PANE_IDS } from '../../src/model/panes.js';
import type { RunEvent } from '../../src/model/runs.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import { fitLine, lineText, wrapText } from '../../src/ui/text.js';
import { hostileText } from '../helpers/hostile-text.js';
import { snapshot } from '../helpers/render.js';

const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const text = () => fc.oneof(hostileText(), fc.string({ unit: 'binary', maxLength: 40 }));
const RUNS = { seed: 1301, numRuns: 300 };

describe('print paths, any string', () => {
  it('homeops status: host, errors, summaries and alerts', () => {
    fc.assert(
      fc.property(text(), text(), text(), text(), (host, error, summary, alert) => {
        const entry: PaneEntry<null> = {
          status: 'crit',
          ageMs: 1000,
          error,
          summary,
          alerts: [{ level: 'crit', message: alert }],
          data: null,
        };
        const out = formatStatus(snapshot({ host, demo: host, panes: Object.fromEntries(PANE_IDS.map((id) => [id, entry])) }));
        expect(out).not.toMatch(CONTROL_BUT_NEWLINE);
        // One line per pane and alert, and a headline: a newline in a value starts no line.
        expect(out.split('\n')).toHaveLength(1 + PANE_IDS.length * 2 + 1);
      }),
      RUNS,
    );
  });

  it('homeops status: detail lines start where the values do', () => {
    const entry = {
      status: 'crit' as const,
      ageMs: 100,
      summary: '11/12 running',
      alerts: [{ level: 'crit' as const, message: 'postgres unhealthy' }],
      data: null,
    };
    const out = formatStatus(snapshot({ panes: { containers: entry } })).split('\n');
    const head = out.find((l) => l.includes('11/12 running')) ?? '';
    const detail = out.find((l) => l.includes('postgres unhealthy')) ?? '';
    expect(head.indexOf('11/12')).toBe(detail.indexOf('CRIT'));
    expect(head.indexOf('11/12')).toBe(18);
  });

  it('homeops runbook run: every event of a run', () => {
    fc.assert(
      fc.property(fc.array(text(), { minLength: 8, maxLength: 8 }), (s) => {
        const [a = '', b = '', c = '', d = '', e = '', f = '', g = '', h = ''] = s;
        let out = '';
        const print = progressPrinter((chunk) => (out += chunk));
        const events: RunEvent[] = [
          {
            type: 'run-start',
            runId: a,
            runbook: { id: b, title: c, dangerous: false },
            startedAt: 0,
            steps: [],
            rollback: [],
            resumedFrom: d,
            notes: [e],
          },
          { type: 'step-start', runId: a, stepId: b, phase: 'main', index: 0, kind: 'run', at: 0, host: f, display: g },
          { type: 'output', runId: a, stepId: b, phase: 'main', stream: 'stdout', chunk: h },
          { type: 'output', runId: a, stepId: b, phase: 'main', stream: 'stderr', chunk: `${g}\n${h}` },
          { type: 'step-end', runId: a, stepId: b, phase: 'main', index: 0, state: 'failed', exitCode: 1, durationMs: 5, message: e },
          { type: 'rollback-start', runId: a, afterStep: f },
          {
            type: 'step-end',
            runId: a,
            stepId: b,
            phase: 'rollback',
            index: 0,
            state: 'skipped',
            exitCode: null,
            durationMs: 0,
            message: g,
          },
          { type: 'run-end', runId: a, status: 'aborted', durationMs: 9, failedStep: b, message: h },
        ];
        for (const event of events) print(event);
        expect(out).not.toMatch(CONTROL_BUT_NEWLINE);
      }),
      RUNS,
    );
  });

  describe('homeops runbook history and unlock', () => {
    const root = mkdtempSync(join(tmpdir(), 'homeops-print-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    let n = 0;
    const io = (env: Record<string, string>): RunbookIo & { printed: () => string } => {
      let printed = '';
      return {
        out: (t) => (printed += t),
        err: (t) => (printed += t),
        env,
        cwd: root,
        interactive: false,
        ask: async () => '',
        printed: () => printed,
      };
    };

    it('whatever the audit log holds', async () => {
      await fc.assert(
        fc.asyncProperty(text(), text(), text(), async (user, runbook, message) => {
          const state = join(root, `s${++n}`);
          mkdirSync(join(state, 'homeops'), { recursive: true, mode: 0o700 });
          const lines = [
            {
              event: 'run-start',
              time: '2026-03-01T02:15:03.120Z',
              runId: `r${n}`,
              user,
              machine: message,
              runbook,
              part: message,
              inputs: {},
            },
            {
              event: 'run-end',
              time: '2026-03-01T02:16:03.120Z',
              runId: `r${n}`,
              user,
              runbook,
              status: 'failed',
              durationMs: 60_000,
              failedStep: message,
              message,
            },
          ];
          writeFileSync(join(state, 'homeops', 'audit.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'), { mode: 0o600 });
          const sink = io({ XDG_STATE_HOME: state, HOME: root });
          await runbookCommand({ action: 'history', limit: 20 }, { readOnly: false, noColor: true }, sink);
          expect(sink.printed()).not.toMatch(CONTROL_BUT_NEWLINE);
        }),
        { seed: 1302, numRuns: 60 },
      );
    });

    it('whatever id unlock is given', async () => {
      await fc.assert(
        fc.asyncProperty(text(), async (id) => {
          const sink = io({ XDG_STATE_HOME: join(root, 'unlock'), HOME: root });
          await runbookCommand({ action: 'unlock', id, force: false }, { readOnly: false, noColor: true }, sink);
          expect(sink.printed()).not.toMatch(CONTROL_BUT_NEWLINE);
        }),
        { seed: 1303, numRuns: 100 },
      );
    });
  });

  it('homeops check-config: paths, names and reasons', () => {
    fc.assert(
      fc.property(text(), text(), text(), (path, name, reason) => {
        const setup = {
          source: { kind: 'flag', path },
          machine: null,
          views: [{ name, file: path }],
          keymap: { name, files: [path, reason] },
          placement: { profile: 'local', reason, local: [name], ssh: [reason] },
          scenario: { name, dir: path },
          // A runbooks.triggers entry and a runbook with a trigger, both named anyhow: notes that name them.
          config: {
            plan: { note: reason },
            runbooks: { triggers: { [name]: { response: 'auto' } } },
            alerts: { channels: [{ name, type: 'webhook', severities: ['critical'] }] },
          },
        } as unknown as Setup;
        const report = checkConfigReport(
          setup,
          { XDG_STATE_HOME: path },
          {
            dirs: [{ dir: path, builtin: false }],
            runbooks: [{ id: name, unavailable: reason } as never, { id: reason, trigger: {} } as never],
          },
        );
        expect(report).not.toMatch(CONTROL_BUT_NEWLINE);
      }),
      RUNS,
    );
  });

  it('the console: every line fitted to a pane, and wrapped text', () => {
    fc.assert(
      fc.property(fc.array(text(), { maxLength: 4 }), fc.integer({ min: 1, max: 120 }), (texts, width) => {
        const line = fitLine(
          texts.map((t) => ({ text: t })),
          width,
        );
        expect(lineText(line)).not.toMatch(CONTROL);
        for (const wrapped of wrapText(texts.join(' '), width)) expect(wrapped).not.toMatch(CONTROL);
      }),
      RUNS,
    );
  });
});
