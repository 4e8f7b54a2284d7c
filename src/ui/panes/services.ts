// The services pane: one row per service, those in trouble first. An up service shows its last
// response time, its p95 and error rate over 5 minutes and an hour, and its certificate's days;
// a down one its outage against its priority's recovery budget ("DOWN 3m12s of 5m") and why.
// Columns give way from the right as the pane narrows (the hour's figures, the certificate, the
// group, the last time); the name, the priority and what is wrong stay. Where every column
// fits with room to spare, an up service's row ends with its last hour of response times.
// With the focus, one service is selected (↑↓, a click): its row is in reverse video.
import { clockOf } from '../../config/maintenance.js';
import { formatDuration } from '../../config/units.js';
import { type ServiceReading, type ServicesReading, troubleFirst } from '../../model/services.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Status } from '../../model/status.js';
import type { Trends } from '../../model/trends.js';
import { type Line, pad, type Segment, type Tone, textWidth, truncateWords } from '../text.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { type PaneContent, stateLines, withTrend } from './common.js';
import { type ServicesView, selectedServiceIndex } from './services-view.js';

const LEVEL_STATUS: Record<ServiceReading['level'], Status> = {
  ok: 'ok',
  warn: 'warn',
  crit: 'crit',
  maintenance: 'off',
  standby: 'off',
  unknown: 'stale',
};

function msText(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

function rateText(rate: number | null): string {
  if (rate === null) return '–';
  const value = rate * 100;
  return value > 0 && value < 1 ? '<1%' : `${Math.round(value)}%`;
}

type Cell = { text: string; tone?: Tone };

/** An optional column: its header, and each up service's cell. */
type Column = { key: string; header: string; cell(s: ServiceReading): Cell; align: 'left' | 'right' };

/** Whether a figure is what makes the service warn (its problems name it). */
function named(service: ServiceReading, word: string): Tone | undefined {
  const problem = service.problems.find((p) => p.message.includes(word));
  return problem?.level;
}

const COLUMNS: readonly Column[] = [
  { key: 'group', header: 'group', align: 'left', cell: (s) => ({ text: s.group ?? '', tone: 'muted' }) },
  { key: 'last', header: 'last', align: 'right', cell: (s) => ({ text: msText(s.lastMs) }) },
  {
    key: 'p95',
    header: 'p95 5m',
    align: 'right',
    cell: (s) => ({ text: msText(s.p95.m5), ...(named(s, ' slow:') ? { tone: named(s, ' slow:') } : {}) }),
  },
  { key: 'p95h', header: '1h', align: 'right', cell: (s) => ({ text: msText(s.p95.m60), tone: 'muted' }) },
  {
    key: 'err',
    header: 'err 5m',
    align: 'right',
    cell: (s) => ({ text: rateText(s.errorRate.m5), ...(named(s, ' erroring:') ? { tone: named(s, ' erroring:') } : {}) }),
  },
  { key: 'errh', header: '1h', align: 'right', cell: (s) => ({ text: rateText(s.errorRate.m60), tone: 'muted' }) },
  {
    key: 'cert',
    header: 'cert',
    align: 'right',
    cell: (s) => ({
      text: s.certDaysLeft === null ? '' : `${Math.max(0, Math.floor(s.certDaysLeft))}d`,
      ...(named(s, ' certificate ') ? { tone: named(s, ' certificate ') } : {}),
    }),
  },
];

/** Which columns go first when the pane is too narrow for all of them. */
const GIVE_WAY = ['errh', 'p95h', 'cert', 'group', 'last', 'err', 'p95'];

/** The outage and why, for a service that is down (the rest of its row). */
function downCell(service: ServiceReading, at: number): Cell {
  if (service.level === 'standby') return { text: 'standby: runs after a failover', tone: 'muted' };
  if (service.level === 'maintenance') return { text: `down · maintenance window${service.why ? ` · ${service.why}` : ''}`, tone: 'muted' };
  const downFor = service.downSince === null ? 0 : Math.max(0, at - Date.parse(service.downSince));
  const outage = `DOWN ${formatDuration(downFor)} of ${formatDuration(service.budgetMs)}`;
  const tone: Tone = downFor > service.budgetMs ? 'crit' : downFor > service.budgetMs / 2 ? 'warn' : 'down';
  return { text: `${outage}${service.why ? ` · ${service.why}` : ''}`, tone };
}

function unknownCell(service: ServiceReading): Cell {
  return { text: service.why ?? 'not checked yet', tone: 'muted' };
}

/** The services' names in the pane's order (those in trouble first), for the selection. */
export function serviceNames(reading: ServicesReading): string[] {
  return troubleFirst(reading.services).map((s) => s.name);
}

/** The selected row in reverse video and bold: visible without colour too. */
const marked = (line: Line): Line => line.map((segment) => ({ ...segment, inverse: true, bold: true }));

/** `view` is given while the pane has the focus: the selected service's row is marked. */
export function servicesPane(
  entry: PaneEntry<ServicesReading>,
  width: number,
  height: number,
  trends?: Trends,
  view?: ServicesView,
): PaneContent {
  const reading = entry.data;
  const lines: Line[] = [];
  if (!reading) {
    lines.push(...stateLines(entry, width));
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: 'Services', lines };
  }
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off')
    lines.push(...stateLines({ ...entry, alerts: [] }, width));
  const at = Date.parse(reading.at);
  if (reading.maintenance)
    lines.push([
      { text: `◐ maintenance window until ${clockOf(Date.parse(reading.maintenance.until))}: downtime is expected`, tone: 'accent' },
    ]);

  const services = troubleFirst(reading.services);
  const selected = view
    ? (services[
        selectedServiceIndex(
          view,
          services.map((s) => s.name),
        )
      ] ?? null)
    : null;
  const rows = new Map<number, string>();
  let selectedLine: number | undefined;
  const nameWidth = Math.min(18, Math.max(7, ...services.map((s) => textWidth(s.name))));
  const fixed = 2 + nameWidth + 3; // symbol, name, " P1"
  const upRows = services.filter((s) => s.state === 'up');
  // The widest each column is, over its header and the up services' cells.
  const widths = new Map(COLUMNS.map((c) => [c.key, Math.max(textWidth(c.header), ...upRows.map((s) => textWidth(c.cell(s).text)))]));
  let shown = COLUMNS.filter(
    (c) => (c.key !== 'cert' || upRows.some((s) => s.certDaysLeft !== null)) && (c.key !== 'group' || services.some((s) => s.group)),
  );
  const total = () => fixed + shown.reduce((sum, c) => sum + 2 + (widths.get(c.key) ?? 0), 0);
  let gaveWay = false;
  for (const key of GIVE_WAY) {
    if (total() <= width) break;
    shown = shown.filter((c) => c.key !== key);
    gaveWay = true;
  }
  const cellsWidth = Math.max(0, width - fixed);

  if (height > services.length + lines.length && shown.length > 0) {
    const header: Segment[] = [
      { text: pad('service', nameWidth + 2), tone: 'muted' },
      { text: ' P ', tone: 'muted' },
    ];
    for (const c of shown) header.push({ text: `  ${pad(c.header, widths.get(c.key) ?? 0, c.align)}`, tone: 'muted' });
    lines.push(header);
  }
  for (const service of services) {
    rows.set(lines.length, service.name);
    if (service === selected) selectedLine = lines.length;
    const mark = (line: Line): Line => (service === selected ? marked(line) : line);
    const status = LEVEL_STATUS[service.level];
    const outage = service.state === 'down' && (service.level === 'warn' || service.level === 'crit');
    const symbol = outage ? STATUS_SYMBOL.down : STATUS_SYMBOL[status];
    const tone: Tone = outage ? (service.level as 'warn' | 'crit') : status;
    const row: Line = [
      { text: `${symbol} `, tone },
      { text: pad(service.name, nameWidth), bold: service.level !== 'ok' },
      { text: ` P${service.priority}`, tone: service.priority <= 2 ? 'plain' : 'muted' },
    ];
    if (service.state === 'up') {
      for (const c of shown) {
        const cell = c.cell(service);
        row.push({ text: `  ${pad(cell.text, widths.get(c.key) ?? 0, c.align)}`, ...(cell.tone ? { tone: cell.tone } : {}) });
      }
      // The last hour of its response times, after every column, where the pane is wide enough.
      if (!gaveWay) {
        lines.push(mark(withTrend(row, trends?.get(`service.${service.name}.latency`), width)));
        continue;
      }
    } else {
      const cell = service.state === 'down' ? downCell(service, at) : unknownCell(service);
      row.push({ text: `  ${truncateWords(cell.text, Math.max(0, cellsWidth - 2))}`, ...(cell.tone ? { tone: cell.tone } : {}) });
    }
    lines.push(mark(row));
  }
  // What makes an up service warn, in words, where there is room (the row shows only figures).
  const room = height - lines.length;
  const reasons = services.filter((s) => s.state === 'up').flatMap((s) => s.problems.map((p) => ({ ...p, service: s.name })));
  for (const problem of reasons.slice(0, Math.max(0, room))) {
    lines.push([
      { text: `${STATUS_SYMBOL[problem.level]} ${STATUS_WORD[problem.level]} `, tone: problem.level, bold: true },
      { text: truncateWords(problem.message, Math.max(0, width - 7)), tone: problem.level },
    ]);
  }
  const serving = reading.services.filter((s) => !s.standby);
  const up = serving.filter((s) => s.state === 'up').length;
  const title = `Services · ${up}/${serving.length} up${reading.maintenance ? ' · maintenance' : ''}`;
  return { title, lines, rows, ...(selectedLine === undefined ? {} : { selected: selectedLine }) };
}
