// A line made of parts that give way by priority: when it is too wide, the part that matters
// least goes first (decorations, secondary figures), then the next; what is left that can
// shrink (a message) is shortened; parts of priority 0 are never dropped. Pure.
import { fitLine, type Line, type Segment, textWidth, truncate } from './text.js';

export type Part = {
  segments: readonly Segment[];
  /** 0: never dropped; higher numbers go first. */
  priority: number;
  /** Its last segment may be shortened (with "…") once nothing more can be dropped. */
  shrink?: boolean;
};

const partWidth = (part: Part) => part.segments.reduce((sum, s) => sum + textWidth(s.text), 0);

/** A part shortened by `over` cells (its last segment, ending in "…"); null when that leaves under `least`. */
function shortened(part: Part, over: number, least: number): Part | null {
  const last = part.segments.at(-1);
  if (!last) return null;
  const lastWidth = textWidth(last.text);
  if (partWidth(part) - over < least || lastWidth - over < 2) return null;
  return { ...part, segments: [...part.segments.slice(0, -1), { ...last, text: truncate(last.text, lastWidth - over) }] };
}

/** Below this, a part that may shrink is dropped rather than shown as a stub. */
const LEAST = 12;

/** The parts that fit in `width` cells, in their order, padded or cut to exactly `width`. */
export function fitParts(parts: readonly Part[], width: number): Line {
  const kept = parts.filter((p) => partWidth(p) > 0);
  const used = () => kept.reduce((sum, p) => sum + partWidth(p), 0);
  while (used() > width) {
    // The part that matters least goes first; one that may shrink is shortened instead, if
    // enough of it is left to read.
    let drop = -1;
    kept.forEach((p, i) => {
      if (p.priority > 0 && (drop < 0 || p.priority >= (kept[drop]?.priority ?? 0))) drop = i;
    });
    if (drop < 0) break;
    const part = kept[drop] as Part;
    const short = part.shrink ? shortened(part, used() - width, LEAST) : null;
    if (short) kept[drop] = short;
    else kept.splice(drop, 1);
  }
  // What may never be dropped is shortened, the last such part first.
  for (let i = kept.length - 1; i >= 0 && used() > width; i--) {
    const part = kept[i] as Part;
    if (!part.shrink) continue;
    const short = shortened(part, used() - width, 2);
    if (short) kept[i] = short;
  }
  return fitLine(
    kept.flatMap((p) => p.segments),
    width,
  );
}
