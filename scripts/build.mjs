// Bundles the console into dist/ so that it starts fast: one file to load instead of a few
// hundred modules, React in production mode, rarely used code split into lazy chunks.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const shim = fileURLToPath(new URL('../src/ui/string-width.ts', import.meta.url));
const outputShim = fileURLToPath(new URL('./bundle/ink-output.js', import.meta.url));
const inkOutput = fileURLToPath(new URL('../node_modules/ink/build/output.js', import.meta.url));

// Every `string-width` import in the bundle (Ink, wrap-ansi, cli-truncate, widest-line) goes to
// our cached, fast-pathed wrapper; the wrapper itself gets the real package.
const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => {
      if (args.importer === shim || args.pluginData === 'real') return undefined;
      return { path: shim };
    });
  },
};

// Ink's renderer gets our Output (src/ui/fast-output.ts), which falls back to Ink's own.
const fastOutput = {
  name: 'fast-output',
  setup(b) {
    b.onResolve({ filter: /^\.\/output\.js$/ }, (args) => (/ink[\\/]build[\\/]renderer\.js$/.test(args.importer) ? { path: outputShim } : undefined));
    b.onResolve({ filter: /^ink-original-output$/ }, () => ({ path: inkOutput }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  minifySyntax: true,
  minifyWhitespace: !process.env.HOMEOPS_BUILD_READABLE,
  minifyIdentifiers: !process.env.HOMEOPS_BUILD_READABLE,
  keepNames: false,
  legalComments: 'none',
  sourcemap: false,
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink loads the React devtools only when DEV is set; it is not a dependency.
  external: ['react-devtools-core'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [fastStringWidth, fastOutput],
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
