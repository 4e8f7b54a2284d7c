import { type ContainerRow, type ContainersReading, UNPLANNED } from '../../model/containers.js';
// What the containers table shows of a reading: the sort, the `/` filter, the selected row and
// whether its detail is open. Pure functions over plain data; the app keeps a ContainersView in
// its state and the pane renders from it.

export type ContainerSort = 'name' | 'group' | 'state' | 'health' | 'cpu' | 'memory' | 'restarts' | 'uptime';

/** The order cycleSort walks through. */
export const CONTAINER_SORTS: readonly ContainerSort[] = ['name', 'group', 'state', 'health', 'cpu', 'memory', 'restarts', 'uptime'];

/**
 * The direction a column starts in: names A→Z, states and health with the troubled first, the
 * busiest and most restarted first, the most recently started first.
 */
export const SORT_DESCENDING: Readonly<Record<ContainerSort, boolean>> = {
  name: false,
  group: false,
  state: false,
  health: false,
  cpu: true,
  memory: true,
  restarts: true,
  uptime: false,
};

export type ContainersView = {
  sort: ContainerSort;
  descending: boolean;
  /** Containers in trouble (crit, then warn) before the rest, each part in the column's order. */
  problemsFirst: boolean;
  /** Case-insensitive substring over name, group, image, state, health and host. */
  filter: string;
  /** The `/` prompt is open (typed characters go to the filter). */
  filtering: boolean;
  /** containerKey of the selected row (survives re-sorting and new readings); null: the first row. */
  selected: string | null;
  /** The selected container's detail is shown. */
  detail: boolean;
  /**
   * The selected row as it was when chosen: when that container is gone (removed, or filtered
   * out) the selection goes to the row that now sorts where it would be, its neighbour.
   */
  anchor: ContainerRow | null;
};

export const INITIAL_CONTAINERS_VIEW: ContainersView = {
  sort: 'name',
  descending: false,
  problemsFirst: true,
  filter: '',
  filtering: false,
  selected: null,
  detail: false,
  anchor: null,
};

export function containerKey(row: ContainerRow): string {
  return `${row.host}/${row.name}`;
}

// ---------------------------------------------------------------------------------------------
// Sorting. Every column compares its value, with rows lacking one (no stats yet, not running,
// no health check) last in either direction; ties go by name, then host, always A→Z.

// The troubled first: a restart loop, then dead and exited, then the rest; running last.
const STATE_RANK: Readonly<Record<ContainerRow['state'], number | null>> = {
  restarting: 0,
  dead: 1,
  exited: 2,
  created: 3,
  paused: 4,
  removing: 5,
  running: 6,
  unknown: null,
};

const HEALTH_RANK: Readonly<Record<ContainerRow['health'], number | null>> = {
  unhealthy: 0,
  starting: 1,
  healthy: 2,
  none: null,
};

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Case-insensitive, with runs of digits compared as numbers (web-2 before web-10), as a
 * natural sort does; an Intl.Collator does the same several times slower and costs the first
 * frame its construction.
 */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const cx = x.charCodeAt(i);
    const cy = y.charCodeAt(j);
    if (isDigit(cx) && isDigit(cy)) {
      let si = i;
      let sj = j;
      while (x.charCodeAt(si) === 48) si++;
      while (y.charCodeAt(sj) === 48) sj++;
      let ei = si;
      let ej = sj;
      while (ei < x.length && isDigit(x.charCodeAt(ei))) ei++;
      while (ej < y.length && isDigit(y.charCodeAt(ej))) ej++;
      const longer = ei - si - (ej - sj);
      if (longer !== 0) return longer;
      for (let k = 0; k < ei - si; k++) {
        const d = x.charCodeAt(si + k) - y.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
    } else {
      if (cx !== cy) return cx - cy;
      i++;
      j++;
    }
  }
  const rest = x.length - i - (y.length - j);
  return rest !== 0 ? rest : a < b ? -1 : a > b ? 1 : 0;
}

/** The primary value a column sorts by: a number (smaller first when ascending) or a string. */
function sortValue(row: ContainerRow, sort: ContainerSort): number | string | null {
  switch (sort) {
    case 'name':
      return row.name;
    case 'group':
      return row.group;
    case 'state':
      return STATE_RANK[row.state];
    case 'health': {
      const rank = HEALTH_RANK[row.health];
      // Among the unhealthy, the longest failing streak first.
      return rank === null ? null : rank - Math.min(0.999, (row.failingStreak ?? 0) / 1000);
    }
    case 'cpu':
      return row.cpuPercent;
    case 'memory':
      return row.memoryUsedBytes;
    case 'restarts':
      return row.restartCount === null ? null : row.restartCount + Math.min(0.999, (row.recentRestarts ?? 0) / 1000);
    case 'uptime':
      return row.uptimeMs;
  }
}

function comparePrimary(a: number | string | null, b: number | string | null, sort: ContainerSort): number {
  if (sort === 'group' && typeof a === 'string' && typeof b === 'string') {
    // Containers outside the plan after every planned group.
    if ((a === UNPLANNED) !== (b === UNPLANNED)) return a === UNPLANNED ? 1 : -1;
    return compareText(a, b);
  }
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return 0;
}

const LEVEL_RANK: Readonly<Record<'crit' | 'warn' | 'none', number>> = { crit: 0, warn: 1, none: 2 };

/** Crit first, then warn, then the rest. */
export function compareProblems(a: ContainerRow, b: ContainerRow): number {
  return LEVEL_RANK[a.level ?? 'none'] - LEVEL_RANK[b.level ?? 'none'];
}

/** The order rows are shown in: negative when `a` comes first. */
export function compareContainers(
  a: ContainerRow,
  b: ContainerRow,
  sort: ContainerSort,
  descending: boolean,
  problemsFirst = false,
): number {
  if (problemsFirst) {
    const problem = compareProblems(a, b);
    if (problem !== 0) return problem;
  }
  const va = sortValue(a, sort);
  const vb = sortValue(b, sort);
  if (va === null || vb === null || (typeof va === 'number' && Number.isNaN(va)) || (typeof vb === 'number' && Number.isNaN(vb))) {
    const aMissing = va === null || (typeof va === 'number' && Number.isNaN(va));
    const bMissing = vb === null || (typeof vb === 'number' && Number.isNaN(vb));
    if (aMissing !== bMissing) return aMissing ? 1 : -1;
  } else {
    const primary = comparePrimary(va, vb, sort);
    if (primary !== 0) return descending ? -primary : primary;
  }
  return compareText(a.name, b.name) || compareText(a.host, b.host);
}

// ---------------------------------------------------------------------------------------------
// Filtering and the visible rows.

export function matchesFilter(row: ContainerRow, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  return [row.name, row.group, row.image, row.state, row.health, row.host].some((field) => field.toLowerCase().includes(needle));
}

// One entry: the pane and the app ask for the same rows several times per frame.
let cache: {
  reading: ContainersReading;
  sort: ContainerSort;
  descending: boolean;
  problemsFirst: boolean;
  filter: string;
  rows: ContainerRow[];
} | null = null;

/** The reading's containers that match the filter, in the view's order. */
export function visibleContainers(reading: ContainersReading, view: ContainersView): ContainerRow[] {
  if (
    cache &&
    cache.reading === reading &&
    cache.sort === view.sort &&
    cache.descending === view.descending &&
    cache.problemsFirst === view.problemsFirst &&
    cache.filter === view.filter
  ) {
    return cache.rows;
  }
  const rows = reading.containers.filter((row) => matchesFilter(row, view.filter));
  rows.sort((a, b) => compareContainers(a, b, view.sort, view.descending, view.problemsFirst));
  cache = { reading, sort: view.sort, descending: view.descending, problemsFirst: view.problemsFirst, filter: view.filter, rows };
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Selection.

/**
 * Where the selection is among `rows`: the selected container's row; when it is gone, the row
 * that now sorts where it was (the one below it, or the last); with none chosen, the first.
 * -1 when there are no rows.
 */
export function selectedIndex(view: ContainersView, rows: readonly ContainerRow[]): number {
  if (rows.length === 0) return -1;
  if (view.selected === null) return 0;
  const found = rows.findIndex((row) => containerKey(row) === view.selected);
  if (found >= 0) return found;
  const anchor = view.anchor;
  if (!anchor) return 0;
  const after = rows.findIndex((row) => compareContainers(row, anchor, view.sort, view.descending, view.problemsFirst) > 0);
  return after < 0 ? rows.length - 1 : after;
}

export function moveSelection(view: ContainersView, rows: readonly ContainerRow[], delta: number | 'top' | 'bottom'): ContainersView {
  if (rows.length === 0) return view;
  const current = selectedIndex(view, rows);
  const target =
    delta === 'top' ? 0 : delta === 'bottom' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, current + Math.trunc(delta)));
  const row = rows[target];
  if (!row) return view;
  const key = containerKey(row);
  return key === view.selected && row === view.anchor ? view : { ...view, selected: key, anchor: row };
}

/** The view with its selection on a row that exists in `rows` (moveSelection by 0). */
export function syncSelection(view: ContainersView, rows: readonly ContainerRow[]): ContainersView {
  return moveSelection(view, rows, 0);
}

export function selectedContainer(reading: ContainersReading | null, view: ContainersView): ContainerRow | null {
  if (!reading) return null;
  const rows = visibleContainers(reading, view);
  return rows[selectedIndex(view, rows)] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Sort commands.

/**
 * With no column: the next column in CONTAINER_SORTS, in that column's own direction. With a
 * column: that column, or, when it is the column already sorted by, the other direction.
 */
export function cycleSort(view: ContainersView, column?: ContainerSort): ContainersView {
  if (column === view.sort) return reverseSort(view);
  const next = column ?? CONTAINER_SORTS[(CONTAINER_SORTS.indexOf(view.sort) + 1) % CONTAINER_SORTS.length] ?? 'name';
  return { ...view, sort: next, descending: SORT_DESCENDING[next] };
}

/** The column before the one sorted by, in CONTAINER_SORTS, in its own direction. */
export function previousSort(view: ContainersView): ContainersView {
  const index = CONTAINER_SORTS.indexOf(view.sort);
  const previous = CONTAINER_SORTS[(index - 1 + CONTAINER_SORTS.length) % CONTAINER_SORTS.length] ?? 'name';
  return { ...view, sort: previous, descending: SORT_DESCENDING[previous] };
}

/** Problems first, or the column's order alone. */
export function toggleProblemsFirst(view: ContainersView): ContainersView {
  return { ...view, problemsFirst: !view.problemsFirst };
}

export function reverseSort(view: ContainersView): ContainersView {
  return { ...view, descending: !view.descending };
}

// ---------------------------------------------------------------------------------------------
// The filter prompt.

/** Opens the `/` prompt, keeping the filter there was (typing edits it). */
export function startFilter(view: ContainersView): ContainersView {
  return view.filtering ? view : { ...view, filtering: true };
}

/** A typed character, or a backspace (null), while the prompt is open. */
export function editFilter(view: ContainersView, input: string | null): ContainersView {
  const filter = input === null ? Array.from(view.filter).slice(0, -1).join('') : view.filter + input.replace(/[\x00-\x1f\x7f]/g, '');
  return filter === view.filter ? view : { ...view, filter };
}

/** Enter: closes the prompt, keeping the filter. */
export function acceptFilter(view: ContainersView): ContainersView {
  return view.filtering ? { ...view, filtering: false } : view;
}

/** Closes the prompt and empties the filter. */
export function clearFilter(view: ContainersView): ContainersView {
  return view.filtering || view.filter ? { ...view, filtering: false, filter: '' } : view;
}

/** Esc: closes the detail first, then the prompt and the filter; the same view when nothing is open. */
export function escapeView(view: ContainersView): ContainersView {
  return view.detail ? { ...view, detail: false } : clearFilter(view);
}

export function toggleDetail(view: ContainersView): ContainersView {
  return { ...view, detail: !view.detail };
}
