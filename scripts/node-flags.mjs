// The V8 options the console runs with: in the `homeops` shebang (scripts/build.mjs), in
// `npm start` (package.json, checked against this by a test) and in the benchmark.
//  --max-semi-space-size=1  the young generation capped at 1 MB per semi-space: the console
//                           allocates little per frame, and V8's default grows it to 16 MB.
//  --v8-pool-size=1         one V8 background thread instead of one per core: less memory.
//  --no-opt                 no optimizing compiler: an idle console's small, varied work was
//                           spending more on optimizing and deoptimizing it than it saved.
export const NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1', '--no-opt'];
