// The containers pane at the widths it is shown at (an 80x24 tmux split, a 60-column tmux pane, a
// workstation terminal and a big monitor): the columns that fit, statuses as words, the header's
// counts, sort and filter, the groups against the plan, the selected container's detail, the
// empty states, and a 200-container estate of which only the rows on screen are built.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { replayDocker } from '../../src/demo/containers-replay.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { type ContainerRow, type ContainersReading, UNPLANNED } from '../../src/model/containers.js';
import type { Panes } from '../../src/model/snapshot.js';
import { containersProbe } from '../../src/probes/containers/probe.js';
import { frameLines } from '../../src/ui/frame.js';
import { containersPane } from '../../src/ui/panes/containers.js';
import { type ContainersView, INITIAL_CONTAINERS_VIEW, moveSelection, visibleContainers } from '../../src/ui/panes/containers-view.js';
import { type Line, lineText, textWidth } from '../../src/ui/text.js';
import {
  cleanupHomes,
  FakeSource,
  frameProblems,
  paneOnScreen,
  renderApp,
  snapshot,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const { config } = loadConfig(undefined, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' }, '/', { demo: true });
const never = new AbortController().signal;

/** The containers entry a scenario's Docker recording gives after `reads` reads (stats need two). */
async function scenarioEntry(name: string, reads = 3): Promise<Panes['containers']> {
  const access = replayDocker(loadScenario(name), config);
  if (!access) throw new Error(`${name} has no containers.json`);
  const probe = containersProbe(access.read, config);
  let reading: ContainersReading | null = null;
  for (let i = 0; i < reads; i++) reading = probe.parse(await probe.read(never));
  if (!reading) throw new Error('no reading');
  const assessment = probe.assess(reading, Date.now());
  return { status: assessment.status, ageMs: 400, summary: assessment.summary, alerts: assessment.alerts, data: reading };
}

const dbUnhealthy = await scenarioEntry('db-unhealthy');
const healthy = await scenarioEntry('healthy');

/** The pane's content lines, plain. */
function paneLines(entry: Panes['containers'], width: number, height: number, view?: ContainersView): string[] {
  return containersPane(entry, width, height, config, view).lines.map(lineText);
}

/** The pane in its frame, as the console draws it: [top, ...body, bottom], plain. */
function framed(entry: Panes['containers'], width: number, height: number, view?: ContainersView): string[] {
  const content = containersPane(entry, width - 2, height - 2, config, view);
  return frameLines({
    title: content.title,
    lines: content.lines,
    status: entry.status,
    age: null,
    width,
    height,
    focused: false,
    scroll: 0,
  }).map(lineText);
}

function rowOf(lines: readonly string[], name: string): string | undefined {
  return lines.find((l) => new RegExp(`^[ ▸]${name} `).test(l));
}

function columnHeader(lines: readonly string[]): string {
  return lines.find((l) => /^ name/.test(l)) ?? '';
}

// ---------------------------------------------------------------------------------------------

describe('columns by width', () => {
  it('38 columns (an 80x24 tmux split): name, one status word, CPU and memory', () => {
    const lines = paneLines(dbUnhealthy, 38, 20);
    expect(columnHeader(lines).trim().split(/\s+/)).toEqual(['name↑', 'status', 'cpu', 'mem']);
    expect(rowOf(lines, 'postgres')).toMatch(/^ postgres +unhealthy ×3 +34% +3\.1G$/);
    expect(rowOf(lines, 'api-gateway')).toMatch(/^▸api-gateway +restarting +– +–$/);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(38);
  });

  it('58 columns: adds the plan group and uptime', () => {
    const lines = paneLines(dbUnhealthy, 58, 20);
    expect(columnHeader(lines).trim().split(/\s+/)).toEqual(['name↑', 'group', 'status', 'up', 'cpu', 'mem']);
    expect(rowOf(lines, 'api-gateway')).toMatch(/^▸api-gateway +core +restarting +– +– +–$/);
    expect(rowOf(lines, 'postgres')).toMatch(/^ postgres +database +unhealthy ×3 +3d +34% +3\.1G$/);
    expect(rowOf(lines, 'nginx')).toMatch(/^ nginx +unplanned +healthy +6d +0\.7% +41M$/);
  });

  it('70 columns: adds restarts', () => {
    const lines = paneLines(dbUnhealthy, 70, 20);
    expect(columnHeader(lines).trim().split(/\s+/)).toEqual(['name↑', 'group', 'status', 'restarts', 'up', 'cpu', 'mem']);
    expect(rowOf(lines, 'api-gateway')).toMatch(/^▸api-gateway +core +restarting +17 loop +– +– +–$/);
  });

  it('118 columns: state and health apart, cores, memory against the limit, networks', () => {
    const lines = paneLines(dbUnhealthy, 118, 34);
    expect(columnHeader(lines).trim().split(/\s+/)).toEqual([
      'name↑',
      'group',
      'state',
      'health',
      'restarts',
      'up',
      'cpu',
      'cores',
      'mem/limit',
      'networks',
    ]);
    expect(rowOf(lines, 'postgres')).toMatch(
      /^ postgres +database +running +unhealthy ×3 +0 +3d +34% +0\.17 +3\.1G\/8\.0G +homeops_internal *$/,
    );
    expect(rowOf(lines, 'api-gateway')).toMatch(
      /^▸api-gateway +core +restarting +none +17 loop +– +– +– +–\/8\.0G +homeops_default,homeop/,
    );
    expect(rowOf(lines, 'redis')).toMatch(/ running +healthy +0 +3d /);
  });

  it('with several engines each name says its host', () => {
    const data = dbUnhealthy.data as ContainersReading;
    const pihole = data.containers.find((c) => c.name === 'pihole') as ContainerRow;
    const twoHosts: ContainersReading = {
      ...data,
      endpoints: [
        ...data.endpoints,
        { host: 'nas', label: 'nas over SSH', engine: null, status: 'ok', error: null, ageMs: 0, containers: 1 },
      ],
      containers: [...data.containers, { ...pihole, host: 'nas' }],
    };
    const lines = paneLines({ ...dbUnhealthy, data: twoHosts }, 70, 30);
    expect(rowOf(lines, 'nas/pihole')).toBeDefined();
    expect(rowOf(lines, 'workstation/pihole')).toBeDefined();
  });

  it('every status is a word: the plain text says everything the colours do', () => {
    const content = containersPane(dbUnhealthy, 118, 34, config);
    for (const line of content.lines) {
      for (const segment of line) {
        // Tones are segments; no escape sequence is ever in the text.
        expect(segment.text).not.toMatch(/\x1b/);
        if (segment.tone === 'crit') expect(segment.text.trim()).toMatch(/CRIT|✖|unhealthy|restarting|loop|^\d+ (unhealthy|restarting)$/);
      }
    }
  });
});

describe('header and alerts', () => {
  it('the alerts first, then the counts and the sort', () => {
    const lines = paneLines(dbUnhealthy, 118, 34);
    expect(lines[0]).toMatch(/^✖ CRIT api-gateway restarting in a loop/);
    expect(lines[1]).toMatch(/^✖ CRIT postgres unhealthy \(3 failed checks\)/);
    expect(lines[2]).toMatch(/^11\/12 running · 1 unhealthy · 1 restarting · 3 unplanned +sort problems, name↑$/);
  });

  it('the counts when all is well', () => {
    expect(paneLines(healthy, 70, 20)[0]).toMatch(/^12 running · 3 unplanned +sort problems, name↑$/);
  });

  it('when the pane is short the alerts shrink to a line, the table keeps its rows', () => {
    const lines = paneLines(dbUnhealthy, 38, 6);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('✖ CRIT 2 alerts: api-gateway, postgres');
    expect(lines[1]).toMatch(/^11\/12 running · 1 unhealthy/);
    expect(lines.slice(3).filter((l) => /^[ ▸]\S/.test(l))).toHaveLength(3);
  });

  it('the sort column and its direction, in the header and on the column', () => {
    // Problems first: the containers in trouble (both crit: the restarting api-gateway, not
    // measured, after the unhealthy postgres), then the rest by CPU.
    const view: ContainersView = { ...INITIAL_CONTAINERS_VIEW, sort: 'cpu', descending: true };
    const lines = paneLines(dbUnhealthy, 118, 34, view);
    expect(lines[2]).toMatch(/sort problems, cpu↓$/);
    expect(columnHeader(lines)).toMatch(/ cpu↓ /);
    const order = lines.filter((l) => /^[ ▸]\S/.test(l) && !/^ name/.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(order.slice(0, 4)).toEqual(['postgres', 'api-gateway', 'agent-orchestrator', 'central-agent']);
    // With problems first off (P): the column's order alone; not measured (restarting) last.
    const plain = paneLines(dbUnhealthy, 118, 34, { ...view, problemsFirst: false });
    expect(plain[2]).toMatch(/sort cpu↓$/);
    const plainOrder = plain.filter((l) => /^[ ▸]\S/.test(l) && !/^ name/.test(l)).map((l) => l.slice(1).split(' ')[0]);
    expect(plainOrder.slice(0, 3)).toEqual(['agent-orchestrator', 'central-agent', 'postgres']);
    expect(plainOrder.at(-1)).toBe('api-gateway');
  });

  it('the sorted column is marked whichever it is: state and health on the shared status column, or their own', () => {
    for (const sort of ['state', 'health'] as const) {
      for (const descending of [false, true]) {
        const view: ContainersView = { ...INITIAL_CONTAINERS_VIEW, sort, descending };
        const arrow = descending ? '↓' : '↑';
        // 70 columns: one status column for both.
        const narrow = columnHeader(paneLines(dbUnhealthy, 70, 34, view));
        expect(narrow, `${sort} at 70`).toContain(`status${arrow}`);
        expect([...narrow.matchAll(/[↑↓]/g)]).toHaveLength(1);
        // 118 columns: state and health apart, the one sorted by marked.
        const wide = columnHeader(paneLines(dbUnhealthy, 118, 34, view));
        expect(wide, `${sort} at 118`).toContain(`${sort}${arrow}`);
        expect([...wide.matchAll(/[↑↓]/g)]).toHaveLength(1);
      }
    }
    // A column not shown at this width: no column marked, the header line names the sort.
    const restarts = paneLines(dbUnhealthy, 38, 20, { ...INITIAL_CONTAINERS_VIEW, sort: 'restarts', descending: true });
    expect(columnHeader(restarts)).not.toMatch(/[↑↓]/);
    expect(restarts.join('\n')).toMatch(/restarts↓|restart↓/);
  });

  it('problems the window leaves out are counted in the header, with where they are', () => {
    // Name order alone (P), in a short pane: the unhealthy postgres is below the window.
    const byName: ContainersView = { ...INITIAL_CONTAINERS_VIEW, problemsFirst: false };
    const lines = paneLines(dbUnhealthy, 58, 6, byName);
    expect(lines.some((l) => /^[ ▸]postgres /.test(l))).toBe(false);
    expect(lines.find((l) => l.includes('problem'))).toMatch(/1 problem below ↓/);
    // Selected near the end, the restarting api-gateway is above it.
    const end = paneLines(dbUnhealthy, 58, 6, { ...byName, selected: 'workstation/timescaledb' });
    expect(end.find((l) => l.includes('problem'))).toMatch(/1 problem above ↑/);
    // Problems first (the default): both are on screen, nothing is said to be hidden.
    const first = paneLines(dbUnhealthy, 58, 6);
    expect(first.filter((l) => /^[ ▸](postgres|api-gateway) /.test(l))).toHaveLength(2);
    expect(first.some((l) => l.includes('problem'))).toBe(false);
  });

  it('an active filter: the prompt, what it matches, and only those rows', () => {
    const view: ContainersView = { ...INITIAL_CONTAINERS_VIEW, filter: 'post', filtering: true };
    for (const width of [38, 58, 118]) {
      const lines = paneLines(dbUnhealthy, width, 20, view);
      const header = lines.find((l) => l.includes('/post▏'));
      expect(header, String(width)).toMatch(/\/post▏ 1\/12$/);
      expect(lines.filter((l) => /^[ ▸]\S/.test(l) && !/^ name/.test(l))).toHaveLength(1);
      expect(rowOf(lines, 'postgres')).toBeDefined();
    }
  });
});

describe('empty states', () => {
  it('a filter that matches nothing says so and how to clear it', () => {
    const view: ContainersView = { ...INITIAL_CONTAINERS_VIEW, filter: 'xyz' };
    expect(paneLines(dbUnhealthy, 58, 20, view)).toContain('no container matches /xyz — Esc clears'.padEnd(58));
  });

  it('an engine without containers', () => {
    const data = dbUnhealthy.data as ContainersReading;
    const empty: ContainersReading = {
      ...data,
      containers: [],
      groups: [],
      counts: { total: 0, running: 0, healthy: 0, unhealthy: 0, starting: 0, restarting: 0, exited: 0, unplanned: 0 },
    };
    const lines = paneLines({ status: 'ok', ageMs: 0, summary: '0/0 running', alerts: [], data: empty }, 58, 10);
    expect(lines[0]).toMatch(/^0 running/);
    expect(lines[1]?.trim()).toBe('no containers on workstation');
  });

  it('no data yet: why, from the entry', () => {
    const lines = paneLines(
      { status: 'off', ageMs: null, summary: 'no Docker engine at unix:///var/run/docker.sock', alerts: [], data: null },
      58,
      10,
    );
    expect(lines.join(' ')).toContain('no Docker engine at unix:///var/run/docker.sock');
  });

  it('stale data: the reason and age first, the last rows kept', () => {
    const stale: Panes['containers'] = { ...healthy, status: 'stale', ageMs: 42_000, error: 'engine went away' };
    const lines = paneLines(stale, 70, 20);
    expect(lines[0]).toMatch(/^◌ STALE engine went away \(data 42s old\)/);
    expect(rowOf(lines, 'postgres')).toBeDefined();
  });
});

describe('groups against the plan', () => {
  it('one line per group with containers, when the table keeps its rows', () => {
    const lines = paneLines(dbUnhealthy, 118, 34);
    const at = lines.findIndex((l) => /^plan +cores +memory +containers/.test(l));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^database +0\.30\/4 +7% +5\.1G\/12G +42% +3\/3 running · 1 unhealthy/);
    expect(lines[at + 2]).toMatch(/^core +0\.61\/4 +15% +4\.0G\/20G +20% +2\/3 running/);
    expect(lines.slice(at).some((l) => l.startsWith('unplanned '))).toBe(true);
    // Groups without containers (system, burst) say nothing here.
    expect(lines.some((l) => l.startsWith('system '))).toBe(false);
  });

  it('left out when the table would lose rows to it', () => {
    expect(paneLines(dbUnhealthy, 70, 13).some((l) => l.startsWith('plan '))).toBe(false);
  });
});

describe('the selected container', () => {
  const onPostgres = (view: ContainersView = INITIAL_CONTAINERS_VIEW): ContainersView => {
    const rows = visibleContainers(dbUnhealthy.data as ContainersReading, view);
    return moveSelection(
      view,
      rows,
      rows.findIndex((r) => r.name === 'postgres'),
    );
  };

  it('is marked ▸ and drawn in reverse video (which NO_COLOR keeps)', () => {
    const content = containersPane(dbUnhealthy, 70, 30, config, onPostgres());
    const row = content.lines.find((l) => lineText(l).startsWith('▸postgres'));
    expect(row).toBeDefined();
    expect(row?.every((s) => s.inverse && s.bold)).toBe(true);
    expect(content.lines.filter((l) => lineText(l).startsWith('▸'))).toHaveLength(1);
  });

  it('with nothing chosen the first row is the selection: the worst problem', () => {
    expect(paneLines(dbUnhealthy, 70, 30).filter((l) => l.startsWith('▸'))).toEqual([expect.stringMatching(/^▸api-gateway /)]);
  });

  it('detail below the table when there is room: image, compose, restart policy, health log, networks, memory against the plan', () => {
    const lines = paneLines(dbUnhealthy, 118, 40, { ...onPostgres(), detail: true });
    const at = lines.findIndex((l) => l.startsWith('▸ postgres '));
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('▸postgres ')));
    const detail = lines.slice(at).map((l) => l.trimEnd());
    expect(detail[0]).toBe('▸ postgres  database · running · unhealthy ×3');
    expect(detail).toContain('image    postgres:16.4 · id 1eb1ae5a3b5e');
    expect(detail).toContain('compose  homeops/postgres');
    expect(detail).toContain('restart  unless-stopped · 0 restarts');
    expect(detail.find((l) => l.startsWith('started '))).toMatch(/^started  3d ago \(2026-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
    expect(detail).toContain('health   unhealthy ×3 · 3 failed checks in a row');
    // The newest check first, with its output.
    const checks = detail.filter((l) => /^ +\S+ ago (pass|fail|timeout)/.test(l));
    expect(checks).toHaveLength(5);
    expect(checks[0]).toMatch(/ago fail 2 +\/var\/run\/postgresql:5432 - no response$/);
    expect(checks[2]).toMatch(/ago timeout Health check exceeded timeout \(10s\)$/);
    expect(checks[4]).toMatch(/ago pass +\/var\/run\/postgresql:5432 - accepting connections$/);
    expect(detail).toContain('networks homeops_internal');
    expect(detail).toContain('memory   3.1 GiB of 8.0 GiB planned (39%) · limit 8.0 GiB');
  });

  it('detail of a health check that printed escape sequences: shown as \\e]0;… and \\e[2J, not as half-stripped junk', () => {
    const reading = dbUnhealthy.data as ContainersReading;
    const hostile = (row: ContainerRow): ContainerRow =>
      row.name !== 'postgres'
        ? row
        : {
            ...row,
            lastHealthOutput: '\x1b]0;PWNED-TITLE\x07\x1b[2J',
            healthLog: row.healthLog.map((check) => ({ ...check, output: '\x1b]0;PWNED-TITLE\x07\x1b[2J' })),
          };
    const entry = { ...dbUnhealthy, data: { ...reading, containers: reading.containers.map(hostile) } };
    const lines = framed(entry, 120, 40, { ...onPostgres(), detail: true });
    const text = lines.join('');
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(text).not.toContain(']0;PWNED-TITLE [2J');
    expect(lines.filter((l) => /ago fail .*\\e\]0;…\\e\[2J/.test(l))).not.toHaveLength(0);
  });

  it('detail of an exited or restarting container: exit code and OOM', () => {
    const rows = visibleContainers(dbUnhealthy.data as ContainersReading, INITIAL_CONTAINERS_VIEW);
    const view = {
      ...moveSelection(
        INITIAL_CONTAINERS_VIEW,
        rows,
        rows.findIndex((r) => r.name === 'api-gateway'),
      ),
      detail: true,
    };
    const detail = paneLines(dbUnhealthy, 118, 40, view).map((l) => l.trimEnd());
    expect(detail).toContain('restart  unless-stopped · 17 restarts, 3 lately · restart loop');
    expect(detail.find((l) => l.startsWith('finished '))).toMatch(/ · exit 1 · not OOM killed$/);
    expect(detail.find((l) => l.startsWith('memory '))).toBe('memory   not measured of 8.0 GiB planned · limit 8.0 GiB');
  });

  it('detail instead of the table when the pane is short, the health first', () => {
    const lines = paneLines(dbUnhealthy, 38, 6, { ...onPostgres(), detail: true });
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^▸ postgres  database · running/);
    expect(lines[3]).toMatch(/^health +unhealthy ×3/);
    expect(lines[4]).toMatch(/ago fail 2 /);
    expect(lines.some((l) => /^ name/.test(l))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Many containers.

const GROUPS = ['database', 'core', 'specialized', UNPLANNED];

/** n containers; reading `networks` records which rows were built into lines. */
function manyContainers(n: number, built: { rows: Set<string> }): ContainersReading {
  const base = (dbUnhealthy.data as ContainersReading).containers.find((c) => c.name === 'redis') as ContainerRow;
  const containers = Array.from({ length: n }, (_, i): ContainerRow => {
    const row: ContainerRow = {
      ...base,
      id: `${i}`.padStart(64, '0'),
      shortId: `${i}`.padStart(12, '0'),
      name: `svc-${String(i).padStart(3, '0')}`,
      group: GROUPS[i % GROUPS.length] ?? UNPLANNED,
      cpuPercent: (i * 37) % 100,
      health: i % 17 === 0 ? 'unhealthy' : 'healthy',
      failingStreak: i % 17 === 0 ? 2 : 0,
    };
    const networks = row.networks;
    Object.defineProperty(row, 'networks', {
      enumerable: true,
      get: () => {
        built.rows.add(row.name);
        return networks;
      },
    });
    return row;
  });
  return {
    ...(dbUnhealthy.data as ContainersReading),
    containers,
    counts: { ...(dbUnhealthy.data as ContainersReading).counts, total: n, running: n },
  };
}

describe('200 containers', () => {
  it('only the rows that fit are built; the window follows the selection; the frame has nothing to scroll', () => {
    const built = { rows: new Set<string>() };
    const data = manyContainers(200, built);
    const entry: Panes['containers'] = { status: 'ok', ageMs: 0, summary: '200/200 running', alerts: [], data };
    const rows = visibleContainers(data, INITIAL_CONTAINERS_VIEW);
    const view = moveSelection(INITIAL_CONTAINERS_VIEW, rows, 150);
    built.rows.clear();
    const frame = framed(entry, 120, 24, view);
    const body = frame.slice(1, -1).map((l) => l.slice(1, -1));
    const shown = body.filter((l) => /^[ ▸]svc-\d{3}/.test(l));
    expect(built.rows.size).toBe(shown.length);
    expect(shown.length).toBeGreaterThanOrEqual(10);
    expect(body.filter((l) => l.startsWith('▸'))).toEqual([expect.stringMatching(/^▸svc-150 /)]);
    // The selection in the middle of the window, and the header says where the window is.
    const numbers = shown.map((l) => Number(l.slice(5, 8)));
    const first = numbers[0] ?? -1;
    const last = numbers.at(-1) ?? -1;
    expect(numbers).toEqual(Array.from({ length: shown.length }, (_, i) => first + i));
    expect(Math.abs(150 - first - (last - 150))).toBeLessThanOrEqual(1);
    expect(body[0]).toMatch(new RegExp(`^200 running .*${first + 1}–${last + 1} of 200  sort problems, name↑$`));
    // Every line the pane gave is on screen: the frame has nothing to scroll.
    expect(frame.at(-1)).not.toMatch(/more|↑/);
  });

  it('the window stops at the ends', () => {
    const data = manyContainers(200, { rows: new Set() });
    const entry: Panes['containers'] = { status: 'ok', ageMs: 0, summary: '', alerts: [], data };
    const rows = visibleContainers(data, INITIAL_CONTAINERS_VIEW);
    const last = paneLines(entry, 70, 12, moveSelection(INITIAL_CONTAINERS_VIEW, rows, 'bottom'));
    expect(last[0]).toMatch(/191–200 of 200/);
    expect(last.at(-1)).toMatch(/^▸svc-199 /);
    const first = paneLines(entry, 70, 12);
    expect(first[0]).toMatch(/1–10 of 200/);
    expect(first[2]).toMatch(/^▸svc-000 /);
  });
});

// ---------------------------------------------------------------------------------------------
// In the console.

describe('in the console', () => {
  it.each([
    [80, 24, 38, ['name↑', 'status', 'cpu', 'mem']],
    [60, 34, 58, ['name↑', 'group', 'status', 'up', 'cpu', 'mem']],
    [120, 40, 70, ['name↑', 'group', 'status', 'restarts', 'up', 'cpu', 'mem']],
    [200, 60, 118, ['name↑', 'group', 'state', 'health', 'restarts', 'up', 'cpu', 'cores', 'mem/limit', 'networks']],
  ] as const)('%ix%i: a %i-column pane with its columns, nothing left to scroll', async (columns, rows, inner, header) => {
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { containers: dbUnhealthy } })),
      setup: s,
      columns,
      rows,
      ...(columns === 60 ? { view: viewIndex(s, 'tmux') } : {}),
    });
    expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
    const pane = paneOnScreen(app.plainFrame(), 'Containers');
    expect(pane?.top).toContain('✖ CRIT');
    expect(pane?.body[0]).toHaveLength(inner);
    const head = pane?.body.find((l) => /^ name/.test(l)) ?? '';
    expect(head.trim().split(/\s+/)).toEqual(header);
    expect(pane?.bottom).not.toMatch(/more/);
    expect(pane?.body.some((l) => /^11\/12 running · 1 unhealthy/.test(l))).toBe(true);
  });

  it('NO_COLOR: the same words, no colour, the selected row still in reverse video', async () => {
    const source = () => new FakeSource(snapshot({ panes: { containers: dbUnhealthy } }));
    const coloured = await renderApp({ source: source(), setup: s, columns: 200, rows: 60 });
    const plain = await renderApp({ source: source(), setup: s, columns: 200, rows: 60, theme: { color: false } });
    expect(plain.plainFrame()).toBe(coloured.plainFrame());
    expect(plain.lastFrame()).not.toMatch(/\x1b\[(3\d|9\d|38;)[\d;]*m/);
    expect(plain.lastFrame()).toMatch(/\x1b\[7m(\x1b\[1m)?▸api-gateway/);
  });
});

// Lines a pane returns are never wider than it, and never more than it is high.
describe('fit', () => {
  it.each([
    [20, 5],
    [30, 8],
    [38, 6],
    [38, 12],
    [46, 9],
    [58, 14],
    [70, 13],
    [118, 30],
    [118, 12],
  ] as const)('%ix%i', (width, height) => {
    for (const entry of [dbUnhealthy, healthy]) {
      for (const view of [
        INITIAL_CONTAINERS_VIEW,
        { ...INITIAL_CONTAINERS_VIEW, detail: true },
        { ...INITIAL_CONTAINERS_VIEW, filter: 'a', filtering: true },
      ]) {
        const lines: Line[] = containersPane(entry, width, height, config, view).lines;
        expect(lines.length, `${width}x${height} ${JSON.stringify(view)}`).toBeLessThanOrEqual(height);
        for (const line of lines) expect(textWidth(lineText(line))).toBeLessThanOrEqual(width);
      }
    }
  });
});
