// Render timings for the benchmark: with HOMEOPS_PROFILE=FILE each pane's content build and
// each Ink frame give one JSON line in FILE, written together when the frame is done (one
// append per frame, so that measuring disturbs what is measured as little as it can). Off
// (and free) otherwise. Once a minute a line says where the memory is (rss, the V8 heap and
// what lies outside it), so that a soak (npm run bench -- --soak) can tell which part grows.
import { appendFileSync } from 'node:fs';

export type Profiler = {
  time<T>(pane: string, build: () => T): T;
  frame(ms: number): void;
};

export function profilerFromEnv(env: Readonly<Record<string, string | undefined>>): Profiler | null {
  const file = env.HOMEOPS_PROFILE;
  if (!file) return null;
  let pending = '';
  let memoryAt = 0;
  const line = (pane: string, ms: number) => `${JSON.stringify({ pane, ms: Number(ms.toFixed(3)) })}\n`;
  const memory = () => {
    const now = Date.now();
    if (now - memoryAt < 60_000) return '';
    memoryAt = now;
    return `${JSON.stringify({ memory: process.memoryUsage(), at: now })}\n`;
  };
  return {
    time(pane, build) {
      const start = performance.now();
      const result = build();
      pending += line(pane, performance.now() - start);
      return result;
    },
    frame(ms) {
      const text = pending + line('frame', ms) + memory();
      pending = '';
      try {
        appendFileSync(file, text);
      } catch {
        // Profiling must never disturb the console.
      }
    },
  };
}
