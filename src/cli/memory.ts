// A console left open for days: V8 collects its old generation only when that has grown, and
// an idle console allocates slowly, so a quarter of an hour's garbage (every frame's strings,
// every reading's objects) piles up before the first full collection, and the heap's size, and
// the resident memory with it, grows by several MB before it levels off. Where the runtime was
// started with --expose-gc (the launcher does: scripts/node-flags.mjs), a full collection once a
// minute keeps the heap at what is alive: a few milliseconds a minute.
const EVERY_MS = 60_000;
// The first collection comes once the start is over: a first start drops its loader (the YAML
// parser, the validators and every schema: cli/detached-load.ts), whose memory would otherwise
// wait for the minute, and the start's own garbage with it.
const FIRST_MS = 5_000;

/** Starts the minute's collection if the runtime allows it; returns how to stop it. */
export function collectEveryMinute(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return () => {};
  const first = setTimeout(() => gc(), FIRST_MS);
  const timer = setInterval(() => gc(), EVERY_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
