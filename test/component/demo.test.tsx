// The whole pipeline as `homeops --demo` runs it: setup(), buildRuntime() replaying a scenario
// through the real readers, parsers and assessments, one snapshot, the App.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitor, buildRuntime, type Runtime, type Setup } from '../../src/cli/compose.js';
import { type Status, worst } from '../../src/model/status.js';
import type { Monitor } from '../../src/monitor/monitor.js';
import { assessDns } from '../../src/probes/dns/probe.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  frameProblems,
  PANE_TITLES,
  type PaneTitle,
  paneOnScreen,
  paneText,
  renderApp,
  snapshot,
  statusBar,
  statusWord,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

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
    // Every pane of the workstation view (the services pane is in the services view).
    for (const title of Object.values(PANE_TITLES).filter((t) => t !== 'Services'))
      expect(paneOnScreen(plain, title)?.top, title).toMatch(/ ● ok [╮┓]$/);
    const cpu = paneOnScreen(plain, 'CPU')?.body ?? [];
    for (const group of ['system', 'database', 'core', 'specialized', 'burst']) {
      expect(
        cpu.find((l) => l.startsWith(`${group} `)),
        group,
      ).toMatch(/\d\.\d\/\d +[█▉▊▋▌▍▎▏░]+ +\d+% ok\s*$/);
    }
    expect(paneText(plain, 'GPU')).toContain('NVIDIA GeForce RTX 4080');
    expect(paneText(plain, 'DNS')).toContain('clients use primary 10.0.10.10 · 3/3 servers answer');
    expect(paneText(plain, 'VPN')).toContain('VPN running · 198.51.100.73');
    expect(paneText(plain, 'Containers')).toMatch(/postgres/);
  });

  it.each([
    [80, 24],
    [120, 40],
  ] as const)('gpu-hot at %ix%i: the core group over its cores and the GPU at 84 °C, both WARN', async (columns, rows) => {
    const { s, monitor } = await demo('gpu-hot');
    const app = await renderApp({ source: monitor, setup: s, columns, rows });
    const plain = app.plainFrame();
    expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
    expect(statusBar(plain)).toMatch(/^ ▲ WARN  workstation DEMO gpu-hot/);
    expect(paneOnScreen(plain, 'CPU')?.top).toContain('▲ WARN');
    expect(paneText(plain, 'CPU')).toMatch(/▲ WARN core uses \d\.\d of 4 cores \(over 80 % of plan\)/);
    expect(paneOnScreen(plain, 'CPU')?.body.find((l) => l.startsWith('core '))).toMatch(/^core +6-9 +\d\.\d\/4 +(?:[█▉▊▋▌▍▎▏░]+ +)?9\d%/);
    expect(paneOnScreen(plain, 'GPU')?.top).toContain('▲ WARN');
    expect(paneText(plain, 'GPU')).toContain('▲ WARN GPU at 84 °C (warn ≥ 80)');
  });

  it("gpu-hot at 120x40: the core group's row says OVER", async () => {
    const { s, monitor } = await demo('gpu-hot');
    const app = await renderApp({ source: monitor, setup: s, columns: 120, rows: 40 });
    expect(paneOnScreen(app.plainFrame(), 'CPU')?.body.find((l) => l.startsWith('core '))).toMatch(/ OVER\s*$/);
  });

  // The CPU pane has 38 columns at 80x24: the verdicts still show.
  it("gpu-hot at 80x24: the core group's row says OVER", async () => {
    const { s, monitor } = await demo('gpu-hot');
    const app = await renderApp({ source: monitor, setup: s, columns: 80, rows: 24 });
    expect(paneOnScreen(app.plainFrame(), 'CPU')?.body.find((l) => l.startsWith('core '))).toMatch(/ OVER\s*$/);
  });
});

// What each scenario shows on each pane's border in the view chosen by size: the status as a
// word. (The services pane is in the services view: services-pane.test.tsx.)
const SCENARIOS: Record<string, Record<Exclude<PaneTitle, 'Services'>, Status>> = {
  healthy: { CPU: 'ok', Containers: 'ok', GPU: 'ok', DNS: 'ok', VPN: 'ok', Backups: 'ok' },
  // Clients failed over to the NAS's Pi-hole; the workstation's pihole container is unhealthy.
  'primary-down': { CPU: 'ok', Containers: 'warn', GPU: 'ok', DNS: 'warn', VPN: 'ok', Backups: 'ok' },
  // Gluetun stopped and its container unhealthy.
  'vpn-down': { CPU: 'ok', Containers: 'warn', GPU: 'ok', DNS: 'ok', VPN: 'crit', Backups: 'ok' },
  // PostgreSQL unhealthy and the api-gateway in a restart loop.
  'db-unhealthy': { CPU: 'ok', Containers: 'crit', GPU: 'ok', DNS: 'ok', VPN: 'ok', Backups: 'ok' },
};
const SIZES = [
  [80, 24],
  [120, 40],
  [200, 60],
] as const;

describe.each(Object.keys(SCENARIOS))('--demo %s', (name) => {
  let s: Setup;
  let runtime: Runtime;
  beforeAll(async () => {
    s = testSetup({ demo: name });
    runtime = buildRuntime(s);
    await runtime.monitor.once();
  });
  afterAll(() => runtime.close());
  const expected = SCENARIOS[name] ?? { CPU: 'off', Containers: 'off', GPU: 'off', DNS: 'off', VPN: 'off', Backups: 'off' };

  it.each(SIZES)("at %ix%i every pane's title is on screen with its status word, and every frame fits", async (columns, rows) => {
    const app = await renderApp({ source: runtime.monitor, setup: s, columns, rows });
    const plain = app.plainFrame();
    for (const [title, status] of Object.entries(expected)) {
      const pane = paneOnScreen(plain, title);
      expect(pane, `${title} on screen`).toBeDefined();
      expect(pane?.top, title).toMatch(new RegExp(`^[╭┏][─━] (▸ )?${title}\\b.* ${statusWord(status)} [╮┓]$`));
      expect(pane?.bottom, title).toMatch(/^[╰┗].*[╯┛]$/);
    }
    expect(statusBar(plain)).toMatch(new RegExp(`^ ${statusWord(worst(Object.values(expected)))}  workstation DEMO ${name} · `));
    expect(app.frames.length).toBeGreaterThan(0);
    for (const frame of app.frames) expect(frameProblems(frame, columns, rows)).toEqual([]);
    expect(app.terminal.problems).toEqual([]);
  });

  it(`in the outage view at 80x24 shows DNS, containers, VPN, backups and CPU, each with its status word`, async () => {
    const app = await renderApp({ source: runtime.monitor, setup: s, columns: 80, rows: 24, view: viewIndex(s, 'outage') });
    const plain = app.plainFrame();
    expect(statusBar(plain)).toContain('view outage/normal');
    for (const title of ['DNS', 'Containers', 'VPN', 'Backups', 'CPU'] as const) {
      expect(paneOnScreen(plain, title)?.top, title).toMatch(new RegExp(` ${statusWord(expected[title])} [╮┓]$`));
    }
    expect(paneOnScreen(plain, 'GPU')).toBeUndefined();
    expect(frameProblems(app.lastFrame(), 80, 24)).toEqual([]);
  });
});

describe('the DNS pane at 80x24', () => {
  const firstLine = async (name: string, view?: string) => {
    const s = testSetup({ demo: name });
    const runtime = buildRuntime(s);
    try {
      await runtime.monitor.once();
      const app = await renderApp({
        source: runtime.monitor,
        setup: s,
        columns: 80,
        rows: 24,
        ...(view ? { view: viewIndex(s, view) } : {}),
      });
      const pane = paneOnScreen(app.plainFrame(), 'DNS');
      return { pane, plain: app.plainFrame() };
    } finally {
      await runtime.close();
    }
  };

  it.each([
    ['healthy', /^● ok +clients use primary 10\.0\.10\.10\b/],
    ['vpn-down', /^● ok +clients use primary 10\.0\.10\.10\b/],
    ['db-unhealthy', /^● ok +clients use primary 10\.0\.10\.10\b/],
    ['primary-down', /^▲ WARN +FAILOVER → secondary\b/],
  ] as const)('%s: the first line says which server clients use', async (name, first) => {
    const { pane } = await firstLine(name);
    expect(pane?.body[0]).toMatch(first);
  });

  it("primary-down: why, and each server's answers as words, none cut", async () => {
    const { pane, plain } = await firstLine('primary-down');
    expect(paneText(plain, 'DNS')).toContain('FAILOVER → secondary 10.0.10.20 — primary timed out');
    const body = pane?.body ?? [];
    // The outcome words whole, even where the latencies or the addresses must go.
    expect(body.find((l) => l.startsWith('✖ DOWN  primary '))).toMatch(/^✖ DOWN  primary +timeout · timeout( |$)/);
    expect(body.find((l) => l.startsWith('● ok    secondary '))).toMatch(/^● ok    secondary +ok( \S+)? · ok( |$)/);
    expect(body.find((l) => l.startsWith('● ok    router '))).toMatch(/^● ok    router +ok( \S+)? · ok( |$)/);
    // Which name each outcome is for, said once.
    expect(body.some((l) => l.trim() === 'nas.home · example.com')).toBe(true);
  });

  it("with blocking off on the primary's Pi-hole: says so in full, not cut off the end of a line", async () => {
    const healthy = (await demoPanes('healthy')).dns;
    const reading = healthy.data;
    if (!reading) throw new Error('healthy: no DNS reading');
    // Someone pressed "disable blocking for 5 minutes" on the primary.
    const data = {
      ...reading,
      servers: reading.servers.map((server) =>
        server.name === 'primary' && server.pihole?.blocking
          ? {
              ...server,
              pihole: { ...server.pihole, blocking: { ...server.pihole.blocking, state: 'disabled' as const, timerSeconds: 300 } },
            }
          : server,
      ),
    };
    const assessment = assessDns(data);
    const source = new FakeSource(
      snapshot({ panes: { ...(await demoPanes('healthy')), dns: { ...healthy, ...assessment, ageMs: 0, data } } }),
    );
    const app = await renderApp({ source, setup: testSetup({ demo: 'healthy' }), columns: 80, rows: 24 });
    const pane = paneOnScreen(app.plainFrame(), 'DNS');
    expect(pane?.top).toMatch(/ ▲ WARN [╮┓]$/);
    expect(pane?.body[0]).toMatch(/^● ok +clients use primary/);
    expect(paneText(app.plainFrame(), 'DNS')).toContain('pi-hole blocking OFF (5m left)');
  });

  it('primary-down in the outage view: the whole headline on the first line', async () => {
    const { pane } = await firstLine('primary-down', 'outage');
    expect(pane?.body[0]).toMatch(/^▲ WARN  FAILOVER: clients use secondary 10\.0\.10\.20 — primary timed out\s*$/);
  });
});

describe('the VPN pane at 80x24', () => {
  const vpnPane = async (view?: string) => {
    const s = testSetup({ demo: 'vpn-down' });
    const runtime = buildRuntime(s);
    try {
      await runtime.monitor.once();
      const app = await renderApp({
        source: runtime.monitor,
        setup: s,
        columns: 80,
        rows: 24,
        ...(view ? { view: viewIndex(s, view) } : {}),
      });
      return paneOnScreen(app.plainFrame(), 'VPN');
    } finally {
      await runtime.close();
    }
  };

  // tmux/small gives the VPN pane three lines: the headline and what is wrong come first.
  it('vpn-down: says the VPN is stopped and its container unhealthy, in the three lines it has', async () => {
    const pane = await vpnPane();
    expect(pane?.top).toMatch(/VPN · CRIT .* ✖ CRIT [╮┓]$/);
    expect(pane?.body).toHaveLength(3);
    expect(pane?.body[0]).toMatch(/^✖ CRIT  VPN STOPPED/);
    expect(pane?.body.some((l) => /^container +gluetun unhealthy\s*$/.test(l))).toBe(true);
  });

  it("vpn-down in the outage view: the container's health whole in a 30-column pane", async () => {
    const pane = await vpnPane('outage');
    expect(pane?.body[0]).toMatch(/^✖ CRIT  VPN STOPPED/);
    expect(pane?.body.some((l) => /^container +gluetun unhealthy\s*$/.test(l))).toBe(true);
    expect(pane?.body.some((l) => l.includes('…'))).toBe(false);
  });
});
