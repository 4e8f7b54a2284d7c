import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_VIEWS, type LayoutNode, loadView, type View } from '../../src/config/views.js';
import {
  CHROME_ROWS,
  choosePlacement,
  distribute,
  flattenPanes,
  layoutPanes,
  layoutTree,
  type Placement,
  type Rect,
  usableRows,
} from '../../src/ui/layout.js';

// A home with no user files, so only the built-in views are found.
const home = mkdtempSync(join(tmpdir(), 'homeops-layout-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
const views: View[] = BUILTIN_VIEWS.map((name) => loadView(name, env, home));
const byName = (name: string): View => {
  const view = views.find((v) => v.name === name);
  if (!view) throw new Error(`no built-in view ${name}`);
  return view;
};

const weighted = (size: number) => ({ size, fixed: null });
const fixed = (cells: number) => ({ size: 1, fixed: cells });
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('distribute', () => {
  it('splits by weight', () => {
    expect(distribute(100, [weighted(3), weighted(2)])).toEqual([60, 40]);
    expect(distribute(10, [weighted(1), weighted(1)])).toEqual([5, 5]);
    expect(distribute(9, [weighted(1), weighted(2)])).toEqual([3, 6]);
  });

  it('hands out rounding remainders so the parts sum to the total exactly', () => {
    expect(distribute(10, [weighted(1), weighted(1), weighted(1)])).toEqual([4, 3, 3]);
    expect(distribute(11, [weighted(1), weighted(1), weighted(1)])).toEqual([4, 4, 3]);
    expect(distribute(7, [weighted(3), weighted(2)])).toEqual([4, 3]);
    for (let total = 0; total <= 250; total++) {
      for (const parts of [
        [weighted(3), weighted(2)],
        [weighted(1), weighted(1), weighted(1)],
        [weighted(0.5), weighted(7), weighted(2.5), weighted(1)],
      ]) {
        const sizes = distribute(total, parts);
        expect(sum(sizes), `${total} over ${JSON.stringify(parts)}`).toBe(total);
        sizes.forEach((size) => {
          expect(size).toBeGreaterThanOrEqual(0);
        });
        // No part is more than one cell away from its exact share.
        const weights = sum(parts.map((p) => p.size));
        for (const [i, size] of sizes.entries()) expect(Math.abs(size - (total * (parts[i]?.size ?? 0)) / weights)).toBeLessThan(1);
      }
    }
  });

  it('gives fixed parts their cells first and the rest by weight', () => {
    expect(distribute(100, [fixed(20), weighted(1), weighted(3)])).toEqual([20, 20, 60]);
    expect(distribute(50, [weighted(1), fixed(10), weighted(1)])).toEqual([20, 10, 20]);
    for (let total = 0; total <= 120; total++) {
      const sizes = distribute(total, [fixed(12), weighted(2), fixed(3), weighted(1)]);
      expect(sum(sizes)).toBe(total);
      if (total >= 15) expect([sizes[0], sizes[2]]).toEqual([12, 3]);
    }
  });

  it('never hands out more than the space when fixed parts are larger than it', () => {
    expect(distribute(10, [fixed(8), fixed(8)])).toEqual([8, 2]);
    expect(distribute(10, [fixed(15), weighted(1)])).toEqual([10, 0]);
    expect(distribute(10, [weighted(1), fixed(30)])).toEqual([0, 10]);
    expect(distribute(0, [fixed(4), weighted(1)])).toEqual([0, 0]);
    for (let total = 0; total <= 40; total++) {
      const sizes = distribute(total, [fixed(9), weighted(1), fixed(14), weighted(2)]);
      expect(sum(sizes)).toBe(total);
      for (const size of sizes) expect(size).toBeGreaterThanOrEqual(0);
    }
  });
});

/** Why the rectangles do not tile `area` exactly (inside it, disjoint, covering it), or null. */
function tilingProblem(panes: readonly Rect[], area: Rect): string | null {
  for (const p of panes) {
    if (p.width <= 0 || p.height <= 0) return `${JSON.stringify(p)} is empty`;
    if (p.x < area.x || p.y < area.y || p.x + p.width > area.x + area.width || p.y + p.height > area.y + area.height) {
      return `${JSON.stringify(p)} is outside ${JSON.stringify(area)}`;
    }
  }
  for (let i = 0; i < panes.length; i++) {
    for (let j = i + 1; j < panes.length; j++) {
      const a = panes[i]!;
      const b = panes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
        return `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`;
      }
    }
  }
  // Inside and disjoint, so equal area means every cell is covered.
  const covered = sum(panes.map((p) => p.width * p.height));
  return covered === area.width * area.height ? null : `covers ${covered} of ${area.width * area.height} cells`;
}

function panesOf(node: LayoutNode): string[] {
  return 'pane' in node ? [node.pane] : node.children.flatMap(panesOf);
}

describe('layoutTree and flattenPanes', () => {
  it('place children side by side in a row and stacked in a column', () => {
    const node: LayoutNode = {
      direction: 'row',
      size: 1,
      fixed: null,
      children: [
        { pane: 'cpu', size: 3, fixed: null },
        {
          direction: 'column',
          size: 2,
          fixed: null,
          children: [
            { pane: 'gpu', size: 1, fixed: 3 },
            { pane: 'cpu', size: 1, fixed: null },
          ],
        },
      ],
    };
    const panes = layoutPanes(node, { x: 2, y: 1, width: 100, height: 20 });
    expect(panes).toEqual([
      { pane: 'cpu', x: 2, y: 1, width: 60, height: 20 },
      { pane: 'gpu', x: 62, y: 1, width: 40, height: 3 },
      { pane: 'cpu', x: 62, y: 4, width: 40, height: 17 },
    ]);
    const tree = layoutTree(node, { x: 2, y: 1, width: 100, height: 20 });
    expect(tree.rect).toEqual({ x: 2, y: 1, width: 100, height: 20 });
    expect(flattenPanes(tree)).toEqual(panes);
  });

  it('leaves out panes squeezed to nothing instead of drawing them zero-sized', () => {
    const node: LayoutNode = {
      direction: 'column',
      size: 1,
      fixed: null,
      children: [
        { pane: 'cpu', size: 1, fixed: 10 },
        { pane: 'gpu', size: 1, fixed: null },
      ],
    };
    expect(layoutPanes(node, { x: 0, y: 0, width: 30, height: 8 })).toEqual([{ pane: 'cpu', x: 0, y: 0, width: 30, height: 8 }]);
  });

  it('tiles the area exactly, without overlap, for every built-in view and tier at every size from 60x16 to 220x70', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const view of views) {
      for (const tier of view.tiers) {
        const expected = panesOf(tier.layout).sort();
        for (let columns = 60; columns <= 220; columns++) {
          for (let rows = 16; rows <= 70; rows++) {
            const area = { x: 0, y: 0, width: columns, height: rows };
            const panes = layoutPanes(tier.layout, area);
            const what = `${view.name}/${tier.name} at ${columns}x${rows}`;
            const problem = tilingProblem(panes, area);
            if (problem) failures.push(`${what}: ${problem}`);
            // Every pane the tier names is on screen.
            const shown = panes.map((p) => p.pane).sort();
            if (shown.join() !== expected.join()) failures.push(`${what}: shows ${shown.join()} of ${expected.join()}`);
            checked++;
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(40_000);
  });
});

describe('usableRows', () => {
  it('keeps the frame one row shorter than the terminal (Ink clears scrollback on full-height frames)', () => {
    expect(usableRows({ columns: 80, rows: 24 })).toBe(23);
    expect(usableRows({ columns: 80, rows: 0 })).toBe(0);
  });
});

function placed(placement: Placement) {
  if (placement.kind !== 'view') throw new Error(`expected a view, got: ${placement.message}`);
  return placement;
}

describe('choosePlacement', () => {
  it('picks the workstation view on a 120x40 terminal', () => {
    const p = placed(choosePlacement(views, 'auto', { columns: 120, rows: 40 }));
    expect(p.view.name).toBe('workstation');
    expect(p.tier.name).toBe('normal');
    expect(p.note).toBeNull();
  });

  it('picks the wide workstation tier on a 200x60 monitor', () => {
    const p = placed(choosePlacement(views, 'auto', { columns: 200, rows: 60 }));
    expect(p.view.name).toBe('workstation');
    expect(p.tier.name).toBe('wide');
  });

  it('picks the tmux view in an 80x24 tmux pane', () => {
    const p = placed(choosePlacement(views, 'auto', { columns: 80, rows: 24 }));
    expect(p.view.name).toBe('tmux');
    expect(p.panes.map((pane) => pane.pane)).toEqual(['cpu', 'gpu', 'backups', 'dns', 'containers', 'vpn']);
  });

  it('switches to the outage view on auto while the main host is unreachable, and says why', () => {
    const outage = { view: byName('outage'), note: 'workstation unreachable since 14:02' };
    const p = placed(choosePlacement(views, 'auto', { columns: 120, rows: 40 }, outage));
    expect(p.view.name).toBe('outage');
    expect(p.note).toBe('workstation unreachable since 14:02');
    expect(p.panes.map((pane) => pane.pane)[0]).toBe('dns');
    // A view the operator chose stays.
    expect(placed(choosePlacement(views, byName('workstation'), { columns: 120, rows: 40 }, outage)).view.name).toBe('workstation');
    // Too small for the outage view: the usual automatic choice.
    expect(placed(choosePlacement(views, 'auto', { columns: 60, rows: 15 + 1 }, null)).view.name).toBe('tmux');
  });

  it('never chooses a view that is not marked auto', () => {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 120, rows: 40 },
      { columns: 250, rows: 80 },
    ]) {
      expect(placed(choosePlacement(views, 'auto', size)).view.name).not.toBe('outage');
    }
  });

  it('says which size is needed when nothing fits', () => {
    const p = choosePlacement(views, 'auto', { columns: 50, rows: 10 });
    expect(p).toEqual({ kind: 'too-small', message: 'HomeOps needs 60x16 (now 50x10)' });
    // Wide enough but too short is still too small.
    expect(choosePlacement(views, 'auto', { columns: 200, rows: 15 }).kind).toBe('too-small');
  });

  it('shows a pinned view when one of its tiers fits', () => {
    const p = placed(choosePlacement(views, byName('outage'), { columns: 80, rows: 24 }));
    expect(p.view.name).toBe('outage');
    expect(p.tier.name).toBe('normal');
    expect(p.note).toBeNull();
  });

  it('falls back to an automatic view with a note when the pinned view does not fit', () => {
    const p = placed(choosePlacement(views, byName('workstation'), { columns: 80, rows: 24 }));
    expect(p.view.name).toBe('tmux');
    expect(p.note).toBe('workstation needs 100x30');
  });

  it('names a size that is really needed when a pinned view and its fallbacks do not fit', () => {
    // The pinned view falls back to the automatic ones, so the smallest of those is what is
    // needed: at 80x24 the console shows the tmux view, so "needs 100x30" would be untrue.
    for (const pinned of views) {
      const p = choosePlacement(views, pinned, { columns: 50, rows: 10 });
      if (p.kind !== 'too-small') throw new Error(`${pinned.name} fits 50x10`);
      const match = /needs (\d+)x(\d+) \(now 50x10\)$/.exec(p.message);
      expect(match, p.message).not.toBeNull();
      const columns = Number(match?.[1]);
      const rows = Number(match?.[2]);
      expect(choosePlacement(views, pinned, { columns, rows }).kind, `${pinned.name}: ${p.message}`).toBe('view');
      expect(choosePlacement(views, pinned, { columns: columns - 1, rows: 300 }).kind, `${pinned.name}: ${p.message}`).toBe('too-small');
      expect(choosePlacement(views, pinned, { columns: 1000, rows: rows - 1 }).kind, `${pinned.name}: ${p.message}`).toBe('too-small');
    }
    const custom: View = {
      ...byName('workstation'),
      name: 'big',
      auto: false,
      tiers: [{ ...byName('workstation').tiers[0]!, minColumns: 150, minRows: 45 }],
    };
    const none = choosePlacement([custom], custom, { columns: 100, rows: 30 });
    expect(none).toEqual({ kind: 'too-small', message: 'HomeOps needs 150x45 (now 100x30)' });
  });

  it('fills the terminal less the status bar and the row Ink needs, at every size', () => {
    const failures: string[] = [];
    for (let columns = 40; columns <= 220; columns += 3) {
      for (let rows = 8; rows <= 70; rows++) {
        for (const wanted of ['auto', ...views] as const) {
          const p = choosePlacement(views, wanted, { columns, rows });
          const what = `${typeof wanted === 'string' ? wanted : wanted.name} at ${columns}x${rows}`;
          if (p.kind === 'too-small') {
            if (columns >= 60 && rows >= 16) failures.push(`${what}: too small, but the tmux view fits`);
            continue;
          }
          const area = { x: 0, y: 0, width: columns, height: usableRows({ columns, rows }) - CHROME_ROWS };
          const problem = tilingProblem(p.panes, area);
          if (problem) failures.push(`${what}: ${problem}`);
          if (JSON.stringify(p.tree.rect) !== JSON.stringify(area)) failures.push(`${what}: tree rect ${JSON.stringify(p.tree.rect)}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
