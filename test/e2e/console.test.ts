import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFits, cli, ensureBuilt, homeEnv, root } from '../helpers/built.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { isAlive, TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');
const MARKER = 'BEFORE-HOMEOPS-MARKER';

describe.runIf(hasTmux)('the console in a real terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-'));
  const sessions: TmuxSession[] = [];
  const env = homeEnv(home, { HOMEOPS_CONFIG: undefined, NO_COLOR: undefined });

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });

  const start = async (cols: number, rows: number, args: string): Promise<TmuxSession> => {
    const tmux = await TmuxSession.start({ cols, rows, env, cwd: root, marker: MARKER, command: `node ${cli} ${args}` });
    sessions.push(tmux);
    return tmux;
  };

  it('starts in the workstation view at 120x40 with all six panes and the status bar', async () => {
    const tmux = await start(120, 40, '--demo healthy');
    // Every source answers soon, but not in the same frame: wait for the last of them. The
    // status bar's refresh gives way while the console's own first-second cost is three digits
    // wide ("self 108.2%" on a busy machine), so wait for that to settle too.
    const statusBar = /view workstation\/normal · refresh 2s · \d\d:\d\d:\d\d · self /;
    const screen = await tmux.waitFor(
      (s) =>
        /core\s+6-9\s+\d+\.\d\/4/.test(s) &&
        (s.match(/ ● ok [╮┓]/g) ?? []).length === 6 &&
        /VPN running/.test(s) &&
        /postgres/.test(s) &&
        statusBar.test(s),
    );
    expect(await tmux.alternateScreenActive()).toBe(true);
    // Each pane's title on its top border with its status word.
    for (const title of ['CPU · workstation', 'Containers', 'GPU', 'DNS', 'VPN', 'Backups']) {
      expect(screen, title).toMatch(new RegExp(`[╭┏][─━] (▸ )?${title} [─━]+ ● ok [╮┓]`));
    }
    expect(screen).toMatch(/NVIDIA GeForce RTX 4080/);
    expect(screen).toMatch(/clients use primary 10\.0\.10\.10/);
    expect(screen).toMatch(/VPN running · 198\.51\.100\.73/);
    expect(screen).toMatch(/postgres/);
    for (const group of ['system', 'database', 'core', 'specialized', 'burst']) expect(screen).toMatch(new RegExp(`^.${group}\\s`, 'm'));
    expect(screen).toMatch(statusBar);
    assertFits(screen, 120, 40);
  });

  it('shows the help with every binding, then closes it; switches views with number keys', async () => {
    const tmux = await start(120, 40, '--demo healthy');
    await tmux.waitFor(/view workstation/);
    await tmux.sendKeys('?');
    const help = await tmux.waitFor(/Help · keys/);
    for (const line of [
      /q ctrl\+c\s+quit/,
      /\?\s+help/,
      /tab\s+focus\.next/,
      /shift\+tab\s+focus\.prev/,
      /r\s+refresh/,
      /2\s+view\.2\s+Switch to view 2: tmux/,
    ]) {
      expect(help).toMatch(line);
    }
    await tmux.sendKeys('Escape');
    await tmux.waitFor((s) => !s.includes('Help · keys') && s.includes('CPU · workstation'));
    await tmux.sendKeys('2');
    const tmuxView = await tmux.waitFor(/view tmux\/tall/);
    assertFits(tmuxView, 120, 40);
    await tmux.sendKeys('1');
    await tmux.waitFor(/view workstation\/normal/);
  });

  it('moves the focus with Tab and Shift-Tab through every pane in layout order', async () => {
    // The panes drawn focused: heavy border and ▸ before the title.
    const focused = (screen: string) => [...screen.matchAll(/┏━ ▸ (CPU|Containers|GPU|DNS|VPN|Backups)\b/g)].map((m) => m[1]);
    const only = (title: string) => (screen: string) => focused(screen).join() === title;
    const tmux = await start(120, 40, '--demo healthy');
    await tmux.waitFor(only('CPU'));
    // workstation/normal: CPU over Containers on the left, GPU over DNS over VPN over Backups on the right.
    for (const title of ['Containers', 'GPU', 'DNS', 'VPN', 'Backups', 'CPU']) {
      await tmux.sendKeys('Tab');
      await tmux.waitFor(only(title));
    }
    await tmux.sendKeys('BTab');
    await tmux.waitFor(only('Backups'));
    await tmux.sendKeys('BTab');
    await tmux.waitFor(only('VPN'));
  });

  it('re-lays out at once on resize: 80x24 gets the tmux view, 200x60 the wide tier, tiny a one-line message', async () => {
    const tmux = await start(120, 40, '--demo gpu-hot');
    await tmux.waitFor(/view workstation\/normal/);
    await tmux.resize(80, 24);
    assertFits(await tmux.waitFor(/view tmux\/small/), 80, 24);
    await tmux.resize(200, 60);
    assertFits(await tmux.waitFor(/view workstation\/wide/), 200, 60);
    await tmux.resize(50, 12);
    const tiny = await tmux.waitFor(/HomeOps needs 60x16 \(now 50x12\)/);
    assertFits(tiny, 50, 12);
    await tmux.resize(120, 40);
    await tmux.waitFor(/view workstation\/normal/);
  });

  const waysOut: [string, (tmux: TmuxSession) => Promise<void>, number][] = [
    ['q', (tmux) => tmux.sendKeys('q'), 0],
    ['Ctrl-C', (tmux) => tmux.sendKeys('C-c'), 0],
    [
      'SIGTERM',
      async (tmux) => {
        const pid = tmux.programPid();
        if (pid === null) throw new Error('no program running');
        process.kill(pid, 'SIGTERM');
      },
      143,
    ],
    [
      'SIGHUP (the SSH session dropped)',
      async (tmux) => {
        const pid = tmux.programPid();
        if (pid === null) throw new Error('no program running');
        process.kill(pid, 'SIGHUP');
      },
      129,
    ],
  ];
  for (const [name, leave, status] of waysOut) {
    it(`leaving with ${name} restores the screen`, async () => {
      const tmux = await start(100, 30, '--demo healthy');
      await tmux.waitFor(/view workstation/);
      await tmux.waitForProgram();
      const pid = tmux.programPid();
      await leave(tmux);
      expect(await tmux.waitForExit(8000)).toBe(status);
      const screen = await tmux.waitFor(new RegExp(MARKER));
      expect(await tmux.alternateScreenActive()).toBe(false);
      expect(screen).not.toMatch(/CPU · workstation|view workstation/);
      if (pid !== null) expect(isAlive(pid)).toBe(false);
    });
  }

  it('an uncaught error restores the screen and says what happened in one line', async () => {
    const tmux = await TmuxSession.start({
      cols: 100,
      rows: 30,
      env: { ...env, HOMEOPS_TEST_CRASH_MS: '1500' },
      cwd: root,
      marker: MARKER,
      command: `node ${cli} --demo healthy`,
    });
    sessions.push(tmux);
    await tmux.waitFor(/view workstation/);
    expect(await tmux.waitForExit(8000)).toBe(70);
    const screen = await tmux.waitFor(/homeops: internal error: deliberate crash/);
    expect(screen).toContain(MARKER);
    expect(screen).not.toMatch(/view workstation/);
    expect(await tmux.alternateScreenActive()).toBe(false);
  });

  it('a broken config never enters the full screen: one line FILE:LINE:COL, exit 78', async () => {
    const config = join(home, 'broken.yaml');
    writeFileSync(config, 'refresh: 2s\nplan: [1\n');
    const tmux = await start(100, 30, `--config ${config}`);
    expect(await tmux.waitForExit(5000)).toBe(78);
    const screen = await tmux.waitFor(/broken\.yaml:\d+:\d+ YAML:/);
    expect(screen).toContain(MARKER);
    expect(await tmux.alternateScreenActive()).toBe(false);
  });
});
