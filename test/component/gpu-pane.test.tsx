// The GPU pane: one GPU, two GPUs, a hot GPU, and the ways nvidia-smi fails — not installed
// (off), a broken driver (down), and a failure after good readings (stale, old data kept).
// Failures go through the real reader, probe and monitor, replaying the fixture case dirs.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { replayNvidiaSmiHost } from '../../src/demo/scenario.js';
import type { CommandRunner } from '../../src/hosts/host.js';
import { PANE_IDS } from '../../src/model/panes.js';
import { Monitor, type ProbeSlot } from '../../src/monitor/monitor.js';
import { gpuProbe, gpuReader } from '../../src/probes/gpu/probe.js';
import {
  cleanupHomes,
  FakeSource,
  fixturePath,
  focusPane,
  gpuEntry,
  joinLines,
  paneOnScreen,
  paneText,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
  wholePane,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const gpuConfig = s.config.probes.gpu;

describe('readings', () => {
  it.each([
    [120, 40],
    [200, 60],
  ] as const)('one GPU at %ix%i: name, utilisation, VRAM, temperature, power and its processes', async (columns, rows) => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'rtx4080-595') } })),
      setup: s,
      columns,
      rows,
    });
    const pane = paneOnScreen(app.plainFrame(), 'GPU');
    expect(pane?.top).toMatch(/^[╭┏][─━] GPU [─━]+ ● ok [╮┓]$/);
    expect(pane?.bottom).not.toContain('more');
    const text = paneText(app.plainFrame(), 'GPU');
    expect(text).toContain('NVIDIA GeForce RTX 4080 · P2 · driver 595.71');
    expect(text).toMatch(/util [█▉▊▋▌▍▎▏░]+ 63%/);
    expect(text).toMatch(/vram [█▉▊▋▌▍▎▏░]+ 60% 9\.6\/16\.0 GiB/);
    // power.draw (212.37 W, what nvidia-smi shows; not the instant 236.90 W) of the 320 W limit.
    expect(text).toContain('temp 61°C · power 212/320 W · fan 41%');
    expect(text).toMatch(/1842 +ollama +7\.0 GiB/);
    expect(text).toMatch(/2290 +python3 +2\.3 GiB/);
    // The process using more VRAM is listed first.
    expect(text.indexOf('ollama')).toBeLessThan(text.indexOf('python3'));
  });

  // At 80x24 (tmux/small) the GPU pane is half the terminal: 38 columns inside its borders.
  it("one GPU at 80x24: the card's figures in the small pane, the processes a scroll away", async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'rtx4080-595') } })),
      setup: s,
      columns: 80,
      rows: 24,
    });
    const pane = paneOnScreen(app.plainFrame(), 'GPU');
    expect(pane?.top).toMatch(/^[╭┏][─━] GPU [─━]+ ● ok [╮┓]$/);
    const text = paneText(app.plainFrame(), 'GPU');
    // The driver version is cut where the name line is longer than the pane; the card is not.
    expect(text).toMatch(/NVIDIA GeForce RTX 4080 · P2 · driver( 595\.71\.05|…)/);
    expect(text).toMatch(/util [█▉▊▋▌▍▎▏░]+ 63%/);
    expect(text).toMatch(/vram [█▉▊▋▌▍▎▏░]+ 60% 9\.6\/16\.0 GiB/);
    expect(text).toContain('temp 61°C · power 212/320 W · fan 41%');
    // What does not fit is counted on the border, not silently dropped.
    const hidden = Number(/↓(\d+) more/.exec(pane?.bottom ?? '')?.[1] ?? 0);
    const shown = ['pid ', '1842 ', '2290 '].filter((start) => pane?.body.some((l) => l.startsWith(start))).length;
    expect(shown + hidden).toBe(3);
  });

  // Both cards' figures on screen; the processes below them, a scroll away where the pane is short.
  it('two GPUs at 120x40: both, numbered, and which GPU each process runs on', async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'dual-595') } })),
      setup: s,
      columns: 120,
      rows: 40,
    });
    const pane = paneOnScreen(app.plainFrame(), 'GPU');
    expect(pane?.top).toContain('GPU · 2 GPUs');
    const shown = paneText(app.plainFrame(), 'GPU');
    for (const figure of ['0 NVIDIA GeForce RTX 4090 · P2', '1 NVIDIA GeForce RTX 4080 · P8', 'temp 71°C', 'temp 38°C'])
      expect(shown).toContain(figure);
    await focusPane(app, 'GPU');
    const text = joinLines(await wholePane(app, 'GPU'));
    expect(text).toContain('0 NVIDIA GeForce RTX 4090 · P2');
    expect(text).toContain('1 NVIDIA GeForce RTX 4080 · P8');
    expect(text).toMatch(/util [█▉▊▋▌▍▎▏░]+ 88%/);
    expect(text).toMatch(/util [█▉▊▋▌▍▎▏░]+ 3%/);
    expect(text).toContain('temp 71°C');
    expect(text).toContain('temp 38°C');
    // No power limit or fan reported by the second card: said, not invented.
    expect(text).toContain('power 20 W · fan n/a');
    expect(text).toMatch(/40112 +llama-server +18\.0 GiB +0\b/);
    expect(text).toMatch(/5120 +ffmpeg +612 MiB +1\b/);
  });

  // The name column used to leave no room for the "  gpu" column: the header read "vram  g…".
  it("two GPUs at 120x40: the process table's header names its gpu column in full", async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'dual-595') } })),
      setup: s,
      columns: 120,
      rows: 40,
    });
    const header = paneOnScreen(app.plainFrame(), 'GPU')?.body.find((line) => line.startsWith('pid '));
    expect(header).toMatch(/^pid +process +vram +gpu\s*$/);
  });

  it('two GPUs at 80x24: one line per GPU when the full blocks do not fit', async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'dual-595') } })),
      setup: s,
      columns: 80,
      rows: 24,
    });
    const pane = paneOnScreen(app.plainFrame(), 'GPU');
    expect(pane?.top).toContain('GPU · 2 GPUs');
    const body = pane?.body ?? [];
    // Index, model, utilisation, temperature and the VRAM used, each GPU on its own line.
    expect(body.find((l) => l.startsWith('0 '))).toMatch(/^0 RTX 4090 +88% +71°C 19\.6\//);
    expect(body.find((l) => l.startsWith('1 '))).toMatch(/^1 RTX 4080 +3% +38°C 1\.2\/16G/);
    expect(body.findIndex((l) => l.startsWith('1 '))).toBe(body.findIndex((l) => l.startsWith('0 ')) + 1);
  });

  // The one-line form fits the 38 columns the GPU pane has at 80x24: the name gives way, not the
  // VRAM % or the power draw.
  it("two GPUs at 80x24: each GPU's line shows its VRAM % and power draw too", async () => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'dual-595') } })),
      setup: s,
      columns: 80,
      rows: 24,
    });
    const body = paneOnScreen(app.plainFrame(), 'GPU')?.body ?? [];
    // Power is power.draw, as nvidia-smi shows it (391.52 W and 19.84 W; the instant readings differ).
    expect(body.find((l) => l.startsWith('0 '))).toMatch(/^0 RTX 4090 .*88% .*71°C .*82% .*392 ?W$/);
    expect(body.find((l) => l.startsWith('1 '))).toMatch(/^1 RTX 4080 .*3% .*38°C .*7% .*20 ?W$/);
  });

  it.each([
    [80, 24],
    [120, 40],
  ] as const)('a hot GPU at %ix%i: WARN on the pane and in the status bar, and the temperature alert', async (columns, rows) => {
    const app = await renderApp({ source: new FakeSource(snapshot({ panes: { gpu: gpuEntry(s, 'hot-595') } })), setup: s, columns, rows });
    const plain = app.plainFrame();
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ▲ WARN [╮┓]$/);
    expect(paneText(plain, 'GPU')).toContain('▲ WARN GPU at 84 °C (warn ≥ 80)');
    expect(paneText(plain, 'GPU')).toMatch(/84°C/);
    expect(statusBar(plain)).toMatch(/^ ▲ WARN /);
  });
});

/** The GPU pane entry the monitor publishes after reading through `host` (not started: no timers). */
async function readThrough(host: CommandRunner, now: () => number = Date.now): Promise<Monitor> {
  const slots: ProbeSlot[] = PANE_IDS.map((id) =>
    id === 'gpu' ? { id, probe: gpuProbe(gpuReader(host, gpuConfig), gpuConfig) } : { id, disabled: 'not in this test' },
  );
  const monitor = new Monitor(slots, { host: 'workstation', refreshMs: 2000, now });
  await monitor.refreshNow();
  return monitor;
}

describe('when nvidia-smi fails', () => {
  it('not installed: the pane is off and says why, in words', async () => {
    const monitor = await readThrough(replayNvidiaSmiHost(fixturePath('nvidia-smi', 'not-there'), 'workstation'));
    expect(monitor.current().panes.gpu.status).toBe('off');
    const app = await renderApp({ source: monitor, setup: s, columns: 120, rows: 40 });
    const plain = app.plainFrame();
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ○ off [╮┓]$/);
    expect(paneText(plain, 'GPU')).toContain('○ off nvidia-smi not found on workstation: no NVIDIA driver installed');
  });

  it.each([
    [
      'driver-not-loaded',
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    ],
    ['nvml-mismatch', 'Failed to initialize NVML: Driver/library version mismatch'],
    ['no-devices', 'No devices were found'],
  ])("%s: the pane is DOWN with the driver's own message, whole", async (caseDir, message) => {
    const monitor = await readThrough(replayNvidiaSmiHost(fixturePath('nvidia-smi', caseDir), 'workstation'));
    for (const [columns, rows] of [
      [80, 24],
      [120, 40],
    ] as const) {
      const app = await renderApp({ source: monitor, setup: s, columns, rows });
      const plain = app.plainFrame();
      expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ✖ DOWN [╮┓]$/);
      expect(paneText(plain, 'GPU')).toMatch(/^✖ DOWN \S/);
      expect(statusBar(plain)).toMatch(/^ ✖ DOWN /);
      // Wrapped inside the pane, never cut: what does not fit is a scroll away.
      await focusPane(app, 'GPU');
      expect(joinLines(await wholePane(app, 'GPU'))).toContain(`✖ DOWN ${message}`);
      app.unmount();
    }
  });

  it('after good readings: STALE with the age of the data kept and the error', async () => {
    // Good answers at first, then the driver goes away (a failed driver update, say).
    const good = replayNvidiaSmiHost(fixturePath('nvidia-smi', 'rtx4080-595'), 'workstation');
    const broken = replayNvidiaSmiHost(fixturePath('nvidia-smi', 'driver-not-loaded'), 'workstation');
    let failing = false;
    const host: CommandRunner = { name: 'workstation', exec: (argv, options) => (failing ? broken : good).exec(argv, options) };
    let clock = Date.parse('2026-01-02T03:00:00Z');
    const monitor = await readThrough(host, () => clock);
    expect(monitor.current().panes.gpu.status).toBe('ok');
    failing = true;
    clock += 3 * 60_000 + 5_000;
    await monitor.refreshNow();
    expect(monitor.current().panes.gpu.status).toBe('stale');

    const app = await renderApp({ source: monitor, setup: s, columns: 120, rows: 40 });
    const plain = app.plainFrame();
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ◌ STALE 3m [╮┓]$/);
    expect(paneText(plain, 'GPU')).toMatch(/^◌ STALE NVIDIA-SMI has failed/);
    await focusPane(app, 'GPU');
    const text = joinLines(await wholePane(app, 'GPU'));
    expect(text).toContain(
      "◌ STALE NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running. (data 3m old)",
    );
    // The last good reading is still there to read.
    expect(text).toContain('NVIDIA GeForce RTX 4080');
    expect(text).toMatch(/util [█▉▊▋▌▍▎▏░]+ 63%/);
    expect(text).toMatch(/1842 +ollama/);
    expect(statusBar(plain)).toMatch(/^ ◌ STALE /);
  });
});
