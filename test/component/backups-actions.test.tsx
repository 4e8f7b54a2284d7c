// The backups pane in the console: with the focus, the arrows select a set and its detail comes
// first, Enter opens its full detail and Esc closes it; B runs the verify-backups part of the
// maintenance runbook with the real controller and runner on this machine (asked first, only
// that part's steps, harmless enough for read-only mode), and says so when no runbook has one.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isActive } from '../../src/ui/run-view.js';
import { catalogOf, cleanupDirs, ManualConsole, testController, until } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  focusedPanes,
  paneOnScreen,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

const dumps = mkdtempSync(join(tmpdir(), 'homeops-dumps-'));
afterEach(() => {
  unmountAll();
  cleanupDirs();
});
afterAll(() => {
  cleanupHomes();
  rmSync(dumps, { recursive: true, force: true });
});

const KEY = { enter: '\r', escape: '\x1b', tab: '\t', down: '\x1b[B', up: '\x1b[A' };
const s = testSetup();
const panes = await demoPanes('healthy');
const source = () => new FakeSource(snapshot({ panes }));

type App = Awaited<ReturnType<typeof renderApp>>;

async function focusBackups(app: App): Promise<void> {
  for (let i = 0; i < 8 && !focusedPanes(app.plainFrame()).includes('Backups'); i++) await app.press(KEY.tab);
  expect(focusedPanes(app.plainFrame())).toEqual(['Backups']);
}

/** The pane's lines after its one line per set: the detail blocks. */
function details(app: App): string[] {
  const body = paneOnScreen(app.plainFrame(), 'Backups')?.body ?? [];
  const names = panes.backups.data?.sets.map((set) => set.name) ?? [];
  return body
    .slice(names.length)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
}

describe('the backups pane with the focus', () => {
  const names = panes.backups.data?.sets.map((set) => set.name) ?? [];
  const first = (app: App) => details(app)[0] ?? '';

  it('the arrows select a set and its detail comes first; enter opens its full detail; escape closes it', async () => {
    expect(names.length).toBeGreaterThanOrEqual(3);
    const app = await renderApp({ source: source(), setup: s, columns: 200, rows: 60, console: new ManualConsole() });
    await focusBackups(app);
    expect(first(app)).toMatch(new RegExp(`^${names[0]} `));
    await app.press(KEY.down, KEY.down);
    expect(first(app)).toMatch(new RegExp(`^${names[2]} `));
    await app.press(KEY.up);
    expect(first(app)).toMatch(new RegExp(`^${names[1]} `));
    await app.press(KEY.enter);
    // Where the list and the detail do not both fit, the selected set's line stands alone above it.
    const full = (paneOnScreen(app.plainFrame(), 'Backups')?.body ?? []).join('\n');
    expect(full).toMatch(new RegExp(`^${names[1]} +newest`, 'm'));
    expect(full).toMatch(/every \S+: due after \S+, overdue after \S+/);
    expect(full).toMatch(/read \d\d:\d\d(:\d\d)?/);
    // The full detail is that set's alone.
    for (const other of names.filter((n) => n !== names[1])) expect(full).not.toMatch(new RegExp(`^${other} `, 'm'));
    await app.press(KEY.escape);
    expect(paneOnScreen(app.plainFrame(), 'Backups')?.body.join('\n')).toContain(names[0]);
    expect(details(app).join('\n')).not.toMatch(/due after/);
    // Escape did not leave the pane: the arrows still select.
    await app.press(KEY.down);
    expect(first(app)).toMatch(new RegExp(`^${names[2]} `));
  });

  it('in a small pane: a hint when the block does not fit, and the full detail under the selected set alone', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: new ManualConsole() });
    await focusBackups(app);
    await app.press(KEY.down);
    const body = () => (paneOnScreen(app.plainFrame(), 'Backups')?.body ?? []).map((l) => l.trim()).filter(Boolean);
    expect(body()).toContain(`enter: ${names[1]} in detail`);
    await app.press(KEY.enter);
    const lines = body();
    expect(lines[0]).toMatch(new RegExp(`^\\S+ \\S+ +${names[1]} `));
    expect(lines[1]).toMatch(new RegExp(`^${names[1]} +newest\\b`));
    for (const other of names.filter((n) => n !== names[1])) expect(lines.join('\n')).not.toContain(other);
  });
});

describe('B verifies the backups', () => {
  const dump = join(dumps, 'db-01.dump');
  writeFileSync(dump, 'PGDMP');
  const fresh = new Date(Date.now() - 3_600_000);
  utimesSync(dump, fresh, fresh);
  const maintenance = [
    'title: Maintenance',
    'dangerous: true',
    'steps:',
    '  - id: change',
    '    run: { host: workstation, command: "echo changing things", timeout: 30s }',
    '  - id: dump-fresh',
    `    check: { backup: { host: workstation, path: "${dumps}", glob: "*.dump", maxAge: 1d }, timeout: 10s }`,
    '  - id: verify',
    '    run: { host: workstation, command: "echo readable: 12 tables", timeout: 30s }',
    'parts:',
    '  verify-backups: { title: Verify the backups, steps: [dump-fresh, verify], dangerous: false }',
  ];

  it("asks (no typed id: the part changes nothing), then runs only the part's steps into the run panel", async () => {
    const { controller } = testController(s.config, catalogOf(s.config, { maint: maintenance }));
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('B');
    await app.waitForText('Run maint · verify-backups');
    expect(app.plainFrame()).toContain('2 steps on workstation: dump-fresh, verify');
    await app.press('y');
    await app.waitForText(/✔ ok in/);
    const body = paneOnScreen(app.plainFrame(), 'Runbook maint')?.body.join('\n') ?? '';
    expect(body).toMatch(/✔ 1\/2 dump-fresh\s+workstation\s+ok/);
    expect(body).toMatch(/✔ 2\/2 verify\s+workstation\s+ok/);
    expect(body).toContain('readable: 12 tables');
    expect(body).not.toContain('changing things');
    expect(statusBar(app.plainFrame())).toMatch(/maint · verify-backups: ok in/);
    await controller.close();
  });

  it('works in read-only mode, where the whole runbook is refused', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, { maint: maintenance }), { readOnly: true });
    controller.intents.verifyBackups();
    const asked = await until(controller, (state) => state.prompt !== null);
    expect(asked.prompt).toMatchObject({ kind: 'confirm', title: 'Run maint · verify-backups' });
    controller.intents.answer(asked.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (state) => state.run !== null && !isActive(state.run) && state.message !== null);
    expect(done.run?.status).toBe('ok');
    controller.intents.runRunbook('maint');
    const refused = await until(controller, (state) => state.prompt?.kind === 'notice');
    expect(refused.prompt?.lines.join(' ')).toMatch(/read-only/);
    await controller.close();
  });

  it('a stale dump fails the check, and the run says so', async () => {
    const old = join(dumps, 'old');
    const book = maintenance.map((line) => line.replace(dumps, old));
    const { controller } = testController(s.config, catalogOf(s.config, { maint: book }));
    controller.intents.verifyBackups();
    const asked = await until(controller, (state) => state.prompt !== null);
    controller.intents.answer(asked.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (state) => state.run !== null && !isActive(state.run) && state.message !== null);
    expect(done.run?.status).toBe('failed');
    expect(done.message?.text).toMatch(/maint · verify-backups: FAILED at dump-fresh/);
    await controller.close();
  });

  it('without a runbook that has the part, the status bar says what is missing', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, { other: ['title: Other', 'steps:', '  - { id: a, note: hi }'] }));
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, console: controller, intents: controller.intents });
    await app.press('B');
    await app.waitForText('no runbook has a verify-backups part');
    await controller.close();
  });
});
