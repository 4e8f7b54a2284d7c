// A stand-in for Ink's measureText (ink/build/measure-text.js), swapped in by the bundle
// (scripts/build.mjs). Ink keeps the size of every text it has ever measured, in a Map that is
// never emptied: a console that shows new figures every tick for days grows without end. This
// one answers the same, from a cache that is emptied when it is full.
type Size = { width: number; height: number };

export const MEASURE_CACHE_LIMIT = 2048;

export function createMeasureText(widestLine: (text: string) => number, limit = MEASURE_CACHE_LIMIT): (text: string) => Size {
  const cache = new Map<string, Size>();
  return (text) => {
    if (text.length === 0) return { width: 0, height: 0 };
    let size = cache.get(text);
    if (size === undefined) {
      size = { width: widestLine(text), height: text.split('\n').length };
      if (cache.size >= limit) cache.clear();
      cache.set(text, size);
    }
    return size;
  };
}
