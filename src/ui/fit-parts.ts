// A line made of parts that give way by priority: when it is too wide, the part that matters
// least goes first (decorations, secondary figures), then the next; what is left that can
// shrink (a message) is shortened; parts of priority 0 are never dropped. Pure.
import { fitLine, textWidth, truncate, type Line, type Segment } from './text.js';

export type Part = {
  segments: readonly Segment[];
  /** 0: never dropped; higher numbers go first. */
  priority: number;
  /** Its last segment may be shortened (with "…") once nothing more can be dropped. */
  shrink?: boolean;
};

const partWidth = (part: Part) => part.segments.reduce((sum, s) => sum + textWidth(s.text), 0);

/** The parts that fit in `width` cells, in their order, padded or cut to exactly `width`. */
export function fitParts(parts: readonly Part[], width: number): Line {
  const kept = parts.filter((p) => partWidth(p) > 0);
  let used = kept.reduce((sum, p) => sum + partWidth(p), 0);
  while (used > width) {
    let drop = -1;
    kept.forEach((p, i) => {
      if (p.priority > 0 && (drop < 0 || p.priority >= (kept[drop]?.priority ?? 0))) drop = i;
    });
    if (drop < 0) break;
    used -= partWidth(kept[drop] as Part);
    kept.splice(drop, 1);
  }
  if (used > width) {
    // Shorten what may be shortened, the last such part first.
    for (let i = kept.length - 1; i >= 0 && used > width; i--) {
      const part = kept[i] as Part;
      const last = part.segments.at(-1);
      if (!part.shrink || !last) continue;
      const over = used - width;
      const lastWidth = textWidth(last.text);
      const room = Math.max(1, lastWidth - over);
      const text = truncate(last.text, room);
      used -= lastWidth - textWidth(text);
      kept[i] = { ...part, segments: [...part.segments.slice(0, -1), { ...last, text }] };
    }
  }
  return fitLine(kept.flatMap((p) => p.segments), width);
}
