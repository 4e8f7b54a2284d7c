// The history of runs in the console, with the real controller and runner on this machine: the
// arrows choose a run, enter shows its steps from the audit log (host, state, time, exit code,
// command, output, why it failed), escape goes back to the history with the same run chosen.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isActive } from '../../src/ui/run-view.js';
import { catalogOf, cleanupDirs, testController, until } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  frameProblems,
  paneOnScreen,
  renderApp,
  snapshot,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

afterEach(() => {
  unmountAll();
  cleanupDirs();
});
afterAll(cleanupHomes);

const KEY = { enter: '\r', escape: '\x1b', down: '\x1b[B', up: '\x1b[A' };
const s = testSetup();
const panes = await demoPanes('healthy');
const source = () => new FakeSource(snapshot({ panes }));

const books = () =>
  catalogOf(s.config, {
    greet: ['title: Greets', 'steps:', '  - { id: hello, run: { host: workstation, command: "echo hello there", timeout: 30s } }'],
    broken: [
      'title: Breaks',
      'steps:',
      '  - { id: first, run: { host: workstation, command: "echo fine", timeout: 30s } }',
      '  - { id: second, run: { host: workstation, command: "echo about to fail; exit 3", timeout: 30s } }',
    ],
  });

describe('the history of runs', () => {
  it('enter on a run shows its steps; escape goes back to the history, the same run chosen', async () => {
    const { controller } = testController(s.config, books());
    // Two runs, the failing one last (the history shows it first).
    for (const id of ['greet', 'broken']) {
      controller.intents.runRunbook(id);
      const asked = await until(controller, (state) => state.prompt !== null);
      controller.intents.answer(asked.prompt?.id ?? -1, 'yes');
      await until(controller, (state) => state.run !== null && !isActive(state.run) && state.run.runbook.id === id);
    }
    controller.intents.closePanel();
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('H');
    await app.waitForText('Runbook history (2 runs, newest first)');
    const history = paneOnScreen(app.plainFrame(), 'Runbook history (2 runs, newest first)')?.body.join('\n') ?? '';
    expect(history).toMatch(/broken +failed at second/);
    expect(history).toMatch(/greet +ok/);
    // The newest is chosen first: enter shows the failed run.
    await app.press(KEY.enter);
    await app.waitForText('Run of broken');
    let detail = paneOnScreen(app.plainFrame(), 'Run of broken')?.body.join('\n') ?? '';
    expect(detail).toMatch(/^failed at second · started .* by \S+@\S+ · /m);
    expect(detail).toMatch(/✔ first +workstation · ok · \S+ · exit 0/);
    expect(detail).toMatch(/✖ second +workstation · failed · \S+ · exit 3/);
    expect(detail).toContain('$ echo about to fail; exit 3');
    expect(detail).toContain('exit 3 (expected 0)');
    expect(detail).toContain('│ about to fail');
    expect(frameProblems(app.plainFrame(), 120, 40)).toEqual([]);
    // Back, then the other run.
    await app.press(KEY.escape);
    await app.waitForText('Runbook history');
    await app.press(KEY.down, KEY.enter);
    await app.waitForText('Run of greet');
    detail = paneOnScreen(app.plainFrame(), 'Run of greet')?.body.join('\n') ?? '';
    expect(detail).toContain('│ hello there');
    await app.press(KEY.escape);
    await app.waitForText('Runbook history');
    // The run chosen before is still chosen.
    await app.press(KEY.enter);
    await app.waitForText('Run of greet');
    await app.press(KEY.escape, KEY.up, KEY.enter);
    await app.waitForText('Run of broken');
    await app.press(KEY.escape, KEY.escape);
    expect(app.plainFrame()).not.toContain('Runbook history');
    await controller.close();
  });
});
