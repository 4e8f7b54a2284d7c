import { Box } from 'ink';
import { memo, useMemo } from 'react';
import type { Keymap } from '../../config/keymaps.js';
import { COMMAND_NAMES, describeCommand, runbookOf, type Command } from '../commands.js';
import { frameLines } from '../frame.js';
import type { Theme } from '../theme.js';
import { pad, type Line } from '../text.js';
import { LineView } from './lines.js';

/** The commands help lists: the fixed ones, then each `runbook:<id>` the keymap binds. */
function listed(keymap: Keymap): Command[] {
  const runbooks = [...keymap.bindings.keys()].filter((c) => runbookOf(c) !== null).sort();
  return [...COMMAND_NAMES, ...runbooks];
}

export function helpLines(keymap: Keymap, views: readonly string[], runbookTitles?: ReadonlyMap<string, string>): Line[] {
  const commands = listed(keymap);
  const keyWidth = Math.min(32, Math.max(8, ...commands.map((c) => (keymap.bindings.get(c) ?? []).join(' ').length)) + 2);
  const nameWidth = Math.max(14, ...commands.map((c) => c.length + 2));
  const lines: Line[] = [
    [{ text: `keymap ${keymap.name}`, bold: true }, { text: ` (${keymap.files.join(' → ')})`, tone: 'muted' }],
    [{ text: 'Statuses: ok · WARN · CRIT · STALE (old data)', tone: 'muted' }],
    [{ text: 'DOWN (source broken) · off (not configured or not here)', tone: 'muted' }],
    [{ text: `${pad('keys', keyWidth)}${pad('command', nameWidth)}what it does`, tone: 'muted' }],
  ];
  for (const command of commands) {
    const keys = keymap.bindings.get(command) ?? [];
    const view = /^view\.(\d)$/.exec(command);
    if (view && Number(view[1]) > views.length) continue;
    const what = view ? `Switch to view ${view[1]}: ${views[Number(view[1]) - 1] ?? ''}` : describeCommand(command, runbookTitles);
    lines.push([
      { text: `${pad(keys.length ? keys.join(' ') : '(unbound)', keyWidth - 1)} `, tone: keys.length ? 'accent' : 'muted', bold: keys.length > 0 },
      { text: pad(command, nameWidth) },
      { text: what, tone: 'plain' },
    ]);
  }
  lines.push([{ text: 'ctrl+c always quits; while a runbook runs the first ctrl+c aborts it, a second one quits.', tone: 'muted' }]);
  return lines;
}

export type HelpViewProps = {
  keymap: Keymap;
  views: readonly string[];
  width: number;
  height: number;
  scroll: number;
  theme: Theme;
  /** Runbook id → title, for the `runbook:<id>` bindings. */
  runbookTitles?: ReadonlyMap<string, string>;
};

export const HelpView = memo(function HelpView(props: HelpViewProps) {
  const lines = useMemo(
    () => frameLines({ title: 'Help · keys', lines: helpLines(props.keymap, props.views, props.runbookTitles), status: 'ok', age: null, width: props.width, height: props.height, focused: true, scroll: props.scroll }),
    [props.keymap, props.views, props.width, props.height, props.scroll, props.runbookTitles],
  );
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.map((line, index) => (
        <LineView key={index} line={line} theme={props.theme} />
      ))}
    </Box>
  );
});
