// The panel in place of the panes (or above them where there is room): a runbook run, a
// container's logs, the runbook history or a dry run. Only it re-renders when its data changes;
// the run panel's clocks tick once a second while the run goes, and not after.
import { memo, useMemo } from 'react';
import type { Panel } from '../console-state.js';
import { useNow } from '../hooks/use-now.js';
import { INITIAL_LOGS_VIEW, type LogsView } from '../logs-view.js';
import type { RunView } from '../run-view.js';
import type { Theme } from '../theme.js';
import { LinesBlock } from './overlay.js';
import { dryRunLines, historyLines, type LogsKeys, logsLines, runDetailLines, timelineLines } from './panel-lines.js';
import { runPanelLines } from './run-lines.js';
import { trendsLines } from './trends-lines.js';

export type PanelViewProps = {
  panel: Panel;
  run: RunView | null;
  width: number;
  height: number;
  scroll: number;
  keys: LogsKeys;
  /** How the logs are looked at (the logs panel only). */
  logs?: LogsView | undefined;
  theme: Theme;
};

function PanelViewInner({ panel, run, width, height, scroll, keys, logs, theme }: PanelViewProps) {
  const ticking = panel.kind === 'run' && run !== null && (run.status === 'running' || run.status === 'starting');
  const now = useNow(ticking);
  const lines = useMemo(() => {
    switch (panel.kind) {
      case 'run':
        return run ? runPanelLines(run, width, height, now, scroll, { close: keys.close, scroll: '↑↓' }) : [];
      case 'logs':
        return logsLines(panel, width, height, logs ?? INITIAL_LOGS_VIEW, keys);
      case 'history':
        return historyLines(panel, width, height, scroll, keys);
      case 'run-detail':
        return runDetailLines(panel, width, height, scroll, keys);
      case 'dry-run':
        return dryRunLines(panel, width, height, scroll, keys);
      case 'timeline':
        return timelineLines(panel, width, height, scroll, keys, Date.now());
      case 'trends':
        return trendsLines(panel, width, height, scroll, keys);
    }
  }, [panel, run, width, height, scroll, keys, logs, now]);
  return <LinesBlock lines={lines} width={width} theme={theme} />;
}

export const PanelView = memo(PanelViewInner);
