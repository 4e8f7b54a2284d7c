// The whole pipeline as `homeops --demo` runs it: setup(), buildMonitor() replaying a scenario
// through the real readers, parsers and assessments, one snapshot, the App.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildMonitor } from '../../src/cli/compose.js';
import type { Monitor } from '../../src/monitor/monitor.js';
import { cleanupHomes, frameProblems, paneOnScreen, paneText, renderApp, statusBar, testSetup, unmountAll } from '../helpers/render.js';

const monitors: Monitor[] = [];
afterEach(() => {
  unmountAll();
  for (const m of monitors.splice(0)) m.stop();
});
afterAll(cleanupHomes);

async function demo(name: string) {
  const s = testSetup({ demo: name });
  const monitor = buildMonitor(s);
  monitors.push(monitor);
  await monitor.once();
  return { s, monitor };
}

describe('--demo', () => {
  it('healthy: every source answers, nothing over plan', async () => {
    const { s, monitor } = await demo('healthy');
    const app = await renderApp({ source: monitor, setup: s, columns: 120, rows: 40 });
    const plain = app.plainFrame();
    expect(frameProblems(app.lastFrame(), 120, 40)).toEqual([]);
    expect(statusBar(plain)).toMatch(/^ ● ok  workstation DEMO healthy · view workstation\/normal/);
    expect(paneOnScreen(plain, 'CPU')?.top).toContain('● ok');
    expect(paneOnScreen(plain, 'GPU')?.top).toContain('● ok');
    const cpu = paneOnScreen(plain, 'CPU')?.body ?? [];
    for (const group of ['system', 'database', 'core', 'specialized', 'burst']) {
      expect(cpu.find((l) => l.startsWith(`${group} `)), group).toMatch(/\d\.\d\/\d +[█▉▊▋▌▍▎▏░]+ +\d+% ok\s*$/);
    }
    expect(paneText(plain, 'GPU')).toContain('NVIDIA GeForce RTX 4080');
  });

  it('gpu-hot: the core group OVER its cores and the GPU at 84 °C, both WARN', async () => {
    const { s, monitor } = await demo('gpu-hot');
    for (const [columns, rows] of [[80, 24], [120, 40]] as const) {
      const app = await renderApp({ source: monitor, setup: s, columns, rows });
      const plain = app.plainFrame();
      expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
      expect(statusBar(plain)).toMatch(/^ ▲ WARN  workstation DEMO gpu-hot/);
      expect(paneOnScreen(plain, 'CPU')?.top).toContain('▲ WARN');
      expect(paneText(plain, 'CPU')).toMatch(/▲ WARN core uses \d\.\d of 4 cores \(over 80 % of plan\)/);
      expect(paneOnScreen(plain, 'CPU')?.body.find((l) => l.startsWith('core '))).toMatch(/ OVER\s*$/);
      expect(paneOnScreen(plain, 'GPU')?.top).toContain('▲ WARN');
      expect(paneText(plain, 'GPU')).toContain('▲ WARN GPU at 84 °C (warn ≥ 80)');
      app.unmount();
    }
  });
});
