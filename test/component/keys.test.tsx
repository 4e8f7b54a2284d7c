// Keys as a user presses them, through Ink's input parsing and the keymap: help, focus, views,
// scrolling, quit and refresh.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMANDS } from '../../src/model/commands.js';
import {
  builtinKeymap,
  busyPanes,
  cleanupHomes,
  FakeSource,
  focusedPanes,
  PANE_TITLES,
  type PaneTitle,
  paneOnScreen,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const panes = await busyPanes(s);
const source = () => new FakeSource(snapshot({ panes }));

/** Text to match literally inside a RegExp (the help's descriptions have parentheses). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const KEY = { tab: '\t', shiftTab: '\x1b[Z', escape: '\x1b', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03' };

describe('help', () => {
  it.each(['default', 'vim'] as const)('? opens help listing every binding of the %s keymap', async (name) => {
    const keymap = builtinKeymap(name);
    // 120x40: every fixed command, a page at a time (page down scrolls the help).
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, keymap });
    await app.press('?');
    const help = paneOnScreen(app.plainFrame(), 'Help · keys');
    expect(help?.heavy).toBe(true);
    const body = [...(help?.body ?? [])];
    for (let page = 0; page < 8 && /↓\d+/.test(paneOnScreen(app.plainFrame(), 'Help · keys')?.bottom ?? ''); page++) {
      await app.press('\x1b[6~');
      body.push(...(paneOnScreen(app.plainFrame(), 'Help · keys')?.body ?? []));
    }
    expect(body[0]).toMatch(new RegExp(`^keymap ${name} \\(`));
    let listed = 0;
    let expected = 0;
    for (const command of COMMAND_NAMES) {
      const keys = keymap.bindings.get(command) ?? [];
      // view.N is listed for the views that exist (four built in).
      const view = /^view\.(\d)$/.exec(command);
      if (view && Number(view[1]) > s.views.length) continue;
      expected++;
      const shown = keys.length ? keys.join(' ') : '(unbound)';
      const row = body.find((line) => line.startsWith(shown) && line.slice(shown.length).trimStart().startsWith(`${command} `));
      expect(row, `a help row with ${shown} for ${command}`).toBeDefined();
      // With what it does.
      expect(row?.trimEnd()).toMatch(
        new RegExp(`${literal(view ? `Switch to view ${view[1]}: ${s.views[Number(view[1]) - 1]?.name}` : COMMANDS[command])}$`),
      );
      if (row) listed++;
    }
    // Every command, less view.5 to view.9 (four views are configured).
    expect(expected).toBe(COMMAND_NAMES.length - 5);
    expect(listed).toBe(expected);
    if (name === 'vim') {
      expect(body.find((l) => /\sscroll\.down\s/.test(l))).toMatch(/^j down +scroll\.down/);
      expect(body.find((l) => /\sscroll\.up\s/.test(l))).toMatch(/^k up +scroll\.up/);
    }
  });

  // vim's page.down keys are 28 cells long: they still get a space before the command name.
  it('the vim help keeps a space between a long key list and its command', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, keymap: builtinKeymap('vim') });
    await app.press('?');
    const row = paneOnScreen(app.plainFrame(), 'Help · keys')?.body.find((l) => l.includes('page.down'));
    expect(row).toMatch(new RegExp(`^ctrl\\+f ctrl\\+d pagedown space +page\\.down +${literal(COMMANDS['page.down'])}`));
  });

  // The status words are explained only here, so they must not be cut at 80 or 120 columns.
  it.each([
    [80, 24],
    [120, 40],
  ] as const)('at %ix%i the help explains every status word in full', async (columns, rows) => {
    const app = await renderApp({ source: source(), setup: s, columns, rows });
    await app.press('?');
    const help = paneOnScreen(app.plainFrame(), 'Help · keys');
    const text = (help?.body ?? [])
      .map((l) => l.trim())
      .join(' ')
      .replace(/ +/g, ' ');
    expect(text).toContain('STALE (old data)');
    expect(text).toContain('DOWN (source broken)');
    expect(text).toContain('off (not configured or not here)');
  });

  it('Escape closes help, and so does ? again', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24 });
    const panes = app.plainFrame();
    await app.press('?');
    expect(app.plainFrame()).toContain('Help · keys');
    expect(paneOnScreen(app.plainFrame(), 'CPU')).toBeUndefined();
    await app.press(KEY.escape);
    expect(app.plainFrame()).toBe(panes);
    await app.press('?');
    expect(app.plainFrame()).toContain('Help · keys');
    await app.press('?');
    expect(app.plainFrame()).toBe(panes);
  });

  it('at 60x16 the help scrolls to show what does not fit', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 60, rows: 16 });
    await app.press('?');
    let help = paneOnScreen(app.plainFrame(), 'Help · keys');
    const before = help?.body ?? [];
    const hidden = Number(/↓(\d+) more/.exec(help?.bottom ?? '')?.[1] ?? 0);
    expect(hidden).toBeGreaterThan(0);
    for (let i = 0; i < hidden; i++) await app.press(KEY.down);
    help = paneOnScreen(app.plainFrame(), 'Help · keys');
    expect(help?.bottom).not.toContain('more');
    expect(help?.bottom).toContain(`↑${hidden}`);
    // The rows scrolled by as many lines as were hidden: what was below is on screen now.
    const after = help?.body ?? [];
    if (hidden < before.length) expect(after[0]).toBe(before[hidden]);
    expect(after.filter((line) => !before.includes(line)).length).toBeGreaterThan(0);
  });
});

describe('focus', () => {
  const marker = (plain: string, title: string) => paneOnScreen(plain, title)?.top.includes(`▸ ${title}`) ?? false;
  // Tab follows the layout: down the first column, then down the second.
  const ORDER: Record<string, { view: string; order: PaneTitle[] }> = {
    // workstation/normal: CPU over Containers | GPU over DNS over VPN over Backups.
    '120x40': { view: 'workstation/normal', order: ['CPU', 'Containers', 'GPU', 'DNS', 'VPN', 'Backups'] },
    // tmux/small: CPU over GPU over Backups | DNS over Containers over VPN.
    '80x24': { view: 'tmux/small', order: ['CPU', 'GPU', 'Backups', 'DNS', 'Containers', 'VPN'] },
  };

  /** Exactly one pane focused, `title`, with the heavy border and the ▸ marker, and no other pane marked. */
  const expectFocus = (plain: string, title: PaneTitle) => {
    expect(focusedPanes(plain)).toEqual([title]);
    for (const other of Object.values(PANE_TITLES)) expect(marker(plain, other), `▸ on ${other}`).toBe(other === title);
  };

  it.each([
    [120, 40],
    [80, 24],
  ] as const)(
    'at %ix%i Tab moves the ▸ marker and the heavy border through every pane in layout order, Shift-Tab back',
    async (columns, rows) => {
      const { view, order } = ORDER[`${columns}x${rows}`] ?? { view: '?', order: [] };
      const app = await renderApp({ source: source(), setup: s, columns, rows });
      expect(statusBar(app.plainFrame())).toContain(`view ${view}`);
      // Tab visits each pane on screen once before coming back to the first.
      expect(order).toHaveLength(Object.values(PANE_TITLES).filter((title) => paneOnScreen(app.plainFrame(), title)).length);
      for (const title of order) {
        expectFocus(app.plainFrame(), title);
        await app.press(KEY.tab);
      }
      expectFocus(app.plainFrame(), 'CPU');
      // Shift-Tab from the first pane goes round to the last, then back up the order.
      for (const title of [...order].reverse()) {
        await app.press(KEY.shiftTab);
        expectFocus(app.plainFrame(), title);
      }
    },
  );

  it("vim's l and h move the focus too", async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40, keymap: builtinKeymap('vim') });
    await app.press('l');
    expect(focusedPanes(app.plainFrame())).toEqual(['Containers']);
    await app.press('l');
    expect(focusedPanes(app.plainFrame())).toEqual(['GPU']);
    await app.press('h');
    await app.press('h');
    expect(focusedPanes(app.plainFrame())).toEqual(['CPU']);
    await app.press('h');
    expect(focusedPanes(app.plainFrame())).toEqual(['Backups']);
  });

  it('Down scrolls the focused pane, and only it', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24 });
    const before = paneOnScreen(app.plainFrame(), 'CPU');
    const more = Number(/↓(\d+) more/.exec(before?.bottom ?? '')?.[1] ?? 0);
    expect(more).toBeGreaterThan(0);
    const others = ['GPU', 'Backups', 'DNS', 'Containers', 'VPN'] as const;
    const othersBefore = others.map((title) => paneOnScreen(app.plainFrame(), title));
    for (const pane of othersBefore) expect(pane).toBeDefined();
    await app.press(KEY.down);
    const after = paneOnScreen(app.plainFrame(), 'CPU');
    expect(after?.body.slice(0, -1)).toEqual(before?.body.slice(1));
    expect(after?.bottom).toContain(more > 1 ? `↑1 ↓${more - 1} more` : '↑1');
    expect(others.map((title) => paneOnScreen(app.plainFrame(), title))).toEqual(othersBefore);
    await app.press(KEY.up);
    expect(paneOnScreen(app.plainFrame(), 'CPU')).toEqual(before);
  });

  it('Down scrolls the pane Tab moved to: the DNS pane at 60x16', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 60, rows: 16 });
    for (let i = 0; i < 3; i++) await app.press(KEY.tab);
    expect(focusedPanes(app.plainFrame())).toEqual(['DNS']);
    const before = paneOnScreen(app.plainFrame(), 'DNS');
    const cpuBefore = paneOnScreen(app.plainFrame(), 'CPU');
    expect(before?.bottom).toMatch(/↓\d+ more/);
    await app.press(KEY.down);
    const after = paneOnScreen(app.plainFrame(), 'DNS');
    expect(after?.body.slice(0, -1)).toEqual(before?.body.slice(1));
    expect(after?.bottom).toContain('↑1');
    expect(paneOnScreen(app.plainFrame(), 'CPU')?.body).toEqual(cpuBefore?.body);
  });
});

describe('views', () => {
  it('2 switches to the tmux view, 3 to outage, 1 back to workstation', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40 });
    expect(statusBar(app.plainFrame())).toContain('view workstation/normal');
    await app.press('2');
    expect(statusBar(app.plainFrame())).toContain('view tmux/tall');
    // Stacked: the GPU pane starts below the CPU pane.
    expect(app.lines().findIndex((l) => l.includes(' GPU'))).toBeGreaterThan(10);
    await app.press('3');
    expect(statusBar(app.plainFrame())).toContain('view outage/normal');
    // What is alive while the workstation is down: DNS on top, no GPU.
    expect(app.lines()[0]).toMatch(/^┏━ ▸ DNS/);
    for (const title of ['Containers', 'VPN', 'Backups', 'CPU']) expect(paneOnScreen(app.plainFrame(), title), title).toBeDefined();
    expect(paneOnScreen(app.plainFrame(), 'GPU')).toBeUndefined();
    await app.press('1');
    expect(statusBar(app.plainFrame())).toContain('view workstation/normal');
    expect(app.lines()[0]).toMatch(/CPU.*GPU/);
    // A view that is not configured does nothing.
    const frame = app.plainFrame();
    await app.press('7');
    expect(app.plainFrame()).toBe(frame);
  });

  it('v goes to the next view and V back to choosing by size', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40 });
    await app.press('v');
    expect(statusBar(app.plainFrame())).toContain('view tmux/tall');
    await app.press('v');
    expect(statusBar(app.plainFrame())).toContain('view outage/normal');
    await app.press('V');
    expect(statusBar(app.plainFrame())).toContain('view workstation/normal');
  });
});

describe('actions', () => {
  it('q and Ctrl-C quit; r refreshes; neither changes the screen by itself', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24 });
    const frame = app.plainFrame();
    await app.press('r');
    expect(app.calls).toEqual({ quit: 0, refresh: 1 });
    await app.press('q');
    expect(app.calls).toEqual({ quit: 1, refresh: 1 });
    await app.press(KEY.ctrlC);
    expect(app.calls).toEqual({ quit: 2, refresh: 1 });
    expect(app.plainFrame()).toBe(frame);
  });

  it('Ctrl-C quits even with the help open and in the vim keymap', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, keymap: builtinKeymap('vim') });
    await app.press('?');
    await app.press(KEY.ctrlC);
    expect(app.calls.quit).toBe(1);
  });

  it('keys nobody bound do nothing', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24 });
    const frame = app.plainFrame();
    for (const key of ['x', 'Q', '\x02', '\x01', 'j']) await app.press(key);
    expect(app.plainFrame()).toBe(frame);
    expect(app.calls).toEqual({ quit: 0, refresh: 0 });
  });
});

// Over SSH from a laptop keys arrive bunched: several in one read. Each acts, in order.
describe('keys that arrive in one read', () => {
  it('qq quits', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24 });
    await app.press('qq');
    expect(app.calls.quit).toBe(1);
  });

  it('three Tabs move the focus three panes, and a Down in the same read scrolls the pane they reached', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 60, rows: 16 });
    const before = paneOnScreen(app.plainFrame(), 'DNS');
    await app.press('\t\t\t\x1b[B');
    expect(focusedPanes(app.plainFrame())).toEqual(['DNS']);
    const after = paneOnScreen(app.plainFrame(), 'DNS');
    expect(after?.body.slice(0, -1)).toEqual(before?.body.slice(1));
  });

  it('3 then 2 switches to the outage view and then to the tmux view', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40 });
    await app.press('32');
    expect(statusBar(app.plainFrame())).toContain('view tmux/tall');
    await app.press('21');
    expect(statusBar(app.plainFrame())).toContain('view workstation/normal');
  });

  it('jjjj under the vim keymap scrolls four lines, and a view switch then Tab focuses in the new view', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 80, rows: 24, keymap: builtinKeymap('vim') });
    const before = paneOnScreen(app.plainFrame(), 'CPU');
    await app.press('jjjj');
    const after = paneOnScreen(app.plainFrame(), 'CPU');
    expect(after?.bottom).toContain('↑4');
    expect(after?.body.slice(0, -4)).toEqual(before?.body.slice(4));
    await app.press('3\t');
    expect(statusBar(app.plainFrame())).toContain('view outage');
    // The outage view's first pane is DNS: one Tab from it is its second pane, not CPU's neighbour.
    expect(focusedPanes(app.plainFrame())).not.toEqual(['DNS']);
    expect(focusedPanes(app.plainFrame())).toHaveLength(1);
  });

  it('pasted text runs no command: a paste of q2S\\r leaves everything as it was', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40 });
    const frame = app.plainFrame();
    await app.press('\x1b[200~q2S\r\x1b[201~');
    expect(app.calls).toEqual({ quit: 0, refresh: 0 });
    expect(app.plainFrame()).toBe(frame);
    // Keys after the paste act again.
    await app.press('2');
    expect(statusBar(app.plainFrame())).toContain('view tmux/tall');
  });

  it('pasted text goes into the containers filter', async () => {
    const app = await renderApp({ source: source(), setup: s, columns: 120, rows: 40 });
    await app.press('\t/');
    await app.press('\x1b[200~ngi\x1b[201~');
    expect(app.plainFrame()).toMatch(/\/ngi/);
  });
});
