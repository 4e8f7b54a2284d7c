// The console at the sizes it is used at: a tmux pane (80x24), a workstation terminal (120x40)
// and a big monitor (200x60): the view and tier suit the size, and resizing between them
// leaves the terminal showing exactly the new frame.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  busyPanes,
  cells,
  cleanupHomes,
  FakeSource,
  focusedPanes,
  frameProblems,
  type PaneTitle,
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
// A busy estate with two GPUs and trouble in containers, DNS and VPN: the most text the panes show.
const panes = await busyPanes(s);
const busy = () => new FakeSource(snapshot({ panes }));

type Size = [columns: number, rows: number];

describe('the view and tier chosen by terminal size', () => {
  // Each column of panes, left to right, each listed top to bottom.
  const WORKSTATION: PaneTitle[][] = [
    ['CPU', 'Containers'],
    ['GPU', 'DNS', 'VPN', 'Backups'],
  ];
  const TMUX_SMALL: PaneTitle[][] = [
    ['CPU', 'GPU', 'Backups'],
    ['DNS', 'Containers', 'VPN'],
  ];
  it.each([
    [120, 40, 'workstation/normal', WORKSTATION],
    [80, 24, 'tmux/small', TMUX_SMALL],
    [200, 60, 'workstation/wide', WORKSTATION],
  ] as const)('%ix%i shows %s with all six panes in place', async (columns, rows, label, layout) => {
    const app = await renderApp({ source: busy(), setup: s, columns, rows });
    const plain = app.plainFrame();
    expect(statusBar(plain)).toContain(`view ${label}`);
    const lines = plain.split('\n');
    // Two columns side by side, each pane starting right below the one above it.
    const [left, right] = layout;
    let x = -1;
    for (const column of [left ?? [], right ?? []]) {
      const shown = column.map((title) => paneOnScreen(plain, title));
      const first = shown[0];
      expect(first?.row, `${column[0]} at the top`).toBe(0);
      expect(first?.column ?? -1, `${column[0]} right of the column before`).toBeGreaterThan(x);
      x = first?.column ?? x;
      shown.forEach((pane, index) => {
        expect(pane, `${column[index]} on screen`).toBeDefined();
        expect(pane?.column, `${column[index]} in the column of ${column[0]}`).toBe(first?.column);
        const above = shown[index - 1];
        if (above) expect(pane?.row, `${column[index]} right below ${column[index - 1]}`).toBe(above.row + above.body.length + 2);
      });
      // The column reaches down to the status bar.
      const last = shown.at(-1);
      expect((last?.row ?? 0) + (last?.body.length ?? 0) + 2, `${column.at(-1)} ends above the status bar`).toBe(rows - 2);
    }
    expect(paneOnScreen(plain, right?.[0] ?? 'GPU')?.column).toBeGreaterThan(10);
    // The panes use the whole terminal: borders reach the last column, the frame the last usable row.
    expect(cells(lines[0] ?? '')).toBe(columns);
    expect(lines).toHaveLength(rows - 1);
  });

  it('below the smallest tier says, on one line that fits, what size is needed', async () => {
    const app = await renderApp({ source: busy(), setup: s, columns: 50, rows: 10 });
    expect(app.plainFrame()).toBe('HomeOps needs 60x16 (now 50x10)');
    // Narrower than the message itself: still one line, cut to the terminal.
    await app.resize(24, 6);
    expect(app.lines()).toHaveLength(1);
    expect(cells(app.lastFrame())).toBeLessThanOrEqual(24);
    expect(app.plainFrame()).toMatch(/^HomeOps needs/);
    // Back to a usable size: the console comes back by itself.
    await app.resize(80, 24);
    expect(statusBar(app.plainFrame())).toContain('view tmux/small');
  });

  it('a view asked for that does not fit falls back to one that does, and says why', async () => {
    const app = await renderApp({ source: busy(), setup: s, columns: 80, rows: 24, view: viewIndex(s, 'workstation') });
    expect(statusBar(app.plainFrame())).toContain('view tmux/small (workstation needs 100x30)');
    // With room, the view asked for is shown.
    await app.resize(120, 40);
    expect(statusBar(app.plainFrame())).toContain('view workstation/normal');
    expect(statusBar(app.plainFrame())).not.toContain('needs');
  });
});

describe('resizing between 80x24, 120x40 and 200x60', () => {
  // Every ordered pair of the three sizes: 80→120→200→80→200→120→80.
  const path: Size[] = [
    [80, 24],
    [120, 40],
    [200, 60],
    [80, 24],
    [200, 60],
    [120, 40],
    [80, 24],
  ];
  const expected: Record<string, string> = { '80x24': 'tmux/small', '120x40': 'workstation/normal', '200x60': 'workstation/wide' };

  it('re-lays out for each size, and what the terminal shows is exactly the new frame', async () => {
    const [first, ...rest] = path;
    const app = await renderApp({ source: busy(), setup: s, columns: first?.[0] ?? 80, rows: first?.[1] ?? 24 });
    for (const [columns, rows] of rest) {
      await app.resize(columns, rows);
      await app.waitFor(
        () => statusBar(app.plainFrame()).includes(`view ${expected[`${columns}x${rows}`]}`),
        `the ${columns}x${rows} layout`,
      );
      expect(frameProblems(app.lastFrame(), columns, rows), `${columns}x${rows}`).toEqual([]);
      expect(cells(app.lines()[0] ?? '')).toBe(columns);
      // The console's screen writer leaves the terminal showing the frame, row for row, and the
      // last row (which the frame never uses) blank.
      expect(app.terminal.screen.slice(0, rows - 1)).toEqual(app.lines());
      expect(app.terminal.screen[rows - 1] ?? '').toBe('');
    }
  });

  it('keeps the focus, help and the chosen view across a resize', async () => {
    const app = await renderApp({ source: busy(), setup: s, columns: 120, rows: 40 });
    await app.press('\t');
    await app.press('\t');
    expect(focusedPanes(app.plainFrame())).toEqual(['GPU']);
    await app.resize(200, 60);
    expect(focusedPanes(app.plainFrame())).toEqual(['GPU']);
    // A view chosen by hand stays chosen while it fits.
    await app.press('3');
    await app.resize(120, 40);
    expect(statusBar(app.plainFrame())).toContain('view outage/normal');
    await app.press('1');
    await app.press('?');
    await app.resize(80, 24);
    expect(app.plainFrame()).toContain('Help · keys');
    expect(frameProblems(app.lastFrame(), 80, 24)).toEqual([]);
  });

  it('keeps the focus on the same pane when the resize changes the layout', async () => {
    const app = await renderApp({ source: busy(), setup: s, columns: 120, rows: 40 });
    await app.press('\t');
    expect(focusedPanes(app.plainFrame())).toEqual(['Containers']);
    await app.resize(80, 24);
    expect(statusBar(app.plainFrame())).toContain('view tmux/small');
    expect(focusedPanes(app.plainFrame())).toEqual(['Containers']);
  });

  // On a resize Ink re-renders the old tree once, laid out for the old size; that frame must not
  // reach a terminal that has shrunk.
  it('never draws outside the terminal while it shrinks', async () => {
    const app = await renderApp({ source: busy(), setup: s, columns: 200, rows: 60 });
    await app.resize(80, 24);
    await app.waitFor(() => statusBar(app.plainFrame()).includes('view tmux/small'), 'the 80x24 layout');
    const problems = app.terminal.problems;
    expect(problems.length, `${problems.length} bad rows drawn, e.g.\n${problems.slice(0, 4).join('\n')}`).toBe(0);
  });
});
