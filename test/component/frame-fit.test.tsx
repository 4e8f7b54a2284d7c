// Every view at every size where one of its tiers fits: no line wider than the terminal, no
// more than rows − 1 lines, with the panes and with the help open. FRAME_SIZES picks the sizes;
// frame-fit-edges.test.tsx runs the same checks at each tier's smallest size.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupHomes, cpuEntry, FakeSource, fitCases, frameProblems, gpuEntry, paneOnScreen, renderApp, snapshot, statusBar, testSetup, unmountAll, viewIndex } from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
// A busy estate with two GPUs: the most text the panes show.
const source = new FakeSource(snapshot({ panes: { cpu: cpuEntry(s, 'cpu/7950x-busy.json'), gpu: gpuEntry(s, 'dual-595') } }));

async function checkFits(name: string, columns: number, rows: number): Promise<void> {
  const app = await renderApp({ source, setup: s, columns, rows, view: viewIndex(s, name) });
  expect(statusBar(app.plainFrame())).toContain(`view ${name}/`);
  expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
  // Every pane of the view is on screen with its borders whole.
  for (const title of ['CPU', 'GPU']) {
    const pane = paneOnScreen(app.plainFrame(), title);
    expect(pane, `${title} pane on screen`).toBeDefined();
    expect(pane?.bottom).toMatch(/^[╰┗]/);
  }
  await app.press('?');
  expect(app.plainFrame()).toContain('Help · keys');
  expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
  // Every frame written on the way, not just the last, and every row the terminal was sent.
  for (const frame of app.frames) expect(frameProblems(frame, columns, rows)).toEqual([]);
  expect(app.terminal.problems).toEqual([]);
}

describe('every frame fits the terminal at 80x24, 120x40 and 200x60', () => {
  const cases = fitCases(s.views, [[80, 24], [120, 40], [200, 60]]);

  it('covers every built-in view at each size where it fits', () => {
    const at = (name: string) => cases.filter(([n]) => n === name).map(([, c, r]) => `${c}x${r}`);
    expect(at('workstation')).toEqual(['120x40', '200x60']);
    expect(at('tmux')).toEqual(['80x24', '120x40', '200x60']);
    expect(at('outage')).toEqual(['80x24', '120x40', '200x60']);
  });

  it.each(cases)('%s at %ix%i', checkFits);
});
