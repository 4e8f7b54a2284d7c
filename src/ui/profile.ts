// Render timings for the benchmark: with HOMEOPS_PROFILE=FILE each pane's content build and
// each Ink frame give one JSON line in FILE, written together when the frame is done (one
// append per frame, so that measuring disturbs what is measured as little as it can). Off
// (and free) otherwise.
import { appendFileSync } from 'node:fs';

export type Profiler = {
  time<T>(pane: string, build: () => T): T;
  frame(ms: number): void;
};

export function profilerFromEnv(env: Readonly<Record<string, string | undefined>>): Profiler | null {
  const file = env.HOMEOPS_PROFILE;
  if (!file) return null;
  let pending = '';
  const line = (pane: string, ms: number) => `${JSON.stringify({ pane, ms: Number(ms.toFixed(3)) })}\n`;
  return {
    time(pane, build) {
      const start = performance.now();
      const result = build();
      pending += line(pane, performance.now() - start);
      return result;
    },
    frame(ms) {
      const text = pending + line('frame', ms);
      pending = '';
      try {
        appendFileSync(file, text);
      } catch {
        // Profiling must never disturb the console.
      }
    },
  };
}
