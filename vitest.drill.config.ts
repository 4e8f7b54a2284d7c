// `npm run drill`: the drills in the lab estate that take too long for every `npm test`
// (scripts/lab.sh up first). Their figures are in docs/runbooks.md, "Drills".
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/drills/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    // One lab estate: the drills take turns with it.
    fileParallelism: false,
  },
});
