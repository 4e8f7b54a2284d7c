// What is under a cell of the terminal, for a click or the wheel. Pure: it reads the frame's
// layout as the App drew it (the panel on top, the panes' rectangles below it, the help or a
// dialog over everything) and asks a pane's content which row a line shows.
import type { PaneId } from '../model/panes.js';
import { maxScroll, scrollInSight } from './frame.js';
import type { MouseTarget } from './interaction.js';
import type { PaneRect } from './layout.js';

export type ScreenMap = {
  /** Rows of the pane area (the status bar is below them). */
  areaHeight: number;
  help: boolean;
  /** A dialog is open (it answers the keyboard only). */
  dialog: boolean;
  menu: boolean;
  /** Rows the open panel takes at the top of the area (0: none). */
  panelHeight: number;
  /** The panes, their rectangles counted from the top of the area below the panel. */
  panes: readonly PaneRect[];
  /** The pane's scroll offset as the key handler keeps it. */
  scrollOf(pane: PaneId): number;
  /**
   * The content of a pane drawn `inner` cells wide and `innerHeight` lines tall: how many lines
   * it has, which selectable row a line shows, and the selected row's line (kept in sight).
   */
  contentOf(
    pane: PaneId,
    inner: number,
    innerHeight: number,
  ): { count: number; rows?: ReadonlyMap<number, string> | undefined; selected?: number | undefined };
};

/** The target at cell (x, y), both counted from 1 as mouse reports count them. */
export function targetAt(map: ScreenMap, x: number, y: number): MouseTarget {
  const column = x - 1;
  const row = y - 1;
  if (row < 0 || row >= map.areaHeight || column < 0) return { kind: 'none' };
  if (map.dialog) return { kind: 'dialog' };
  if (map.menu) return { kind: 'menu' };
  if (map.help) return { kind: 'help' };
  if (row < map.panelHeight) return { kind: 'panel' };
  const inPanes = row - map.panelHeight;
  const rect = map.panes.find((p) => column >= p.x && column < p.x + p.width && inPanes >= p.y && inPanes < p.y + p.height);
  if (!rect) return { kind: 'none' };
  // The border is the pane's but shows no row; the box needs 4x2 cells to have an inside.
  const line = inPanes - rect.y - 1;
  const inside =
    rect.width >= 4 && rect.height >= 2 && line >= 0 && line < rect.height - 2 && column > rect.x && column < rect.x + rect.width - 1;
  if (!inside) return { kind: 'pane', pane: rect.pane, row: null };
  const content = map.contentOf(rect.pane, rect.width - 2, rect.height - 2);
  if (!content.rows) return { kind: 'pane', pane: rect.pane, row: null };
  // The frame keeps the selection in sight and clamps the scroll the same way (src/ui/frame.ts).
  const scroll = Math.min(
    Math.max(0, scrollInSight(map.scrollOf(rect.pane), content.selected, rect.height)),
    maxScroll(content.count, rect.height),
  );
  return { kind: 'pane', pane: rect.pane, row: content.rows.get(line + scroll) ?? null };
}
