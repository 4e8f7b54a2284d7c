import { memo } from 'react';
import { formatBytes, formatDuration } from '../../config/units.js';
import type { Snapshot } from '../../monitor/snapshot.js';
import type { Message } from '../console-state.js';
import { STATUS_SYMBOL, STATUS_WORD, type Theme } from '../theme.js';
import { fitLine, type Line } from '../text.js';
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
};

const MESSAGE_SYMBOL: Record<Message['tone'], string> = { ok: '✔', warn: '▲', crit: '✖', plain: '·' };

function clock(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

export function statusBarLine(props: Omit<StatusBarProps, 'theme'>): Line {
  const { snapshot } = props;
  const self = `self ${snapshot.self.cpuPercent === null ? '–' : `${snapshot.self.cpuPercent.toFixed(1)}%`} ${formatBytes(snapshot.self.rssBytes, 0)}`;
  const keys = [props.helpKey ? `${props.helpKey} help` : '', props.quitKey ? `${props.quitKey} quit` : ''].filter(Boolean).join(' · ');
  return fitLine([
    { text: ` ${STATUS_SYMBOL[snapshot.status]} ${STATUS_WORD[snapshot.status]} `, tone: snapshot.status, inverse: true, bold: true },
    { text: ` ${snapshot.host}`, bold: true },
    ...(snapshot.demo ? [{ text: ` DEMO ${snapshot.demo}`, tone: 'accent' as const, bold: true }] : []),
    ...(props.readOnly ? [{ text: ' READ-ONLY', tone: 'accent' as const }] : []),
    ...(props.busy ? [{ text: ` · ${props.busy}`, tone: 'accent' as const, bold: true }] : []),
    ...(props.message ? [{ text: ` · ${MESSAGE_SYMBOL[props.message.tone]} ${props.message.text}`, tone: props.message.tone, bold: props.message.tone !== 'plain' }] : []),
    { text: ` · view ${props.view}`, tone: 'plain' },
    ...(props.note ? [{ text: ` (${props.note})`, tone: 'warn' as const }] : []),
    { text: ` · refresh ${formatDuration(props.refreshMs)} · ${clock(snapshot.takenAt)} · ${self}`, tone: 'muted' },
    { text: keys ? ` · ${keys}` : '', tone: 'muted' },
  ], props.width);
}

export const StatusBar = memo(function StatusBar(props: StatusBarProps) {
  return <LineView line={statusBarLine(props)} theme={props.theme} />;
});
