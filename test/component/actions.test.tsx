// Dialogs and actions in the console: a confirm and a typed dialog fit the terminal at every size
// and take the keys while open; opening one does not rebuild the panes; the containers pane's
// selection, filter, sort and detail; restart / stop / start asked first, refused in read-only
// mode with the reason; the logs view; Pi-hole blocking; the status bar's result message.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ActionResult, ContainerActions, ContainerRef } from '../../src/docker/actions.js';
import type { LogLine } from '../../src/docker/frames.js';
import type { BlockingOutcome, BlockingRequest, PiholeTarget } from '../../src/probes/pihole/blocking.js';
import type { Prompt } from '../../src/ui/console-state.js';
import { catalogOf, cleanupDirs, countingProfiler, ManualConsole, recordingIntents, testController } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  focusedPanes,
  frameProblems,
  paneOnScreen,
  paneText,
  renderApp,
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

const KEY = { enter: '\r', escape: '\x1b', ctrlC: '\x03', ctrlR: '\x12', tab: '\t', down: '\x1b[B', up: '\x1b[A', backspace: '\x7f' };
const s = testSetup();
const panes = await demoPanes('healthy');
const source = () => new FakeSource(snapshot({ panes }));

const CONFIRM: Prompt = {
  id: 7,
  kind: 'confirm',
  title: 'Restart container',
  lines: ['Restart postgres on workstation?'],
  yes: 'Restart',
  no: 'Cancel',
  danger: true,
};
const TYPED: Prompt = {
  id: 8,
  kind: 'typed',
  title: 'Run dns-failover · dangerous',
  lines: [
    'DNS failover to the NAS',
    '7 steps on workstation and nas',
    'It changes things. Type dns-failover and press enter to run it; esc cancels.',
  ],
  expect: 'dns-failover',
};
const RESUME: Prompt = {
  id: 9,
  kind: 'confirm',
  title: 'Interrupted run of failback',
  lines: ['Run R1 of failback was interrupted at step dns-back: SIGHUP: the terminal went away.', 'Resume it from step dns-back?'],
  yes: 'Resume',
  no: 'Dismiss (not offered again)',
  cancel: 'Later',
  danger: true,
};

const SIZES = [
  [200, 60],
  [120, 40],
  [80, 24],
  [60, 16],
  [40, 12],
  [30, 8],
  [24, 5],
] as const;

describe('dialogs', () => {
  it.each(SIZES)('at %ix%i a confirm, a typed and a three-way dialog fit, keeping their answers in view', async (columns, rows) => {
    const cs = new ManualConsole({ prompt: CONFIRM });
    const app = await renderApp({ source: source(), setup: s, columns, rows, console: cs });
    for (const prompt of [CONFIRM, TYPED, RESUME]) {
      cs.publish({ prompt });
      await app.waitFor(() => app.plainFrame().includes(prompt.kind === 'typed' ? '> ' : ' y '), `the ${prompt.kind} dialog`);
      const frame = app.plainFrame();
      expect(frameProblems(frame, columns, rows), `${prompt.title}\n${frame}`).toEqual([]);
      expect(app.terminal.problems).toEqual([]);
      if (prompt.kind === 'confirm') expect(frame).toMatch(/ y +\w[\s\S]* n +\w/);
      if (prompt === RESUME && rows >= 12) expect(frame).toMatch(/ esc +Later/);
      if (rows >= 16)
        expect(frame).toContain(prompt.kind === 'typed' ? 'Type dns-failover and press enter' : prompt.lines[0]?.slice(0, 20));
    }
  });

  it('y, enter, n and escape answer a confirm dialog; other keys do nothing while it is open', async () => {
    const { intents, calls } = recordingIntents();
    const cs = new ManualConsole({ prompt: CONFIRM });
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: cs, intents });
    await app.press('q', '?', KEY.tab, 'b', 'r');
    expect(calls).toEqual([]);
    expect(app.calls).toEqual({ quit: 0, refresh: 0 });
    expect(app.plainFrame()).not.toContain('Help · keys');
    await app.press('y');
    await app.press(KEY.enter);
    await app.press('n');
    await app.press(KEY.escape);
    expect(calls.map((c) => c.args)).toEqual([
      [7, 'yes'],
      [7, 'yes'],
      [7, 'no'],
      [7, 'no'],
    ]);
    cs.publish({ prompt: RESUME });
    await app.waitForText('Later');
    await app.press(KEY.escape);
    expect(calls.at(-1)?.args).toEqual([9, 'cancel']);
  });

  it('a typed dialog takes text, backspace and enter; only the exact id answers yes; escape answers no', async () => {
    const { intents, calls } = recordingIntents();
    const cs = new ManualConsole({ prompt: TYPED });
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: cs, intents });
    for (const key of 'dns-failovr') await app.press(key);
    await app.press(KEY.enter);
    expect(calls).toEqual([]);
    expect(app.plainFrame()).toContain('type dns-failover exactly, or esc to cancel');
    await app.press(KEY.backspace, 'e', 'r');
    expect(app.plainFrame()).toContain('> dns-failover▏');
    // A paste with Enter at its end answers too.
    cs.publish({ prompt: { ...TYPED, id: 10 } });
    await app.waitFor(() => !app.plainFrame().includes('> dns-failover▏'), 'a fresh prompt');
    await app.press('dns-failover\r');
    expect(calls).toEqual([{ intent: 'answer', args: [10, 'yes'] }]);
    cs.publish({ prompt: { ...TYPED, id: 11 } });
    await app.press('x', KEY.escape);
    expect(calls.at(-1)).toEqual({ intent: 'answer', args: [11, 'no'] });
  });

  it('opening, typing into and closing a dialog does not rebuild any pane', async () => {
    const profiler = countingProfiler();
    const cs = new ManualConsole();
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: cs, profiler });
    const before = new Map(profiler.builds);
    expect(before.size).toBeGreaterThan(0);
    cs.publish({ prompt: TYPED });
    await app.waitForText('Type dns-failover');
    for (const key of 'dns') await app.press(key);
    cs.publish({ message: { id: 1, text: 'hello', tone: 'ok' } });
    cs.publish({ prompt: null });
    await app.waitFor(() => !app.plainFrame().includes('Type dns-failover'), 'the dialog to close');
    expect(profiler.builds).toEqual(before);
  });

  it('the status bar shows the last result for a while', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, {}), { messageMs: 60 });
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    controller.intents.notify('postgres restarted on workstation', 'ok');
    await app.waitForText('✔ postgres restarted on workstation');
    expect(statusBar(app.plainFrame())).toMatch(/workstation · ✔ postgres restarted/);
    await app.waitFor(() => !app.plainFrame().includes('postgres restarted'), 'the message to go', 1000);
  });
});

// ---------------------------------------------------------------------------------------------

type Call = { action: string; ref: ContainerRef };

function fakeDocker(refusal: string | null = null, lines: LogLine[] = []) {
  const calls: Call[] = [];
  const act =
    (action: string) =>
    async (ref: ContainerRef): Promise<ActionResult> => {
      calls.push({ action, ref });
      return { changed: true, message: `${ref.name ?? ref.id} ${action === 'stop' ? 'stopped' : `${action}ed`} on ${ref.host}` };
    };
  const actions: ContainerActions = {
    refusal: () => refusal,
    restart: act('restart'),
    stop: act('stop'),
    start: act('start'),
    logs: () =>
      (async function* () {
        for (const line of lines) yield line;
      })(),
  };
  return { docker: { actions }, calls };
}

async function focusContainers(app: Awaited<ReturnType<typeof renderApp>>): Promise<void> {
  for (let i = 0; i < 6 && !focusedPanes(app.plainFrame()).includes('Containers'); i++) await app.press(KEY.tab);
  expect(focusedPanes(app.plainFrame())).toEqual(['Containers']);
}

const selected = (plain: string) =>
  paneOnScreen(plain, 'Containers')
    ?.body.find((l) => l.startsWith('▸'))
    ?.slice(1)
    .trim()
    .split(/\s+/)[0];

describe('containers', () => {
  it('with the pane focused: arrows move the selection, s sorts, / filters, enter opens the detail', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: new ManualConsole() });
    await focusContainers(app);
    expect(selected(app.plainFrame())).toBe('agent-orchestrator');
    await app.press(KEY.down, KEY.down);
    expect(selected(app.plainFrame())).toBe('central-agent');
    await app.press(KEY.up);
    expect(selected(app.plainFrame())).toBe('api-gateway');
    await app.press('s');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, group/);
    // A column directly (C: CPU, the busiest first), again the other way; I reverses; < and > step.
    await app.press('C');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, cpu↓/);
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/ cpu↓ /);
    await app.press('C');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, cpu↑/);
    await app.press('I');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, cpu↓/);
    await app.press('<');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, health/);
    await app.press('>');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, cpu↓/);
    await app.press('N');
    expect(paneText(app.plainFrame(), 'Containers')).toMatch(/sort problems, name↑/);
    // The filter: typed text, backspace, enter keeps it, escape clears it.
    await app.press('/');
    for (const key of 'postx') await app.press(key);
    await app.press(KEY.backspace);
    let text = paneText(app.plainFrame(), 'Containers');
    expect(text).toContain('post');
    expect(text).toContain('postgres');
    expect(text).not.toContain('nginx');
    // While the prompt is open letters are text: q does not quit.
    expect(app.calls.quit).toBe(0);
    await app.press(KEY.enter);
    expect(selected(app.plainFrame())).toBe('postgres');
    await app.press(KEY.enter);
    text = paneText(app.plainFrame(), 'Containers');
    expect(text).toMatch(/postgres/);
    await app.press(KEY.escape);
    await app.press(KEY.escape);
    expect(paneText(app.plainFrame(), 'Containers')).toContain('nginx');
  });

  it('ctrl+r asks to restart the selected container, y restarts it, and the result is in the status bar', async () => {
    const fake = fakeDocker();
    const { controller, nudges } = testController(s.config, catalogOf(s.config, {}), { docker: fake.docker });
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await focusContainers(app);
    await app.press(KEY.down, KEY.ctrlR);
    await app.waitForText('Restart api-gateway on workstation?');
    expect(frameProblems(app.plainFrame(), 120, 40)).toEqual([]);
    await app.press('y');
    await app.waitForText('✔ api-gateway restarted on workstation');
    expect(fake.calls.map((c) => [c.action, c.ref.name, c.ref.host])).toEqual([['restart', 'api-gateway', 'workstation']]);
    expect(nudges).toEqual(['containers']);
    await app.press('S');
    await app.waitForText('Stop api-gateway on workstation?');
    await app.press('n');
    await app.waitForText('api-gateway: not stopped');
    await app.press('U', KEY.enter);
    await app.waitForText('✔ api-gateway started on workstation');
    expect(fake.calls.map((c) => c.action)).toEqual(['restart', 'start']);
  });

  it('in read-only mode the actions are refused with the reason, and nothing is asked', async () => {
    const fake = fakeDocker();
    const { controller } = testController(s.config, catalogOf(s.config, {}), { docker: fake.docker, readOnly: true });
    const app = await renderApp({
      source: source(),
      setup: s,
      columns: 200,
      rows: 50,
      console: controller,
      intents: controller.intents,
      readOnly: true,
    });
    await focusContainers(app);
    await app.press(KEY.ctrlR);
    await app.waitForText('refused: read-only mode');
    expect(statusBar(app.plainFrame())).toMatch(
      /READ-ONLY · ▲ Restart agent-orchestrator on workstation refused: read-only mode \(--read-only or readOnly: true in the config\)/,
    );
    expect(app.plainFrame()).not.toContain('Restart agent-orchestrator on workstation?');
    expect(fake.calls).toEqual([]);
  });

  it('action keys with another pane focused say what to do instead', async () => {
    const { intents, calls } = recordingIntents();
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: new ManualConsole(), intents });
    expect(focusedPanes(app.plainFrame())).not.toContain('Containers');
    await app.press(KEY.ctrlR);
    expect(calls).toEqual([{ intent: 'notify', args: ['focus the containers pane first (tab), then pick a container', 'warn'] }]);
  });

  it("L shows the selected container's logs in a panel; escape goes back to the panes", async () => {
    const lines: LogLine[] = [
      { stream: 'stdout', text: 'database system is ready to accept connections', at: '2026-01-02T03:04:05.000Z' },
      { stream: 'stderr', text: 'FATAL: password authentication failed', at: '2026-01-02T03:04:06.000Z' },
    ];
    const { controller } = testController(s.config, catalogOf(s.config, {}), { docker: fakeDocker(null, lines).docker });
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: controller, intents: controller.intents });
    await focusContainers(app);
    await app.press('/', 'p', 'o', 's', 't', KEY.enter, 'L');
    await app.waitForText('Logs · postgres on workstation');
    const body = paneOnScreen(app.plainFrame(), 'Logs · postgres')?.body.join('\n') ?? '';
    expect(body).toContain('03:04:05 database system is ready to accept connections');
    expect(body).toContain('03:04:06 FATAL: password authentication failed');
    expect(frameProblems(app.plainFrame(), 80, 24)).toEqual([]);
    await app.press(KEY.escape);
    expect(app.plainFrame()).not.toContain('Logs · postgres');
    expect(app.plainFrame()).toContain('Containers');
  });
});

describe('DNS blocking', () => {
  it('D asks "disable blocking on primary and secondary for 5 min?", y does it, and each server\'s outcome is shown', async () => {
    const requests: BlockingRequest[] = [];
    const setBlocking = async (targets: readonly PiholeTarget[], request: BlockingRequest): Promise<BlockingOutcome[]> => {
      requests.push(request);
      return targets.map(
        (t) =>
          ({
            server: t.name,
            ok: true,
            blocking: { state: request.enabled ? 'enabled' : 'disabled', timerSeconds: request.enabled ? null : 300 },
          }) as BlockingOutcome,
      );
    };
    const piholes = [{ name: 'primary' }, { name: 'secondary' }] as unknown as PiholeTarget[];
    const { controller, nudges } = testController(s.config, catalogOf(s.config, {}), { dns: { piholes }, setBlocking });
    const app = await renderApp({ source: source(), setup: s, columns: 200, rows: 50, console: controller, intents: controller.intents });
    await app.press('D');
    await app.waitForText('Disable blocking on primary and secondary for 5 min?');
    await app.press('y');
    await app.waitForText('✔ primary: blocking disabled for 5 min · secondary: blocking disabled for 5 min');
    expect(requests).toEqual([{ enabled: false, forMs: 300_000 }]);
    expect(nudges).toEqual(['dns']);
    await app.press('\x05');
    await app.waitForText('Enable blocking on primary and secondary again?');
    await app.press(KEY.enter);
    await app.waitForText('✔ primary: blocking enabled · secondary: blocking enabled');
  });

  it('is refused in read-only mode with the reason', async () => {
    const piholes = [{ name: 'primary' }] as unknown as PiholeTarget[];
    const { controller } = testController(s.config, catalogOf(s.config, {}), { dns: { piholes }, readOnly: true });
    const app = await renderApp({
      source: source(),
      setup: s,
      columns: 200,
      rows: 50,
      console: controller,
      intents: controller.intents,
      readOnly: true,
    });
    await app.press('D');
    await app.waitForText('Disable blocking on primary for 5 min refused: read-only mode');
  });
});
