// A stand-in for Ink's measureText (ink/build/measure-text.js), swapped in by the bundle
// (scripts/build.mjs). Ink keeps the size of every text it has ever measured, in a Map that is
// never emptied: a console that shows new figures every tick for days grows without end. This
// one answers the same, from a cache that is emptied when it is full. A pane is one Text, so a
// key is a whole pane (kilobytes): what pays is answering the layout's repeated questions about
// the frame being drawn, not keeping old frames, so the cache is small (a large one took ten
// minutes and tens of MB to fill before it was first emptied).
import { detached } from './detached.js';

type Size = { width: number; height: number };

export const MEASURE_CACHE_LIMIT = 64;

export function createMeasureText(widestLine: (text: string) => number, limit = MEASURE_CACHE_LIMIT): (text: string) => Size {
  const cache = new Map<string, Size>();
  return (text) => {
    if (text.length === 0) return { width: 0, height: 0 };
    let size = cache.get(text);
    if (size === undefined) {
      size = { width: widestLine(text), height: text.split('\n').length };
      if (cache.size >= limit) cache.clear();
      cache.set(detached(text), size);
    }
    return size;
  };
}
