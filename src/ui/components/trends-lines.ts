// The history panel: for each series of the focused pane (or container), its newest value, its
// range over the last hour and the week, and three sparklines (the last hour per minute, the
// last day and the last week), as wide as the panel allows. Pure.
import { formatBytes } from '../../config/units.js';
import type { SeriesHistory, SeriesUnit } from '../../model/trends.js';
import type { TrendsPanel } from '../console-state.js';
import { downsample, sparkline } from '../sparkline.js';
import { type Line, pad } from '../text.js';
import { boxLines } from './box.js';
import type { PanelKeys } from './panel-lines.js';

const PANE_TITLE: Record<TrendsPanel['pane'], string> = {
  cpu: 'CPU',
  gpu: 'GPU',
  containers: 'Containers',
  dns: 'DNS',
  services: 'Services',
  vpn: 'VPN',
  backups: 'Backups',
};

/** A value in the series' unit. */
export function formatValue(value: number, unit: SeriesUnit): string {
  switch (unit) {
    case 'percent':
      return `${value.toFixed(0)}%`;
    case 'celsius':
      return `${value.toFixed(0)}°C`;
    case 'ms':
      return `${value < 10 ? value.toFixed(1) : value.toFixed(0)}ms`;
    case 'bytes':
      return formatBytes(value);
  }
}

/** The series' name in a person's words: the plan group, the GPU's figure, the server, the service, the container's figure. */
export function seriesLabel(name: string): string {
  if (name === 'cpu.total') return 'CPU, all threads';
  if (name === 'mem.used') return 'memory';
  const group = /^cpu\.group\.(.+)$/.exec(name);
  if (group) return `group ${group[1]}`;
  const gpu = /^gpu\.(\d+)\.(util|temp|vram)$/.exec(name);
  if (gpu) return `GPU ${gpu[1]} ${{ util: 'use', temp: 'temperature', vram: 'memory' }[gpu[2] as 'util' | 'temp' | 'vram']}`;
  const dns = /^dns\.(.+)\.latency$/.exec(name);
  if (dns) return `${dns[1]} latency`;
  const service = /^service\.(.+)\.latency$/.exec(name);
  if (service) return `${service[1]} response time`;
  const container = /^container\.(.+)\.(cpu|mem)$/.exec(name);
  if (container) return `${container[1]} ${container[2] === 'cpu' ? 'CPU' : 'memory'}`;
  return name;
}

function range(values: readonly number[]): { low: number; high: number } | null {
  const finite = values.filter(Number.isFinite);
  return finite.length ? { low: Math.min(...finite), high: Math.max(...finite) } : null;
}

function seriesLines(series: SeriesHistory, width: number): Line[] {
  const f = (v: number) => formatValue(v, series.unit);
  const hour = range(series.hour);
  const week = range(series.week);
  const head: Line = [
    { text: seriesLabel(series.name), bold: true },
    {
      text: series.last === null ? '  nothing in the last hour' : `  now ${f(series.last)}`,
      tone: series.last === null ? 'muted' : 'plain',
    },
    {
      text: `${hour ? ` · hour ${f(hour.low)}–${f(hour.high)}` : ''}${week ? ` · week ${f(week.low)}–${f(week.high)}` : ''}`,
      tone: 'muted',
    },
  ];
  // Percentages on 0–100; other figures on their own week's range, the same for the three lines.
  const scale = series.unit === 'percent' ? { low: 0, high: 100 } : (week ?? undefined);
  const room = Math.max(8, width - 4 - 7);
  const spark = (label: string, values: readonly number[]): Line => [
    { text: pad(`  ${label}`, 7), tone: 'muted' },
    { text: sparkline(downsample(values, room), room, scale), tone: 'accent' },
  ];
  return [head, spark('hour', series.hour), spark('day', series.day), spark('week', series.week)];
}

/** `scroll` lines down from the top. */
export function trendsLines(panel: TrendsPanel, width: number, height: number, scroll: number, keys: PanelKeys): Line[] {
  const body: Line[] = [];
  if (panel.note) body.push([{ text: panel.note, tone: 'warn' }]);
  if (panel.error) body.push([{ text: panel.error, tone: 'crit' }]);
  if (panel.loading && !panel.series.length) body.push([{ text: 'reading the history…', tone: 'muted' }]);
  panel.series.forEach((series, index) => {
    if (index > 0) body.push([]);
    body.push(...seriesLines(series, width));
  });
  const footer: Line[] = [[{ text: ` a block: 1 min (hour), 15 min (day), 1 h (week) · ${keys.close ?? 'esc'} back`, tone: 'muted' }]];
  const what = panel.item ?? PANE_TITLE[panel.pane];
  return boxLines({
    title: `History · ${what} (${panel.series.length} series, recorded by homeops watch)`,
    lines: body,
    width,
    height,
    scroll,
    tone: 'accent',
    heavy: true,
    footer,
  });
}
