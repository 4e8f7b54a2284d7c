import { describe, expect, it } from 'vitest';
import { pushSample, type Sample, sustainedAbove } from '../../src/plan/sustained.js';

const WINDOW = 300_000; // 5 min
const INTERVAL = 2_000;

/** Feeds values one per interval through pushSample, as the CPU probe does. */
function feed(values: readonly number[], start = 0): Sample[] {
  let samples: Sample[] = [];
  values.forEach((value, index) => {
    samples = pushSample(samples, { at: start + index * INTERVAL, value }, WINDOW);
  });
  return samples;
}

const repeat = (value: number, count: number) => Array.from({ length: count }, () => value);

describe('pushSample', () => {
  it('keeps every sample while the window is not yet covered', () => {
    const samples = feed(repeat(50, 10));
    expect(samples).toHaveLength(10);
  });

  it('drops old samples but keeps one at or before the start of the window', () => {
    // 10 minutes of samples: only the last 5 minutes matter, plus the one that opens the window.
    const samples = feed(repeat(50, 301));
    const newest = samples.at(-1)?.at ?? 0;
    expect(samples[0]?.at).toBe(newest - WINDOW);
    expect(samples[1]?.at).toBeGreaterThan(newest - WINDOW);
    expect(samples).toHaveLength(WINDOW / INTERVAL + 1);
  });

  it('does not change the array it was given', () => {
    const before = feed(repeat(50, 200));
    const copy = [...before];
    pushSample(before, { at: 10_000_000, value: 1 }, WINDOW);
    expect(before).toEqual(copy);
  });
});

describe('sustainedAbove', () => {
  it('is not above before the whole window has been over the threshold', () => {
    // 4 min 58 s above 80 %.
    const samples = feed(repeat(95, 150));
    const now = samples.at(-1)?.at ?? 0;
    const result = sustainedAbove(samples, 80, WINDOW, now);
    expect(result.above).toBe(false);
    expect(result.forMs).toBe(149 * INTERVAL);
  });

  it('is above once the value has stayed over the threshold for the whole window', () => {
    const samples = feed(repeat(95, 151));
    const now = samples.at(-1)?.at ?? 0;
    expect(sustainedAbove(samples, 80, WINDOW, now)).toEqual({ above: true, forMs: WINDOW });
  });

  it('stays above while the load stays high, long after the window has been pruned', () => {
    const samples = feed(repeat(95, 1000));
    const now = samples.at(-1)?.at ?? 0;
    expect(sustainedAbove(samples, 80, WINDOW, now).above).toBe(true);
  });

  it('starts counting again after one sample at or below the threshold', () => {
    const samples = feed([...repeat(95, 200), 80, ...repeat(95, 100)]);
    const now = samples.at(-1)?.at ?? 0;
    const result = sustainedAbove(samples, 80, WINDOW, now);
    expect(result.above).toBe(false);
    expect(result.forMs).toBe(99 * INTERVAL);
  });

  it('is not above when the newest sample is below the threshold', () => {
    const samples = feed([...repeat(95, 200), 40]);
    const now = samples.at(-1)?.at ?? 0;
    expect(sustainedAbove(samples, 80, WINDOW, now)).toEqual({ above: false, forMs: 0 });
  });

  it('is not above with no samples at all', () => {
    expect(sustainedAbove([], 80, WINDOW, 1_000_000)).toEqual({ above: false, forMs: 0 });
  });
});
