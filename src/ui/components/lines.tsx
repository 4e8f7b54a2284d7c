import { Text } from 'ink';
import { memo } from 'react';
import { colorOf, type Theme } from '../theme.js';
import type { Line, Segment } from '../text.js';

type Style = { color: string | undefined; bold: boolean; inverse: boolean };

function styleOf(segment: Segment, theme: Theme): Style {
  return { color: colorOf(segment.tone, theme), bold: theme.color && !!segment.bold, inverse: !!segment.inverse };
}

/** Joins neighbouring segments that look the same, so a line is as few Ink nodes as it can be. */
function runs(line: Line, theme: Theme): { text: string; style: Style }[] {
  const result: { text: string; style: Style }[] = [];
  for (const segment of line) {
    if (!segment.text) continue;
    const style = styleOf(segment, theme);
    const last = result.at(-1);
    if (last && last.style.color === style.color && last.style.bold === style.bold && last.style.inverse === style.inverse) last.text += segment.text;
    else result.push({ text: segment.text, style });
  }
  return result;
}

export const LineView = memo(function LineView({ line, theme }: { line: Line; theme: Theme }) {
  const parts = runs(line, theme);
  if (parts.length === 1 && parts[0] && !parts[0].style.color && !parts[0].style.bold && !parts[0].style.inverse) {
    return <Text wrap="truncate">{parts[0].text}</Text>;
  }
  return (
    <Text wrap="truncate">
      {parts.map((part, index) => (
        <Text key={index} color={part.style.color} bold={part.style.bold} inverse={part.style.inverse}>
          {part.text}
        </Text>
      ))}
    </Text>
  );
});
