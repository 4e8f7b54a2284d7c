// Keeps a recent stats sample of every running container, in the background, so that a read
// of the containers never waits for stats. The engine answers a stats request only at its
// collector's next tick (about a second), so the requests go out in parallel (bounded), never
// one after another, and each container's previous sample is kept for the CPU delta.
import { setMaxListeners } from 'node:events';
import type { DockerEngine } from '../../docker/engine.js';
import type { StatsPair } from './raw.js';

type Sample = { body: unknown; read: string; receivedAt: number };

/** Runs `work` over `items` with at most `limit` at once. */
export async function mapLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

function readTime(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const read = (body as { read?: unknown }).read;
  return typeof read === 'string' && !read.startsWith('0001-01-01') ? read : null;
}

export class StatsCollector {
  private readonly samples = new Map<string, { current: Sample; previous: Sample | null }>();
  private wanted = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Containers asked at least once (answered, failed or stopped meanwhile). */
  private readonly asked = new Set<string>();
  private readonly queue: (() => void)[] = [];
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private controller = new AbortController();
  private paused = false;
  private running = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly options: {
      intervalMs: number;
      concurrency: number;
      requestTimeoutMs: number;
      now?: () => number;
      /** A container got its first figures (memory, then CPU): worth showing before the next poll. */
      onProgress?: () => void;
    },
  ) {}

  /** The running containers to sample; samples of the others are dropped. New ones are asked at once. */
  setRunning(ids: readonly string[]): void {
    this.wanted = new Set(ids);
    for (const id of this.samples.keys()) if (!this.wanted.has(id)) this.samples.delete(id);
    for (const id of this.asked) if (!this.wanted.has(id)) this.asked.delete(id);
    if (!this.running || this.paused) return;
    for (const id of ids) if (!this.samples.has(id)) this.fetch(id);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
    setMaxListeners(0, this.controller.signal);
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref?.();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.controller.abort();
    this.queue.length = 0;
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.wake();
  }

  /** While the engine is unreachable, stop asking it. */
  pause(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused) this.tick();
  }

  /** The samples of these containers (those that have one). */
  pairs(ids: readonly string[]): Record<string, StatsPair> {
    const out: Record<string, StatsPair> = {};
    for (const id of ids) {
      const s = this.samples.get(id);
      if (s) out[id] = { current: s.current.body, previous: s.previous?.body ?? null, receivedAt: s.current.receivedAt };
    }
    return out;
  }

  /** Waits (at most `maxWaitMs`) until each of `ids` was asked once: for the very first read. */
  async waitFor(ids: readonly string[], maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (this.running && ids.some((id) => this.wanted.has(id) && !this.asked.has(id))) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  }

  /** Every container not being asked already is asked again, each on its own. */
  private tick(): void {
    if (!this.running || this.paused) return;
    for (const id of this.wanted) this.fetch(id);
  }

  private progressTimer: NodeJS.Timeout | null = null;

  private progress(): void {
    if (!this.options.onProgress || this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      if (this.running) this.options.onProgress?.();
    }, 150);
  }

  private wake(): void {
    for (const done of [...this.waiters]) done();
  }

  private fetch(id: string): void {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    const run = () => {
      this.active++;
      void this.fetchOne(id).finally(() => {
        this.active--;
        this.inFlight.delete(id);
        if (this.wanted.has(id) && !this.asked.has(id)) {
          this.asked.add(id);
          this.wake();
        }
        this.queue.shift()?.();
      });
    };
    if (this.active < this.options.concurrency) run();
    else this.queue.push(run);
  }

  private async fetchOne(id: string): Promise<void> {
    if (!this.running || this.paused || !this.wanted.has(id)) return;
    try {
      const body = await this.engine.getJson(`/containers/${encodeURIComponent(id)}/stats`, { stream: false, 'one-shot': true }, { timeoutMs: this.options.requestTimeoutMs, signal: this.controller.signal });
      if (!this.wanted.has(id)) return;
      const read = readTime(body);
      if (!read) {
        this.samples.delete(id);
        return;
      }
      const known = this.samples.get(id);
      // The same sample twice (no collector tick in between) teaches nothing.
      if (known && Date.parse(known.current.read) >= Date.parse(read)) return;
      this.samples.set(id, { current: { body, read, receivedAt: (this.options.now ?? Date.now)() }, previous: known?.current ?? null });
      if (!known || !known.previous) this.progress();
      this.wake();
    } catch {
      // A container that stopped or went away meanwhile, or a slow engine: the next tick asks
      // again, and the read shows the sample's age.
    }
  }
}
