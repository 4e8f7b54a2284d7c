import { Box } from 'ink';
import { memo, useMemo } from 'react';
import type { Config } from '../../config/schema.js';
import { formatAge } from '../../config/units.js';
import type { PaneId, Panes } from '../../monitor/snapshot.js';
import { frameLines } from '../frame.js';
import type { ContainerGroupUsage } from '../../probes/containers/types.js';
import type { BackupsView } from '../panes/backups-view.js';
import type { ContainersView } from '../panes/containers-view.js';
import { paneContent } from '../panes/index.js';
import type { Profiler } from '../profile.js';
import type { Theme } from '../theme.js';
import { LinesText } from './lines.js';

export type PaneViewProps = {
  id: PaneId;
  entry: Panes[PaneId];
  host: string;
  width: number;
  height: number;
  focused: boolean;
  scroll: number;
  config: Config;
  theme: Theme;
  profiler: Profiler | null;
  /** The containers table's sort, filter and selection (the containers pane only). */
  containersView?: ContainersView | undefined;
  /** The backups pane's selection and detail (the backups pane only, while focused). */
  backupsView?: BackupsView | undefined;
  /** What each plan group's containers use (the CPU pane only). */
  containerGroups?: readonly ContainerGroupUsage[] | undefined;
};

function PaneViewInner({ id, entry, host, width, height, focused, scroll, config, theme, profiler, containersView, backupsView, containerGroups }: PaneViewProps) {
  const showAge = entry.status === 'stale' && entry.ageMs !== null;
  const age = showAge && entry.ageMs !== null ? formatAge(entry.ageMs) : null;
  const lines = useMemo(() => {
    const build = () => {
      const content = paneContent(id, entry, width - 2, height - 2, config, host, { containers: containersView, backups: backupsView, containerGroups });
      return frameLines({ title: content.title, lines: content.lines, status: entry.status, age, width, height, focused, scroll });
    };
    return profiler ? profiler.time(id, build) : build();
  }, [id, entry, host, width, height, focused, scroll, config, age, profiler, containersView, backupsView, containerGroups]);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LinesText lines={lines} theme={theme} />
    </Box>
  );
}

/**
 * Re-renders only when what it shows changes: a fresh entry whose data, status and alerts are
 * the same objects (the monitor reuses them) is skipped even though its age moved on.
 */
export const PaneView = memo(PaneViewInner, (a, b) =>
  a.id === b.id && a.host === b.host && a.width === b.width && a.height === b.height && a.focused === b.focused && a.scroll === b.scroll &&
  a.config === b.config && a.theme === b.theme && a.containersView === b.containersView && a.backupsView === b.backupsView && a.containerGroups === b.containerGroups &&
  a.entry.status === b.entry.status && a.entry.data === b.entry.data && a.entry.error === b.entry.error &&
  a.entry.alerts === b.entry.alerts && a.entry.summary === b.entry.summary &&
  (a.entry.status !== 'stale' || formatAge(a.entry.ageMs ?? 0) === formatAge(b.entry.ageMs ?? 0)));
