// The CPU pane against the allocation plan: every group with its cores and "used/owned", the
// verdicts, and a host with fewer cores than the plan (a 2-core laptop or VM) saying so plainly.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  cleanupHomes,
  cpuEntry,
  FakeSource,
  gpuEntry,
  joinLines,
  paneOnScreen,
  paneText,
  renderApp,
  snapshot,
  testSetup,
  unmountAll,
  wholePane,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
// The reference plan (docs/config.md): groups take physical cores in order.
const PLAN = [
  { name: 'system', cores: '0-1', owned: 2 },
  { name: 'database', cores: '2-5', owned: 4 },
  { name: 'core', cores: '6-9', owned: 4 },
  { name: 'specialized', cores: '10-13', owned: 4 },
  { name: 'burst', cores: '14-15', owned: 2 },
];

const sizes = [
  [80, 24],
  [120, 40],
  [200, 60],
] as const;

function groupRow(body: readonly string[], name: string): string | undefined {
  return body.find((line) => line.startsWith(`${name} `));
}

// At 80x24 the CPU pane has 38 columns (tmux/small puts it beside the DNS pane): the plan table
// drops its bars there, never the verdicts.

describe.each(['cpu/7950x-idle.json', 'cpu/7950x-busy.json'])('a 7950X (%s)', (file) => {
  const entry = cpuEntry(s, file);
  const data = entry.data;
  if (!data) throw new Error(`${file}: no data`);
  const render = (columns: number, rows: number) =>
    renderApp({ source: new FakeSource(snapshot({ panes: { cpu: entry, gpu: gpuEntry(s, 'rtx4080-595') } })), setup: s, columns, rows });

  // Read as a user reads it: what is on screen, then scrolled to the end where the pane is too
  // short for the table (at 80x24 the CPU pane shares its column with the GPU and backups).
  it.each(sizes)('at %ix%i shows every plan group with its cores, used/owned and load', async (columns, rows) => {
    const app = await render(columns, rows);
    const pane = paneOnScreen(app.plainFrame(), 'CPU');
    expect(pane?.top).toContain('CPU · workstation');
    const body = await wholePane(app, 'CPU');
    expect(body.join('\n')).toContain('of 32 threads');
    for (const planned of PLAN) {
      const group = data.plan.groups.find((g) => g.name === planned.name);
      expect(group, planned.name).toBeDefined();
      const row = groupRow(body, planned.name);
      expect(row, `${planned.name} row`).toBeDefined();
      const used = `${group?.usedCores.toFixed(1)}/${planned.owned}`;
      expect(row).toMatch(
        new RegExp(
          `^${planned.name} +${planned.cores} +${used.replace('.', '\\.')} +(?:[█▉▊▋▌▍▎▏░]+ +)?${Math.round(group?.percent ?? -1)}%`,
        ),
      );
      // A load bar where the pane has room for one (not in the 38 columns of an 80x24 split).
      if (columns > 80) expect(row).toMatch(/[█▉▊▋▌▍▎▏░]{4}/);
    }
    // One cell per physical core on the core map, grouped as the plan groups them.
    const map = body.find((line) => line.startsWith('cores '));
    expect(map).toMatch(/^cores [▁-█]{2} [▁-█]{4} [▁-█]{4} [▁-█]{4} [▁-█]{2}  16 cores/);
    if (columns > 80) expect(map).toMatch(/  16 cores × 2 threads/);
    // Nothing is said about a shortfall: this host is the plan's host.
    expect(body.join(' ')).not.toContain('not measurable');
  });

  const verdicts = async (columns: number, rows: number) => {
    const app = await render(columns, rows);
    const body = await wholePane(app, 'CPU');
    for (const planned of PLAN) {
      const group = data.plan.groups.find((g) => g.name === planned.name);
      const row = groupRow(body, planned.name);
      expect(row).toMatch(new RegExp(`${Math.round(group?.percent ?? -1)}% +(ok|OVER|under)\\b`));
      const verdict = group?.verdict === 'over' ? 'OVER' : group?.verdict;
      expect(row?.trimEnd().endsWith(` ${verdict}`), `${planned.name}: ${row}`).toBe(true);
    }
  };
  it.each(sizes)('at %ix%i ends every group row with its verdict', verdicts);

  it('a group over its cores is OVER and raised as a WARN on the pane', async () => {
    const over = data.plan.groups.filter((g) => g.verdict === 'over');
    const source = new FakeSource(snapshot({ panes: { cpu: entry } }));
    const app = await renderApp({ source, setup: s, columns: 120, rows: 40 });
    const pane = paneOnScreen(app.plainFrame(), 'CPU');
    const text = paneText(app.plainFrame(), 'CPU');
    if (over.length === 0) {
      expect(pane?.top).toContain('● ok');
      expect(text).not.toContain('OVER');
      return;
    }
    expect(pane?.top).toContain('▲ WARN');
    for (const group of over) {
      expect(text).toContain(
        `▲ WARN ${group.name} uses ${group.usedCores.toFixed(1)} of ${group.presentCoreIds.length} cores (over 80 % of plan)`,
      );
      expect(groupRow(pane?.body ?? [], group.name)).toMatch(/ OVER\s*$/);
    }
  });
});

describe('a 2-core host (fewer cores than the plan)', () => {
  const entry = cpuEntry(s, 'cpu/2core.json');
  const render = (columns: number, rows: number) =>
    renderApp({ source: new FakeSource(snapshot({ panes: { cpu: entry, gpu: gpuEntry(s, 'rtx4080-595') } })), setup: s, columns, rows });

  it.each(sizes)('at %ix%i says plainly which groups cannot be measured, and still shows system', async (columns, rows) => {
    const app = await render(columns, rows);
    const body = await wholePane(app, 'CPU');
    const text = joinLines(body);
    // The whole sentence, however it wraps, naming every absent group.
    expect(text).toContain('⚠ plan has 16 cores, this host 2: database, core, specialized, burst not measurable here');
    expect(text).toContain('of 2 threads');
    // system owns cores 0-1, both here: measured like on the workstation.
    const system = entry.data?.plan.groups.find((g) => g.name === 'system');
    expect(groupRow(body, 'system')).toMatch(
      new RegExp(`^system +0-1 +${system?.usedCores.toFixed(1).replace('.', '\\.')}/2 +(?:[█▉▊▋▌▍▎▏░]+ +)?\\d+%`),
    );
    // The absent groups have no figures: a dash, not a load of 0.
    for (const name of ['database', 'core', 'specialized', 'burst']) {
      expect(groupRow(body, name), name).toMatch(new RegExp(`^${name} +[\\d-]+ +– `));
    }
  });

  const notHere = async (columns: number, rows: number) => {
    const app = await render(columns, rows);
    const body = await wholePane(app, 'CPU');
    expect(groupRow(body, 'system')).toMatch(/\d+% +(ok|under|OVER)\s*$/);
    // The absent groups are listed as not here, not as idle.
    for (const name of ['database', 'core', 'specialized', 'burst']) expect(groupRow(body, name), name).toMatch(/ – +not here\s*$/);
  };
  it.each(sizes)('at %ix%i says "not here" on the absent groups\' rows, and system\'s verdict', notHere);
});
