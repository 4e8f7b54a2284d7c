// The console's history panel for the focused pane (or the selected container), read from the
// store the watcher writes: each of its series over the last hour, day and week. Like the
// timeline panel, the store's code and node:sqlite load only when it is first opened.
import type { Env } from '../config/paths.js';
import type { PaneId } from '../model/panes.js';
import { HISTORY_SPANS, type SeriesHistory } from '../model/trends.js';
import type { TrendsPanel } from '../ui/console-state.js';

/** The series of a pane, by the start of their names (src/store/samples.ts names them). */
export function seriesPrefixes(pane: PaneId, item: string | null): string[] {
  switch (pane) {
    case 'cpu':
      return ['cpu.', 'mem.'];
    case 'gpu':
      return ['gpu.'];
    case 'dns':
      return ['dns.'];
    case 'containers':
      return [item ? `container.${item}.` : 'container.'];
    case 'services':
      return [item ? `service.${item}.` : 'service.'];
    default:
      return [];
  }
}

/**
 * Whether a series is the item's own: its prefix and one figure after it. A name may hold dots,
 * so `service.api.` also starts `service.api.v2.latency`, which is another service's.
 */
export function ownSeries(name: string, prefixes: readonly string[], item: string | null): boolean {
  return prefixes.some((p) => name.startsWith(p) && (item === null || !name.slice(p.length).includes('.')));
}

/** The CPU's total first, then the plan groups and memory; otherwise by name. */
function order(names: readonly string[]): string[] {
  const rank = (n: string) => (n === 'cpu.total' ? 0 : n.startsWith('cpu.group.') ? 1 : n.startsWith('mem.') ? 2 : 3);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

export async function readTrendsPanel(
  env: Env,
  demo: string | null,
  pane: PaneId,
  item: string | null,
  now = Date.now(),
): Promise<TrendsPanel> {
  const [{ openForReading, storePath }, { bucketMeans, seriesNames }, { minuteOf, unitOf }] = await Promise.all([
    import('../store/db.js'),
    import('../store/history.js'),
    import('../store/samples.js'),
  ]);
  const base = { kind: 'trends' as const, pane, item, loading: false };
  const prefixes = seriesPrefixes(pane, item);
  if (prefixes.length === 0)
    return { ...base, series: [], error: null, note: `no history is kept for the ${pane} pane (docs/alerts.md, "History", lists what is)` };
  try {
    const db = openForReading(storePath(env, demo));
    if (!db)
      return {
        ...base,
        series: [],
        error: null,
        note: `nothing recorded yet: homeops watch${demo ? ` --demo ${demo}` : ''} keeps the history (docs/alerts.md)`,
      };
    try {
      // The minute in progress is not written yet: the spans end where it starts.
      const end = minuteOf(now);
      const series: SeriesHistory[] = order(seriesNames(db, prefixes).filter((name) => ownSeries(name, prefixes, item))).map((name) => {
        const [hour, day, week] = (['hour', 'day', 'week'] as const).map((span) =>
          bucketMeans(db, name, end, HISTORY_SPANS[span].minutes, HISTORY_SPANS[span].count),
        );
        const newest = [...(hour ?? [])].reverse().find(Number.isFinite);
        return { name, unit: unitOf(name), last: newest ?? null, hour: hour ?? [], day: day ?? [], week: week ?? [] };
      });
      return {
        ...base,
        series,
        error: null,
        note: series.length ? null : `nothing recorded for ${item ?? `the ${pane} pane`} in the last 7 days`,
      };
    } finally {
      db.close();
    }
  } catch (error) {
    return { ...base, series: [], error: `cannot read the history: ${(error as Error).message}`, note: null };
  }
}
