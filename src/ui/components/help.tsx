import { Box } from 'ink';
import { memo, useMemo } from 'react';
import type { Keymap } from '../../config/keymaps.js';
import { COMMAND_NAMES, COMMANDS } from '../commands.js';
import { frameLines } from '../frame.js';
import type { Theme } from '../theme.js';
import { pad, type Line } from '../text.js';
import { LineView } from './lines.js';

export function helpLines(keymap: Keymap, views: readonly string[]): Line[] {
  const keyWidth = Math.min(32, Math.max(8, ...COMMAND_NAMES.map((c) => (keymap.bindings.get(c) ?? []).join(' ').length)) + 2);
  const lines: Line[] = [
    [{ text: `keymap ${keymap.name}`, bold: true }, { text: ` (${keymap.files.join(' → ')})`, tone: 'muted' }],
    [{ text: 'Statuses: ok · WARN · CRIT · STALE (old data)', tone: 'muted' }],
    [{ text: 'DOWN (source broken) · off (not configured or not here)', tone: 'muted' }],
    [{ text: `${pad('keys', keyWidth)}${pad('command', 14)}what it does`, tone: 'muted' }],
  ];
  for (const command of COMMAND_NAMES) {
    const keys = keymap.bindings.get(command) ?? [];
    const view = /^view\.(\d)$/.exec(command);
    if (view && Number(view[1]) > views.length) continue;
    const what = view ? `Switch to view ${view[1]}: ${views[Number(view[1]) - 1] ?? ''}` : COMMANDS[command];
    lines.push([
      { text: `${pad(keys.length ? keys.join(' ') : '(unbound)', keyWidth - 1)} `, tone: keys.length ? 'accent' : 'muted', bold: keys.length > 0 },
      { text: pad(command, 14) },
      { text: what, tone: 'plain' },
    ]);
  }
  lines.push([{ text: 'ctrl+c always quits.', tone: 'muted' }]);
  return lines;
}

export const HelpView = memo(function HelpView(props: { keymap: Keymap; views: readonly string[]; width: number; height: number; scroll: number; theme: Theme }) {
  const lines = useMemo(
    () => frameLines({ title: 'Help · keys', lines: helpLines(props.keymap, props.views), status: 'ok', age: null, width: props.width, height: props.height, focused: true, scroll: props.scroll }),
    [props.keymap, props.views, props.width, props.height, props.scroll],
  );
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.map((line, index) => (
        <LineView key={index} line={line} theme={props.theme} />
      ))}
    </Box>
  );
});
