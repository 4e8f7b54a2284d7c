// The services pane's selection (src/ui/panes/services-view.ts): moved by name with ↑↓ (j k
// under the vim keymap) and by a click, kept on the same service when a new reading puts
// another first, the selected row marked, and `p` asking for that service's history alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymaps.js';
import type { ServiceReading, ServicesReading } from '../../src/model/services.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import { INITIAL_CONSOLE_STATE } from '../../src/ui/console-state.js';
import { INITIAL_INTERACTION, type Interaction, type KeyPress, type RouteContext, routeKey } from '../../src/ui/interaction.js';
import { serviceNames, servicesPane } from '../../src/ui/panes/services.js';
import { INITIAL_SERVICES_VIEW, moveServiceSelection, type ServicesView, selectedService } from '../../src/ui/panes/services-view.js';
import { initialUiState, type UiState } from '../../src/ui/state.js';
import { lineText } from '../../src/ui/text.js';

const home = mkdtempSync(join(tmpdir(), 'homeops-services-view-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
const keymaps = { default: loadKeymap('default', env, home), vim: loadKeymap('vim', env, home) };

const AT = '2026-01-02T03:04:05.000Z';

function service(name: string, down = false): ServiceReading {
  return {
    name,
    description: null,
    priority: 2,
    group: null,
    runsOn: null,
    standby: false,
    from: null,
    kind: 'http',
    target: '',
    state: down ? 'down' : 'up',
    why: down ? 'no answer within 5s' : null,
    note: null,
    lastCheck: AT,
    lastMs: down ? null : 12,
    p95: { m5: 12, m60: 12 },
    errorRate: { m5: 0, m60: 0 },
    checks: { m5: 5, m60: 60 },
    certDaysLeft: null,
    downSince: down ? AT : null,
    upSince: down ? null : AT,
    budgetMs: 1_800_000,
    level: down ? 'warn' : 'ok',
    problems: [],
  };
}

const reading = (down: readonly string[] = []): ServicesReading => ({
  at: AT,
  maintenance: null,
  services: ['auth', 'api-gateway', 'postgres'].map((name) => service(name, down.includes(name))),
});
const entry = (data: ServicesReading): PaneEntry<ServicesReading> => ({ status: 'ok', ageMs: 0, summary: '', alerts: [], data });

/** The names of the rows marked as selected (every segment in reverse video). */
function marked(view: ServicesView | undefined, data: ServicesReading): string[] {
  const pane = servicesPane(entry(data), 100, 20, undefined, view);
  return [...(pane.rows ?? new Map<number, string>())]
    .filter(([line]) => pane.lines[line]?.every((s) => s.inverse && s.bold))
    .map(([, name]) => name);
}

describe('the services selection', () => {
  const names = ['auth', 'api-gateway', 'postgres'];

  it('moves by name within the services, to the top and the bottom; a service gone starts from the first again', () => {
    const down = moveServiceSelection(INITIAL_SERVICES_VIEW, names, 1);
    expect(down).toEqual({ selected: 'api-gateway' });
    expect(moveServiceSelection(down, names, 'bottom').selected).toBe('postgres');
    expect(moveServiceSelection(down, names, 9).selected).toBe('postgres');
    expect(moveServiceSelection(down, names, -9).selected).toBe('auth');
    expect(moveServiceSelection(down, names, 'top').selected).toBe('auth');
    expect(moveServiceSelection({ selected: 'gone' }, names, 1).selected).toBe('api-gateway');
    // Nothing to move to, or no move: the same view (no new render).
    expect(moveServiceSelection(down, [], 1)).toBe(down);
    expect(moveServiceSelection(down, names, 0)).toBe(down);
    expect(selectedService(INITIAL_SERVICES_VIEW, names)).toBe('auth');
    expect(selectedService(INITIAL_SERVICES_VIEW, [])).toBeNull();
  });

  it('marks the selected row while the pane has the focus, and says which line shows which service', () => {
    const pane = servicesPane(entry(reading()), 100, 20, undefined, { selected: 'api-gateway' });
    expect(
      [...(pane.rows ?? [])].map(([line, name]) => [
        lineText(pane.lines[line] ?? [])
          .slice(2, 13)
          .trim(),
        name,
      ]),
    ).toEqual(names.map((name) => [name, name]));
    expect(marked({ selected: 'api-gateway' }, reading())).toEqual(['api-gateway']);
    // The frame keeps that line in sight.
    expect(pane.rows?.get(pane.selected ?? -1)).toBe('api-gateway');
    expect(marked(INITIAL_SERVICES_VIEW, reading())).toEqual(['auth']);
    // Without the focus nothing is marked, and the pane scrolls as any other.
    expect(marked(undefined, reading())).toEqual([]);
    expect(servicesPane(entry(reading()), 100, 20).selected).toBeUndefined();
  });

  it('stays on the same service when a new reading puts another first', () => {
    const view = moveServiceSelection(INITIAL_SERVICES_VIEW, serviceNames(reading()), 2);
    expect(view.selected).toBe('postgres');
    // postgres goes down: it comes first, and the selection is still on it.
    const reordered = reading(['postgres']);
    expect(serviceNames(reordered)).toEqual(['postgres', 'auth', 'api-gateway']);
    expect(marked(view, reordered)).toEqual(['postgres']);
    expect(moveServiceSelection(view, serviceNames(reordered), 1).selected).toBe('auth');
  });
});

describe('keys and clicks on the focused services pane', () => {
  const names = serviceNames(reading());
  const key = (name: string): KeyPress => ({ name, text: name.length === 1 ? name : null });
  const click = (y: number, at: number): KeyPress => ({
    name: 'mouse',
    text: null,
    mouse: { action: 'press', button: 0, x: 5, y, shift: false, meta: false, ctrl: false, at },
  });
  function context(
    keymap: keyof typeof keymaps,
    serviceNamesShown: readonly string[] | null = names,
    focused: RouteContext['focused'] = 'services',
  ): RouteContext {
    return {
      keymap: keymaps[keymap],
      console: INITIAL_CONSOLE_STATE,
      uiContext: { paneIds: ['cpu', 'services'], viewCount: 1, shownView: 0, page: 10 },
      focused,
      containers: null,
      backupSets: null,
      serviceNames: serviceNamesShown,
      page: 10,
      // Line 10 shows postgres in the services pane; the CPU pane is above.
      locate: (_x, y) =>
        y < 5 ? { kind: 'pane', pane: 'cpu', row: null } : { kind: 'pane', pane: 'services', row: y === 10 ? 'postgres' : null },
    };
  }
  function press(presses: KeyPress[], ctx: RouteContext, ix: Interaction = INITIAL_INTERACTION) {
    let ui: UiState = initialUiState('auto');
    let state = ix;
    const effects = [];
    for (const p of presses) {
      const routed = routeKey(ui, state, p, ctx);
      ui = routed.ui;
      state = routed.ix;
      effects.push(...routed.effects);
    }
    return { ui, ix: state, effects };
  }

  it('↓ and ↑ move the selection, not the pane; j and k under the vim keymap', () => {
    const arrows = press([key('down'), key('down'), key('up')], context('default'));
    expect(arrows.ix.services.selected).toBe('api-gateway');
    expect(arrows.ui.scroll).toEqual({});
    expect(press([key('j'), key('j')], context('vim')).ix.services.selected).toBe('postgres');
    expect(press([key('j'), key('j'), key('k')], context('vim')).ix.services.selected).toBe('api-gateway');
  });

  it("p asks for the selected service's history; with no service to select, for all of them", () => {
    expect(press([key('down'), key('p')], context('default')).effects).toEqual([{ type: 'trends', pane: 'services', item: 'api-gateway' }]);
    expect(press([key('p')], context('default')).effects).toEqual([{ type: 'trends', pane: 'services', item: 'auth' }]);
    expect(press([key('p')], context('default', null)).effects).toEqual([{ type: 'trends', pane: 'services', item: null }]);
    expect(press([key('p')], context('default', [])).effects).toEqual([{ type: 'trends', pane: 'services', item: null }]);
  });

  it('a click on a row focuses the pane and selects that service', () => {
    const clicked = press([click(10, 0)], context('default', names, 'cpu'));
    expect(clicked.ui.focus).toBe('services');
    expect(clicked.ix.services.selected).toBe('postgres');
    // A second click soon after has no detail to open: the selection stays.
    expect(press([click(10, 0), click(10, 100)], context('default', names, 'cpu')).ix.services.selected).toBe('postgres');
  });

  it('the wheel over the pane moves the selection a row a notch', () => {
    const wheel: KeyPress = {
      name: 'mouse',
      text: null,
      mouse: { action: 'wheel-down', button: null, x: 5, y: 12, shift: false, meta: false, ctrl: false, at: 0 },
    };
    const routed = press([wheel, wheel], context('default', names, 'cpu'));
    expect(routed.ui.focus).toBe('services');
    expect(routed.ix.services.selected).toBe('postgres');
  });
});
