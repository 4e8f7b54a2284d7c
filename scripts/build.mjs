// Bundles the console into dist/ so that it starts fast: one file to load instead of a few
// hundred modules, React in production mode, rarely used code split into lazy chunks.

import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launcher } from './node-flags.mjs';

const shim = fileURLToPath(new URL('../src/terminal/string-width.ts', import.meta.url));
const outputShim = fileURLToPath(new URL('./bundle/ink-output.js', import.meta.url));
const inkOutput = fileURLToPath(new URL('../node_modules/ink/build/output.js', import.meta.url));
const sanitizeShim = fileURLToPath(new URL('./bundle/ink-sanitize-ansi.js', import.meta.url));
const inkSanitize = fileURLToPath(new URL('../node_modules/ink/build/sanitize-ansi.js', import.meta.url));
const measureShim = fileURLToPath(new URL('./bundle/ink-measure-text.js', import.meta.url));

// How often each stand-in was put in Ink's place (below): one that replaced nothing means Ink
// moved or renamed the file, and the console would silently run Ink's original. The build fails.
const replaced = { 'string-width': 0, output: 0, 'sanitize-ansi': 0, 'measure-text': 0 };

// Every `string-width` import in the bundle (Ink, wrap-ansi, cli-truncate, widest-line) goes to
// our cached, fast-pathed wrapper; the wrapper itself gets the real package.
const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => {
      if (args.importer === shim || args.pluginData === 'real') return undefined;
      replaced['string-width']++;
      return { path: shim };
    });
  },
};

// Ink's renderer gets our Output (src/terminal/ink-output.ts), which falls back to Ink's own; Ink's
// text nodes our sanitizeAnsi (src/terminal/ink-sanitize-ansi.ts), which does the same; and Ink's
// layout our measureText (src/terminal/ink-measure-text.ts), whose cache does not grow for ever.
const fastOutput = {
  name: 'fast-output',
  setup(b) {
    const swap = (name, shimPath, importer) => (args) => {
      if (!importer.test(args.importer)) return undefined;
      replaced[name]++;
      return { path: shimPath };
    };
    b.onResolve({ filter: /^\.\/output\.js$/ }, swap('output', outputShim, /ink[\\/]build[\\/]renderer\.js$/));
    b.onResolve({ filter: /^ink-original-output$/ }, () => ({ path: inkOutput }));
    b.onResolve({ filter: /^\.\/sanitize-ansi\.js$/ }, swap('sanitize-ansi', sanitizeShim, /ink[\\/]build[\\/][^\\/]+\.js$/));
    b.onResolve({ filter: /^ink-original-sanitize-ansi$/ }, () => ({ path: inkSanitize }));
    b.onResolve({ filter: /^\.\/measure-text\.js$/ }, swap('measure-text', measureShim, /ink[\\/]build[\\/][^\\/]+\.js$/));
  },
};

// ssh2's optional native addons (its crypto, cpu-features) cannot be bundled: they stay in
// node_modules and are required from there at run time, by package path. ssh2 falls back to
// its JavaScript crypto when they are missing.
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const full = resolvePath(args.resolveDir, args.path).split(sep).join('/');
      const at = full.lastIndexOf('/node_modules/');
      return at < 0 ? undefined : { path: full.slice(at + '/node_modules/'.length), external: true };
    });
  },
};

// Yoga's WebAssembly is embedded as a base64 data: URL, which its loader fetches with `fetch`
// whenever there is one: in Node that loads undici (about 80 ms of start-up and 10 MB resident)
// only to decode a string. The loader decodes it itself when there is no `fetch`, so in the
// bundle it is told there is none. The build fails if the loader no longer reads that way.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const test = '"function"!=typeof fetch';
      const count = source.split(test).length - 1;
      if (count !== 2) throw new Error(`${args.path}: expected 2 fetch tests, found ${count}; check how Yoga loads its WebAssembly`);
      return { contents: source.replaceAll(test, '!0'), loader: 'js' };
    });
  },
};

// Node's modules are imported with require, not as ES modules: making an ES module of a built-in
// reads every one of its exports, and on Node 22+ `node:http`'s include WebSocket, CloseEvent and
// MessageEvent, whose getters load undici, and with it http2, tls, zlib, web streams and
// worker_threads (76 more built-in modules, about 7 MB resident, none of them used); `node:fs`,
// `node:util` and `node:process` each pull in a few dozen more the same way.
//
// Some of them are required only when first used: the ones an idle console has no call for (a
// console that shows the demo, or only this machine, never opens a TLS or HTTPS connection,
// resolves a name, hashes or starts a process). Each stands in as an object of getters, one per
// export, that requires the module on the first read; the code that imports it reads its exports
// only where it calls them, so the module, and the dozens of Node's own it loads (crypto alone
// about 20, tls and https 8 more), stays out of the process until then. Only modules whose
// exports are a plain object can stand in that way (events' is a class, read at import).
// `util` stands in the same way for another reason: a start calls it (isDeepStrictEqual), but
// copying its exports into an ES namespace, which a plain require of it is wrapped in, took
// about 30 ms of a warm start on Node 24 (one of them reaches the global TextDecoder, which
// Node sets up on first use); the stand-in's getters are copied instead, and only the one
// export read is asked for (first frame 392–397 → 375 ms median here).
const nodeModules = new Set(builtinModules);
const LAZY_BUILTINS = ['child_process', 'crypto', 'dns/promises', 'https', 'perf_hooks', 'readline', 'tls', 'util'];
const nodeRequire = createRequire(import.meta.url);
function lazyBuiltin(id) {
  const exports = nodeRequire(id);
  if (exports === null || typeof exports !== 'object')
    throw new Error(`${id}: its exports are not a plain object, so it cannot be loaded on first use (scripts/build.mjs)`);
  const names = Object.keys(exports).filter((name) => name !== 'default');
  return `let loaded; const load = () => loaded ??= require(${JSON.stringify(id)});
for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`;
}
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !nodeModules.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'builtin-by-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({
      contents: LAZY_BUILTINS.includes(args.path.slice('node:'.length))
        ? lazyBuiltin(args.path)
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// The detached loader (src/cli/detached-load.ts): the slow way to a setup (YAML, validators)
// built on its own as one function body that returns its exports, which a first start compiles,
// runs once and lets go. The modules it shares with the console are imported as
// `homeops:<path under src>` and handed over by the console.
const DETACHED_LOADER = 'dist/load-files.js';
const SHARED_WITH_CONSOLE = ['config/file-facts', 'config/paths', 'config/user-file-error', 'demo/scenario'];
const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const sharedModules = {
  name: 'shared-with-console',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const id = resolvePath(args.resolveDir, args.path).slice(srcDir.length).replace(/\.js$/, '').split(sep).join('/');
      return SHARED_WITH_CONSOLE.includes(id) ? { path: `homeops:${id}`, external: true } : undefined;
    });
  },
};

// string-width, slice-ansi and Ink's ansi-tokenize each make an Intl.Segmenter when they load,
// which maps ICU's break rules into memory (about 1 MB resident) for a console whose text is
// almost all one cell per character and never asks them. In the bundle each makes its segmenter
// when it first segments. The build fails if one no longer makes it that way.
const lazySegmenters = {
  name: 'lazy-segmenters',
  setup(b) {
    const files =
      /[\\/]node_modules[\\/](string-width[\\/]index|slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/;
    b.onLoad({ filter: files }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const made = /new Intl\.Segmenter\(([^()]*)\)/g;
      const count = source.match(made)?.length ?? 0;
      if (count !== 1) throw new Error(`${args.path}: expected one Intl.Segmenter, found ${count}; check how it segments`);
      return {
        contents: source.replace(made, '({ made: null, segment(text) { return (this.made ??= new Intl.Segmenter($1)).segment(text); } })'),
        loader: 'js',
      };
    });
  },
};

rmSync('dist', { recursive: true, force: true });
const main = await build({
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  jsx: 'automatic',
  minifySyntax: true,
  minifyWhitespace: !process.env.HOMEOPS_BUILD_READABLE,
  minifyIdentifiers: !process.env.HOMEOPS_BUILD_READABLE,
  keepNames: false,
  legalComments: 'none',
  sourcemap: false,
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"', HOMEOPS_DETACHED_LOADER: JSON.stringify(DETACHED_LOADER) },
  // Ink loads the React devtools only when DEV is set; it is not a dependency.
  external: ['react-devtools-core'],
  banner: {
    // require and __dirname for bundled CommonJS (ssh2 reads __dirname when it loads).
    js: "import { createRequire as __cr } from 'node:module'; import { dirname as __dn } from 'node:path'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __dirname = __dn(__fu(import.meta.url));",
  },
  plugins: [builtinsByRequire, lazySegmenters, fastStringWidth, fastOutput, nativeAddons, yogaWithoutFetch],
  logLevel: 'warning',
  metafile: true,
});
// What went into the bundle, so that a test can check the stand-ins are in it and Ink's
// originals of them are not (test/unit/bundle.test.ts).
const inkImports = Object.fromEntries(
  Object.entries(main.metafile.inputs)
    .filter(([path]) => path.startsWith('node_modules/ink/build/'))
    .map(([path, input]) => [path, input.imports.map((i) => i.path).sort()]),
);
// And each chunk's entry point, the chunks it imports statically (loaded with it) and the packages
// in it, so that a test can check what a start loads.
const chunks = Object.fromEntries(
  Object.entries(main.metafile.outputs).map(([file, output]) => [
    file,
    {
      entryPoint: output.entryPoint ?? null,
      imports: output.imports
        .filter((i) => i.kind === 'import-statement' && !i.external)
        .map((i) => i.path)
        .sort(),
      packages: [
        ...new Set(
          Object.keys(output.inputs)
            .map((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
            .filter(Boolean),
        ),
      ].sort(),
    },
  ]),
);
writeFileSync(
  'dist/bundle-inputs.json',
  `${JSON.stringify({ inputs: Object.keys(main.metafile.inputs).sort(), inkImports, chunks }, null, 1)}\n`,
);
for (const [name, count] of Object.entries(replaced)) {
  if (count === 0)
    throw new Error(
      `the stand-in for Ink's ${name} replaced nothing: Ink no longer imports it where the build expects (scripts/build.mjs); the console would run Ink's own`,
    );
}
await build({
  entryPoints: ['src/cli/load-files.ts'],
  outfile: DETACHED_LOADER,
  bundle: true,
  format: 'iife',
  globalName: '__homeopsLoadFiles',
  footer: { js: 'return __homeopsLoadFiles;' },
  platform: 'node',
  target: 'node22',
  minifySyntax: true,
  minifyWhitespace: !process.env.HOMEOPS_BUILD_READABLE,
  minifyIdentifiers: !process.env.HOMEOPS_BUILD_READABLE,
  legalComments: 'none',
  plugins: [sharedModules],
  logLevel: 'warning',
});
// Its imports are node's modules or shared ones; anything else would fail at run time.
for (const [, id] of readFileSync(DETACHED_LOADER, 'utf8').matchAll(/"(homeops:[^"]+)"/g)) {
  if (!SHARED_WITH_CONSOLE.includes(id.slice('homeops:'.length))) throw new Error(`${DETACHED_LOADER} imports ${id}, which is not shared`);
}

// The binary starts with the launcher, which runs node with the options for its version
// (scripts/node-flags.mjs).
writeFileSync('dist/cli.js', `${launcher()}\n${readFileSync('dist/cli.js', 'utf8')}`);
chmodSync('dist/cli.js', 0o755);
