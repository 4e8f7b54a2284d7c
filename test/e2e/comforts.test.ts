// The comforts a user of k9s, lazydocker or htop reaches for, in a real terminal: the built
// console in tmux.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, root } from '../helpers/built.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');
const MARKER = 'BEFORE-HOMEOPS-COMFORTS';

describe.runIf(hasTmux)('comforts, in a real terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-comforts-'));
  const sessions: TmuxSession[] = [];
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    HOMEOPS_CONFIG: undefined,
    NO_COLOR: undefined,
  };

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });

  let runs = 0;
  const start = async (cols: number, rows: number, args: string, more: Record<string, string | undefined> = {}): Promise<TmuxSession> => {
    // A state directory each unless a test shares one: the console remembers its view, sort and theme.
    const tmux = await TmuxSession.start({
      cols,
      rows,
      env: { ...env, XDG_STATE_HOME: join(home, `.state-${++runs}`), ...more },
      cwd: root,
      marker: MARKER,
      command: `node ${cli} ${args}`,
    });
    sessions.push(tmux);
    await tmux.waitFor(/view \w+\//);
    return tmux;
  };

  it('Ctrl-L draws the whole screen again after something else wrote on it', async () => {
    const tmux = await start(100, 30, '--demo healthy');
    const before = await tmux.waitFor(/CPU · workstation/);
    const tty = (await tmux.display('#{pane_tty}')).trim();
    // Another program (a wall message, `clear` in a background job) writes over the frame.
    writeFileSync(tty, '\x1b[H\x1b[2J\x1b[3;3HSTRAY TEXT OVER THE FRAME');
    await tmux.waitFor(/STRAY TEXT OVER THE FRAME/);
    await tmux.sendKeys('C-l');
    const after = await tmux.waitFor((screen) => !screen.includes('STRAY TEXT') && screen.split('\n')[0]?.startsWith('┏') === true);
    // Every row of the frame is back, borders and all, not only the rows whose readings changed.
    const rows = (screen: string) => screen.split('\n').slice(0, 28);
    rows(after).forEach((row, index) => {
      expect(row.trim(), `row ${index + 1}`).not.toBe('');
    });
    expect(rows(after).map((row) => row[0])).toEqual(rows(before).map((row) => row[0]));
  });

  /** The SGR attributes a screen uses, as sets of parameters ("7" reverse, "1" bold, "31" red…). */
  const attributes = (ansi: string) =>
    new Set([...ansi.matchAll(/\x1b\[([\d;]*)m/g)].flatMap((m) => (m[1] ?? '').split(';')).filter((p) => p !== '' && p !== '0'));
  // 39 and 49 are the defaults, which tmux writes back between runs: not a colour.
  const colours = (attrs: Set<string>) => [...attrs].filter((p) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p));

  it('--no-color and NO_COLOR=1 do the same thing: no colour, reverse video and bold kept', async () => {
    const flag = await start(100, 30, '--demo healthy --no-color');
    await flag.waitFor(/CPU · workstation/);
    const byFlag = attributes(await flag.captureAnsi());
    const env = await start(100, 30, '--demo healthy', { NO_COLOR: '1' });
    await env.waitFor(/CPU · workstation/);
    const byEnv = attributes(await env.captureAnsi());
    expect(colours(byFlag)).toEqual([]);
    expect(colours(byEnv)).toEqual([]);
    // The status badge in reverse video, titles in bold: in both.
    expect(byFlag.has('7')).toBe(true);
    expect(byFlag.has('1')).toBe(true);
    expect([...byFlag].sort()).toEqual([...byEnv].sort());
    // And the control: in colour there are colours.
    const coloured = await start(100, 30, '--demo healthy');
    await coloured.waitFor(/CPU · workstation/);
    expect(colours(attributes(await coloured.captureAnsi())).length).toBeGreaterThan(0);
  });

  it('--theme light draws no yellow, cyan or white text; T switches the theme and says so', async () => {
    const tmux = await start(100, 30, '--demo healthy --theme light');
    await tmux.waitFor(/CPU · workstation/);
    const light = attributes(await tmux.captureAnsi());
    for (const code of ['33', '36', '37', '93', '96', '97']) expect(light.has(code), code).toBe(false);
    expect([...light].some((p) => p === '38')).toBe(true);
    await tmux.sendKeys('T');
    await tmux.waitFor(/theme high-contrast/);
    const high = attributes(await tmux.captureAnsi());
    expect([...high].some((p) => /^9[0-7]$/.test(p))).toBe(true);
  });

  /** Tab until the containers pane has the focus, one Tab at a time, each drawn before the next. */
  const focusContainers = async (tmux: TmuxSession) => {
    const focusedTitle = (screen: string) => /┏━ ▸ (\S+)/.exec(screen)?.[1] ?? '';
    for (let i = 0; i < 10; i++) {
      const before = focusedTitle(await tmux.capture());
      if (before === 'Containers') return;
      await tmux.sendKeys('Tab');
      await tmux.waitFor((screen) => focusedTitle(screen) !== before, 10_000);
    }
    await tmux.waitFor(/┏━ ▸ Containers/);
  };

  /** Bytes as tmux send-keys -H takes them. */
  const hex = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
  /** A left click (press and release) at a cell counted from 1, as a terminal reports it. */
  const click = (x: number, y: number) => [...hex(`\x1b[<0;${x};${y}M`), ...hex(`\x1b[<0;${x};${y}m`)];
  const rowOf = (screen: string, pattern: RegExp) => screen.split('\n').findIndex((line) => pattern.test(line)) + 1;
  const mouseModes = async (tmux: TmuxSession) => (await tmux.display('#{mouse_any_flag} #{mouse_sgr_flag}')).trim();

  it('inside tmux with the mouse on: a click focuses the containers pane and selects the row, a double-click opens it, the wheel scrolls', async () => {
    // The console runs in a tmux of its own with `mouse on`, inside the harness's pane: the
    // clicks are read by that tmux from its terminal and passed on as tmux passes them.
    const conf = join(home, 'inner-tmux.conf');
    writeFileSync(conf, 'set -g mouse on\nset -g status off\n');
    const socket = join(home, 'inner.sock');
    const outer = await TmuxSession.start({
      cols: 120,
      rows: 40,
      env,
      cwd: root,
      command: `tmux -S ${socket} -f ${conf} new-session -x 120 -y 40 'node ${cli} --demo healthy'`,
    });
    sessions.push(outer);
    try {
      const first = await outer.waitFor(/│ nginx /, 10_000);
      const y = rowOf(first, /│ nginx /);
      await outer.tmux('send-keys', '-t', outer.tmuxTarget(), '-H', ...click(5, y));
      const focused = await outer.waitFor((screen) => /┃▸nginx /.test(screen));
      expect(focused).toMatch(/┏━ ▸ Containers/);
      // Two clicks on the same row, quickly: the detail.
      const at = rowOf(focused, /┃▸nginx /);
      await outer.tmux('send-keys', '-t', outer.tmuxTarget(), '-H', ...click(5, at), ...click(5, at));
      await outer.waitFor(/image +nginx:/);
      // The wheel over the CPU pane gives it the focus (and scrolls it).
      await outer.tmux('send-keys', '-t', outer.tmuxTarget(), '-H', ...hex('\x1b[<65;5;5M'));
      await outer.waitFor(/┏━ ▸ CPU/);
    } finally {
      await outer.tmux('send-keys', '-t', outer.tmuxTarget(), 'q');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The inner tmux ends with the console; if the test failed first, it is stopped here.
      spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore', timeout: 2_000 });
      rmSync(socket, { force: true });
    }
  });

  it('the terminal is given its mouse back at exit and after a crash; --no-mouse never takes it', async () => {
    const tmux = await start(100, 30, '--demo healthy');
    expect(await mouseModes(tmux)).toBe('1 1');
    await tmux.sendKeys('q');
    await tmux.waitForExit();
    expect(await mouseModes(tmux)).toBe('0 0');

    const crashing = await start(100, 30, '--demo healthy', { HOMEOPS_TEST_CRASH_MS: '1500' });
    expect(await mouseModes(crashing)).toBe('1 1');
    expect(await crashing.waitForExit(10_000)).toBe(70);
    expect(await mouseModes(crashing)).toBe('0 0');

    const off = await start(100, 30, '--demo healthy --no-mouse');
    expect(await mouseModes(off)).toBe('0 0');
    const config = join(home, 'no-mouse.yaml');
    writeFileSync(config, `${readFileSync(join(root, 'examples', 'estate.yaml'), 'utf8')}\nmouse: false\n`);
    const byConfig = await start(100, 30, `--demo healthy --config ${config}`);
    expect(await mouseModes(byConfig)).toBe('0 0');
  });

  it("the demo's postgres log reads in order (older days with their date); a search marks and counts its matches", async () => {
    const tmux = await start(120, 40, '--demo healthy');
    await tmux.waitFor(/│ postgres /);
    await focusContainers(tmux);
    await tmux.type('/postgres');
    await tmux.sendKeys('Enter', 'L');
    // The panel's title comes before the lines the stream reads: wait for the four of them.
    const timed = (screen: string) => screen.split('\n').filter((l) => /^┃(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d /.test(l)).length;
    const logs = await tmux.waitFor((screen) => /Logs · postgres on workstation/.test(screen) && timed(screen) >= 4);
    const lines = logs.split('\n').filter((l) => /^┃(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d /.test(l));
    expect(lines).toHaveLength(4);
    // Three days back with the date, the checkpoint four hours ago with the time (and the date
    // only when that was yesterday): in order as read.
    expect(lines[0]).toMatch(/^┃\d{4}-\d\d-\d\d \d\d:\d\d:\d\d PostgreSQL init process complete/);
    expect(lines[3]).toMatch(/^┃(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d LOG: {2}checkpoint complete/);
    const stamp = (line: string) => /^┃(?:(\d{4}-\d\d-\d\d) )?(\d\d:\d\d:\d\d)/.exec(line)?.slice(1, 3).join(' ') ?? '';
    expect(stamp(lines[0] ?? '') < stamp(lines[3] ?? '') || !/^\d/.test(stamp(lines[3] ?? ''))).toBe(true);
    await tmux.sendKeys('/');
    await tmux.type('checkpoint');
    await tmux.sendKeys('Enter');
    await tmux.waitFor(/\/checkpoint {2}2 of 2 · n\/N next\/previous/);
    await tmux.sendKeys('t');
    await tmux.waitFor((screen) => screen.includes('┃LOG:  checkpoint starting: time'));
  });

  it("the console remembers the view, the containers' sort and filter and the theme; --reset-state forgets them", async () => {
    const state = join(home, 'remembers');
    const more = { XDG_STATE_HOME: state };
    const first = await start(120, 40, '--demo healthy', more);
    await first.waitFor(/│ postgres /);
    await focusContainers(first);
    // Sort by memory, largest first; keep a filter; the next theme; view 2 (tmux).
    await first.sendKeys('M');
    await first.type('/re');
    await first.sendKeys('Enter');
    await first.waitFor(/sort problems, mem↓ +\/re /);
    await first.sendKeys('T');
    await first.waitFor(/theme light/);
    await first.sendKeys('2');
    await first.waitFor(/view tmux\//);
    await first.sendKeys('q');
    expect(await first.waitForExit()).toBe(0);

    const second = await start(120, 40, '--demo healthy', more);
    const screen = await second.waitFor(/sort problems, mem↓ +\/re /);
    expect(screen).toMatch(/view tmux\//);
    const light = attributes(await second.captureAnsi());
    for (const code of ['33', '36', '37']) expect(light.has(code), code).toBe(false);
    await second.sendKeys('q');
    await second.waitForExit();

    // --view on the command line comes first.
    const asked = await start(120, 40, '--demo healthy --view workstation', more);
    await asked.waitFor(/view workstation\//);
    await asked.sendKeys('q');
    await asked.waitForExit();

    const reset = await TmuxSession.start({
      cols: 250,
      rows: 10,
      env: { ...env, ...more },
      cwd: root,
      command: `node ${cli} --reset-state`,
    });
    sessions.push(reset);
    expect(await reset.waitForExit()).toBe(0);
    expect(await reset.capture()).toMatch(/homeops: forgot what the console remembered \(.*console\.json\)/);
    const fresh = await start(120, 40, '--demo healthy', more);
    const after = await fresh.waitFor(/sort problems, name↑/);
    expect(after).toMatch(/view workstation\//);
  });
});
