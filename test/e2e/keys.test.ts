// Keys in a real terminal as an operator on a laptop over SSH sends them: several in one read,
// pasted text, and panels that own the keyboard. The built console in tmux.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, homeEnv, root } from '../helpers/built.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');
const MARKER = 'BEFORE-HOMEOPS-KEYS';

/** The titles of the panes drawn focused (heavy border, ▸ before the title). */
const focused = (screen: string) => [...screen.matchAll(/┏━ ▸ (CPU|Containers|GPU|DNS|VPN|Backups)\b/g)].map((m) => m[1]).join();

describe.runIf(hasTmux)('keys that arrive together, pastes and panels, in a real terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-keys-'));
  const sessions: TmuxSession[] = [];
  const env = homeEnv(home, { HOMEOPS_CONFIG: undefined, NO_COLOR: undefined });

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });

  let runs = 0;
  const start = async (cols: number, rows: number, args: string, after = ''): Promise<TmuxSession> => {
    // A state directory each: the console remembers its view between starts, and each test starts afresh.
    const fresh = { ...env, XDG_STATE_HOME: join(home, `.state-${++runs}`) };
    const tmux = await TmuxSession.start({ cols, rows, env: fresh, cwd: root, marker: MARKER, command: `node ${cli} ${args}${after}` });
    sessions.push(tmux);
    await tmux.waitFor(/view \w+\//);
    return tmux;
  };

  it('qq typed in one read quits', async () => {
    const tmux = await start(100, 30, '--demo healthy');
    await tmux.type('qq');
    expect(await tmux.waitForExit(8000)).toBe(0);
  });

  it('Tab Tab Tab in one read moves the focus three panes; 3 2 in one read ends on the tmux view', async () => {
    const tmux = await start(120, 40, '--demo healthy');
    await tmux.waitFor((s) => focused(s) === 'CPU');
    await tmux.sendBurst('Tab', 'Tab', 'Tab');
    await tmux.waitFor((s) => focused(s) === 'DNS');
    await tmux.sendBurst('3', '2');
    await tmux.waitFor(/view tmux\//);
  });

  it('jjjj under --keymap vim scrolls the CPU pane four lines', async () => {
    const tmux = await start(80, 24, '--demo healthy --keymap vim');
    await tmux.waitFor(/↓\d+ more/);
    await tmux.type('jjjj');
    await tmux.waitFor(/↑4 ↓\d+ more|↑4/);
  });

  it('pasted text runs nothing (bracketed paste on), and the terminal is back to plain paste after the console', async () => {
    // `cat -v` runs straight after the console, with no shell prompt in between to reset the mode.
    const tmux = await start(100, 30, '--demo healthy', '; cat -v');
    await tmux.tmux('set-buffer', '-b', 'homeops-test', 'q2');
    await tmux.tmux('paste-buffer', '-p', '-b', 'homeops-test', '-t', tmux.tmuxTarget());
    await new Promise((r) => setTimeout(r, 600));
    const screen = await tmux.capture();
    expect(screen).toMatch(/view workstation\//);
    await tmux.sendKeys('q');
    await tmux.waitFor(new RegExp(MARKER));
    // cat -v shows what a paste sends now: no bracket codes (^[[200~) left switched on.
    await tmux.tmux('set-buffer', '-b', 'homeops-test', 'pasted-after');
    await tmux.tmux('paste-buffer', '-p', '-b', 'homeops-test', '-t', tmux.tmuxTarget());
    const after = await tmux.waitFor(/pasted-after/);
    expect(after).not.toMatch(/\^\[\[20[01]~/);
    await tmux.sendKeys('C-d');
  });

  it('in the logs of api-gateway, /ngi and S act on the logs alone: a search, no filter, no stop of nginx', async () => {
    const tmux = await start(120, 40, '--demo healthy');
    await tmux.sendKeys('Tab');
    await tmux.waitFor((s) => focused(s) === 'Containers');
    await tmux.type('/api-gateway');
    await tmux.sendKeys('Enter', 'L');
    await tmux.waitFor(/Logs · api-gateway/);
    // In the logs / searches them: what is typed after it is the search, S included.
    await tmux.type('/ngi');
    await tmux.sendKeys('S');
    await new Promise((r) => setTimeout(r, 400));
    const screen = await tmux.capture();
    expect(screen).toMatch(/Logs · api-gateway/);
    expect(screen).toMatch(/\/ngiS▏/);
    expect(screen).not.toMatch(/Stop nginx|stop nginx/i);
    // Escape clears the search, the next one closes the logs.
    await tmux.sendKeys('Escape');
    await tmux.waitFor((s) => !/\/ngiS/.test(s) && /Logs · api-gateway/.test(s));
    await tmux.sendKeys('S');
    await tmux.waitFor(/esc closes the logs first/);
    await tmux.sendKeys('Escape');
    const panes = await tmux.waitFor((s) => !/Logs · api-gateway/.test(s));
    // The filter is the one typed before the logs opened.
    expect(panes).toMatch(/\/api-gateway/);
    expect(panes).not.toMatch(/\/ngi/);
  });
});
