// The containers pane: alerts, a header with the counts, sort and filter, then a table of the
// containers that fit, windowed around the selected row (so a frame costs the same with 20 or
// 2000 containers), then, when there is room, what each plan group's containers use against
// its allotment. The selected container's detail shows below the table, or instead of it.
import type { Config } from '../../config/schema.js';
import { formatAge, formatBytes } from '../../config/units.js';
import {
  type ContainerGroupUsage,
  type ContainerRow,
  type ContainersReading,
  type HealthCheckResult,
  UNPLANNED,
} from '../../model/containers.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Status } from '../../model/status.js';
import type { Trends } from '../../model/trends.js';
import { terminalSafe } from '../../terminal/terminal-safe.js';
import { type Line, pad, type Segment, type Tone, textWidth, truncateWords } from '../text.js';
import { groupTone, STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { labelled, type PaneContent, stateLines, withTrend } from './common.js';
import {
  type ContainerSort,
  type ContainersView,
  containerKey,
  INITIAL_CONTAINERS_VIEW,
  selectedIndex,
  visibleContainers,
} from './containers-view.js';

const TITLE = 'Containers';

// ---------------------------------------------------------------------------------------------
// Words and numbers. Every status is a word; the tone only repeats it.

type Cell = { text: string; tone?: Tone };

/** 12.3% / 3.4%; the docker CLI's unit, 100 = one thread busy. */
function cpuText(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return '–';
  return percent < 9.95 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** Cores' worth, the plan's unit. */
function coresText(cores: number | null): string {
  if (cores === null || !Number.isFinite(cores)) return '–';
  return cores < 9.995 ? cores.toFixed(2) : cores.toFixed(1);
}

/** Binary sizes in at most five cells: 812K, 3.1G, 62G. */
export function shortBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let index = 0;
  while (value >= 999.5 && index < units.length - 1) {
    value /= 1024;
    index++;
  }
  const digits = index > 0 && value < 9.95 ? 1 : 0;
  return `${value.toFixed(digits)}${units[index]}`;
}

function healthWord(row: ContainerRow): Cell {
  switch (row.health) {
    case 'unhealthy':
      return { text: row.failingStreak ? `unhealthy ×${row.failingStreak}` : 'unhealthy', tone: 'crit' };
    case 'starting':
      return { text: 'starting', tone: 'warn' };
    case 'healthy':
      return { text: 'healthy', tone: 'ok' };
    case 'none':
      return { text: 'none', tone: 'muted' };
  }
}

function stateWord(row: ContainerRow): Cell {
  switch (row.state) {
    case 'running':
      return { text: 'running', tone: 'ok' };
    case 'restarting':
      return { text: 'restarting', tone: 'crit' };
    case 'exited':
      return { text: row.exitCode !== null ? `exited ${row.exitCode}` : 'exited', tone: row.exitCode ? 'warn' : 'muted' };
    case 'dead':
      return { text: 'dead', tone: 'crit' };
    case 'paused':
      return { text: 'paused', tone: 'warn' };
    default:
      return { text: row.state, tone: 'muted' };
  }
}

/** One word for state and health together, for narrow panes: the one that says more. */
function statusWord(row: ContainerRow): Cell {
  if (row.state !== 'running') return stateWord(row);
  if (row.restartLoop) return { text: 'restart loop', tone: 'crit' };
  return row.health === 'none' ? stateWord(row) : healthWord(row);
}

function restartsCell(row: ContainerRow): Cell {
  if (row.restartCount === null) return { text: '–', tone: 'muted' };
  if (row.restartLoop) return { text: `${row.restartCount} loop`, tone: 'crit' };
  return { text: String(row.restartCount), tone: row.recentRestarts ? 'warn' : undefined };
}

function uptimeCell(row: ContainerRow): Cell {
  return row.uptimeMs === null ? { text: '–', tone: 'muted' } : { text: formatAge(row.uptimeMs) };
}

function memoryTone(row: ContainerRow): Tone | undefined {
  return row.planMemoryBytes && row.memoryUsedBytes !== null && row.memoryUsedBytes > row.planMemoryBytes ? 'warn' : undefined;
}

// ---------------------------------------------------------------------------------------------
// The table's columns, chosen by the pane's width.

type ColumnId = 'name' | 'group' | 'status' | 'state' | 'health' | 'restarts' | 'uptime' | 'cpu' | 'cores' | 'memory' | 'networks';

type Column = {
  id: ColumnId;
  header: string;
  width: number;
  align: 'left' | 'right';
  /** The sort this column shows (its header gets the arrow). */
  sort: ContainerSort | null;
  cell(row: ContainerRow): Cell;
};

type TableContext = {
  /** host/name when the reading has several engines. */
  hostPrefix: boolean;
  groupIndex: ReadonlyMap<string, number>;
  /** Memory as used/limit (wide) or used alone. */
  limit: boolean;
};

function displayName(row: ContainerRow, ctx: TableContext): string {
  return ctx.hostPrefix ? `${row.host}/${row.name}` : row.name;
}

function groupCell(group: string, ctx: TableContext): Cell {
  const index = ctx.groupIndex.get(group);
  return { text: group, tone: group === UNPLANNED || index === undefined ? 'muted' : groupTone(index) };
}

function memoryCell(row: ContainerRow, ctx: TableContext): Cell {
  const used = shortBytes(row.memoryUsedBytes);
  const text = ctx.limit && row.memoryLimitBytes !== null ? `${used}/${shortBytes(row.memoryLimitBytes)}` : used;
  return { text, tone: row.memoryUsedBytes === null ? 'muted' : memoryTone(row) };
}

/** Cells of a string; plain ASCII (nearly every container's text) without a look at each character. */
function cellsOf(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : textWidth(text);
}

/** The widest text of each sized column, over every row shown (not just the window), so that
 * the columns hold still while the selection moves. */
type Widths = {
  name: number;
  status: number;
  state: number;
  health: number;
  group: number;
  uptime: number;
  restarts: number;
  memoryLimit: number;
};

const measured = new WeakMap<readonly ContainerRow[], { hostPrefix: boolean; widths: Widths }>();

function measure(rows: readonly ContainerRow[], ctx: TableContext): Widths {
  const known = measured.get(rows);
  if (known && known.hostPrefix === ctx.hostPrefix) return known.widths;
  const limitCtx: TableContext = { ...ctx, limit: true };
  const w: Widths = { name: 4, status: 6, state: 5, health: 6, group: 5, uptime: 3, restarts: 3, memoryLimit: 5 };
  // The words and numbers this pane writes are one cell a character; names come from the engine.
  for (const row of rows) {
    w.name = Math.max(w.name, cellsOf(displayName(row, ctx)));
    w.status = Math.max(w.status, statusWord(row).text.length);
    w.state = Math.max(w.state, stateWord(row).text.length);
    w.health = Math.max(w.health, healthWord(row).text.length);
    w.group = Math.max(w.group, cellsOf(row.group));
    w.uptime = Math.max(w.uptime, uptimeCell(row).text.length);
    w.restarts = Math.max(w.restarts, restartsCell(row).text.length);
    w.memoryLimit = Math.max(w.memoryLimit, memoryCell(row, limitCtx).text.length);
  }
  const capped: Widths = {
    name: Math.min(40, w.name),
    status: Math.min(14, w.status),
    state: Math.min(12, w.state),
    health: Math.min(13, w.health),
    group: Math.min(12, w.group),
    uptime: Math.min(5, w.uptime),
    restarts: Math.min(10, w.restarts),
    memoryLimit: Math.min(13, w.memoryLimit),
  };
  measured.set(rows, { hostPrefix: ctx.hostPrefix, widths: capped });
  return capped;
}

/** The columns for `width` cells: name, status, CPU and memory always; the rest as room allows. */
function chooseColumns(rows: readonly ContainerRow[], width: number, ctx: TableContext): Column[] {
  const mk = (
    id: ColumnId,
    header: string,
    w: number,
    align: 'left' | 'right',
    sort: ContainerSort | null,
    cell: (row: ContainerRow) => Cell,
  ): Column => ({ id, header, width: Math.max(w, textWidth(header) + (sort ? 1 : 0)), align, sort, cell });
  const widths = measure(rows, ctx);
  const nameIdeal = widths.name;
  const nameMin = Math.min(nameIdeal, 14);
  const limitCtx: TableContext = { ...ctx, limit: true };

  // The status column shows the state and the health together: sorting by either marks it.
  const status = mk('status', 'status', widths.status, 'left', 'health', statusWord);
  const state = mk('state', 'state', widths.state, 'left', 'state', stateWord);
  const health = mk('health', 'health', widths.health, 'left', 'health', healthWord);
  const group = mk('group', 'group', widths.group, 'left', 'group', (r) => groupCell(r.group, ctx));
  const uptime = mk('uptime', 'up', widths.uptime, 'right', 'uptime', uptimeCell);
  const restarts = mk('restarts', 'restarts', widths.restarts, 'right', 'restarts', restartsCell);
  const cpu = mk('cpu', 'cpu', 5, 'right', 'cpu', (r) => ({
    text: cpuText(r.cpuPercent),
    tone: r.cpuPercent === null ? 'muted' : undefined,
  }));
  const cores = mk('cores', 'cores', 5, 'right', null, (r) => ({
    text: coresText(r.cpuCores),
    tone: r.cpuCores === null ? 'muted' : undefined,
  }));
  const memory = mk('memory', 'mem', 5, 'right', 'memory', (r) => memoryCell(r, ctx));
  const memoryLimit = mk('memory', 'mem/limit', widths.memoryLimit, 'right', 'memory', (r) => memoryCell(r, limitCtx));
  const networks = mk('networks', 'networks', 8, 'left', null, (r) =>
    r.networks.length ? { text: r.networks.join(','), tone: 'muted' } : { text: '–', tone: 'muted' },
  );

  // Cells used by everything but the name: the marker, and a space before each column.
  const cost = (columns: readonly Column[]) => 1 + columns.reduce((sum, c) => sum + 1 + c.width, 0);
  let picked: Column[] = [status, cpu, memory];
  const tryWith = (next: Column[]) => {
    if (nameMin + cost(next) <= width) picked = next;
  };
  const order = (columns: Column[]): Column[] => {
    const rank: ColumnId[] = ['group', 'status', 'state', 'health', 'restarts', 'uptime', 'cpu', 'cores', 'memory', 'networks'];
    return [...columns].sort((a, b) => rank.indexOf(a.id) - rank.indexOf(b.id));
  };
  tryWith(order([...picked, group]));
  tryWith(order([...picked, uptime]));
  tryWith(order([...picked, restarts]));
  tryWith(order([...picked.filter((c) => c !== memory), memoryLimit]));
  tryWith(order([...picked.filter((c) => c !== status), state, health]));
  tryWith(order([...picked, cores]));
  tryWith(order([...picked, networks]));

  const used = cost(picked);
  const nameWidth = Math.max(1, Math.min(nameIdeal, width - used));
  // The name takes what the other columns leave, however short (its header is cut to fit).
  const name: Column = {
    id: 'name',
    header: 'name',
    width: nameWidth,
    align: 'left',
    sort: 'name',
    cell: (r) => ({ text: displayName(r, ctx) }),
  };
  // What is left goes to the networks, the only column with more to say.
  const net = picked.find((c) => c.id === 'networks');
  if (net) net.width = Math.max(net.width, width - used - nameWidth + net.width);
  return [name, ...picked];
}

/**
 * The column that shows the sort: the one sorted by, or, for state or health while the two
 * share the status column, that column. None when the sorted column is not shown at this width
 * (the header line above the table still names the sort).
 */
function sortedColumn(columns: readonly Column[], sort: ContainerSort): ColumnId | null {
  const own = columns.find((c) => c.sort === sort && c.id !== 'status');
  if (own) return own.id;
  return (sort === 'state' || sort === 'health') && columns.some((c) => c.id === 'status') ? 'status' : null;
}

function headerLine(columns: readonly Column[], view: ContainersView, width: number): Line {
  const segments: Segment[] = [{ text: ' ' }];
  const marked = sortedColumn(columns, view.sort);
  for (const [index, column] of columns.entries()) {
    const arrow = column.id === marked ? (view.descending ? '↓' : '↑') : '';
    const text = pad(`${column.header}${arrow}`, column.width, column.align);
    segments.push({ text: index === 0 ? text : ` ${text}`, tone: arrow ? 'accent' : 'muted', bold: arrow !== '' });
  }
  return fitWidth(segments, width);
}

/** pad() with a shortcut for the common case: ASCII that fits. */
function padCell(text: string, width: number, align: 'left' | 'right'): string {
  const w = cellsOf(text);
  if (w > width || w !== text.length) return pad(text, width, align);
  const fill = ' '.repeat(width - w);
  return align === 'left' ? text + fill : fill + text;
}

function rowLine(row: ContainerRow, columns: readonly Column[], selected: boolean, width: number): Line {
  // Neighbouring cells of one tone share a segment: fewer to cut in the frame, fewer Ink nodes.
  const line: Segment[] = [];
  let text = selected ? '▸' : ' ';
  let tone: Tone | undefined = selected ? 'accent' : undefined;
  let used = 1;
  for (const [index, column] of columns.entries()) {
    const cell = column.cell(row);
    const cellText = `${index === 0 ? '' : ' '}${padCell(cell.text, column.width, column.align)}`;
    used += (index === 0 ? 0 : 1) + column.width;
    if (cell.tone === tone) {
      text += cellText;
    } else {
      line.push({ text, tone });
      text = cellText;
      tone = cell.tone;
    }
  }
  line.push({ text: used < width ? text + ' '.repeat(width - used) : text, tone });
  // Only a pane narrower than the fixed columns has to cut.
  const fitted = used > width ? fitWidth(line, width) : line;
  // The selected row in reverse video and bold: visible with NO_COLOR, where only ▸ and
  // reverse video remain.
  return selected ? fitted.map((s) => ({ ...s, inverse: true, bold: true })) : fitted;
}

/** Segments cut or padded to exactly `width` cells. */
function fitWidth(segments: readonly Segment[], width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const segment of segments) {
    if (used >= width) break;
    const w = cellsOf(segment.text);
    if (used + w <= width) {
      out.push(segment);
      used += w;
    } else {
      out.push({ ...segment, text: pad(segment.text, width - used) });
      used = width;
    }
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The header: counts, then where the window is, the sort and the filter.

type Part = { segments: Segment[]; priority: number };

function partsWidth(parts: readonly Part[], separator: string): number {
  return parts.reduce((sum, p, i) => sum + (i ? textWidth(separator) : 0) + p.segments.reduce((s, seg) => s + textWidth(seg.text), 0), 0);
}

const SORT_NAME: Readonly<Record<ContainerSort, string>> = {
  name: 'name',
  group: 'group',
  state: 'state',
  health: 'health',
  cpu: 'cpu',
  memory: 'mem',
  restarts: 'restarts',
  uptime: 'uptime',
};

type Hidden = { above: number; aboveLevel: 'crit' | 'warn'; below: number; belowLevel: 'crit' | 'warn' };

/** The rows in trouble outside the window, above and below it, with the worst level of each side. */
function hiddenProblems(rows: readonly ContainerRow[], window: { start: number; end: number }): Hidden {
  const hidden: Hidden = { above: 0, aboveLevel: 'warn', below: 0, belowLevel: 'warn' };
  rows.forEach((row, i) => {
    if (row.level === null || (i >= window.start && i < window.end)) return;
    if (i < window.start) {
      hidden.above++;
      if (row.level === 'crit') hidden.aboveLevel = 'crit';
    } else {
      hidden.below++;
      if (row.level === 'crit') hidden.belowLevel = 'crit';
    }
  });
  return hidden;
}

/** `marked`: a column of the table shows the sort; when none does, the sort here stays longer. */
function summaryLine(
  reading: ContainersReading,
  view: ContainersView,
  shown: number,
  window: { start: number; end: number },
  width: number,
  hidden: Hidden,
  marked = true,
): Line {
  const c = reading.counts;
  const left: Part[] = [
    { segments: [{ text: c.running === c.total ? `${c.total} running` : `${c.running}/${c.total} running`, bold: true }], priority: 1 },
  ];
  if (c.unhealthy) left.push({ segments: [{ text: `${c.unhealthy} unhealthy`, tone: 'crit', bold: true }], priority: 2 });
  if (c.restarting) left.push({ segments: [{ text: `${c.restarting} restarting`, tone: 'crit', bold: true }], priority: 3 });
  if (c.starting) left.push({ segments: [{ text: `${c.starting} starting`, tone: 'warn' }], priority: 6 });
  if (c.exited) left.push({ segments: [{ text: `${c.exited} exited`, tone: 'warn' }], priority: 6 });
  if (c.unplanned) left.push({ segments: [{ text: `${c.unplanned} unplanned`, tone: 'muted' }], priority: 7 });

  const right: Part[] = [];
  // Containers in trouble that the window leaves out: never dropped, never cut.
  for (const [count, where, level] of [
    [hidden.above, 'above ↑', hidden.aboveLevel],
    [hidden.below, 'below ↓', hidden.belowLevel],
  ] as const) {
    if (count > 0)
      right.push({ segments: [{ text: `${count} problem${count === 1 ? '' : 's'} ${where}`, tone: level, bold: true }], priority: 1 });
  }
  if (window.start > 0 || window.end < shown) {
    const range = window.end - window.start === 1 ? `${window.end}` : `${window.start + 1}–${window.end}`;
    right.push({ segments: [{ text: `${range} of ${shown}`, tone: 'accent' }], priority: 4 });
  }
  const sorted = `${SORT_NAME[view.sort]}${view.descending ? '↓' : '↑'}`;
  // With no column to mark, the sort is said here in short, and kept as long as the counts.
  right.push(
    marked
      ? { segments: [{ text: `sort ${view.problemsFirst ? 'problems, ' : ''}${sorted}`, tone: 'muted' }], priority: 5 }
      : { segments: [{ text: sorted, tone: 'accent' }], priority: 1 },
  );
  if (view.filtering || view.filter) {
    const match = view.filter ? ` ${shown}/${c.total}` : '';
    right.push({
      segments: [
        { text: `/${terminalSafe(view.filter)}`, tone: 'accent', bold: true },
        ...(view.filtering ? [{ text: '▏', tone: 'accent' as const }] : []),
        { text: match, tone: 'muted' },
      ],
      priority: 0,
    });
  }

  // Drop what matters least until both sides fit with a gap between them.
  const fits = () => partsWidth(left, ' · ') + partsWidth(right, '  ') + (right.length ? 2 : 0) <= width;
  while (!fits()) {
    const all = [...left.map((p, i) => ({ p, i, side: left })), ...right.map((p, i) => ({ p, i, side: right }))];
    const worst = all.reduce<(typeof all)[number] | null>((w, x) => (w === null || x.p.priority >= w.p.priority ? x : w), null);
    if (!worst || worst.p.priority <= 1 || all.length <= 1) break;
    worst.side.splice(worst.i, 1);
  }
  const segments: Segment[] = [];
  left.forEach((p, i) => {
    if (i) segments.push({ text: ' · ', tone: 'muted' });
    segments.push(...p.segments);
  });
  const gap = width - partsWidth(left, ' · ') - partsWidth(right, '  ');
  if (right.length) {
    segments.push({ text: ' '.repeat(Math.max(2, gap)) });
    right.forEach((p, i) => {
      if (i) segments.push({ text: '  ' });
      segments.push(...p.segments);
    });
  }
  return fitWidth(segments, width);
}

// ---------------------------------------------------------------------------------------------
// Alerts in the room they are given: wrapped when they fit, else one line each, else counted.

type Notice = { level: Status; message: string };

function notices<T>(entry: PaneEntry<T>): Notice[] {
  const list: Notice[] = [];
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') {
    const age = entry.ageMs !== null && entry.data !== null ? ` (data ${formatAge(entry.ageMs)} old)` : '';
    list.push({ level: entry.status, message: `${entry.error ?? entry.summary}${age}` });
  }
  for (const alert of entry.alerts) list.push({ level: alert.level, message: alert.message });
  return list;
}

function noticeLine(notice: Notice, width: number, prefix = ''): Line {
  const label = `${STATUS_SYMBOL[notice.level]} ${STATUS_WORD[notice.level]} `;
  return fitWidth(
    [
      { text: label, tone: notice.level, bold: true },
      { text: truncateWords(terminalSafe(`${prefix}${notice.message}`), Math.max(1, width - textWidth(label))), tone: notice.level },
    ],
    width,
  );
}

const SEVERITY: Readonly<Record<Status, number>> = { crit: 5, down: 4, warn: 3, stale: 2, off: 1, ok: 0 };

function alertLines<T>(entry: PaneEntry<T>, width: number, budget: number): Line[] {
  const list = notices(entry);
  if (list.length === 0 || budget <= 0) return [];
  const full = stateLines(entry, width);
  if (full.length <= budget) return full;
  if (list.length <= budget) return list.map((n) => noticeLine(n, width));
  const worst = list.reduce((w, n) => (SEVERITY[n.level] > SEVERITY[w.level] ? n : w));
  // One line for all: who they are about (each alert names its container first), the rows say what.
  if (budget === 1)
    return [
      noticeLine(
        { level: worst.level, message: [...new Set(list.map((n) => n.message.split(' ')[0] ?? ''))].join(', ') },
        width,
        `${list.length} alerts: `,
      ),
    ];
  const shown = list.slice(0, budget - 1).map((n) => noticeLine(n, width));
  const rest = list.slice(budget - 1);
  const restWorst = rest.reduce((w, n) => (SEVERITY[n.level] > SEVERITY[w.level] ? n : w));
  return [...shown, noticeLine({ level: restWorst.level, message: `and ${rest.length} more alert${rest.length === 1 ? '' : 's'}` }, width)];
}

// ---------------------------------------------------------------------------------------------
// Each plan group's containers against its allotment.

function groupLines(reading: ContainersReading, width: number, groupIndex: ReadonlyMap<string, number>): Line[] {
  const groups = reading.groups.filter((g) => g.containers > 0 || g.missing.length > 0);
  if (groups.length === 0) return [];
  const nameWidth = Math.max(5, ...groups.map((g) => textWidth(g.group)));
  const wide = width >= nameWidth + 52;
  const head = `${pad('plan', nameWidth)} ${pad('cores', wide ? 8 : 7, 'right')} ${pad('', 4)}  ${pad('memory', wide ? 11 : 10, 'right')} ${pad('', 4)}${wide ? '   containers' : ''}`;
  const lines: Line[] = [fitWidth([{ text: head, tone: 'muted' }], width)];
  for (const g of groups) lines.push(fitWidth(groupRow(g, nameWidth, wide, groupIndex), width));
  return lines;
}

function groupRow(g: ContainerGroupUsage, nameWidth: number, wide: boolean, groupIndex: ReadonlyMap<string, number>): Segment[] {
  const index = groupIndex.get(g.group);
  const segments: Segment[] = [
    { text: pad(g.group, nameWidth), tone: g.planned && index !== undefined ? groupTone(index) : 'muted', bold: g.planned },
  ];
  const cores = g.cores !== null ? `${g.usedCores.toFixed(2)}/${g.cores}` : g.usedCores.toFixed(2);
  segments.push({ text: ` ${pad(cores, wide ? 8 : 7, 'right')} ` });
  segments.push(
    g.coresPercent !== null
      ? { text: pad(`${Math.round(g.coresPercent)}%`, 4, 'right'), tone: g.coresLevel ?? 'ok' }
      : { text: pad('', 4) },
  );
  const memory = g.memoryBytes !== null ? `${shortBytes(g.memoryUsedBytes)}/${shortBytes(g.memoryBytes)}` : shortBytes(g.memoryUsedBytes);
  segments.push({ text: `  ${pad(memory, wide ? 11 : 10, 'right')} ` });
  segments.push(
    g.memoryPercent !== null
      ? { text: pad(`${Math.round(g.memoryPercent)}%`, 4, 'right'), tone: g.memoryLevel ?? 'ok' }
      : { text: pad('', 4) },
  );
  if (wide) {
    segments.push({ text: `   ${g.running}/${g.containers} running`, tone: g.running < g.containers ? 'warn' : undefined });
    if (g.unhealthy) segments.push({ text: ` · ${g.unhealthy} unhealthy`, tone: 'crit', bold: true });
  }
  if (g.missing.length) segments.push({ text: ` · missing ${g.missing.join(', ')}`, tone: 'warn' });
  return segments;
}

// ---------------------------------------------------------------------------------------------
// The selected container's detail.

type DetailLine = { line: Line; priority: number };

function at(iso: string | null, now: number): string {
  if (!iso) return '–';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '–';
  const stamp = iso.replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, ' UTC');
  return `${formatAge(Math.max(0, now - ms))} ago (${stamp})`;
}

function checkWord(check: HealthCheckResult): Cell {
  if (check.exitCode === 0) return { text: 'pass', tone: 'ok' };
  if (check.exitCode === -1) return { text: 'timeout', tone: 'crit' };
  return { text: check.exitCode === null ? 'fail' : `fail ${check.exitCode}`, tone: 'crit' };
}

function detailLines(row: ContainerRow, reading: ContainersReading, ageMs: number, width: number, trends?: Trends): DetailLine[] {
  const now = reading.readAt + ageMs;
  const label = (text: string) => ({ text: pad(text, 9), tone: 'muted' as const });
  const out: DetailLine[] = [];
  const add = (priority: number, ...segments: Segment[]) => out.push({ priority, line: fitWidth(segments, width) });
  const wrapped = (priority: number, title: string, text: string, tone?: Tone) => {
    for (const line of labelled(pad(title, 9), text, tone ?? 'plain', width)) {
      out.push({
        priority,
        line: fitWidth(
          line.map((s, i) => (i === 0 ? { ...s, tone: 'muted' as const, bold: false } : s)),
          width,
        ),
      });
    }
  };

  wrapped(3, 'image', `${row.image} · id ${row.shortId}`);
  if (row.composeProject || row.composeService)
    add(6, label('compose'), { text: `${row.composeProject ?? '–'}/${row.composeService ?? '–'}` });
  const restarts =
    row.restartCount === null
      ? ''
      : ` · ${row.restartCount} restart${row.restartCount === 1 ? '' : 's'}${row.recentRestarts ? `, ${row.recentRestarts} lately` : ''}`;
  add(
    row.restartLoop ? 1 : 4,
    label('restart'),
    { text: `${row.restartPolicy ?? 'no policy'}${restarts}` },
    ...(row.restartLoop ? [{ text: ' · restart loop', tone: 'crit' as const, bold: true }] : []),
  );
  if (row.startedAt) add(4, label('started'), { text: at(row.startedAt, now) });
  if (row.state !== 'running' || row.oomKilled) {
    const exit: Segment[] = [{ text: ` · exit ${row.exitCode ?? '–'}`, tone: row.exitCode ? 'warn' : undefined }];
    const oom: Segment = row.oomKilled ? { text: ' · OOM killed', tone: 'crit', bold: true } : { text: ' · not OOM killed', tone: 'muted' };
    add(2, label('finished'), { text: at(row.finishedAt, now) }, ...exit, oom);
  }

  if (row.health !== 'none') {
    const word = healthWord(row);
    const streak = row.failingStreak ? ` · ${row.failingStreak} failed check${row.failingStreak === 1 ? '' : 's'} in a row` : '';
    add(
      1,
      label('health'),
      { text: word.text, tone: word.tone, bold: row.health === 'unhealthy' },
      { text: streak, tone: row.failingStreak ? 'crit' : undefined },
    );
    const checks = [...row.healthLog].reverse();
    checks.forEach((check, i) => {
      const word = checkWord(check);
      const when = check.end ?? check.start;
      const age = when && Number.isFinite(Date.parse(when)) ? `${formatAge(Math.max(0, now - Date.parse(when)))} ago` : '';
      const output = terminalSafe(check.output.trim().split('\n').at(-1) ?? '') || (check.exitCode === 0 ? '' : '(no output)');
      add(
        i === 0 ? 1 : 5 + i,
        { text: pad('', 2) },
        { text: pad(age, 8, 'right'), tone: 'muted' },
        { text: ` ${pad(word.text, 7)} `, tone: word.tone },
        { text: output },
      );
    });
  }
  add(5, label('networks'), { text: row.networks.length ? row.networks.join(', ') : 'none' });
  // The last hour of its CPU and memory after them, where the pane is wide enough.
  const trended = (priority: number, series: string, ...segments: Segment[]) =>
    out.push({ priority, line: fitWidth(withTrend(segments, trends?.get(`container.${row.host}/${row.name}.${series}`), width), width) });
  trended(3, 'cpu', label('cpu'), {
    text: `${cpuText(row.cpuPercent)} · ${coresText(row.cpuCores)} cores`,
    tone: row.cpuPercent === null ? 'muted' : undefined,
  });

  const used = row.memoryUsedBytes === null ? 'not measured' : formatBytes(row.memoryUsedBytes);
  const plan = row.planMemoryBytes
    ? ` of ${formatBytes(row.planMemoryBytes)} planned${row.memoryUsedBytes !== null ? ` (${Math.round((row.memoryUsedBytes / row.planMemoryBytes) * 100)}%)` : ''}`
    : row.group === UNPLANNED
      ? ' · not in the plan'
      : ' · no memory planned';
  const limit = row.memoryLimitBytes !== null ? ` · limit ${formatBytes(row.memoryLimitBytes)}` : '';
  trended(2, 'mem', label('memory'), { text: used }, { text: plan, tone: memoryTone(row) }, { text: limit, tone: 'muted' });
  return out;
}

/** The detail cut to `budget` lines, dropping the least telling first; order kept. */
function fitDetail(lines: readonly DetailLine[], budget: number): Line[] {
  const kept = [...lines];
  while (kept.length > Math.max(0, budget)) {
    let drop = 0;
    kept.forEach((l, i) => {
      if (l.priority >= (kept[drop]?.priority ?? 0)) drop = i;
    });
    kept.splice(drop, 1);
  }
  return kept.map((l) => l.line);
}

function detailHeading(row: ContainerRow, ctx: TableContext, width: number): Line {
  const status = row.state === 'running' && row.health !== 'none' ? [stateWord(row), healthWord(row)] : [stateWord(row)];
  const segments: Segment[] = [
    { text: '▸ ', tone: 'accent', bold: true },
    { text: displayName(row, ctx), bold: true, inverse: true },
    { text: '  ' },
    groupCell(row.group, ctx),
  ];
  for (const cell of status)
    segments.push({ text: ' · ', tone: 'muted' }, { text: cell.text, tone: cell.tone, bold: cell.tone === 'crit' });
  return fitWidth(segments, width);
}

// ---------------------------------------------------------------------------------------------
// The pane.

/** The first row of a window of `fit` rows that keeps the selection in its middle. */
export function windowStart(count: number, selected: number, fit: number): number {
  if (fit <= 0 || count <= fit) return 0;
  return Math.min(count - fit, Math.max(0, selected - Math.floor((fit - 1) / 2)));
}

function emptyLine(reading: ContainersReading, view: ContainersView, width: number): Line {
  if (reading.containers.length > 0) {
    return fitWidth([{ text: `no container matches /${terminalSafe(view.filter)} — Esc clears`, tone: 'warn' }], width);
  }
  const hosts = reading.endpoints.filter((e) => e.status === 'ok').map((e) => e.host);
  return fitWidth([{ text: hosts.length ? `no containers on ${hosts.join(', ')}` : 'no containers', tone: 'muted' }], width);
}

export function containersPane(
  entry: PaneEntry<ContainersReading>,
  width: number,
  height: number,
  _config: Config,
  view: ContainersView = INITIAL_CONTAINERS_VIEW,
  trends?: Trends,
): PaneContent {
  const reading = entry.data;
  if (!reading) {
    const lines = stateLines(entry, width);
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: TITLE, lines };
  }
  const rows = visibleContainers(reading, view);
  const count = rows.length;
  const selected = selectedIndex(view, rows);
  const selectedRow = rows[selected] ?? null;
  const ctx: TableContext = {
    hostPrefix: reading.endpoints.length > 1,
    groupIndex: new Map(reading.groups.filter((g) => g.planned).map((g, i) => [g.group, i])),
    limit: false,
  };
  const size = Math.max(1, height);

  // Room for the table: the header line, the column header (when it leaves rows to head), and
  // a few rows before the alerts take more than a line.
  const afterHeader = size - 1;
  const wantRows = count === 0 ? 1 : Math.min(count, 3);
  const colHeader = count > 0 && afterHeader >= wantRows + 2;
  const detail = view.detail && selectedRow ? detailLines(selectedRow, reading, entry.ageMs ?? 0, width, trends) : null;
  // With the detail open the alerts get a line each at most: the detail is what was asked for.
  const alertBudget = detail
    ? Math.max(1, Math.min(notices(entry).length, afterHeader - 1 - detail.length))
    : Math.max(1, afterHeader - wantRows - (colHeader ? 1 : 0));
  const alerts = alertLines(entry, width, alertBudget);
  let room = size - alerts.length - 1;

  const lines: Line[] = [...alerts];
  const columns = count > 0 ? chooseColumns(rows, width, ctx) : [];
  let windowShown = { start: 0, end: count };
  // Which line of the table holds which container, counted from the table's first line.
  let tableRows: (string | null)[] = [];
  const table = (fit: number): Line[] => {
    if (count === 0) return [emptyLine(reading, view, width)];
    const headed = colHeader && fit >= 2;
    const slots = Math.max(1, fit - (headed ? 1 : 0));
    const start = windowStart(count, selected, slots);
    const end = Math.min(count, start + slots);
    const out: Line[] = headed ? [headerLine(columns, view, width)] : [];
    tableRows = headed ? [null] : [];
    for (let i = start; i < end; i++) {
      const row = rows[i];
      if (row) {
        out.push(rowLine(row, columns, i === selected, width));
        tableRows.push(containerKey(row));
      }
    }
    windowShown = { start, end };
    return out;
  };
  /** The rows map once the table's first line is at `offset` of the pane's lines. */
  const rowsAt = (offset: number): Map<number, string> => {
    const map = new Map<number, string>();
    tableRows.forEach((key, index) => {
      if (key !== null) map.set(offset + index, key);
    });
    return map;
  };

  if (detail && selectedRow) {
    const tableNeed = (colHeader ? 1 : 0) + Math.min(count, 3);
    const body: Line[] = [];
    if (room - 1 - detail.length >= tableNeed) {
      // The table keeps what the full detail leaves (at most every row), the detail below it.
      const fit = Math.min(room - 1 - detail.length, count + (colHeader ? 1 : 0));
      body.push(...table(fit), detailHeading(selectedRow, ctx, width), ...detail.map((d) => d.line));
    } else {
      // Not enough room for both: the detail replaces the table.
      windowShown = { start: selected, end: selected + 1 };
      tableRows = [];
      body.push(detailHeading(selectedRow, ctx, width), ...fitDetail(detail, room - 1));
    }
    lines.push(
      summaryLine(reading, view, count, windowShown, width, hiddenProblems(rows, windowShown), sortedColumn(columns, view.sort) !== null),
      ...body,
    );
    return { title: TITLE, lines, rows: rowsAt(lines.length - body.length) };
  }

  // The groups against the plan, when the table keeps enough rows beside them.
  const groups = groupLines(reading, width, ctx.groupIndex);
  const tableFull = count === 0 ? 1 : count + (colHeader ? 1 : 0);
  const showGroups = groups.length > 0 && room - groups.length - 1 >= Math.min(tableFull, 10 + (colHeader ? 1 : 0));
  if (showGroups) room -= groups.length + 1;
  const body = table(Math.min(room, tableFull));
  lines.push(
    summaryLine(reading, view, count, windowShown, width, hiddenProblems(rows, windowShown), sortedColumn(columns, view.sort) !== null),
    ...body,
  );
  const tableAt = lines.length - body.length;
  if (showGroups) lines.push([], ...groups);
  return { title: TITLE, lines, rows: rowsAt(tableAt) };
}
