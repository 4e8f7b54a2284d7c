// Layout maths: which view and tier fit a terminal, and the exact rectangle of every pane.
// Pure; the frame it describes never exceeds the terminal.
import type { LayoutNode, Tier, View } from '../config/views.js';
import type { PaneId } from '../model/panes.js';

export type Size = { columns: number; rows: number };
export type Rect = { x: number; y: number; width: number; height: number };
export type PaneRect = Rect & { pane: PaneId };

/** Lines the console keeps for itself below the panes (the status bar). */
export const CHROME_ROWS = 1;

/**
 * Rows the frame may use. Ink 6 clears the whole screen (and scrollback) on every frame once
 * the output is as tall as the terminal, so the frame stays one row short of it.
 */
export function usableRows(size: Size): number {
  return Math.max(0, size.rows - 1);
}

/** Splits `total` cells by fixed sizes first, then by weight; integer sizes that sum to total. */
export function distribute(total: number, parts: readonly { size: number; fixed: number | null }[]): number[] {
  const fixedSum = parts.reduce((sum, p) => sum + (p.fixed ?? 0), 0);
  let free = Math.max(0, total - fixedSum);
  const weightSum = parts.reduce((sum, p) => sum + (p.fixed === null ? p.size : 0), 0);
  const result = parts.map((p) => (p.fixed !== null ? Math.min(p.fixed, total) : 0));
  if (weightSum > 0) {
    const shares = parts.map((p) => (p.fixed === null ? (free * p.size) / weightSum : 0));
    parts.forEach((p, index) => {
      if (p.fixed === null) result[index] = Math.floor(shares[index] ?? 0);
    });
    free -= result.reduce((sum, value, index) => sum + (parts[index]?.fixed === null ? value : 0), 0);
    // Hand the rounding remainder to the largest fractional shares, first come first.
    const order = parts
      .map((p, index) => ({ index, frac: p.fixed === null ? (shares[index] ?? 0) % 1 : -1 }))
      .filter((entry) => entry.frac >= 0)
      .sort((a, b) => b.frac - a.frac);
    for (let i = 0; free > 0 && order.length; i = (i + 1) % order.length, free--) {
      const at = order[i]?.index ?? 0;
      result[at] = (result[at] ?? 0) + 1;
    }
  }
  // Fixed parts larger than the space are cut from the end.
  let over = result.reduce((sum, value) => sum + value, 0) - total;
  for (let index = result.length - 1; over > 0 && index >= 0; index--) {
    const cut = Math.min(over, result[index] ?? 0);
    result[index] = (result[index] ?? 0) - cut;
    over -= cut;
  }
  return result;
}

export type LaidOut =
  | { kind: 'pane'; pane: PaneId; rect: Rect }
  | { kind: 'split'; direction: 'row' | 'column'; rect: Rect; children: LaidOut[] };

/** The layout tree with an exact rectangle on every node. */
export function layoutTree(node: LayoutNode, rect: Rect): LaidOut {
  if ('pane' in node) return { kind: 'pane', pane: node.pane, rect };
  const along = node.direction === 'row' ? rect.width : rect.height;
  const sizes = distribute(along, node.children);
  let offset = 0;
  const children = node.children.map((child, index) => {
    const length = sizes[index] ?? 0;
    const childRect =
      node.direction === 'row'
        ? { x: rect.x + offset, y: rect.y, width: length, height: rect.height }
        : { x: rect.x, y: rect.y + offset, width: rect.width, height: length };
    offset += length;
    return layoutTree(child, childRect);
  });
  return { kind: 'split', direction: node.direction, rect, children };
}

export function flattenPanes(tree: LaidOut): PaneRect[] {
  if (tree.kind === 'pane') return tree.rect.width > 0 && tree.rect.height > 0 ? [{ pane: tree.pane, ...tree.rect }] : [];
  return tree.children.flatMap(flattenPanes);
}

export function layoutPanes(node: LayoutNode, rect: Rect): PaneRect[] {
  return flattenPanes(layoutTree(node, rect));
}

export function tierFits(tier: Tier, size: Size): boolean {
  return size.columns >= tier.minColumns && size.rows >= tier.minRows;
}

export type Placement =
  | { kind: 'view'; view: View; tier: Tier; tree: LaidOut; panes: PaneRect[]; note: string | null }
  | { kind: 'too-small'; message: string };

function place(view: View, tier: Tier, size: Size, note: string | null): Placement {
  const height = Math.max(0, usableRows(size) - CHROME_ROWS);
  const tree = layoutTree(tier.layout, { x: 0, y: 0, width: size.columns, height });
  return { kind: 'view', view, tier, tree, panes: flattenPanes(tree), note };
}

function smallest(view: View): Tier {
  // The config's schema asks for one tier at least.
  const last = view.tiers[view.tiers.length - 1];
  if (!last) throw new Error(`view ${view.name} has no tiers`);
  return last;
}

/**
 * The view to show: the one asked for if one of its tiers fits, else the first automatic view
 * that fits (saying why), else a message naming the size needed.
 */
/**
 * The view and tier for this terminal. `outage` names the view to use on auto while the main
 * host is unreachable (the outage view), with the note saying why.
 */
export function choosePlacement(
  views: readonly View[],
  wanted: View | 'auto',
  size: Size,
  outage?: { view: View; note: string } | null,
): Placement {
  if (wanted !== 'auto') {
    const tier = wanted.tiers.find((t) => tierFits(t, size));
    if (tier) return place(wanted, tier, size, null);
  } else if (outage) {
    const tier = outage.view.tiers.find((t) => tierFits(t, size));
    if (tier) return place(outage.view, tier, size, outage.note);
  }
  for (const view of views) {
    if (!view.auto) continue;
    const tier = view.tiers.find((t) => tierFits(t, size));
    if (tier) {
      const note = wanted === 'auto' ? null : `${wanted.name} needs ${smallest(wanted).minColumns}x${smallest(wanted).minRows}`;
      return place(view, tier, size, note);
    }
  }
  const candidates = wanted === 'auto' ? views.filter((v) => v.auto) : [wanted, ...views.filter((v) => v.auto)];
  const needs = candidates.map(smallest);
  const need = needs.reduce(
    (best, tier) => (tier.minColumns * tier.minRows < best.minColumns * best.minRows ? tier : best),
    needs[0] ?? { minColumns: 60, minRows: 16 },
  );
  // Short enough to be read whole in the small terminal it is shown in.
  return { kind: 'too-small', message: `HomeOps needs ${need.minColumns}x${need.minRows} (now ${size.columns}x${size.rows})` };
}
