// The live containers reader of one engine: the container list and inspects on every read,
// stats from the background collector, and the event stream that tells listeners (the
// monitor's nudge) within a second that something changed. Remembers whether the engine was
// ever reached, so that "no engine here" (off) is told apart from "the engine went away"
// (down, last values kept), and backs off while the engine is gone.
import { setMaxListeners } from 'node:events';
import type { DockerEngine, EngineVersion } from '../../docker/engine.js';
import { EngineError } from '../../docker/errors.js';
import { type ContainerEvent, EventWatcher } from '../../docker/events.js';
import type { ContainerHealth, ContainerStatus } from '../../model/containers.js';
import { ProbeError } from '../probe.js';
import { healthFromStatus, type ListEntry, parseInspect, parseListOnce } from './parse.js';
import type { EndpointRaw } from './raw.js';
import { mapLimit, StatsCollector } from './stats-collector.js';

export type SourceOptions = {
  /** Deadline of one read (list + inspects). */
  timeoutMs: number;
  statsIntervalMs: number;
  /** Stats requests in flight at once. */
  concurrency: number;
  now?: () => number;
};

export type ChangeListener = (event: ContainerEvent | null) => void;

/** Backoff while the engine is gone: reads in between fail at once with the last reason. */
export const READ_BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000] as const;

// An inspect is reused while the container's list entry says the same and no event came for it:
// the list carries state and health, the inspect the details (start time, restart count, limits)
// that change only with events. The check log of a container with a health check changes with
// every check, so its inspect is read again after a while; any other one only now and then, in
// case an event was missed.
export const INSPECT_MAX_AGE_MS = 15_000;
export const INSPECT_MAX_AGE_UNCHECKED_MS = 300_000;

type CachedInspect = { body: unknown; at: number; key: string };

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

export class ContainersSource {
  readonly host: string;
  readonly label: string;
  private readonly listeners = new Set<ChangeListener>();
  private readonly events: EventWatcher;
  private readonly stats: StatsCollector;
  private readonly inspects = new Map<string, CachedInspect>();
  /** Container id → time of its latest event: its cached inspect is older than that. */
  private readonly touched = new Map<string, number>();
  private readonly now: () => number;
  private started = false;
  private everConnected = false;
  private engineInfo: EngineVersion | null = null;
  private lost: { since: number; retryAt: number; failures: number; error: EngineError } | null = null;
  private lastEventAt = 0;
  private notifyTimer: NodeJS.Timeout | null = null;
  private lastGood: EndpointRaw | null = null;
  private firstRead = true;

  constructor(
    readonly engine: DockerEngine,
    private readonly options: SourceOptions,
  ) {
    this.host = engine.host;
    this.label = engine.label;
    this.now = options.now ?? Date.now;
    this.events = new EventWatcher(
      engine,
      (event) => this.onEvent(event),
      (state) => {
        if (state.connected) {
          // Back after a gap: events may have been missed, so read again now.
          if (this.lost) this.lost = { ...this.lost, retryAt: 0 };
          this.stats.pause(false);
          this.notify(null);
        }
      },
    );
    this.stats = new StatsCollector(engine, {
      intervalMs: options.statsIntervalMs,
      concurrency: options.concurrency,
      requestTimeoutMs: Math.max(5000, options.statsIntervalMs * 2),
      now: this.now,
      onProgress: () => this.notify(null),
    });
  }

  /** Hears about every change the event stream reports (debounced a little). */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  /** The engine's last good answer (for a multi-engine reading that shows it as stale). */
  get lastAnswer(): EndpointRaw | null {
    return this.lastGood;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.events.start();
    this.stats.start();
  }

  close(): void {
    this.started = false;
    this.events.stop();
    this.stats.stop();
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    this.listeners.clear();
    this.engine.close();
  }

  /** One read: list, inspects (cached while nothing changed), and the newest stats samples. */
  async read(signal: AbortSignal): Promise<EndpointRaw> {
    this.start();
    // Every request of this read listens to the same signal.
    setMaxListeners(0, signal);
    const startedAt = this.now();
    if (this.lost && startedAt < this.lost.retryAt) throw this.failure(this.lost.error, startedAt);
    const deadline = startedAt + this.options.timeoutMs;
    const left = () => Math.max(1, deadline - this.now());
    try {
      this.engineInfo ??= await this.engine.version({ signal, timeoutMs: left() });
      const list = await this.engine.getJson('/containers/json', { all: true }, { signal, timeoutMs: left(), reuseUnchanged: true });
      const entries = parseListOnce(list);
      const inspect = await this.inspectAll(entries, signal, left);
      // New running containers are asked for stats at once (the rest by the background sweep).
      const running = entries.filter((e) => e.state === 'running').map((e) => e.id);
      this.stats.setRunning(running);
      if (this.firstRead) {
        // The first read (a one-shot `homeops status` has no other) waits briefly for memory
        // figures; in the console, figures that come later are announced to the listeners.
        this.firstRead = false;
        await this.stats.waitFor(running, Math.min(1000, Math.max(0, left() - 200)));
      }
      const raw: EndpointRaw = {
        host: this.host,
        label: this.label,
        engine: this.engineInfo,
        readAt: startedAt,
        list,
        inspect,
        stats: this.stats.pairs(running),
      };
      this.everConnected = true;
      if (this.lost) {
        this.lost = null;
        this.stats.pause(false);
        this.events.retryNow();
      }
      this.lastGood = raw;
      // An event that came while this read was under way may not be in it: read again.
      if (this.lastEventAt >= startedAt) this.notify(null);
      return raw;
    } catch (error) {
      const engineError =
        error instanceof EngineError ? error : new EngineError('other', error instanceof Error ? error.message : String(error));
      if (engineError.kind === 'aborted') throw engineError;
      this.engineInfo = null;
      const now = this.now();
      const failures = (this.lost?.failures ?? 0) + 1;
      const wait = READ_BACKOFF_MS[Math.min(failures - 1, READ_BACKOFF_MS.length - 1)] ?? 30_000;
      // A timeout is no reason to stop asking at the normal pace.
      const retryAt = engineError.kind === 'timeout' || engineError.kind === 'api' ? 0 : now + wait;
      this.lost = { since: this.lost?.since ?? now, retryAt, failures, error: engineError };
      if (engineError.kind !== 'timeout' && engineError.kind !== 'api') this.stats.pause(true);
      throw this.failure(engineError, now);
    }
  }

  /** The next read asks the engine again, whatever the backoff says. */
  retryNow(): void {
    if (this.lost) this.lost = { ...this.lost, retryAt: 0 };
  }

  /** The health of one container by name or id: null when the engine does not know it. */
  async containerHealth(name: string, signal: AbortSignal): Promise<ContainerHealth | null> {
    return (await this.containerStatus(name, signal))?.health ?? null;
  }

  /** Whether one container runs, and its health; null when the engine does not know it. */
  async containerStatus(name: string, signal: AbortSignal): Promise<ContainerStatus | null> {
    try {
      const body = await this.engine.getJson(
        `/containers/${encodeURIComponent(name)}/json`,
        {},
        { signal, timeoutMs: this.options.timeoutMs },
      );
      const info = parseInspect(body);
      return info ? { state: info.state, health: info.health?.status ?? 'none' } : null;
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 404) return null;
      throw error instanceof EngineError ? this.failure(error, this.now()) : error;
    }
  }

  /** An EngineError as the monitor should see it: off, or down with what to do. */
  failure(error: EngineError, now: number): ProbeError {
    const retry = this.lost && this.lost.retryAt > now ? `; retrying in ${Math.ceil((this.lost.retryAt - now) / 1000)} s` : '';
    switch (error.kind) {
      case 'no-engine':
        // Never reached: nothing to show, the pane is off. Reached before: it went away.
        if (!this.everConnected) return new ProbeError('off', error.message);
        return new ProbeError(
          'down',
          `Docker engine at ${this.label} went away at ${clock(this.lost?.since ?? now)} (${error.message.replace(/^no Docker engine at \S+ \((.*)\)$/, '$1')})${retry}`,
        );
      case 'permission':
        return new ProbeError('down', error.message);
      case 'lost':
        return new ProbeError('down', `${error.message}${this.lost ? ` (since ${clock(this.lost.since)})` : ''}${retry}`);
      default:
        return new ProbeError('down', `${error.message}${retry}`);
    }
  }

  private async inspectAll(entries: readonly ListEntry[], signal: AbortSignal, left: () => number): Promise<Record<string, unknown>> {
    const now = this.now();
    const keep = new Set(entries.map((e) => e.id));
    for (const id of this.inspects.keys()) if (!keep.has(id)) this.inspects.delete(id);
    for (const id of this.touched.keys()) if (!keep.has(id)) this.touched.delete(id);
    const stale = entries.filter((entry) => {
      const cached = this.inspects.get(entry.id);
      if (!cached) return true;
      // Health in trouble: the check log (the reason) changes with every check.
      if (entry.health === 'unhealthy' || entry.health === 'starting' || entry.state === 'restarting') return true;
      if (cached.key !== keyOf(entry)) return true;
      if ((this.touched.get(entry.id) ?? 0) >= cached.at) return true;
      return now - cached.at > (entry.health === 'none' ? INSPECT_MAX_AGE_UNCHECKED_MS : INSPECT_MAX_AGE_MS);
    });
    // A few at a time: the engine answers inspects slowly while it is collecting stats. Those
    // not answered within half the time left finish in the background for the next read, so
    // that a first read of 200 containers (or a busy engine) never costs the whole reading.
    let failure: unknown = null;
    const work = mapLimit(stale, 8, async (entry) => {
      try {
        const body = await this.engine.getJson(`/containers/${encodeURIComponent(entry.id)}/json`, {}, { signal, timeoutMs: left() });
        this.inspects.set(entry.id, { body, at: now, key: keyOf(entry) });
      } catch (error) {
        // Removed between the list and the inspect: the row shows what the list said.
        if (error instanceof EngineError && error.statusCode === 404) {
          this.inspects.delete(entry.id);
          return;
        }
        throw error;
      }
    }).catch((error: unknown) => {
      failure = error;
    });
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(100, left() / 2));
    });
    await Promise.race([work, budget]);
    clearTimeout(timer);
    if (failure) throw failure;
    const out: Record<string, unknown> = {};
    for (const entry of entries) {
      const cached = this.inspects.get(entry.id);
      if (cached) out[entry.id] = cached.body;
    }
    return out;
  }

  private onEvent(event: ContainerEvent): void {
    this.lastEventAt = this.now();
    this.touched.set(event.id, this.lastEventAt);
    this.notify(event);
  }

  private notify(event: ContainerEvent | null): void {
    // A restart is kill, die, stop, start, restart within a few ms, and a compose project's
    // health checks settle together: one nudge for the burst.
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const listener of this.listeners) listener(event);
    }, 100);
  }
}

/** What of a list entry an inspect depends on; the Status text's running time is left out. */
function keyOf(entry: ListEntry): string {
  return `${entry.state}|${entry.health}|${healthFromStatus(entry.statusText)}|${entry.exitCode ?? ''}|${entry.createdAt ?? ''}`;
}
