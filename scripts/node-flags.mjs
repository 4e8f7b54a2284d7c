// The Node and V8 options the console runs with, per Node major version, and the launcher that
// starts it with them: the first two lines of the `homeops` binary (dist/cli.js, written by
// scripts/build.mjs), which `npm start` and the benchmark run too. Measured in docs/performance.md.
//
//  --max-semi-space-size=1  the young generation capped at 1 MB per semi-space: the console
//                           allocates little per frame, and V8's default grows it to 16 MB.
//  --v8-pool-size=1         one V8 background thread instead of one per core: less memory.
//  --no-opt                 no TurboFan (the optimizing compiler): an idle console's small, varied
//                           work spent more on optimizing and deoptimizing it than it saved.
//  --no-maglev              no Maglev (the mid-tier optimizing compiler, on by default since
//                           Node 22, which --no-opt leaves on): the same reason.
//  --expose-gc              lets the console collect its heap once a minute (src/cli/memory.ts):
//                           without it the resident set of a console left open grew 2.7–4.6 MB
//                           in 15 minutes before V8 first collected it all; with it, 0.1 MB.
//
// Beside the options, the launcher sets glibc's malloc trim threshold (MALLOC_TRIM_THRESHOLD_,
// 64 KiB instead of a threshold that grows to tens of MB) unless the user has set one: memory the
// console frees (a first start's loader, each collection's emptied pages) goes back to the system
// instead of staying in the allocator. Measured: a first start 80.0 against 87.6 MB resident after
// 40 s, a warm one 77.3 against 80.5 MB, the same CPU. The console removes the variable from its
// own environment at start (src/cli/launcher-env.ts), so that what it runs does not inherit it.
//
// V8's options change between versions (Node 20's --no-opt does not switch off Maglev on 22+;
// an option V8 drops makes node refuse to start), so the launcher picks the row of the runtime's
// major version. A runtime with no row of its own gets the newest row only if it accepts it
// (`node OPTIONS --version` fails on an option it does not know), else Node's own documented
// options if it accepts those, else none: an unknown option never stops the console.

/** glibc's malloc trim threshold, set by the launcher unless the user set one. */
export const TRIM_VARIABLE = 'MALLOC_TRIM_THRESHOLD_';
export const TRIM_THRESHOLD = 65536;
/** Names what the launcher set, for the console to remove (src/cli/launcher-env.ts). */
export const LAUNCHER_MARK = 'HOMEOPS_LAUNCHER_SET';

/** The Node majors the console supports and CI runs (package.json `engines`). */
export const SUPPORTED_MAJORS = [22, 24];

/** The options per supported major; every one is in `node --v8-options` or Node's own options there. */
export const OPTIONS_BY_MAJOR = {
  24: ['--max-semi-space-size=1', '--v8-pool-size=1', '--no-opt', '--no-maglev', '--expose-gc'],
  22: ['--max-semi-space-size=1', '--v8-pool-size=1', '--no-opt', '--no-maglev', '--expose-gc'],
};

/** Options that are Node's own (documented, allowed in NODE_OPTIONS): the fallback for an unknown runtime. */
export const PORTABLE_OPTIONS = ['--max-semi-space-size=1', '--v8-pool-size=1'];

const newest = () => OPTIONS_BY_MAJOR[Math.max(...SUPPORTED_MAJORS)];

/**
 * The options the launcher gives a runtime of this version (`v24.1.0`): its row, or for another
 * version the candidates in the order the launcher tries them (the first one it accepts wins).
 */
export function optionsFor(version) {
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (SUPPORTED_MAJORS.includes(major)) return { known: true, options: OPTIONS_BY_MAJOR[major] };
  return { known: false, candidates: [newest(), PORTABLE_OPTIONS, []] };
}

/**
 * The binary's first two lines. /bin/sh runs them: it asks `node` (as found on PATH, as
 * `#!/usr/bin/env node` would) for its version, picks the options and execs node on this same
 * file, so the console keeps the launcher's process id. To node, line 2 is a string and a
 * comment. Running `node dist/cli.js` directly skips the launcher (no options).
 */
export function launcher() {
  const quote = (options) => `'${options.join(' ')}'`;
  const rows = SUPPORTED_MAJORS.map((major) => `v${major}.*) o=${quote(OPTIONS_BY_MAJOR[major])} ;;`).join(' ');
  const tries = optionsFor('').candidates.map(quote).join(' ');
  return [
    '#!/bin/sh',
    `":" //; case "$(node --version 2>/dev/null)" in ${rows} *) for o in ${tries}; do node $o --version >/dev/null 2>&1 && break; done ;; esac; [ -n "\${${TRIM_VARIABLE}+set}" ] || export ${TRIM_VARIABLE}=${TRIM_THRESHOLD} ${LAUNCHER_MARK}=${TRIM_VARIABLE}; exec node $o "$0" "$@"`,
  ].join('\n');
}
