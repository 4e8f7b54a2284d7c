// The containers table's view: sorting by every column (rows without a value last, in either
// direction), the filter, and a selection that follows its container across re-sorts and new
// readings, or goes to its neighbour when the container is gone.
import { describe, expect, it } from 'vitest';
import { type ContainerRow, UNPLANNED } from '../../src/model/containers.js';
import {
  acceptFilter,
  CONTAINER_SORTS,
  type ContainerSort,
  type ContainersView,
  clearFilter,
  containerKey,
  cycleSort,
  editFilter,
  escapeView,
  INITIAL_CONTAINERS_VIEW,
  moveSelection,
  reverseSort,
  SORT_DESCENDING,
  selectedContainer,
  selectedIndex,
  startFilter,
  syncSelection,
  toggleDetail,
  visibleContainers,
} from '../../src/ui/panes/containers-view.js';
import { containerRow, readingOf } from '../helpers/container-rows.js';

const names = (rows: readonly ContainerRow[]) => rows.map((r) => r.name);
const view = (overrides: Partial<ContainersView> = {}): ContainersView => ({ ...INITIAL_CONTAINERS_VIEW, ...overrides });
const sorted = (rows: ContainerRow[], sort: ContainerSort, descending: boolean) =>
  names(visibleContainers(readingOf(rows), view({ sort, descending })));

describe('sorting', () => {
  const rows = [
    containerRow('web-10', { group: 'core', cpuPercent: 12, memoryUsedBytes: 300, restartCount: 2, uptimeMs: 5000, health: 'healthy' }),
    containerRow('web-2', {
      group: 'database',
      cpuPercent: null,
      memoryUsedBytes: null,
      restartCount: null,
      uptimeMs: null,
      state: 'exited',
      exitCode: 1,
    }),
    containerRow('Alpha', {
      group: UNPLANNED,
      cpuPercent: 80,
      memoryUsedBytes: 900,
      restartCount: 0,
      uptimeMs: 100,
      health: 'unhealthy',
      failingStreak: 1,
    }),
    containerRow('beta', {
      group: 'core',
      cpuPercent: 0.5,
      memoryUsedBytes: 10,
      restartCount: 17,
      uptimeMs: 900_000,
      state: 'restarting',
      health: 'starting',
    }),
    containerRow('gamma', {
      group: 'burst',
      cpuPercent: 3,
      memoryUsedBytes: 50,
      restartCount: 1,
      uptimeMs: 60_000,
      health: 'unhealthy',
      failingStreak: 4,
    }),
  ];

  it('by name: case-insensitive, numbers in names in numeric order', () => {
    expect(sorted(rows, 'name', false)).toEqual(['Alpha', 'beta', 'gamma', 'web-2', 'web-10']);
    expect(sorted(rows, 'name', true)).toEqual(['web-10', 'web-2', 'gamma', 'beta', 'Alpha']);
  });

  it('by group: A→Z with unplanned after every planned group, ties by name', () => {
    expect(sorted(rows, 'group', false)).toEqual(['gamma', 'beta', 'web-10', 'web-2', 'Alpha']);
    expect(sorted(rows, 'group', true)).toEqual(['Alpha', 'web-2', 'beta', 'web-10', 'gamma']);
  });

  it('by state: restarting and exited before running', () => {
    expect(sorted(rows, 'state', false)).toEqual(['beta', 'web-2', 'Alpha', 'gamma', 'web-10']);
    expect(sorted(rows, 'state', true)).toEqual(['Alpha', 'gamma', 'web-10', 'web-2', 'beta']);
  });

  it('by health: the longest failing streak first, no health check last in both directions', () => {
    expect(sorted(rows, 'health', false)).toEqual(['gamma', 'Alpha', 'beta', 'web-10', 'web-2']);
    expect(sorted(rows, 'health', true)).toEqual(['web-10', 'beta', 'Alpha', 'gamma', 'web-2']);
  });

  it('by cpu: the busiest first by default; not measured last in both directions', () => {
    expect(SORT_DESCENDING.cpu).toBe(true);
    expect(sorted(rows, 'cpu', true)).toEqual(['Alpha', 'web-10', 'gamma', 'beta', 'web-2']);
    expect(sorted(rows, 'cpu', false)).toEqual(['beta', 'gamma', 'web-10', 'Alpha', 'web-2']);
  });

  it('by memory: unmeasured last', () => {
    expect(sorted(rows, 'memory', true)).toEqual(['Alpha', 'web-10', 'gamma', 'beta', 'web-2']);
    expect(sorted(rows, 'memory', false)).toEqual(['beta', 'gamma', 'web-10', 'Alpha', 'web-2']);
  });

  it('by restarts: unknown counts last', () => {
    expect(sorted(rows, 'restarts', true)).toEqual(['beta', 'web-10', 'gamma', 'Alpha', 'web-2']);
    expect(sorted(rows, 'restarts', false)).toEqual(['Alpha', 'gamma', 'web-10', 'beta', 'web-2']);
  });

  it('by uptime: the most recently started first by default; not running last', () => {
    expect(SORT_DESCENDING.uptime).toBe(false);
    expect(sorted(rows, 'uptime', false)).toEqual(['Alpha', 'web-10', 'gamma', 'beta', 'web-2']);
    expect(sorted(rows, 'uptime', true)).toEqual(['beta', 'gamma', 'web-10', 'Alpha', 'web-2']);
  });

  it('ties go by name A→Z in either direction', () => {
    const same = ['c', 'a', 'b'].map((n) => containerRow(n, { cpuPercent: 5 }));
    expect(sorted(same, 'cpu', true)).toEqual(['a', 'b', 'c']);
    expect(sorted(same, 'cpu', false)).toEqual(['a', 'b', 'c']);
  });

  it('does not reorder the reading itself', () => {
    const reading = readingOf([...rows]);
    visibleContainers(reading, view({ sort: 'cpu', descending: true }));
    expect(names(reading.containers)).toEqual(names(rows));
  });
});

describe('sort commands', () => {
  it('cycleSort walks every column in its own direction and comes back to name', () => {
    let v = INITIAL_CONTAINERS_VIEW;
    const seen: string[] = [];
    for (let i = 0; i < CONTAINER_SORTS.length; i++) {
      v = cycleSort(v);
      seen.push(`${v.sort}${v.descending ? '↓' : '↑'}`);
    }
    expect(seen).toEqual(['group↑', 'state↑', 'health↑', 'cpu↓', 'memory↓', 'restarts↓', 'uptime↑', 'name↑']);
  });

  it('the same column twice flips the order; another column starts in its own direction', () => {
    const byCpu = cycleSort(INITIAL_CONTAINERS_VIEW, 'cpu');
    expect(byCpu).toMatchObject({ sort: 'cpu', descending: true });
    expect(cycleSort(byCpu, 'cpu')).toMatchObject({ sort: 'cpu', descending: false });
    expect(cycleSort(cycleSort(byCpu, 'cpu'), 'name')).toMatchObject({ sort: 'name', descending: false });
    expect(reverseSort(INITIAL_CONTAINERS_VIEW)).toMatchObject({ sort: 'name', descending: true });
  });
});

describe('filter', () => {
  const rows = [
    containerRow('postgres', { group: 'database', image: 'postgres:16.4', health: 'unhealthy' }),
    containerRow('pgadmin', { image: 'dpage/pgadmin4', state: 'exited' }),
    containerRow('redis', { group: 'database', image: 'redis:7', health: 'healthy' }),
    containerRow('pihole', { host: 'nas', image: 'pihole/pihole:2025.03.0' }),
  ];
  const reading = readingOf(rows);
  const match = (filter: string) => names(visibleContainers(reading, view({ filter })));

  it('is a case-insensitive substring of name, group, image, state, health or host', () => {
    expect(match('POST')).toEqual(['postgres']);
    expect(match('database')).toEqual(['postgres', 'redis']);
    expect(match('pgadmin4')).toEqual(['pgadmin']);
    expect(match('exited')).toEqual(['pgadmin']);
    expect(match('unhealthy')).toEqual(['postgres']);
    expect(match('healthy')).toEqual(['postgres', 'redis']);
    expect(match('nas')).toEqual(['pihole']);
    expect(match('')).toEqual(['pgadmin', 'pihole', 'postgres', 'redis']);
    expect(match('xyz')).toEqual([]);
  });

  it('the prompt: typing edits the filter, backspace removes a character, Enter keeps it, Esc clears it', () => {
    let v = startFilter(INITIAL_CONTAINERS_VIEW);
    expect(v.filtering).toBe(true);
    for (const ch of 'pgx') v = editFilter(v, ch);
    v = editFilter(v, null);
    expect(v.filter).toBe('pg');
    expect(editFilter(v, '\x1b')).toBe(v);
    v = acceptFilter(v);
    expect(v).toMatchObject({ filter: 'pg', filtering: false });
    expect(clearFilter(v)).toMatchObject({ filter: '', filtering: false });
    expect(clearFilter(INITIAL_CONTAINERS_VIEW)).toBe(INITIAL_CONTAINERS_VIEW);
  });

  it('Esc closes the detail before it clears the filter', () => {
    const v = toggleDetail(view({ filter: 'pg' }));
    expect(escapeView(v)).toMatchObject({ detail: false, filter: 'pg' });
    expect(escapeView(escapeView(v))).toMatchObject({ detail: false, filter: '' });
  });
});

describe('selection', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'].map((n, i) => containerRow(n, { cpuPercent: i * 10 }));
  const reading = readingOf(rows);

  it('starts on the first row; moves by steps, to the top and bottom, and stops at the ends', () => {
    const shown = visibleContainers(reading, INITIAL_CONTAINERS_VIEW);
    expect(selectedContainer(reading, INITIAL_CONTAINERS_VIEW)?.name).toBe('a');
    let v = moveSelection(INITIAL_CONTAINERS_VIEW, shown, 1);
    expect(v.selected).toBe('workstation/b');
    v = moveSelection(v, shown, 10);
    expect(v.selected).toBe('workstation/e');
    v = moveSelection(v, shown, 'top');
    expect(v.selected).toBe('workstation/a');
    v = moveSelection(v, shown, -1);
    expect(v.selected).toBe('workstation/a');
    expect(moveSelection(v, shown, 'bottom').selected).toBe('workstation/e');
    expect(moveSelection(v, shown, 0)).toBe(v);
  });

  it('keeps its container when the order changes', () => {
    const v = moveSelection(INITIAL_CONTAINERS_VIEW, visibleContainers(reading, INITIAL_CONTAINERS_VIEW), 1); // b
    const byCpu = cycleSort(v, 'cpu');
    expect(selectedContainer(reading, byCpu)?.name).toBe('b');
    expect(selectedIndex(byCpu, visibleContainers(reading, byCpu))).toBe(3);
    // Down from b in the new order goes to the row below it there.
    expect(moveSelection(byCpu, visibleContainers(reading, byCpu), 1).selected).toBe('workstation/a');
  });

  it('keeps its container in a new reading where the rows moved', () => {
    const byCpu = view({ sort: 'cpu', descending: true });
    const v = moveSelection(byCpu, visibleContainers(reading, byCpu), 1); // d (30 %)
    expect(v.selected).toBe('workstation/d');
    const next = readingOf(rows.map((r) => containerRow(r.name, { cpuPercent: r.name === 'd' ? 99 : r.cpuPercent })));
    expect(selectedContainer(next, v)?.name).toBe('d');
    expect(selectedIndex(v, visibleContainers(next, v))).toBe(0);
  });

  it('goes to the neighbour when its container disappears', () => {
    const shown = visibleContainers(reading, INITIAL_CONTAINERS_VIEW);
    const onC = moveSelection(INITIAL_CONTAINERS_VIEW, shown, 2);
    const withoutC = readingOf(rows.filter((r) => r.name !== 'c'));
    expect(selectedContainer(withoutC, onC)?.name).toBe('d');
    // The last row gone: the one above it.
    const onE = moveSelection(INITIAL_CONTAINERS_VIEW, shown, 'bottom');
    expect(selectedContainer(readingOf(rows.filter((r) => r.name !== 'e')), onE)?.name).toBe('d');
    // Moving from the vanished row starts from its neighbour.
    expect(moveSelection(onC, visibleContainers(withoutC, onC), 1).selected).toBe('workstation/e');
    expect(syncSelection(onC, visibleContainers(withoutC, onC)).selected).toBe('workstation/d');
  });

  it("goes to the neighbour in the order shown, not in the reading's order", () => {
    const byCpu = view({ sort: 'cpu', descending: true });
    const onB = moveSelection(byCpu, visibleContainers(reading, byCpu), 3); // e d c b a → b
    expect(onB.selected).toBe('workstation/b');
    const withoutB = readingOf(rows.filter((r) => r.name !== 'b'));
    expect(selectedContainer(withoutB, onB)?.name).toBe('a');
  });

  it('goes to the neighbour when a filter hides its container, and back to it when cleared', () => {
    const onC = moveSelection(INITIAL_CONTAINERS_VIEW, visibleContainers(reading, INITIAL_CONTAINERS_VIEW), 2);
    expect(selectedContainer(reading, { ...onC, filter: 'example/d' })?.name).toBe('d');
    expect(selectedContainer(reading, { ...onC, filter: 'example/e' })?.name).toBe('e');
    expect(selectedContainer(reading, onC)?.name).toBe('c');
  });

  it('has nothing to select without rows or a reading', () => {
    const empty = readingOf([]);
    expect(selectedContainer(empty, INITIAL_CONTAINERS_VIEW)).toBeNull();
    expect(selectedContainer(null, INITIAL_CONTAINERS_VIEW)).toBeNull();
    expect(moveSelection(INITIAL_CONTAINERS_VIEW, [], 1)).toBe(INITIAL_CONTAINERS_VIEW);
  });

  it('tells containers on different hosts apart', () => {
    const two = readingOf([containerRow('pihole'), containerRow('pihole', { host: 'nas' })]);
    const shown = visibleContainers(two, INITIAL_CONTAINERS_VIEW);
    expect(shown.map(containerKey)).toEqual(['nas/pihole', 'workstation/pihole']);
    expect(moveSelection(INITIAL_CONTAINERS_VIEW, shown, 1).selected).toBe('workstation/pihole');
  });
});
