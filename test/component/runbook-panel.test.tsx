// The runbook panel, menu and dialogs in the console: at 80, 120 and 200 columns every step shows
// its state, host and time with the running step's output; the frame always fits; Esc and Ctrl-C
// abort a run (a second Ctrl-C quits); and, with the real controller and runner, a runbook picked
// in the menu runs on this machine, a dangerous one only once its id is typed.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunEvent, StepView } from '../../src/model/runs.js';
import type { ConsoleState } from '../../src/ui/console-state.js';
import { applyRunEvent, type RunView, startingRun } from '../../src/ui/run-view.js';
import { catalogOf, cleanupDirs, ManualConsole, recordingIntents, testController, until } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  frameProblems,
  paneOnScreen,
  renderApp,
  sleep,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

afterEach(() => {
  unmountAll();
  cleanupDirs();
});
afterAll(cleanupHomes);

const KEY = { enter: '\r', escape: '\x1b', ctrlC: '\x03', down: '\x1b[B', up: '\x1b[A', end: '\x1b[F', backspace: '\x7f' };
const s = testSetup();
const panes = await demoPanes('healthy');
const source = () => new FakeSource(snapshot({ panes }));

function step(id: string, index: number, host: string | null, kind: StepView['kind'] = 'run', title = id): StepView {
  return { id, title, kind, phase: 'main', index, host, display: `run ${id}`, displayEnv: '', state: 'pending', onFailure: 'stop' };
}

const STEPS = [
  step('primary-down', 0, null, 'check', 'The primary DNS does not answer'),
  step('approve', 1, null, 'confirm'),
  step('dhcp-to-backup', 2, 'nas', 'run', 'Point DHCP at the NAS'),
  step('dhcp-now', 3, 'nas'),
];

/** A run of four steps: two done, the third running with output, as the runner would report it. */
function runningView(now: number): RunView {
  const events: RunEvent[] = [
    {
      type: 'run-start',
      runId: 'R1',
      runbook: { id: 'dns-failover', title: 'DNS failover to the NAS', dangerous: true },
      startedAt: now - 42_000,
      steps: STEPS,
      rollback: [],
      resumedFrom: null,
      notes: [],
    },
    {
      type: 'step-start',
      runId: 'R1',
      stepId: 'primary-down',
      phase: 'main',
      index: 0,
      kind: 'check',
      at: now - 42_000,
      host: null,
      display: '',
    },
    {
      type: 'output',
      runId: 'R1',
      stepId: 'primary-down',
      phase: 'main',
      stream: 'info',
      chunk: '10.0.10.10:53 did not answer within 5s\n',
    },
    { type: 'step-end', runId: 'R1', stepId: 'primary-down', phase: 'main', index: 0, state: 'ok', exitCode: null, durationMs: 5000 },
    {
      type: 'step-start',
      runId: 'R1',
      stepId: 'approve',
      phase: 'main',
      index: 1,
      kind: 'confirm',
      at: now - 37_000,
      host: null,
      display: '',
    },
    { type: 'step-end', runId: 'R1', stepId: 'approve', phase: 'main', index: 1, state: 'ok', exitCode: null, durationMs: 3000 },
    {
      type: 'step-start',
      runId: 'R1',
      stepId: 'dhcp-to-backup',
      phase: 'main',
      index: 2,
      kind: 'run',
      at: now - 12_000,
      host: 'nas',
      display: '',
    },
    ...Array.from(
      { length: 30 },
      (_, i): RunEvent => ({
        type: 'output',
        runId: 'R1',
        stepId: 'dhcp-to-backup',
        phase: 'main',
        stream: i % 7 === 6 ? 'stderr' : 'stdout',
        chunk: `uci line ${i + 1}\n`,
      }),
    ),
    { type: 'output', runId: 'R1', stepId: 'dhcp-to-backup', phase: 'main', stream: 'stdout', chunk: 'partial line' },
  ];
  return events.reduce(applyRunEvent, startingRun({ id: 'dns-failover', title: 'DNS failover to the NAS', dangerous: true }, now - 42_000));
}

function finished(view: RunView, status: 'ok' | 'failed' | 'aborted'): RunView {
  const end: RunEvent[] = [
    {
      type: 'step-end',
      runId: 'R1',
      stepId: 'dhcp-to-backup',
      phase: 'main',
      index: 2,
      state: status === 'ok' ? 'ok' : status === 'failed' ? 'failed' : 'aborted',
      exitCode: status === 'failed' ? 4 : status === 'ok' ? 0 : null,
      durationMs: 12_000,
      ...(status === 'ok'
        ? {}
        : { message: status === 'failed' ? 'exit 4 (expected 0)' : 'aborted by the operator; the command was stopped' }),
    },
    ...(status === 'ok'
      ? [
          {
            type: 'step-start',
            runId: 'R1',
            stepId: 'dhcp-now',
            phase: 'main',
            index: 3,
            kind: 'run',
            at: 0,
            host: 'nas',
            display: '',
          } as RunEvent,
          {
            type: 'step-end',
            runId: 'R1',
            stepId: 'dhcp-now',
            phase: 'main',
            index: 3,
            state: 'ok',
            exitCode: 0,
            durationMs: 800,
          } as RunEvent,
        ]
      : []),
    {
      type: 'run-end',
      runId: 'R1',
      status,
      durationMs: 54_000,
      failedStep: status === 'ok' ? null : 'dhcp-to-backup',
      ...(status === 'failed'
        ? { message: 'dhcp-to-backup: exit 4 (expected 0)' }
        : status === 'aborted'
          ? { message: 'aborted by the operator; the command was stopped' }
          : {}),
    },
  ];
  return end.reduce(applyRunEvent, view);
}

const withRun = (run: RunView): Partial<ConsoleState> => ({ run, panel: { kind: 'run' } });

describe('the run panel', () => {
  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
    [60, 16],
  ] as const)("at %ix%i shows every step with its state, host and time, the running step's last lines, and fits", async (columns, rows) => {
    const cs = new ManualConsole(withRun(runningView(Date.now())));
    const app = await renderApp({ source: source(), setup: s, columns, rows, console: cs });
    const frame = app.plainFrame();
    expect(frameProblems(frame, columns, rows)).toEqual([]);
    const panel = paneOnScreen(frame, 'Runbook dns-failover');
    expect(panel?.top).toMatch(/running (4[1-4]s)/);
    const body = panel?.body.join('\n') ?? '';
    expect(body).toMatch(/✔ 1\/4 primary-down\s+this machine\s+ok\s+5s/);
    if (rows > 16) expect(body).toMatch(/✔ 2\/4 approve\s+operator\s+ok\s+3s/);
    expect(body).toMatch(/▶ 3\/4 dhcp-to-backup\s+nas\s+running\s+1[2-4]s/);
    if (rows > 16) expect(body).toMatch(/○ 4\/4 dhcp-now\s+nas\s+pending/);
    // The running step's output, newest last, with the unfinished line.
    expect(body).toMatch(/output · dhcp-to-backup/);
    expect(body).toMatch(/│ partial line/);
    expect(body).toMatch(/│ uci line 30/);
    expect(body).not.toMatch(/uci line 1\b/);
    expect(panel?.body.at(-1)).toMatch(/escape or ctrl\+c aborts the running step/);
    // Where there is room the panes stay live below the panel; the status bar always does.
    if (rows >= 40) expect(frame).toMatch(/CPU · workstation/);
    expect(statusBar(frame)).toMatch(/ · view \w+/);
  });

  it.each([
    [50, 12],
    [30, 8],
    [20, 5],
  ] as const)("at %ix%i, too small for any view, the panel still fits and says the run's state", async (columns, rows) => {
    const cs = new ManualConsole(withRun(runningView(Date.now())));
    const app = await renderApp({ source: source(), setup: s, columns, rows, console: cs });
    expect(frameProblems(app.plainFrame(), columns, rows)).toEqual([]);
    expect(app.terminal.problems).toEqual([]);
    expect(app.plainFrame()).toMatch(/Runbook|running/);
    cs.publish(withRun(finished(runningView(Date.now()), 'failed')));
    await app.waitFor(() => /FAILED|✖/.test(app.plainFrame()), 'the result');
    expect(frameProblems(app.plainFrame(), columns, rows)).toEqual([]);
  });

  it.each([
    [80, 24],
    [120, 40],
  ] as const)('at %ix%i ends with the result: ok, failed with why, aborted with how to resume', async (columns, rows) => {
    const cs = new ManualConsole(withRun(finished(runningView(Date.now()), 'ok')));
    const app = await renderApp({ source: source(), setup: s, columns, rows, console: cs });
    let panel = paneOnScreen(app.plainFrame(), 'Runbook dns-failover');
    expect(panel?.top).toMatch(/ ok 54s /);
    expect(panel?.body.join('\n')).toMatch(/✔ 4\/4 dhcp-now\s+nas\s+ok\s+800ms/);
    expect(panel?.body.join('\n')).toMatch(/✔ ok in 54s/);

    cs.publish(withRun(finished(runningView(Date.now()), 'failed')));
    await app.waitForText('FAILED at dhcp-to-backup');
    panel = paneOnScreen(app.plainFrame(), 'Runbook dns-failover');
    expect(panel?.body.join('\n')).toMatch(/✖ 3\/4 dhcp-to-backup\s+nas\s+failed\s+12s\s+exit 4 \(expected 0\)/);
    expect(panel?.body.join('\n')).toMatch(/✖ FAILED at dhcp-to-backup after 54s — dhcp-to-backup: exit 4/);

    cs.publish(withRun(finished(runningView(Date.now()), 'aborted')));
    await app.waitForText('ABORTED at dhcp-to-backup');
    const body = paneOnScreen(app.plainFrame(), 'Runbook dns-failover')?.body.join('\n') ?? '';
    expect(body).toMatch(/■ 3\/4 dhcp-to-backup\s+nas\s+aborted/);
    expect(body).toContain('homeops runbook run dns-failover --resume');
    expect(frameProblems(app.plainFrame(), columns, rows)).toEqual([]);
  });

  it('Esc aborts the running step; Ctrl-C aborts the run, and once it is aborting a second Ctrl-C quits; q does not quit mid-run', async () => {
    const { intents, calls } = recordingIntents();
    const cs = new ManualConsole(withRun(runningView(Date.now())));
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: cs, intents });
    await app.press(KEY.escape);
    expect(calls.map((c) => c.intent)).toEqual(['abortRun']);
    await app.press(KEY.ctrlC);
    expect(calls.map((c) => c.intent)).toEqual(['abortRun', 'abortRun']);
    expect(app.calls.quit).toBe(0);
    await app.press('q');
    expect(app.calls.quit).toBe(0);
    expect(calls.at(-1)).toEqual({ intent: 'notify', args: [expect.stringMatching(/dns-failover is running: esc aborts it/), 'warn'] });
    cs.publish(withRun({ ...runningView(Date.now()), aborting: true }));
    await app.waitForText('aborting: stopping the running step');
    await app.press(KEY.ctrlC);
    expect(app.calls.quit).toBe(1);
  });

  it('when the run is over, Esc or q closes the panel, and the arrows scroll its output', async () => {
    const { intents, calls } = recordingIntents();
    const cs = new ManualConsole(withRun(finished(runningView(Date.now()), 'failed')));
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: cs, intents });
    await app.press(KEY.escape);
    await app.press('q');
    expect(calls.map((c) => c.intent)).toEqual(['closePanel', 'closePanel']);
    expect(app.calls.quit).toBe(0);
    const before = app.plainFrame();
    await app.press(KEY.up, KEY.up, KEY.up);
    expect(app.plainFrame()).not.toBe(before);
    expect(app.plainFrame()).toMatch(/uci line 2[0-9]/);
  });

  it('the dry run and the history panels', async () => {
    const cs = new ManualConsole({
      panel: {
        kind: 'dry-run',
        runbook: 'failback',
        title: 'Fail back',
        lines: ['failback · Fail back · dangerous', 'steps:', '  1. check  check   this machine', '      $ systemctl start pihole-FTL'],
      },
    });
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: cs });
    expect(paneOnScreen(app.plainFrame(), 'Dry run · failback')?.body.join('\n')).toContain('$ systemctl start pihole-FTL');
    cs.publish({
      panel: {
        kind: 'history',
        error: null,
        entries: [
          {
            kind: 'run',
            runId: 'a',
            runbook: 'dns-failover',
            what: null,
            part: null,
            user: 'ana',
            machine: 'ws',
            startedAt: '2026-03-01T02:15:03.000Z',
            endedAt: '2026-03-01T02:16:15.000Z',
            status: 'failed',
            durationMs: 72_000,
            failedStep: 'dhcp-to-backup',
            message: 'exit 4',
            steps: 4,
            resumed: false,
          },
          {
            kind: 'run',
            runId: 'b',
            runbook: 'maintenance-window',
            what: null,
            part: null,
            user: 'ana',
            machine: 'ws',
            startedAt: '2026-02-22T02:00:00.000Z',
            endedAt: null,
            status: 'ok',
            durationMs: 3_600_000,
            failedStep: null,
            message: null,
            steps: 9,
            resumed: true,
          },
        ],
      },
    });
    await app.waitForText('Runbook history (2 runs');
    const body = paneOnScreen(app.plainFrame(), 'Runbook history')?.body.join('\n') ?? '';
    expect(body).toMatch(/dns-failover\s+failed at dhcp-to-backup\s+1m12s/);
    expect(body).toMatch(/maintenance-window\s+ok \(resumed\)\s+1h/);
    expect(frameProblems(app.plainFrame(), 80, 24)).toEqual([]);
  });
});

describe('the runbook menu', () => {
  const catalog = [
    {
      id: 'database-restore',
      title: 'Restore the database from backup',
      dangerous: true,
      unavailable: null,
      hosts: ['workstation', 'nas'],
      steps: 9,
    },
    { id: 'dns-failover', title: 'DNS failover to the NAS', dangerous: true, unavailable: null, hosts: ['workstation', 'nas'], steps: 7 },
    { id: 'health', title: 'Read-only health checks', dangerous: false, unavailable: null, hosts: ['nas'], steps: 3 },
    {
      id: 'maintenance-window',
      title: 'Monthly maintenance window',
      dangerous: true,
      unavailable: 'no runbooks.site.maintenanceWindowCheck in the config',
      hosts: [],
      steps: 12,
    },
  ];

  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
    [50, 12],
  ] as const)('at %ix%i b lists the catalog over the panes; arrows pick, enter runs, d shows the dry run', async (columns, rows) => {
    const { intents, calls } = recordingIntents();
    const cs = new ManualConsole({ catalog });
    const app = await renderApp({ source: source(), setup: s, columns, rows, console: cs, intents });
    await app.press('b');
    const frame = app.plainFrame();
    expect(frameProblems(frame, columns, rows)).toEqual([]);
    const menu = paneOnScreen(frame, 'Runbooks (4)');
    expect(menu?.heavy).toBe(true);
    expect(menu?.body.join('\n')).toMatch(/▸ database-restore/);
    await app.press(KEY.down);
    expect(paneOnScreen(app.plainFrame(), 'Runbooks (4)')?.body.join('\n')).toMatch(/▸ dns-failover/);
    await app.press('d');
    expect(calls).toEqual([{ intent: 'dryRun', args: ['dns-failover'] }]);
    expect(app.plainFrame()).not.toContain('Runbooks (4)');
    await app.press('b', KEY.down, KEY.down, KEY.enter);
    expect(calls.at(-1)).toEqual({ intent: 'runRunbook', args: ['health'] });
    await app.press('b', 'H');
    expect(calls.at(-1)).toEqual({ intent: 'showHistory', args: [] });
    await app.press('b', KEY.end);
    if (rows >= 24) expect(app.plainFrame()).toContain('no runbooks.site.maintenanceWindowCheck');
    await app.press(KEY.escape);
    expect(app.plainFrame()).not.toContain('Runbooks (4)');
    expect(calls).toHaveLength(3);
  });

  it('marks dangerous runbooks as refused in read-only mode', async () => {
    const app = await renderApp({
      source: source(),
      setup: s,
      columns: 120,
      rows: 40,
      console: new ManualConsole({ catalog }),
      readOnly: true,
    });
    await app.press('b');
    expect(paneOnScreen(app.plainFrame(), 'Runbooks (4)')?.body.join('\n')).toMatch(
      /dns-failover\s+DNS failover to the NAS\s+refused: read-only/,
    );
  });

  it('a key bound to a runbook runs it without the menu', async () => {
    const { intents, calls } = recordingIntents();
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: new ManualConsole({ catalog }), intents });
    await app.press('F');
    expect(calls).toEqual([{ intent: 'runRunbook', args: ['dns-failover'] }]);
  });
});

// ---------------------------------------------------------------------------------------------
// With the real controller and runner: runbooks that run on this machine.

function marker(): string {
  return `homeops-panel-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function running(pattern: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

describe('runbooks run from the console', () => {
  const mark = marker();
  const books = () =>
    catalogOf(s.config, {
      hello: [
        'title: Says hello twice',
        'steps:',
        '  - id: first',
        '    run: { host: workstation, command: "echo hello; sleep 0.2; echo again", timeout: 30s }',
        '  - id: second',
        '    note: the end',
      ],
      risky: [
        'title: Changes things',
        'dangerous: true',
        'steps:',
        '  - id: ask',
        '    confirm: Go ahead with the change?',
        '  - id: act',
        '    run: { host: workstation, command: "echo changed", timeout: 30s }',
      ],
      'risky-slow': [
        'title: Takes long and changes things',
        'dangerous: true',
        'steps:',
        '  - id: wait',
        `    run: { host: workstation, command: "echo waiting; sleep 30 # ${mark}-risky-slow", timeout: 5m }`,
      ],
      slow: [
        'title: Takes long',
        'steps:',
        '  - id: wait',
        `    run: { host: workstation, command: "echo waiting; sleep 30 # ${mark}", timeout: 5m }`,
      ],
    });

  it('picked in the menu: asked, run, streamed into the panel; esc closes it when done', async () => {
    const { controller } = testController(s.config, books());
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.enter);
    await app.waitForText('Run hello');
    await app.press('y');
    await app.waitForText(/✔ ok in/);
    const body = paneOnScreen(app.plainFrame(), 'Runbook hello')?.body.join('\n') ?? '';
    expect(body).toMatch(/✔ 1\/2 first\s+workstation\s+ok/);
    expect(body).toMatch(/✔ 2\/2 second\s+operator\s+ok/);
    expect(statusBar(app.plainFrame())).toMatch(/✔ hello: ok in/);
    await app.press(KEY.escape);
    expect(app.plainFrame()).not.toContain('Runbook hello');
    await controller.close();
  });

  it('a dangerous one runs only once its id is typed exactly; its confirm step asks in a dialog', async () => {
    const { controller } = testController(s.config, books());
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: controller, intents: controller.intents });
    await app.press('b', KEY.down, KEY.enter);
    await app.waitForText('Run risky · dangerous');
    expect(frameProblems(app.plainFrame(), 80, 24)).toEqual([]);
    // Keys are text here: y does not answer, q does not quit.
    await app.press('r', 'i', 's', 'q', KEY.enter);
    expect(app.plainFrame()).toContain('type risky exactly');
    expect(app.calls.quit).toBe(0);
    await app.press(KEY.backspace, 'k', 'y', KEY.enter);
    await app.waitForText('Go ahead with the change?');
    await app.press('y');
    await app.waitForText(/✔ ok in/);
    expect(paneOnScreen(app.plainFrame(), 'Runbook risky')?.body.join('\n')).toMatch(/│ changed/);
    await controller.close();
  });

  it('esc during the run aborts it: the step shows aborted and its process is gone', async () => {
    const { controller } = testController(s.config, books());
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.end, KEY.enter);
    await app.waitForText('Run slow');
    await app.press(KEY.enter);
    await app.waitForText('│ waiting');
    expect(running(mark)).toBe(true);
    await app.press(KEY.escape);
    await app.waitForText(/ABORTED at wait/);
    expect(paneOnScreen(app.plainFrame(), 'Runbook slow')?.body.join('\n')).toMatch(/■ 1\/1 wait\s+workstation\s+aborted/);
    await until(controller, () => !running(mark));
    expect(app.calls.quit).toBe(0);
    await controller.close();
  });

  it('a dangerous run asks before esc aborts it: n keeps it running, y aborts; at the question ctrl+c aborts at once', async () => {
    const { controller } = testController(s.config, books());
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.end, KEY.up, KEY.enter);
    await app.waitForText('Run risky-slow · dangerous');
    await app.press(...'risky-slow', KEY.enter);
    await app.waitForText('│ waiting');
    await app.press(KEY.escape);
    await app.waitForText('Abort risky-slow?');
    await app.press('n');
    await sleep(100);
    expect(app.plainFrame()).not.toContain('Abort risky-slow?');
    expect(app.plainFrame()).not.toMatch(/ABORTED/);
    expect(running(`${mark}-risky-slow`)).toBe(true);
    await app.press(KEY.escape);
    await app.waitForText('Abort risky-slow?');
    await app.press('y');
    await app.waitForText(/ABORTED at wait/);
    await until(controller, () => !running(`${mark}-risky-slow`));
    // Again, with Ctrl-C: the first asks, the second (at the question) aborts.
    await app.press(KEY.escape, 'b', KEY.end, KEY.up, KEY.enter);
    await app.waitForText('Run risky-slow · dangerous');
    await app.press(...'risky-slow', KEY.enter);
    await app.waitForText('│ waiting');
    await app.press(KEY.ctrlC);
    await app.waitForText('Abort risky-slow?');
    await app.press(KEY.ctrlC);
    await app.waitForText(/ABORTED at wait/);
    expect(app.calls.quit).toBe(0);
    await until(controller, () => !running(`${mark}-risky-slow`));
    await controller.close();
  });

  it('Ctrl-C during the run aborts it rather than quitting', async () => {
    const { controller } = testController(s.config, books());
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.end, KEY.enter);
    await app.waitForText('Run slow');
    await app.press('y');
    await app.waitForText('│ waiting');
    await app.press(KEY.ctrlC);
    await app.waitForText(/ABORTED at wait/);
    expect(app.calls.quit).toBe(0);
    await app.press(KEY.ctrlC);
    expect(app.calls.quit).toBe(1);
    await sleep(10);
    expect(running(mark)).toBe(false);
  });
});
