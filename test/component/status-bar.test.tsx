// The status bar (host, view, refresh, the tick's time, the console's own CPU and memory, the
// overall status word) and NO_COLOR: no colour at all, every status still a word.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Status } from '../../src/model/status.js';
import {
  cleanupHomes,
  cpuEntry,
  demoPanes,
  FakeSource,
  focusedPanes,
  gpuEntry,
  offEntry,
  paneOnScreen,
  paneText,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();

describe('the status bar', () => {
  it("shows the host, view, refresh interval, the tick time and the console's own CPU and memory", async () => {
    const source = new FakeSource(
      snapshot({
        host: 'backup-nas',
        takenAt: '2026-01-02T03:04:05.000Z',
        self: { cpuPercent: 2.4, rssBytes: 87 * 1024 * 1024 },
        panes: { cpu: cpuEntry(s, 'cpu/7950x-idle.json'), gpu: gpuEntry(s, 'rtx4080-595') },
      }),
    );
    const app = await renderApp({ source, setup: s, columns: 120, rows: 40 });
    const bar = statusBar(app.plainFrame());
    expect(bar).toMatch(/^ ● ok  backup-nas · view workstation\/normal · refresh 2s · \d\d:\d\d:05 · self 2\.4% 87 MiB · \? help · q quit/);
    // The CPU pane says the plan is another host's.
    expect(paneOnScreen(app.plainFrame(), 'CPU')?.top).toContain('CPU · backup-nas · plan of workstation');

    // Each tick moves the time and the figures on.
    source.publish(
      snapshot({ ...source.current(), takenAt: '2026-01-02T03:04:07.000Z', self: { cpuPercent: null, rssBytes: 90 * 1024 * 1024 } }),
    );
    await app.waitForText(/:\d\d:07 · self – 90 MiB/);
  });

  // The time used to be cut out of the ISO string (UTC), hours off the wall clock anywhere else.
  it('shows the tick time in the local time zone', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const source = new FakeSource(snapshot({ takenAt: '2026-01-02T03:04:05.000Z' }));
      const app = await renderApp({ source, setup: s, columns: 120, rows: 40 });
      // 03:04:05 UTC is 22:04:05 the evening before in New York (UTC−5 in January).
      expect(statusBar(app.plainFrame())).toContain(' · 22:04:05 · ');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('says when it replays a demo and when it is read-only', async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ demo: 'gpu-hot' })),
      setup: s,
      columns: 120,
      rows: 40,
      readOnly: true,
    });
    expect(statusBar(app.plainFrame())).toMatch(/^ ○ off  workstation DEMO gpu-hot READ-ONLY · view /);
  });

  const WORDS: [Status, string][] = [
    ['ok', '● ok'],
    ['warn', '▲ WARN'],
    ['crit', '✖ CRIT'],
    ['stale', '◌ STALE'],
    ['down', '✖ DOWN'],
    ['off', '○ off'],
  ];
  it.each(WORDS)('the overall status %s is the first thing on the bar, as a word, even at 60 columns', async (status, word) => {
    const app = await renderApp({ source: new FakeSource(snapshot({ status })), setup: s, columns: 60, rows: 16 });
    expect(statusBar(app.plainFrame()).startsWith(` ${word} `)).toBe(true);
  });
});

// SGR parameters that set a colour: 30–39, 40–49 (38/48 with their 5;n or 2;r;g;b), 90–97, 100–107.
function colourCodes(frame: string): string[] {
  const found: string[] = [];
  for (const match of frame.matchAll(/\x1b\[([\d;]*)m/g)) {
    const params = (match[1] ?? '').split(';').filter(Boolean).map(Number);
    if (params.some((p) => (p >= 30 && p <= 49) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) found.push(JSON.stringify(match[0]));
  }
  return found;
}

const [healthy, primaryDown] = await Promise.all([demoPanes('healthy'), demoPanes('primary-down')]);

describe('NO_COLOR', () => {
  // The panes in different states, so that most status words are on screen at once: CPU stale,
  // GPU hot (WARN), containers ok, DNS failed over (WARN), VPN not configured (off).
  const hot = gpuEntry(s, 'hot-595');
  const states = () =>
    snapshot({
      panes: {
        cpu: { ...cpuEntry(s, 'cpu/2core.json'), status: 'stale', ageMs: 95_000, error: 'no new reading for 1m35s' },
        gpu: hot,
        containers: healthy.containers,
        dns: primaryDown.dns,
        vpn: offEntry('not configured (no vpn section in the config)'),
      },
    });

  // The pane Tab moves to first: the layout's second pane (the workstation view puts Containers
  // under the CPU; tmux/small at 80x24 puts the GPU there).
  const SECOND: Record<number, string> = { 80: 'GPU', 120: 'Containers', 200: 'Containers' };

  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
  ] as const)('at %ix%i: not one colour escape, with the panes, the focus moved and the help open', async (columns, rows) => {
    const app = await renderApp({ source: new FakeSource(states()), setup: s, columns, rows, theme: { color: false } });
    expect(colourCodes(app.lastFrame())).toEqual([]);
    for (const title of ['CPU', 'GPU', 'Containers', 'DNS', 'VPN', 'Backups'])
      expect(paneOnScreen(app.plainFrame(), title), title).toBeDefined();
    await app.press('\t');
    expect(focusedPanes(app.plainFrame())).toEqual([SECOND[columns]]);
    expect(colourCodes(app.lastFrame())).toEqual([]);
    await app.press('?');
    expect(app.plainFrame()).toContain('Help · keys');
    for (const frame of app.frames) expect(colourCodes(frame)).toEqual([]);
  });

  it('the same screen in colour does have colour (so the check above can fail)', async () => {
    const app = await renderApp({ source: new FakeSource(states()), setup: s, columns: 120, rows: 40, theme: { color: true } });
    expect(colourCodes(app.lastFrame()).length).toBeGreaterThan(10);
  });

  it('every status still reads as a word: on the panes, their messages and the status bar', async () => {
    const source = new FakeSource(states());
    const app = await renderApp({ source, setup: s, columns: 120, rows: 40, theme: { color: false } });
    let plain = app.plainFrame();
    expect(paneOnScreen(plain, 'CPU')?.top).toMatch(/ ◌ STALE 1m [╮┓]$/);
    expect(paneOnScreen(plain, 'CPU')?.body.join('\n')).toContain('◌ STALE no new reading for 1m35s (data 1m old)');
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ▲ WARN [╮┓]$/);
    expect(paneOnScreen(plain, 'GPU')?.body.join('\n')).toContain('▲ WARN GPU at 84 °C (warn ≥ 80)');
    expect(statusBar(plain)).toMatch(/^ ▲ WARN /);
    // Verdicts in the plan table are words too.
    expect(paneOnScreen(plain, 'CPU')?.body.join('\n')).toMatch(/database +2-5 +– +not here/);
    // The new panes: their status words on the border, the DNS failover said in words first.
    expect(paneOnScreen(plain, 'Containers')?.top).toMatch(/ ● ok [╮┓]$/);
    expect(paneOnScreen(plain, 'DNS · FAILOVER')?.top).toMatch(/ ▲ WARN [╮┓]$/);
    expect(paneOnScreen(plain, 'DNS')?.body[0]).toMatch(/^▲ WARN  FAILOVER/);
    expect(paneText(plain, 'DNS')).toMatch(/✖ DOWN +primary .*timeout/);
    expect(paneOnScreen(plain, 'VPN')?.top).toMatch(/ ○ off [╮┓]$/);
    expect(paneOnScreen(plain, 'VPN')?.body[0]).toMatch(/^○ off not configured/);

    const crit = { ...hot, status: 'crit' as const, alerts: [{ level: 'crit' as const, message: 'GPU at 93 °C (crit ≥ 90)' }] };
    source.publish(snapshot({ panes: { ...source.current().panes, cpu: offEntry('disabled in config (probes.cpu.enabled)'), gpu: crit } }));
    await app.waitForText('GPU at 93 °C');
    plain = app.plainFrame();
    expect(paneOnScreen(plain, 'CPU')?.top).toMatch(/ ○ off [╮┓]$/);
    expect(paneOnScreen(plain, 'CPU')?.body[0]).toMatch(/^○ off disabled in config \(probes\.cpu\.enabled\)/);
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ✖ CRIT [╮┓]$/);
    expect(paneOnScreen(plain, 'GPU')?.body.join('\n')).toContain('✖ CRIT GPU at 93 °C (crit ≥ 90)');
    expect(statusBar(plain)).toMatch(/^ ✖ CRIT /);
    expect(colourCodes(app.lastFrame())).toEqual([]);
  });
});
