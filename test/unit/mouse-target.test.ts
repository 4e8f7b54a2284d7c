// What a click lands on (src/ui/mouse-target.ts): the panel above the panes, a pane's border and
// inside, the row a line shows once the pane is scrolled, and dialogs over everything. Pure.
import { describe, expect, it } from 'vitest';
import { type ScreenMap, targetAt } from '../../src/ui/mouse-target.js';

/** Two panes side by side below a 5-row panel: cpu (30x10, 20 lines of content) and containers (30x10, rows on lines 1-3). */
function screen(overrides: Partial<ScreenMap> = {}): ScreenMap {
  return {
    areaHeight: 15,
    help: false,
    dialog: false,
    menu: false,
    panelHeight: 5,
    panes: [
      { pane: 'cpu', x: 0, y: 0, width: 30, height: 10 },
      { pane: 'containers', x: 30, y: 0, width: 30, height: 10 },
    ],
    scrollOf: (pane) => (pane === 'cpu' ? 4 : 0),
    contentOf: (pane) =>
      pane === 'containers'
        ? {
            count: 4,
            rows: new Map([
              [1, 'h/a'],
              [2, 'h/b'],
              [3, 'h/c'],
            ]),
          }
        : { count: 20, rows: new Map(Array.from({ length: 20 }, (_, i) => [i, `line ${i}`] as const)) },
    ...overrides,
  };
}

describe('what is under the mouse', () => {
  it('the panel takes the rows above the panes; below it the pane whose rectangle holds the cell', () => {
    expect(targetAt(screen(), 10, 3)).toEqual({ kind: 'panel' });
    // Row 6 is the panes' first row: the border, which shows no row.
    expect(targetAt(screen(), 10, 6)).toEqual({ kind: 'pane', pane: 'cpu', row: null });
    expect(targetAt(screen(), 40, 6)).toEqual({ kind: 'pane', pane: 'containers', row: null });
  });

  it('inside a pane, the row its line shows; the scroll counts', () => {
    // Line 1 of the containers pane's content is on screen row 8 (panel 5, border 1, line 0 on row 7).
    expect(targetAt(screen(), 40, 8)).toEqual({ kind: 'pane', pane: 'containers', row: 'h/a' });
    expect(targetAt(screen(), 40, 10)).toEqual({ kind: 'pane', pane: 'containers', row: 'h/c' });
    expect(targetAt(screen(), 40, 11)).toEqual({ kind: 'pane', pane: 'containers', row: null });
    // The CPU pane is scrolled by 4: its first inside line shows line 4.
    expect(targetAt(screen(), 10, 7)).toEqual({ kind: 'pane', pane: 'cpu', row: 'line 4' });
    // A scroll beyond the end is clamped as the frame clamps it (20 lines, 8 inside: at most 12).
    // A selected row below the window brings it into sight, as the frame draws it: line 15 last.
    expect(
      targetAt(
        screen({
          contentOf: () => ({
            count: 20,
            rows: new Map([
              [8, 'line 8'],
              [15, 'line 15'],
            ]),
            selected: 15,
          }),
          scrollOf: () => 0,
        }),
        10,
        14,
      ),
    ).toEqual({ kind: 'pane', pane: 'cpu', row: 'line 15' });
    expect(targetAt(screen({ scrollOf: () => 50 }), 10, 7)).toEqual({ kind: 'pane', pane: 'cpu', row: 'line 12' });
    // The side borders show no row either.
    expect(targetAt(screen(), 31, 8)).toEqual({ kind: 'pane', pane: 'containers', row: null });
  });

  it('a dialog, the menu and the help are over everything; the status bar and beyond are nothing', () => {
    expect(targetAt(screen({ dialog: true }), 40, 8)).toEqual({ kind: 'dialog' });
    expect(targetAt(screen({ menu: true }), 40, 8)).toEqual({ kind: 'menu' });
    expect(targetAt(screen({ help: true }), 40, 8)).toEqual({ kind: 'help' });
    expect(targetAt(screen(), 40, 16)).toEqual({ kind: 'none' });
    expect(targetAt(screen(), 70, 8)).toEqual({ kind: 'none' });
  });
});
