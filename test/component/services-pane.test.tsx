// The services pane in the services view, from the demo scenarios of a bad day through the real
// replay, probe and assessment: outages against their recovery budgets, the slow and erroring
// API gateway, the certificate close to expiry; at 80, 120 and 200 columns.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServicesReading } from '../../src/model/services.js';
import { serviceNames } from '../../src/ui/panes/services.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  focusPane,
  frameProblems,
  paneOnScreen,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const failure = await demoPanes('primary-failure');
const degraded = await demoPanes('services-degraded');
const healthy = await demoPanes('healthy');

async function servicesPane(panes: typeof failure, columns: number, rows: number) {
  const app = await renderApp({ source: new FakeSource(snapshot({ panes })), setup: s, columns, rows, view: viewIndex(s, 'services') });
  expect(statusBar(app.plainFrame())).toContain('view services/');
  expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
  const pane = paneOnScreen(app.plainFrame(), 'Services');
  expect(pane, 'the services pane on screen').toBeDefined();
  return { top: pane?.top ?? '', body: (pane?.body ?? []).map((l) => l.trimEnd()) };
}

const row = (body: string[], name: string) => body.find((l) => new RegExp(`^. ${name} +P\\d`).test(l));

describe("primary-failure: the workstation's services down, budgets counting", () => {
  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
  ] as const)('at %ix%i a down service reads DOWN 3m12s of its budget, with why', async (columns, rows) => {
    const { top, body } = await servicesPane(failure, columns, rows);
    expect(top).toMatch(/Services · 1\/13 up .* WARN [╮┓]$/);
    // Priority 1 first (past half of 5 minutes), then priority 2 (30 minutes), and so on.
    expect(row(body, 'dns-primary')).toMatch(/^✖ dns-primary +P1  DOWN 3m12s of 5m · no answer within 5s/);
    expect(row(body, 'auth')).toMatch(/^✖ auth +P1  DOWN 3m12s of 5m/);
    expect(row(body, 'postgres')).toMatch(/P2  DOWN 3m12s of 30m/);
    const order = ['dns-primary', 'auth', 'health', 'central-agent'].map((name) => body.indexOf(row(body, name) ?? ''));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The NAS's standby authentication says why it is down: it is expected to be.
    if (rows >= 40) expect(row(body, 'nas-auth')).toMatch(/standby: runs after a failover/);
  });
});

describe('services-degraded: slow, erroring, a certificate about to expire', () => {
  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
  ] as const)(
    "at %ix%i the gateway's p95 and error rate and auth's certificate days are shown, and why they warn",
    async (columns, rows) => {
      const { top, body } = await servicesPane(degraded, columns, rows);
      expect(top).toMatch(/Services · 13\/13 up .* WARN [╮┓]$/);
      // Its response times are drawn from 420ms to 1.9s, one check in six a 502.
      const ms = String.raw`(\d+ms|\d+(\.\d)?s)`;
      expect(row(body, 'api-gateway')).toMatch(new RegExp(String.raw`^▲ api-gateway +P2 +core +${ms} +${ms} +${ms} +\d+% +\d+%$`));
      expect(row(body, 'auth')).toMatch(/^▲ auth +P1 +core .* 0% +0% +(4|5)d$/);
      // Why they warn, in words, where the pane has the rows (at 80x24 the figures' row only).
      if (rows < 40) return;
      expect(body.join('\n')).toMatch(/api-gateway slow: p95 (\d+ms|\d(\.\d)?s) over 5m \(above 500ms\)/);
      expect(body.join('\n')).toMatch(/api-gateway erroring: \d+% of checks failed over 5m/);
      expect(body.join('\n')).toMatch(/auth certificate expires in (4d|5d|1\d\dh)/);
    },
  );

  it("at 120 columns the header names the figures, the hour's among them", async () => {
    const { body } = await servicesPane(degraded, 120, 40);
    expect(body.find((l) => l.startsWith('service'))).toMatch(/^service +P +group +last +p95 5m +1h +err 5m +1h +cert$/);
  });
});

it('healthy: every service up, nothing warns', async () => {
  const { top, body } = await servicesPane(healthy, 120, 40);
  expect(top).toMatch(/Services · 13\/13 up .* ● ok [╮┓]$/);
  expect(body.filter((l) => /^[▲▼✖]/.test(l))).toEqual([]);
});

describe('the selection, with the focus', () => {
  /** The row of `name` on screen in reverse video (the selected one), in the raw frame. */
  const markedRow = (frame: string, name: string) =>
    frame.split('\n').some((line) => new RegExp(`\\x1b\\[7m[^│┃]*${name} +P\\d`).test(line));

  it('at 80x24, where the pane is shorter than its rows, the selected row is kept in sight as it moves past the window', async () => {
    const names = serviceNames(healthy.services.data as ServicesReading);
    const last = names.at(-1) ?? '';
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: healthy })),
      setup: s,
      columns: 80,
      rows: 24,
      view: viewIndex(s, 'services'),
    });
    await focusPane(app, 'Services');
    // The last service is below the window until the selection gets there.
    expect(paneOnScreen(app.plainFrame(), 'Services')?.body.some((l) => l.includes(` ${last} `))).toBe(false);
    expect(markedRow(app.lastFrame(), names[0] ?? '')).toBe(true);
    for (let i = 1; i < names.length; i++) await app.press('\x1b[B');
    await app.waitFor(() => markedRow(app.lastFrame(), last), `${last} marked on screen`);
    expect(paneOnScreen(app.plainFrame(), 'Services')?.body.some((l) => new RegExp(`^. ${last} +P\\d`).test(l))).toBe(true);
    expect(frameProblems(app.lastFrame(), 80, 24)).toEqual([]);
    // Home: back to the first, at the top again.
    await app.press('\x1b[H');
    await app.waitFor(() => markedRow(app.lastFrame(), names[0] ?? ''), `${names[0]} marked again`);
    expect(paneOnScreen(app.plainFrame(), 'Services')?.body.some((l) => l.includes(` ${last} `))).toBe(false);
  });
});
