// "CPU sustained above 80 % for 5 minutes": a small time window of samples.

export type Sample = { at: number; value: number };

/** Keeps samples that still matter for a window; returns a new array (callers hold state). */
export function pushSample(samples: readonly Sample[], sample: Sample, windowMs: number): Sample[] {
  const cutoff = sample.at - windowMs;
  // Keep one sample at or before the cutoff so that coverage of the whole window can be told.
  let firstKept = 0;
  while (firstKept + 1 < samples.length && (samples[firstKept + 1]?.at ?? Infinity) <= cutoff) firstKept++;
  return [...samples.slice(firstKept), sample];
}

export type Sustained = { above: boolean; forMs: number };

/**
 * How long the value has been continuously above the threshold, and whether that covers the
 * whole window.
 */
export function sustainedAbove(samples: readonly Sample[], threshold: number, windowMs: number, now: number): Sustained {
  let since: number | undefined;
  for (let index = samples.length - 1; index >= 0; index--) {
    const sample = samples[index];
    if (!sample || sample.value <= threshold) break;
    since = sample.at;
  }
  const forMs = since === undefined ? 0 : now - since;
  return { above: since !== undefined && forMs >= windowMs, forMs };
}
