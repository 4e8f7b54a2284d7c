// Render timings for the benchmark: with HOMEOPS_PROFILE=FILE each pane's content build and
// each Ink frame append one JSON line to FILE. Off (and free) otherwise.
import { appendFileSync } from 'node:fs';

export type Profiler = {
  time<T>(pane: string, build: () => T): T;
  frame(ms: number): void;
};

export function profilerFromEnv(env: Readonly<Record<string, string | undefined>>): Profiler | null {
  const file = env.HOMEOPS_PROFILE;
  if (!file) return null;
  const write = (pane: string, ms: number) => {
    try {
      appendFileSync(file, `${JSON.stringify({ pane, ms: Number(ms.toFixed(3)) })}\n`);
    } catch {
      // Profiling must never disturb the console.
    }
  };
  return {
    time(pane, build) {
      const start = performance.now();
      const result = build();
      write(pane, performance.now() - start);
      return result;
    },
    frame(ms) {
      write('frame', ms);
    },
  };
}
