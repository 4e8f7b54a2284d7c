// A runbook's inputs asked in the console: a form with the inputs the run uses (defaults and
// HOMEOPS_INPUT_* filled in), arrows between fields, choices cycled, text typed; a bad value is
// said in the form, which stays open with what was typed; the run uses the values; a dangerous
// runbook still asks for its typed id after the form; a part asks only for the inputs it uses.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditStep } from '../../src/model/audit.js';
import { auditLogPath, readAuditLog } from '../../src/runbooks/audit.js';
import { inputsUsed } from '../../src/runbooks/plan.js';
import { catalogOf, cleanupDirs, testController } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  frameProblems,
  paneOnScreen,
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

const KEY = { enter: '\r', escape: '\x1b', tab: '\t', down: '\x1b[B', up: '\x1b[A', left: '\x1b[D', right: '\x1b[C', backspace: '\x7f' };
const s = testSetup();
const panes = await demoPanes('healthy');
const source = () => new FakeSource(snapshot({ panes }));

const restore = [
  'title: Restore a database',
  'inputs:',
  '  database: { type: string, default: homeops, pattern: "[a-z]+", description: the database to restore }',
  '  method: { type: enum, values: [pitr, dump], default: pitr }',
  '  verbose: { type: boolean, default: false }',
  '  unused: { type: string, default: nothing }',
  'steps:',
  '  - id: pick',
  '    run: { host: workstation, command: "echo restoring {{inputs.database}} by {{inputs.method}}", timeout: 30s }',
  '  - id: talk',
  '    when: { input: verbose, is: true }',
  '    note: verbose on',
];

const body = (app: Awaited<ReturnType<typeof renderApp>>, title: string) => paneOnScreen(app.plainFrame(), title)?.body.join('\n') ?? '';

describe('inputs in the console', () => {
  it("only the inputs the run uses, in the runbook's order; a part only its own", () => {
    const [book] = catalogOf(s.config, {
      r: [...restore, 'parts:', '  quick: { title: Quick, steps: [pick] }'],
    }).runbooks;
    expect(inputsUsed(book!)).toEqual(['database', 'method', 'verbose']);
    expect(inputsUsed(book!, 'quick')).toEqual(['database', 'method']);
  });

  it('a form with the defaults; arrows, choices and typing change them; the run uses them', async () => {
    const { controller, env } = testController(s.config, catalogOf(s.config, { restore }));
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.enter);
    await app.waitForText('restore · inputs');
    let frame = app.plainFrame();
    expect(frame).toMatch(/▸ database +homeops▏/);
    expect(frame).toContain('the database to restore');
    expect(frame).toMatch(/method +\[pitr\] +dump/);
    expect(frame).toMatch(/verbose +true +\[false\]/);
    expect(frame).not.toContain('unused');
    expect(frameProblems(frame, 120, 40)).toEqual([]);
    // Keys are text in a text field: q does not quit, 9 does not switch views.
    for (let i = 0; i < 'homeops'.length; i++) await app.press(KEY.backspace);
    for (const key of 'ledgerq9') await app.press(key);
    expect(app.calls.quit).toBe(0);
    await app.press(KEY.down, KEY.right, KEY.down, KEY.left);
    frame = app.plainFrame();
    expect(frame).toMatch(/database +ledgerq9/);
    expect(frame).toMatch(/▸ method +pitr +\[dump\]|method +pitr +\[dump\]/);
    expect(frame).toMatch(/▸ verbose +\[true\] +false/);
    // A value the input does not take: said in the form, which keeps what was typed.
    await app.press(KEY.enter);
    await app.waitForText('database: "ledgerq9" does not match the pattern [a-z]+');
    frame = app.plainFrame();
    // The cursor is on the field at fault.
    expect(frame).toMatch(/▸ database +ledgerq9▏/);
    expect(frame).toMatch(/database +ledgerq9/);
    expect(frame).toMatch(/\[dump\]/);
    await app.press(KEY.backspace, KEY.enter);
    await app.waitForText(/✔ ok in/);
    expect(body(app, 'Runbook restore')).toMatch(/✔ 2\/2 talk +operator +ok/);
    const steps = readAuditLog(auditLogPath(env)).filter((e): e is AuditStep => e.event === 'step');
    expect(steps.map((e) => [e.step, e.state, e.output.trim()])).toEqual([
      ['pick', 'ok', 'restoring ledgerq by dump'],
      ['talk', 'ok', 'verbose on'],
    ]);
    await controller.close();
  });

  it('escape cancels: nothing runs', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, { restore }));
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, console: controller, intents: controller.intents });
    await app.press('b', KEY.enter);
    await app.waitForText('restore · inputs');
    expect(frameProblems(app.plainFrame(), 80, 24)).toEqual([]);
    await app.press(KEY.escape);
    await app.waitForText('restore: not run');
    expect(statusBar(app.plainFrame())).toContain('restore: not run');
    expect(controller.current().run).toBeNull();
    await controller.close();
  });

  it('a dangerous runbook: the form, then its typed id', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, { restore: ['dangerous: true', ...restore] }));
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('b', KEY.enter);
    await app.waitForText('restore · inputs');
    expect(app.plainFrame()).toMatch(/enter +Next/);
    await app.press(KEY.enter);
    await app.waitForText('Run restore · dangerous');
    expect(app.plainFrame()).toContain('inputs: database=homeops method=pitr verbose=false');
    for (const key of 'restore') await app.press(key);
    await app.press(KEY.enter);
    await app.waitForText(/✔ ok in/);
    expect(body(app, 'Runbook restore')).toContain('restoring homeops by pitr');
    await controller.close();
  });
});
