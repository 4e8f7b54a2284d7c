// Where a key goes (src/ui/interaction.ts): the layers in order, text prompts, Ctrl-C during a
// run, and the effects each key asks for. Pure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymaps.js';
import type { RunHistoryEntry } from '../../src/model/audit.js';
import { type ConsoleState, INITIAL_CONSOLE_STATE, type Prompt } from '../../src/ui/console-state.js';
import { INITIAL_INTERACTION, type Interaction, type KeyPress, type RouteContext, routeKey } from '../../src/ui/interaction.js';
import { startingRun } from '../../src/ui/run-view.js';
import { initialUiState, type UiState } from '../../src/ui/state.js';
import { containerRow, readingOf } from '../helpers/container-rows.js';

const home = mkdtempSync(join(tmpdir(), 'homeops-interaction-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keymap = loadKeymap('default', { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, home);

const key = (name: string): KeyPress => ({ name, text: name.length === 1 ? name : null });

function context(console: Partial<ConsoleState> = {}, focused: RouteContext['focused'] = 'cpu'): RouteContext {
  return {
    keymap,
    console: { ...INITIAL_CONSOLE_STATE, ...console },
    uiContext: { paneIds: ['cpu', 'containers', 'gpu'], viewCount: 3, shownView: 0, page: 10 },
    focused,
    containers: null,
    backupSets: null,
    serviceNames: null,
    page: 10,
  };
}

/** Presses keys in order; returns the final state and every effect. */
function press(names: string[], ctx: RouteContext, start: { ui?: UiState; ix?: Interaction } = {}) {
  let ui = start.ui ?? initialUiState('auto');
  let ix = start.ix ?? INITIAL_INTERACTION;
  const effects = [];
  for (const name of names) {
    const routed = routeKey(ui, ix, key(name), ctx);
    ui = routed.ui;
    ix = routed.ix;
    effects.push(...routed.effects);
  }
  return { ui, ix, effects };
}

const running = {
  run: { ...startingRun({ id: 'slow', title: 'Slow', dangerous: false }, 0), status: 'running' as const },
  panel: { kind: 'run' as const },
};
const confirm: Prompt = { id: 3, kind: 'confirm', title: 't', lines: [], yes: 'Yes', no: 'No', danger: false };
const typed: Prompt = { id: 4, kind: 'typed', title: 't', lines: [], expect: 'failback' };

describe('routeKey', () => {
  it('a dialog takes every key: y and enter are yes, n and escape no; q, ?, tab do nothing', () => {
    const ctx = context({ prompt: confirm });
    expect(press(['q', '?', 'tab', 'b', 'r'], ctx)).toEqual({ ui: initialUiState('auto'), ix: INITIAL_INTERACTION, effects: [] });
    expect(press(['y', 'enter', 'n', 'escape'], ctx).effects.map((e) => (e.type === 'answer' ? e.answer : e.type))).toEqual([
      'yes',
      'yes',
      'no',
      'no',
    ]);
  });

  it('a typed dialog edits text and answers yes only for the exact text', () => {
    const ctx = context({ prompt: typed });
    const wrong = press(['f', 'a', 'i', 'l', 'enter'], ctx);
    expect(wrong.effects).toEqual([]);
    expect(wrong.ix.typed).toEqual({ promptId: 4, text: 'fail', wrong: true });
    const right = press(['b', 'a', 'c', 'k', 'enter'], ctx, { ix: wrong.ix });
    expect(right.effects).toEqual([{ type: 'answer', promptId: 4, answer: 'yes' }]);
    expect(press(['x', 'backspace', 'escape'], ctx).effects).toEqual([{ type: 'answer', promptId: 4, answer: 'no' }]);
  });

  it('Ctrl-C quits, but during a run it aborts first; once aborting it quits', () => {
    expect(press(['ctrl+c'], context()).effects).toEqual([{ type: 'quit' }]);
    expect(press(['ctrl+c'], context(running)).effects).toEqual([{ type: 'abort' }]);
    expect(press(['ctrl+c'], context({ ...running, run: { ...running.run, aborting: true } })).effects).toEqual([{ type: 'quit' }]);
    // Also with the run's confirm step asking.
    expect(press(['ctrl+c'], context({ ...running, prompt: confirm })).effects).toEqual([{ type: 'abort' }]);
  });

  it('the run panel: escape aborts, q only says how; when it is over both close it', () => {
    expect(press(['escape'], context(running)).effects).toEqual([{ type: 'abort' }]);
    expect(press(['q'], context(running)).effects).toEqual([
      { type: 'notify', text: 'slow is running: esc aborts it, ctrl+c twice quits', tone: 'warn' },
    ]);
    const over = { ...running, run: { ...running.run, status: 'ok' as const } };
    expect(press(['escape', 'q'], context(over)).effects).toEqual([{ type: 'close-panel' }, { type: 'close-panel' }]);
  });

  it('the menu: b opens it (and asks for the runbooks), arrows pick, enter runs, d dry run, escape closes', () => {
    const catalog = ['a', 'b', 'c'].map((id) => ({ id, title: id, dangerous: false, unavailable: null, hosts: [], steps: 1 }));
    const ctx = context({ catalog });
    const opened = press(['b'], ctx);
    expect(opened.ix.menu).toEqual({ index: 0 });
    expect(opened.effects).toEqual([{ type: 'load-runbooks' }]);
    expect(press(['b', 'down', 'down', 'down', 'enter'], ctx).effects.at(-1)).toEqual({ type: 'run', id: 'c' });
    expect(press(['b', 'end', 'up', 'd'], ctx).effects.at(-1)).toEqual({ type: 'dry-run', id: 'b' });
    const closed = press(['b', 'escape'], ctx);
    expect(closed.ix.menu).toBeNull();
    expect(press(['b', 'q'], ctx).effects).not.toContainEqual({ type: 'quit' });
  });

  it('action keys ask for effects; container keys need the containers pane', () => {
    expect(press(['D', 'ctrl+e', 'H', 'F'], context()).effects).toEqual([
      { type: 'blocking', enabled: false },
      { type: 'blocking', enabled: true },
      { type: 'history' },
      { type: 'run', id: 'dns-failover' },
    ]);
    expect(press(['ctrl+r'], context()).effects[0]).toMatchObject({
      type: 'notify',
      text: expect.stringMatching(/focus the containers pane/),
    });
    expect(press(['ctrl+r'], context({}, 'containers')).effects[0]).toMatchObject({ type: 'notify', text: 'no containers read yet' });
    // E: a shell in the selected container, as in lazydocker (the containers pane focused).
    const reading = readingOf([containerRow('api-gateway')]);
    expect(press(['E'], { ...context({}, 'containers'), containers: reading }).effects).toEqual([
      { type: 'shell', target: { host: 'workstation', id: reading.containers[0]?.id, name: 'api-gateway' } },
    ]);
    expect(press(['E'], context()).effects[0]).toMatchObject({ type: 'notify', text: expect.stringMatching(/focus the containers pane/) });
  });

  it('other keys still reach the panes (focus, views, help)', () => {
    const { ui } = press(['tab', '?'], context());
    expect(ui.focus).toBe('containers');
    expect(ui.help).toBe(true);
  });
});

// With a panel, the help, a form, a dialog or a detail open, keys act on it alone: nothing
// beneath it (the panes' selection, a filter not on screen, the view, a container action) moves.
describe('an open panel owns the keyboard', () => {
  const rows = ['api-gateway', 'nginx', 'postgres'].map((name) => containerRow(name));
  const reading = readingOf(rows);
  const entry: RunHistoryEntry = {
    kind: 'run',
    runId: 'r1',
    runbook: 'dns-failover',
    what: null,
    part: null,
    user: 'u',
    machine: 'm',
    startedAt: '2026-01-01T00:00:00Z',
    endedAt: null,
    status: 'unfinished',
    durationMs: null,
    failedStep: null,
    message: null,
    steps: 1,
    resumed: false,
  };
  const history = { kind: 'history' as const, error: null, entries: [entry] };
  const panels: [string, Partial<ConsoleState>][] = [
    [
      'the logs',
      { panel: { kind: 'logs', container: 'api-gateway', host: 'workstation', lines: [], state: 'following', error: null, dropped: 0 } },
    ],
    ['a run in progress', running],
    ['a finished run', { ...running, run: { ...running.run, status: 'ok' } }],
    ['the history', { panel: history }],
    ["a run's detail", { panel: { kind: 'run-detail', run: entry, entries: [], error: null, back: history } }],
    ['a dry run', { panel: { kind: 'dry-run', runbook: 'dns-failover', title: 'DNS failover', lines: ['step'] } }],
  ];
  const keymaps = ['default', 'vim'].map((name) => loadKeymap(name, { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, home));
  // What a panel may ask for: its own scrolling, closing, aborting, opening a run from the history, a hint.
  const allowed = new Set(['notify', 'close-panel', 'abort', 'run-detail', 'refresh', 'redraw', 'logs-save', 'logs-since']);

  for (const [what, consoleState] of panels) {
    it(`${what}: no key reaches the containers pane beneath it`, () => {
      for (const map of keymaps) {
        const ctx = { ...context(consoleState, 'containers'), keymap: map, containers: reading };
        for (const name of new Set([...map.byKey.keys(), ...map.logsByKey.keys()])) {
          if (name === 'ctrl+c') continue;
          // The help may open over the panel (it then owns the keys itself).
          if (map.byKey.get(name) === 'help') continue;
          const start = {
            ix: { ...INITIAL_INTERACTION, containers: { ...INITIAL_INTERACTION.containers, selected: 'workstation/api-gateway' } },
          };
          const routed = press([name], ctx, start);
          for (const effect of routed.effects) expect(allowed.has(effect.type), `${map.name}: ${name} → ${effect.type}`).toBe(true);
          expect(routed.ix.containers, `${map.name}: ${name}`).toEqual(start.ix.containers);
          expect(routed.ui.view, `${map.name}: ${name}`).toBe('auto');
          expect(routed.ui.focus, `${map.name}: ${name}`).toBeNull();
          expect(routed.ui.scroll, `${map.name}: ${name}`).toEqual({});
        }
      }
    });
  }

  it('the reported leak: in the logs of api-gateway, /ngi then S stops nothing and moves no selection', () => {
    const ctx = { ...context(panels[0]?.[1], 'containers'), containers: reading };
    const routed = press(['/', 'n', 'g', 'i', 'S'], ctx);
    expect(routed.ix.containers.filtering).toBe(false);
    expect(routed.ix.containers.filter).toBe('');
    expect(routed.effects.filter((e) => e.type !== 'notify')).toEqual([]);
  });

  it('the help owns the keyboard too: action keys do nothing while it is open', () => {
    const ctx = { ...context({}, 'containers'), containers: reading };
    const routed = press(['?', '/', 'S', 'D', 'F', 'b'], ctx);
    expect(routed.effects).toEqual([]);
    expect(routed.ix.containers).toEqual(INITIAL_INTERACTION.containers);
    expect(routed.ix.menu).toBeNull();
  });

  it("a container's detail: the filter and the sort wait until it closes", () => {
    const ctx = { ...context({}, 'containers'), containers: reading };
    const routed = press(['enter', '/', 's'], ctx);
    expect(routed.ix.containers.detail).toBe(true);
    expect(routed.ix.containers.filtering).toBe(false);
    expect(routed.ix.containers.sort).toBe(INITIAL_INTERACTION.containers.sort);
    expect(routed.effects.map((e) => e.type)).toEqual(['notify', 'notify']);
  });
});

describe('deliberate aborts', () => {
  const dangerous = { ...running, run: { ...running.run, runbook: { id: 'failback', title: 'Failback', dangerous: true } } };
  const asking: Prompt = {
    id: 9,
    kind: 'confirm',
    purpose: 'abort',
    title: 'Abort failback?',
    lines: [],
    yes: 'Abort',
    no: 'Keep running',
    danger: true,
  };

  it('esc and the first ctrl+c on a dangerous run ask first; ctrl+c at that question aborts at once', () => {
    expect(press(['escape'], context(dangerous)).effects).toEqual([{ type: 'abort', confirm: true }]);
    expect(press(['ctrl+c'], context(dangerous)).effects).toEqual([{ type: 'abort', confirm: true }]);
    expect(press(['ctrl+c'], context({ ...dangerous, prompt: asking })).effects).toEqual([{ type: 'abort' }]);
    // A run that is not dangerous is aborted at once, as before.
    expect(press(['escape'], context(running)).effects).toEqual([{ type: 'abort' }]);
  });

  it('esc in a dry run goes back to the menu it was opened from, on the same runbook', () => {
    const catalog = ['a', 'b', 'c'].map((id) => ({ id, title: id, dangerous: false, unavailable: null, hosts: [], steps: 1 }));
    const opened = press(['b', 'down', 'd'], context({ catalog }));
    expect(opened.effects.at(-1)).toEqual({ type: 'dry-run', id: 'b' });
    expect(opened.ix.menu).toBeNull();
    const dry = context({ catalog, panel: { kind: 'dry-run', runbook: 'b', title: 'b', lines: [] } });
    const back = press(['escape'], dry, { ix: opened.ix });
    expect(back.effects).toEqual([{ type: 'close-panel' }]);
    expect(back.ix.menu).toEqual({ index: 1 });
  });

  it('a view key without a view says so', () => {
    for (const key of ['4', '5', '9']) {
      expect(press([key], context()).effects).toEqual([{ type: 'notify', text: `no view ${key}: there are 3 views (1–3)`, tone: 'warn' }]);
    }
  });
});

describe('the mouse', () => {
  const rows = ['api-gateway', 'nginx', 'postgres'].map((name) => containerRow(name));
  const reading = readingOf(rows);
  const keyOf = (name: string) => `workstation/${name}`;
  /** A screen where line 10 of the containers pane shows `nginx`, 11 `postgres`, and the CPU pane is above. */
  const locate: NonNullable<RouteContext['locate']> = (_x, y) => {
    if (y < 5) return { kind: 'pane', pane: 'cpu', row: null };
    if (y === 10) return { kind: 'pane', pane: 'containers', row: keyOf('nginx') };
    if (y === 11) return { kind: 'pane', pane: 'containers', row: keyOf('postgres') };
    return { kind: 'pane', pane: 'containers', row: null };
  };
  const ctx = (console: Partial<ConsoleState> = {}): RouteContext => ({ ...context(console, 'cpu'), containers: reading, locate });
  const mouse = (action: 'press' | 'release' | 'wheel-up' | 'wheel-down', y: number, at: number): KeyPress => ({
    name: 'mouse',
    text: null,
    mouse: { action, button: action === 'press' || action === 'release' ? 0 : null, x: 5, y, shift: false, meta: false, ctrl: false, at },
  });
  function route(presses: KeyPress[], context: RouteContext, start: { ui?: UiState; ix?: Interaction } = {}) {
    let ui = start.ui ?? initialUiState('auto');
    let ix = start.ix ?? INITIAL_INTERACTION;
    const effects = [];
    for (const p of presses) {
      const routed = routeKey(ui, ix, p, context);
      ui = routed.ui;
      ix = routed.ix;
      effects.push(...routed.effects);
    }
    return { ui, ix, effects };
  }

  it('a click focuses the pane under it and selects the row there', () => {
    const routed = route([mouse('press', 11, 0), mouse('release', 11, 50)], ctx());
    expect(routed.ui.focus).toBe('containers');
    expect(routed.ix.containers.selected).toBe(keyOf('postgres'));
    expect(routed.ix.containers.detail).toBe(false);
    expect(routed.effects).toEqual([]);
  });

  it("a double-click opens the row's detail; two clicks far apart, or on two rows, do not", () => {
    expect(route([mouse('press', 10, 0), mouse('press', 10, 300)], ctx()).ix.containers.detail).toBe(true);
    expect(route([mouse('press', 10, 0), mouse('press', 10, 1_000)], ctx()).ix.containers.detail).toBe(false);
    expect(route([mouse('press', 10, 0), mouse('press', 11, 100)], ctx()).ix.containers.detail).toBe(false);
  });

  it("the wheel scrolls the pane under it, and moves a list's selection a row a notch", () => {
    // The CPU pane has the focus already (the first pane): the wheel scrolls it three lines.
    const text = route([mouse('wheel-down', 2, 0)], ctx());
    expect(text.ui.scroll.cpu).toBe(3);
    // Over the containers pane, from the CPU pane: the focus moves there first.
    const list = route([mouse('wheel-down', 12, 0), mouse('wheel-down', 12, 10)], ctx());
    expect(list.ui.focus).toBe('containers');
    expect(list.ix.containers.selected).not.toBeNull();
    expect(list.ix.containers.selected).not.toBe(keyOf('api-gateway'));
  });

  it('a dialog answers the keyboard only: a click beneath it changes nothing', () => {
    const routed = route([mouse('press', 10, 0), mouse('press', 10, 100)], ctx({ prompt: confirm }));
    expect(routed.ui.focus).toBeNull();
    expect(routed.ix).toEqual(INITIAL_INTERACTION);
    expect(routed.effects).toEqual([]);
  });

  it('without a way to tell what is where (no mouse), a report does nothing', () => {
    const routed = route([mouse('press', 10, 0)], { ...ctx(), locate: undefined });
    expect(routed.ui).toEqual(initialUiState('auto'));
    expect(routed.ix).toEqual(INITIAL_INTERACTION);
  });
});
