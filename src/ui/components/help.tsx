import { Box } from 'ink';
import { memo, useMemo } from 'react';
import type { Keymap } from '../../config/keymaps.js';
import { COMMAND_NAMES, type Command, describeCommand, runbookOf } from '../../model/commands.js';
import { frameLines } from '../frame.js';
import { type Line, pad, wrapText } from '../text.js';
import type { Theme } from '../theme.js';
import { LineView } from './lines.js';

/** The commands help lists: the fixed ones, then each `runbook:<id>` the keymap binds. */
function listed(keymap: Keymap): Command[] {
  const runbooks = [...keymap.bindings.keys()].filter((c) => runbookOf(c) !== null).sort();
  return [...COMMAND_NAMES, ...runbooks];
}

/**
 * The help for a box `width` cells wide: what each key does is wrapped under itself, never cut;
 * where the keys and the command name leave too little room, it goes on the lines below them.
 */
export function helpLines(keymap: Keymap, views: readonly string[], width: number, runbookTitles?: ReadonlyMap<string, string>): Line[] {
  const commands = listed(keymap);
  const keyWidth = Math.min(32, Math.max(8, ...commands.map((c) => (keymap.bindings.get(c) ?? []).join(' ').length)) + 2);
  const nameWidth = Math.max(14, ...commands.map((c) => c.length + 2));
  const muted = (text: string): Line[] => wrapText(text, width).map((t) => [{ text: t, tone: 'muted' }]);
  const lines: Line[] = [
    [
      { text: `keymap ${keymap.name}`, bold: true },
      { text: ` (${keymap.files.join(' → ')})`, tone: 'muted' },
    ],
    ...muted('Statuses: ok · WARN · CRIT · STALE (old data) · DOWN (source broken) · off (not configured or not here)'),
  ];
  const whatRoom = width - keyWidth - nameWidth;
  const beside = whatRoom >= 24;
  lines.push([{ text: `${pad('keys', keyWidth)}${beside ? `${pad('command', nameWidth)}what it does` : 'command'}`, tone: 'muted' }]);
  for (const command of commands) {
    const keys = keymap.bindings.get(command) ?? [];
    const view = /^view\.(\d)$/.exec(command);
    if (view && Number(view[1]) > views.length) continue;
    const what = view ? `Switch to view ${view[1]}: ${views[Number(view[1]) - 1] ?? ''}` : describeCommand(command, runbookTitles);
    const keyCell = {
      text: `${pad(keys.length ? keys.join(' ') : '(unbound)', keyWidth - 1)} `,
      tone: keys.length ? ('accent' as const) : ('muted' as const),
      bold: keys.length > 0,
    };
    if (beside) {
      const parts = wrapText(what, whatRoom);
      lines.push([keyCell, { text: pad(command, nameWidth) }, { text: parts[0] ?? '', tone: 'plain' }]);
      for (const more of parts.slice(1)) lines.push([{ text: ' '.repeat(keyWidth + nameWidth) }, { text: more, tone: 'plain' }]);
    } else {
      lines.push([keyCell, { text: command }]);
      for (const part of wrapText(what, Math.max(8, width - 2))) lines.push([{ text: '  ' }, { text: part, tone: 'plain' }]);
    }
  }
  lines.push(
    ...muted('ctrl+c always quits; while a runbook runs the first ctrl+c aborts it (a dangerous one asks first), a second one quits.'),
  );
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
    () =>
      frameLines({
        title: 'Help · keys',
        lines: helpLines(props.keymap, props.views, Math.max(1, props.width - 2), props.runbookTitles),
        status: 'ok',
        age: null,
        width: props.width,
        height: props.height,
        focused: true,
        scroll: props.scroll,
      }),
    [props.keymap, props.views, props.width, props.height, props.scroll, props.runbookTitles],
  );
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's place on screen is what it is
        <LineView key={index} line={line} theme={props.theme} />
      ))}
    </Box>
  );
});
