// A source that never answers (a wedged driver, a dead SSH session) delays neither the other
// panes nor the keys: the real Monitor with a fast CPU probe and a GPU probe whose read never
// settles and ignores its abort signal.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PANE_IDS } from '../../src/model/panes.js';
import { Monitor, type ProbeSlot } from '../../src/monitor/monitor.js';
import { cpuProbe } from '../../src/probes/cpu/probe.js';
import type { GpuRaw } from '../../src/probes/gpu/parse.js';
import { gpuProbe } from '../../src/probes/gpu/probe.js';
import {
  cleanupHomes,
  cpuRaw,
  focusedPanes,
  paneOnScreen,
  paneText,
  renderApp,
  statusBar,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

const s = testSetup();
const monitors: Monitor[] = [];
afterEach(() => {
  unmountAll();
  for (const m of monitors.splice(0)) m.stop();
});
afterAll(cleanupHomes);

const GPU_TIMEOUT_MS = 1000;

function hungMonitor() {
  const reads = { cpu: 0, gpu: 0 };
  const slots: ProbeSlot[] = PANE_IDS.map((id): ProbeSlot => {
    if (id === 'cpu') {
      return {
        id,
        probe: cpuProbe(
          async () => {
            reads.cpu++;
            return cpuRaw('cpu/7950x-idle.json');
          },
          { ...s.config, probes: { ...s.config.probes, cpu: { ...s.config.probes.cpu, interval: 100 } } },
        ),
      };
    }
    if (id === 'gpu') {
      return {
        id,
        probe: gpuProbe(
          () => {
            reads.gpu++;
            return new Promise<GpuRaw>(() => {});
          },
          { ...s.config.probes.gpu, interval: 100, timeout: GPU_TIMEOUT_MS },
        ),
      };
    }
    return { id, disabled: 'not in this test' };
  });
  const monitor = new Monitor(slots, { host: 'workstation', refreshMs: 50 });
  monitors.push(monitor);
  return { monitor, reads };
}

describe('a probe that never answers', () => {
  it('does not hold back the other pane, goes DOWN at its timeout, and keys answer at once', async () => {
    const { monitor, reads } = hungMonitor();
    const app = await renderApp({ source: monitor, setup: s, columns: 120, rows: 40 });
    monitor.start();

    // The CPU pane shows its reading while the GPU probe is still within its timeout: nothing
    // waited for the hung read.
    await app.waitForText(/system +0-1 +\d\.\d\/2/, GPU_TIMEOUT_MS);
    expect(paneText(app.plainFrame(), 'GPU')).toContain('waiting for the first reading');
    expect(paneOnScreen(app.plainFrame(), 'GPU')?.top).toMatch(/ ◌ STALE [╮┓]$/);

    // At its timeout the hung pane says so, in words, on the pane and in the status bar. (From the
    // first publish after the timeout on, the pane shows the monitor's "still waiting for an
    // answer since …" rather than the summary "no answer within 1s".)
    await app.waitForText(/no answer within 1s|still waiting for an answer/, GPU_TIMEOUT_MS + 2000);
    const plain = app.plainFrame();
    expect(paneOnScreen(plain, 'GPU')?.top).toMatch(/ ✖ DOWN [╮┓]$/);
    expect(paneText(plain, 'GPU')).toMatch(/✖ DOWN (no answer within 1s|still waiting for an answer since \S+)/);
    expect(statusBar(plain)).toMatch(/^ ✖ DOWN /);
    expect(paneOnScreen(plain, 'CPU')?.top).toContain('● ok');
    // The panes this test does not configure say so, and are not held back either.
    for (const title of ['Containers', 'DNS', 'VPN', 'Backups']) {
      expect(paneOnScreen(plain, title)?.top, title).toMatch(/ ○ off [╮┓]$/);
      expect(paneText(plain, title), title).toContain('not in this test');
    }

    // Keys: the very next frame after ? is the help.
    const before = app.frames.length;
    const pressedAt = performance.now();
    app.stdin.write('?');
    await app.waitFor(() => app.frames.length > before, 'a frame after the key', 500);
    expect(performance.now() - pressedAt).toBeLessThan(500);
    expect(app.frames[before]).toContain('Help · keys');
    await app.press('?');
    // Tab walks the layout (CPU, Containers, GPU, …) and lands on the hung pane like any other.
    await app.press('\t');
    expect(focusedPanes(app.plainFrame())).toEqual(['Containers']);
    await app.press('\t');
    expect(focusedPanes(app.plainFrame())).toEqual(['GPU']);
    expect(paneOnScreen(app.plainFrame(), 'GPU')?.top).toMatch(/^┏━ ▸ GPU .* ✖ DOWN ┓$/);

    // The CPU probe keeps being read while the GPU read hangs; the hung read is never repeated.
    const cpuReads = reads.cpu;
    await app.waitFor(() => reads.cpu >= cpuReads + 2, 'two more CPU readings', 1000);
    expect(reads.gpu).toBe(1);
    expect(monitor.current().panes.cpu.ageMs).toBeLessThan(500);
  });
});
