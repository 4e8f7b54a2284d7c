// The frame-fit checks at each tier's smallest size (60x16, 100x30, 160x45), where every
// column and row is spoken for.
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

describe('every frame fits the terminal at the tiers\' smallest sizes', () => {
  const cases = fitCases(s.views, [[60, 16], [100, 30], [160, 45]]);

  it('covers each view at each size where it fits', () => {
    expect(cases.map(([n, c, r]) => `${n} ${c}x${r}`)).toEqual([
      'workstation 100x30', 'workstation 160x45', 'tmux 60x16', 'tmux 100x30', 'tmux 160x45', 'outage 60x16', 'outage 100x30', 'outage 160x45',
    ]);
  });

  it.each(cases)('%s at %ix%i', checkFits);
});
