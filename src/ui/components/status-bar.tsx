import { memo } from 'react';
import { formatBytes, formatDuration } from '../../config/units.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Message } from '../console-state.js';
import { fitParts, type Part } from '../fit-parts.js';
import type { Line } from '../text.js';
import { STATUS_SYMBOL, STATUS_WORD, type Theme } from '../theme.js';
import { LineView } from './lines.js';

export type StatusBarProps = {
  snapshot: Snapshot;
  view: string;
  note: string | null;
  refreshMs: number;
  readOnly: boolean;
  width: number;
  helpKey: string | undefined;
  quitKey: string | undefined;
  theme: Theme;
  /** The last action's result, for a few seconds. */
  message?: Message | null;
  /** An action in flight. */
  busy?: string | null;
  /** Inside the maintenance window: when it ends ("04:00"). */
  maintenanceUntil?: string | null;
};

/** A plain message has no symbol: the separator before it is its only mark (never "· ·"). */
const MESSAGE_SYMBOL: Record<Message['tone'], string> = { ok: '✔ ', warn: '▲ ', crit: '✖ ', plain: '' };

function clock(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

/**
 * The bar at any width: the state word, the host, what is going on (a read-only console, an
 * action, its result) and the help key stay whole; the clock, the refresh, the console's own
 * cost and the view give way first.
 */
export function statusBarLine(props: Omit<StatusBarProps, 'theme'>): Line {
  const { snapshot } = props;
  const self = `self ${snapshot.self.cpuPercent === null ? '–' : `${snapshot.self.cpuPercent.toFixed(1)}%`} ${formatBytes(snapshot.self.rssBytes, 0)}`;
  const parts: Part[] = [
    {
      segments: [
        { text: ` ${STATUS_SYMBOL[snapshot.status]} ${STATUS_WORD[snapshot.status]} `, tone: snapshot.status, inverse: true, bold: true },
      ],
      priority: 0,
    },
    { segments: [{ text: ` ${snapshot.host}`, bold: true }], priority: 0 },
  ];
  if (snapshot.demo) parts.push({ segments: [{ text: ` DEMO ${snapshot.demo}`, tone: 'accent', bold: true }], priority: 3 });
  // Given way to first, last to first: the refresh, the clock, the console's own cost, q quit,
  // the demo's name, the view's name; then a note is shortened.
  if (props.readOnly) parts.push({ segments: [{ text: ' READ-ONLY', tone: 'accent' }], priority: 0 });
  // Expected downtime: said before anything that could be read as an outage.
  if (props.maintenanceUntil)
    parts.push({
      segments: [{ text: ` · maintenance window until ${props.maintenanceUntil}`, tone: 'accent', bold: true }],
      priority: 1,
      shrink: true,
    });
  if (props.busy) parts.push({ segments: [{ text: ` · ${props.busy}`, tone: 'accent', bold: true }], priority: 0, shrink: true });
  if (props.message)
    parts.push({
      segments: [
        {
          text: ` · ${MESSAGE_SYMBOL[props.message.tone]}${props.message.text}`,
          tone: props.message.tone,
          bold: props.message.tone !== 'plain',
        },
      ],
      priority: 0,
      shrink: true,
    });
  // A note saying why the view is not the one asked for outlasts the view's name.
  parts.push({ segments: [{ text: ` · view ${props.view}`, tone: 'plain' }], priority: 2 });
  if (props.note) parts.push({ segments: [{ text: ` (${props.note})`, tone: 'warn' }], priority: 1, shrink: true });
  parts.push(
    { segments: [{ text: ` · refresh ${formatDuration(props.refreshMs)}`, tone: 'muted' }], priority: 7 },
    { segments: [{ text: ` · ${clock(snapshot.takenAt)}`, tone: 'muted' }], priority: 6 },
    { segments: [{ text: ` · ${self}`, tone: 'muted' }], priority: 5 },
  );
  if (props.helpKey) parts.push({ segments: [{ text: ` · ${props.helpKey} help`, tone: 'muted' }], priority: 0 });
  if (props.quitKey) parts.push({ segments: [{ text: ` · ${props.quitKey} quit`, tone: 'muted' }], priority: 4 });
  return fitParts(parts, props.width);
}

export const StatusBar = memo(function StatusBar(props: StatusBarProps) {
  return <LineView line={statusBarLine(props)} theme={props.theme} />;
});
