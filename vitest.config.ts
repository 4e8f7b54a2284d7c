import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const stringWidthShim = here('./src/terminal/string-width.ts');

/**
 * The component tests render through the stand-ins the bundle puts in Ink's place
 * (scripts/build.mjs): the same Output, sanitizer, measureText and string-width, so that what
 * the tests see is what the console draws. Ink and the packages that measure text for it are
 * inlined (transformed here) so that their imports reach these resolutions.
 */
function inkStandIns(): Plugin {
  const shims: [RegExp, RegExp, string][] = [
    [/^\.\/output\.js$/, /ink[\\/]build[\\/]renderer\.js$/, here('./scripts/bundle/ink-output.js')],
    [/^\.\/sanitize-ansi\.js$/, /ink[\\/]build[\\/][^\\/]+\.js$/, here('./scripts/bundle/ink-sanitize-ansi.js')],
    [/^\.\/measure-text\.js$/, /ink[\\/]build[\\/][^\\/]+\.js$/, here('./scripts/bundle/ink-measure-text.js')],
  ];
  return {
    name: 'ink-stand-ins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer) return null;
      if (source === 'string-width' && importer !== stringWidthShim) return stringWidthShim;
      if (source === 'ink-original-output') return here('./node_modules/ink/build/output.js');
      if (source === 'ink-original-sanitize-ansi') return here('./node_modules/ink/build/sanitize-ansi.js');
      for (const [pattern, from, shim] of shims) if (pattern.test(source) && from.test(importer)) return shim;
      return null;
    },
  };
}

export default defineConfig({
  plugins: [inkStandIns()],
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    server: { deps: { inline: [/[\\/]node_modules[\\/](ink|wrap-ansi|cli-truncate|widest-line|slice-ansi)[\\/]/] } },
    projects: [
      {
        // Modules and components on their own: each file in its own worker, side by side.
        extends: true,
        test: {
          name: 'alone',
          isolate: false,
          include: ['test/unit/**/*.test.{ts,tsx}', 'test/component/**/*.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Against the real services and one tmux server, which they share: one file at a time,
        // after the others. (The slower drills in the lab estate run with `npm run drill`,
        // vitest.drill.config.ts.)
        extends: true,
        test: {
          name: 'real',
          include: ['test/integration/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
