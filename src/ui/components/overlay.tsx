// Lines drawn on top of the panes at a position of the area they cover (dialogs, the runbook
// menu). The panes underneath are not re-rendered: the overlay is a sibling drawn after them.
import { Box } from 'ink';
import { memo } from 'react';
import type { Line } from '../text.js';
import type { Theme } from '../theme.js';
import { LineView } from './lines.js';

export type Placed = { lines: Line[]; x: number; y: number; width: number };

/** Centres a box of `width`×`lines.length` in an area; it never reaches past the area's edges. */
export function centre(lines: Line[], width: number, area: { width: number; height: number }): Placed {
  const x = Math.max(0, Math.floor((area.width - width) / 2));
  const y = Math.max(0, Math.floor((area.height - lines.length) / 3));
  return { lines: lines.slice(0, Math.max(0, area.height)), x, y, width };
}

export const Overlay = memo(function Overlay({ placed, theme }: { placed: Placed; theme: Theme }) {
  return (
    <Box
      position="absolute"
      marginLeft={placed.x}
      marginTop={placed.y}
      flexDirection="column"
      width={placed.width}
      height={placed.lines.length}
    >
      {placed.lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's place on screen is what it is
        <LineView key={index} line={line} theme={theme} />
      ))}
    </Box>
  );
});

/** Lines in a column of a fixed size (a panel in place of panes). */
export const LinesBlock = memo(function LinesBlock({ lines, width, theme }: { lines: Line[]; width: number; theme: Theme }) {
  return (
    <Box flexDirection="column" width={width} height={lines.length}>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's place on screen is what it is
        <LineView key={index} line={line} theme={theme} />
      ))}
    </Box>
  );
});
