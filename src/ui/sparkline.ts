// A sparkline: one block per value, ▁ to █, scaled between `low` and `high` (by default the
// values' own least and greatest; 0 to 100 for percentages); a gap (NaN: nothing recorded) is a
// space. Pure.
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

export function sparkline(values: readonly number[], width: number, scale?: { low: number; high: number }): string {
  const shown = values.slice(-Math.max(0, width));
  if (shown.length === 0) return '';
  const finite = shown.filter(Number.isFinite);
  const low = scale?.low ?? (finite.length ? Math.min(...finite) : 0);
  const high = scale?.high ?? (finite.length ? Math.max(...finite) : 0);
  const span = high - low;
  return shown
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const at = span <= 0 ? 0 : Math.round(((Math.min(high, Math.max(low, v)) - low) / span) * (BLOCKS.length - 1));
      return BLOCKS[at] ?? '▁';
    })
    .join('');
}

/** Values averaged into `width` buckets, for a day or a week in a line; gaps are left out of a
 *  bucket's mean, and a bucket of gaps only is a gap. */
export function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width || width <= 0) return [...values];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
    const part = values.slice(from, to).filter(Number.isFinite);
    out.push(part.length ? part.reduce((a, b) => a + b, 0) / part.length : NaN);
  }
  return out;
}
