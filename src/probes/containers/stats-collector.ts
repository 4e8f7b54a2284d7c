// Keeps a recent stats sample of every running container, in the background, so that a read
// of the containers never waits for stats. The engine answers a stats request only at its
// collector's next tick (about a second), so the requests go out in parallel (bounded), never
// one after another, and each container's previous sample is kept for the CPU delta. With many
// containers running, each is sampled less often (statsPaceMs).
import { setMaxListeners } from 'node:events';
import type { DockerEngine } from '../../docker/engine.js';
import type { StatsPair } from './raw.js';
import { statsEssentials } from './stats.js';

/** One answer as the engine sent it (parsed JSON), and when the engine took it (ms). */
type Sample = { body: unknown; readMs: number; receivedAt: number };

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

/** When the engine took the sample; null for a container that is not running (zero time). */
function readTime(body: unknown): number | null {
  if (!body || typeof body !== 'object') return null;
  const read = (body as { read?: unknown }).read;
  if (typeof read !== 'string' || read.startsWith('0001-01-01')) return null;
  const ms = Date.parse(read);
  return Number.isNaN(ms) ? null : ms;
}

const STATS_QUERY = { stream: false, 'one-shot': true } as const;

/** Up to this many running containers, each is sampled every statsInterval. */
export const STATS_FULL_PACE = 20;

/**
 * How often each running container is sampled: every `intervalMs` up to STATS_FULL_PACE
 * containers, proportionally less often beyond (50 at 2 s: every 5 s), so that the engine is
 * asked at most STATS_FULL_PACE / interval times a second. Each request costs the engine
 * (dockerd, containerd and the container's shim) several times what it costs the console.
 */
export function statsPaceMs(intervalMs: number, running: number): number {
  return running <= STATS_FULL_PACE ? intervalMs : Math.round((intervalMs * running) / STATS_FULL_PACE);
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
    this.tick();
  }

  /** How often each container is sampled now (statsPaceMs for the running containers). */
  get paceMs(): number {
    return statsPaceMs(this.options.intervalMs, this.wanted.size);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
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

  /** Every container not being asked already is asked again, each on its own; the next sweep is planned. */
  private tick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    this.timer = setTimeout(() => this.tick(), this.paceMs);
    this.timer.unref?.();
    if (this.paused) return;
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
      void this.fetchOne(id)
        .catch(() => false)
        .then((first) => {
          this.active--;
          this.inFlight.delete(id);
          if (this.wanted.has(id) && !this.asked.has(id)) {
            this.asked.add(id);
            this.wake();
          }
          this.queue.shift()?.();
          // CPU takes a second sample: asked at once (the engine answers at its next tick, about
          // a second on), not a whole sweep later.
          if (first && this.running && !this.paused && this.wanted.has(id)) this.fetch(id);
        });
    };
    if (this.active < this.options.concurrency) run();
    else this.queue.push(run);
  }

  /** Asks one container; true when that gave its first sample. */
  private async fetchOne(id: string): Promise<boolean> {
    if (!this.running || this.paused || !this.wanted.has(id)) return false;
    try {
      const answer = await this.engine.getJson(`/containers/${encodeURIComponent(id)}/stats`, STATS_QUERY, {
        timeoutMs: this.options.requestTimeoutMs,
        signal: this.controller.signal,
      });
      if (!this.wanted.has(id)) return false;
      // Kept for a few seconds (current, then previous): only what the reading uses.
      const body = statsEssentials(answer);
      const readMs = readTime(body);
      if (readMs === null) {
        this.samples.delete(id);
        return false;
      }
      const known = this.samples.get(id);
      // The same sample twice (no collector tick in between) teaches nothing.
      if (known && known.current.readMs >= readMs) return false;
      const receivedAt = (this.options.now ?? Date.now)();
      // Memory comes with the first sample, CPU with the second: worth announcing.
      const news = !known?.previous;
      if (known) {
        // The older sample is dropped; the pair is updated in place.
        known.previous = known.current;
        known.current = { body, readMs, receivedAt };
      } else this.samples.set(id, { current: { body, readMs, receivedAt }, previous: null });
      if (news) this.progress();
      this.wake();
      return !known;
    } catch {
      // A container that stopped or went away meanwhile, or a slow engine: the next tick asks
      // again, and the read shows the sample's age.
      return false;
    }
  }
}
