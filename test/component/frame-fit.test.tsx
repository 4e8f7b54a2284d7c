// Every view at every size where one of its tiers fits: no line wider than the terminal, no
// more than rows − 1 lines, with the panes and with the help open; at the usual sizes and at
// each tier's smallest size (60x16, 100x30, 160x45), where every column and row is spoken for.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  busyPanes,
  cleanupHomes,
  FakeSource,
  fitCases,
  frameProblems,
  PANE_TITLES,
  type PaneTitle,
  paneOnScreen,
  renderApp,
  snapshot,
  statusBar,
  statusWord,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
// A busy estate with two GPUs and trouble in containers, DNS and VPN: the most text the panes show.
const source = new FakeSource(snapshot({ panes: await busyPanes(s) }));

const ALL: PaneTitle[] = ['CPU', 'Containers', 'GPU', 'DNS', 'VPN', 'Backups'];
/** The panes each view's tiers show (view/tier as the status bar names it). */
const PANES: Record<string, PaneTitle[]> = {
  'workstation/wide': ALL,
  'workstation/normal': ALL,
  'tmux/tall': ALL,
  'tmux/small': ALL,
  // While the workstation is down: can the house resolve names, what still runs, is the VPN up,
  // are the backups there.
  'outage/normal': ['DNS', 'Containers', 'VPN', 'Backups', 'CPU'],
  'outage/small': ['DNS', 'Containers', 'VPN', 'Backups'],
  // A bad day: the services against their budgets, and what they stand on.
  'services/wide': ['Services', 'DNS', 'Containers', 'Backups'],
  'services/normal': ['Services', 'DNS', 'Backups'],
  'services/small': ['Services', 'DNS'],
};

async function checkFits(name: string, columns: number, rows: number): Promise<void> {
  const app = await renderApp({ source, setup: s, columns, rows, view: viewIndex(s, name) });
  const tier = new RegExp(`view (${name}/\\w+)`).exec(statusBar(app.plainFrame()))?.[1] ?? `${name}/?`;
  const expected = PANES[tier];
  expect(expected, `panes of ${tier}`).toBeDefined();
  expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
  // Every pane of the view is on screen with its borders whole and its status word; no other pane is.
  for (const [id, title] of Object.entries(PANE_TITLES) as [keyof typeof PANE_TITLES, PaneTitle][]) {
    const pane = paneOnScreen(app.plainFrame(), title);
    if (!expected?.includes(title)) {
      expect(pane, `${title} pane not in ${tier}`).toBeUndefined();
      continue;
    }
    expect(pane, `${title} pane on screen`).toBeDefined();
    expect(pane?.top).toMatch(new RegExp(` ${statusWord(source.current().panes[id].status)}( \\S+)? [╮┓]$`));
    expect(pane?.bottom).toMatch(/^[╰┗]/);
    expect(pane?.bottom).toMatch(/[╯┛]$/);
  }
  await app.press('?');
  expect(app.plainFrame()).toContain('Help · keys');
  expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
  // Every frame written on the way, not just the last, and every row the terminal was sent.
  for (const frame of app.frames) expect(frameProblems(frame, columns, rows)).toEqual([]);
  expect(app.terminal.problems).toEqual([]);
}

describe('every frame fits the terminal at 80x24, 120x40 and 200x60', () => {
  const cases = fitCases(s.views, [
    [80, 24],
    [120, 40],
    [200, 60],
  ]);

  it('covers every built-in view at each size where it fits', () => {
    const at = (name: string) => cases.filter(([n]) => n === name).map(([, c, r]) => `${c}x${r}`);
    expect(at('workstation')).toEqual(['120x40', '200x60']);
    expect(at('tmux')).toEqual(['80x24', '120x40', '200x60']);
    expect(at('outage')).toEqual(['80x24', '120x40', '200x60']);
    expect(at('services')).toEqual(['80x24', '120x40', '200x60']);
  });

  it.each(cases)('%s at %ix%i', checkFits);
});

describe("every frame fits the terminal at the tiers' smallest sizes", () => {
  const cases = fitCases(s.views, [
    [60, 16],
    [100, 30],
    [160, 45],
  ]);

  it('covers each view at each size where it fits', () => {
    expect(cases.map(([n, c, r]) => `${n} ${c}x${r}`)).toEqual([
      'workstation 100x30',
      'workstation 160x45',
      'tmux 60x16',
      'tmux 100x30',
      'tmux 160x45',
      'outage 60x16',
      'outage 100x30',
      'outage 160x45',
      'services 60x16',
      'services 100x30',
      'services 160x45',
    ]);
  });

  it.each(cases)('%s at %ix%i', checkFits);
});
