// A line is one <Text> holding a string styled the way nested <Text color bold inverse> would
// style it: these tests hold it to the bytes Ink writes for the nested form.

import { EventEmitter } from 'node:events';
import chalk from 'chalk';
import { Box, render, Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { LinesText, LineView, lineString, sameLine } from '../../src/ui/components/lines.js';
import type { Line } from '../../src/ui/text.js';
import { fitLine } from '../../src/ui/text.js';
import { boldOf, colorOf, type Theme } from '../../src/ui/theme.js';
import { painted } from '../helpers/vt.js';

class Sink extends EventEmitter {
  readonly isTTY = true;
  columns = 40;
  rows = 10;
  frames: string[] = [];
  write(chunk: string): boolean {
    this.frames.push(chunk);
    return true;
  }
}

const level = chalk.level;
afterEach(() => {
  chalk.level = level;
});

function frame(node: React.ReactElement): string {
  const stdout = new Sink();
  const instance = render(node, { stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false, exitOnCtrlC: false });
  instance.unmount();
  return stdout.frames.filter((f) => f.trim() !== '').at(0) ?? '';
}

/** The nested form LineView used to render: one <Text> per run of equal style. */
function Nested({ line, theme }: { line: Line; theme: Theme }) {
  return (
    <Text wrap="truncate">
      {line
        .filter((s) => s.text)
        .map((s, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line, in their order
          <Text key={index} color={colorOf(s.tone, theme)} bold={boldOf(s.tone, s.bold, theme)} inverse={!!s.inverse}>
            {s.text}
          </Text>
        ))}
    </Text>
  );
}

const LINES: Line[] = [
  [
    { text: '╭─', tone: 'muted' },
    { text: ' cpu ', bold: true },
    { text: '────', tone: 'muted' },
    { text: ' ● ok ', tone: 'ok' },
    { text: '╮', tone: 'muted' },
  ],
  [
    { text: ' ✖ CRIT ', tone: 'crit', inverse: true, bold: true },
    { text: ' host', bold: true },
    { text: ' · view x', tone: 'plain' },
  ],
  [{ text: 'plain only' }],
  [{ text: 'a', tone: 'accent' }, { text: 'b', tone: 'accent' }, { text: '' }, { text: 'c', tone: 'group1' }, { text: 'd', inverse: true }],
  [],
  [
    { text: 'wider than the terminal is, so Ink cuts it at forty columns', tone: 'warn' },
    { text: ' and more', tone: 'stale' },
  ],
];

describe('LineView', () => {
  for (const color of [true, false]) {
    it(`shows what nested Texts show, colours and all (colour ${color ? 'on' : 'off'})`, () => {
      chalk.level = 3;
      const theme = { color };
      // Compared as a terminal shows them: the bytes may differ (Ink's output, as the console
      // bundles it, writes a run of one colour once), the screen may not.
      const screen = (text: string) => painted(text.split('\n'), 40, 4);
      for (const line of LINES) {
        const wanted = frame(
          <Box flexDirection="column" width={40}>
            <Nested line={line} theme={theme} />
          </Box>,
        );
        const got = frame(
          <Box flexDirection="column" width={40}>
            <LineView line={line} theme={theme} />
          </Box>,
        );
        expect(screen(got), JSON.stringify(line)).toEqual(screen(wanted));
      }
      const first = frame(<LineView line={LINES[0] ?? []} theme={theme} />);
      expect(first.includes('\x1b[32m')).toBe(color);
    });
  }

  it("as one Text, lines of the box's width give the same frame as one LineView each", () => {
    chalk.level = 3;
    const theme = { color: true };
    const lines = LINES.map((line) => fitLine(line, 30));
    const perLine = frame(
      <Box flexDirection="column" width={30} height={lines.length}>
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows of one frame, in their order
          <LineView key={i} line={line} theme={theme} />
        ))}
      </Box>,
    );
    const oneText = frame(
      <Box flexDirection="column" width={30} height={lines.length}>
        <LinesText lines={lines} theme={theme} />
      </Box>,
    );
    expect(oneText).toBe(perLine);
    expect(oneText.split('\n').length).toBeGreaterThanOrEqual(lines.length);
  });

  it('styles nothing when chalk has no colour', () => {
    chalk.level = 0;
    expect(lineString(LINES[0] ?? [], { color: true })).toBe('╭─ cpu ──── ● ok ╮');
  });

  it('compares lines by what they show', () => {
    const a: Line = [
      { text: 'x', tone: 'ok' },
      { text: 'y', bold: false },
    ];
    expect(sameLine(a, [{ text: 'x', tone: 'ok' }, { text: 'y' }])).toBe(true);
    expect(sameLine(a, [{ text: 'x', tone: 'warn' }, { text: 'y' }])).toBe(false);
    expect(
      sameLine(a, [
        { text: 'x', tone: 'ok' },
        { text: 'y', inverse: true },
      ]),
    ).toBe(false);
    expect(sameLine(a, [{ text: 'x', tone: 'ok' }])).toBe(false);
  });
});

// A pane is one multi-line Text cut to its width: one line Ink measured wider than the pane
// measured it made Ink cut the whole pane to its first line. Measured alike now.
describe('a pane holding emoji', () => {
  it.each(['✅', '❌', '⚡', '⏳', '❤️', '👍🏽'])('with %s in a line draws every line', (emoji) => {
    const width = 30;
    const lines: Line[] = [
      [{ text: `│ready ${emoji} done, and then more text than fits` }],
      [{ text: 'second line' }],
      [{ text: `third ${emoji}${emoji} line` }],
    ].map((line) => fitLine(line, width));
    const theme = { color: false };
    const out = frame(
      <Box width={width} height={3}>
        <LinesText lines={lines} theme={theme} />
      </Box>,
    ).split('\n');
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^│ready .+ done/);
    expect(out[1]).toMatch(/^second line/);
    expect(out[2]).toMatch(/^third .+ line/);
  });
});
