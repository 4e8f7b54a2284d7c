// Where a key goes (src/ui/interaction.ts): the layers in order, text prompts, Ctrl-C during a
// run, and the effects each key asks for. Pure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymaps.js';
import { INITIAL_CONSOLE_STATE, type ConsoleState, type Prompt } from '../../src/ui/console-state.js';
import { INITIAL_INTERACTION, routeKey, type Interaction, type KeyPress, type RouteContext } from '../../src/ui/interaction.js';
import { keyPresses } from '../../src/ui/keys.js';
import { startingRun } from '../../src/ui/run-view.js';
import { initialUiState, type UiState } from '../../src/ui/state.js';

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

const running = { run: { ...startingRun({ id: 'slow', title: 'Slow', dangerous: false }, 0), status: 'running' as const }, panel: { kind: 'run' as const } };
const confirm: Prompt = { id: 3, kind: 'confirm', title: 't', lines: [], yes: 'Yes', no: 'No', danger: false };
const typed: Prompt = { id: 4, kind: 'typed', title: 't', lines: [], expect: 'failback' };

describe('routeKey', () => {
  it('a dialog takes every key: y and enter are yes, n and escape no; q, ?, tab do nothing', () => {
    const ctx = context({ prompt: confirm });
    expect(press(['q', '?', 'tab', 'b', 'r'], ctx)).toEqual({ ui: initialUiState('auto'), ix: INITIAL_INTERACTION, effects: [] });
    expect(press(['y', 'enter', 'n', 'escape'], ctx).effects.map((e) => (e.type === 'answer' ? e.answer : e.type))).toEqual(['yes', 'yes', 'no', 'no']);
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
    expect(press(['q'], context(running)).effects).toEqual([{ type: 'notify', text: 'slow is running: esc aborts it, ctrl+c twice quits', tone: 'warn' }]);
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
    expect(press(['D', 'E', 'H', 'F'], context()).effects).toEqual([
      { type: 'blocking', enabled: false }, { type: 'blocking', enabled: true }, { type: 'history' }, { type: 'run', id: 'dns-failover' },
    ]);
    expect(press(['ctrl+r'], context()).effects[0]).toMatchObject({ type: 'notify', text: expect.stringMatching(/focus the containers pane/) });
    expect(press(['ctrl+r'], context({}, 'containers')).effects[0]).toMatchObject({ type: 'notify', text: 'no containers read yet' });
  });

  it('other keys still reach the panes (focus, views, help)', () => {
    const { ui } = press(['tab', '?'], context());
    expect(ui.focus).toBe('containers');
    expect(ui.help).toBe(true);
  });
});

describe('keyPresses', () => {
  const plain = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

  it('one key is one press; a paste is text; Enter and Backspace inside a paste are presses of their own', () => {
    expect(keyPresses('q', plain)).toEqual([{ name: 'q', text: 'q' }]);
    expect(keyPresses('failback', plain)).toEqual([{ name: undefined, text: 'failback' }]);
    expect(keyPresses('fail\x7fback\r', plain)).toEqual([
      { name: undefined, text: 'fail' }, { name: 'backspace', text: null }, { name: undefined, text: 'back' }, { name: 'enter', text: null },
    ]);
    expect(keyPresses('r', { ...plain, ctrl: true })).toEqual([{ name: 'ctrl+r', text: null }]);
  });
});
