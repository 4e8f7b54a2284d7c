import { Box } from 'ink';
import { memo, useMemo } from 'react';
import type { Config } from '../../config/schema.js';
import { formatAge } from '../../config/units.js';
import type { PaneId } from '../../model/panes.js';
import type { PaneEntry } from '../../model/snapshot.js';
import { frameLines, scrollInSight } from '../frame.js';
import type { AnyPaneRenderer } from '../panes/index.js';
import type { Profiler } from '../profile.js';
import type { Theme } from '../theme.js';
import { LinesText } from './lines.js';

export type PaneViewProps = {
  id: PaneId;
  /** How the pane is drawn (its kind, from the registry). */
  kind: AnyPaneRenderer;
  entry: PaneEntry<unknown>;
  /** What the pane shows besides its entry, as its kind picked it (kind.view). */
  view: unknown;
  host: string;
  width: number;
  height: number;
  focused: boolean;
  scroll: number;
  config: Config;
  theme: Theme;
  profiler: Profiler | null;
};

function PaneViewInner({ id, kind, entry, view, host, width, height, focused, scroll, config, theme, profiler }: PaneViewProps) {
  const showAge = entry.status === 'stale' && entry.ageMs !== null;
  const age = showAge && entry.ageMs !== null ? formatAge(entry.ageMs) : null;
  const lines = useMemo(() => {
    const build = () => {
      // The entry is this kind's (the App looks both up by the same id).
      const content = kind.render(entry as PaneEntry<never>, { width: width - 2, height: height - 2, config, host }, view);
      return frameLines({
        title: content.title,
        lines: content.lines,
        status: entry.status,
        age,
        width,
        height,
        focused,
        scroll: scrollInSight(scroll, content.selected, height),
      });
    };
    return profiler ? profiler.time(id, build) : build();
  }, [id, kind, entry, view, host, width, height, focused, scroll, config, age, profiler]);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LinesText lines={lines} theme={theme} />
    </Box>
  );
}

/** Props compared by identity; the entry by its parts (below). */
const SAME_BY_IDENTITY = [
  'id',
  'kind',
  'view',
  'host',
  'width',
  'height',
  'focused',
  'scroll',
  'config',
  'theme',
  'profiler',
] as const satisfies readonly (keyof PaneViewProps)[];

/**
 * Re-renders only when what it shows changes: a fresh entry whose data, status and alerts are
 * the same objects (the monitor reuses them) is skipped even though its age moved on.
 */
export const PaneView = memo(
  PaneViewInner,
  (a, b) =>
    SAME_BY_IDENTITY.every((key) => a[key] === b[key]) &&
    a.entry.status === b.entry.status &&
    a.entry.data === b.entry.data &&
    a.entry.error === b.entry.error &&
    a.entry.alerts === b.entry.alerts &&
    a.entry.summary === b.entry.summary &&
    (a.entry.status !== 'stale' || formatAge(a.entry.ageMs ?? 0) === formatAge(b.entry.ageMs ?? 0)),
);
