// The engine's event stream (GET /events), kept open so that a container's health change or
// restart reaches the console within a second instead of at the next poll. Reconnects with
// backoff when the engine goes away, and says so, because events may have been missed.
import type { IncomingMessage } from 'node:http';
import { MAX_LINE_BYTES } from './bounded.js';
import type { DockerEngine } from './engine.js';
import { EngineError } from './errors.js';

/** The container events that change what the containers pane shows. */
export const WATCHED_EVENTS = [
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'destroy',
  'pause',
  'unpause',
  'oom',
  'rename',
  'update',
  'health_status',
] as const;

export type ContainerEvent = {
  id: string;
  name: string | null;
  /** `start`, `die`, `health_status`, … (the health itself is in `health`). */
  action: string;
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  /** ms since the epoch. */
  time: number;
};

/** One line of the stream (API 1.41 still adds the legacy status/id/from fields; 1.52 drops them). */
export function parseEvent(line: string): ContainerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  if (o.Type !== undefined && o.Type !== 'container') return null;
  const actor = (o.Actor && typeof o.Actor === 'object' ? o.Actor : {}) as Record<string, unknown>;
  const attributes = (actor.Attributes && typeof actor.Attributes === 'object' ? actor.Attributes : {}) as Record<string, unknown>;
  const id = typeof actor.ID === 'string' ? actor.ID : typeof o.id === 'string' ? o.id : null;
  const fullAction = typeof o.Action === 'string' ? o.Action : typeof o.status === 'string' ? o.status : null;
  if (!id || !fullAction) return null;
  // "health_status: unhealthy"; exec events carry the command after a colon too.
  const colon = fullAction.indexOf(':');
  const action = colon >= 0 ? fullAction.slice(0, colon) : fullAction;
  const detail = colon >= 0 ? fullAction.slice(colon + 1).trim() : '';
  const health = action === 'health_status' && (detail === 'healthy' || detail === 'unhealthy' || detail === 'starting') ? detail : null;
  const nano = typeof o.timeNano === 'number' ? o.timeNano / 1e6 : null;
  const seconds = typeof o.time === 'number' ? o.time * 1000 : null;
  return { id, name: typeof attributes.name === 'string' ? attributes.name : null, action, health, time: nano ?? seconds ?? Date.now() };
}

/** An event line longer than any event: the engine is not sending events (LineBuffer.push). */
export class LineTooLong extends Error {}

/**
 * Cuts a byte stream into lines (the engine sends one JSON object per line). A line that grows
 * past `maxLine` bytes without ending is no event: LineTooLong, rather than holding it all.
 */
export class LineBuffer {
  private rest = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    if (this.rest.length > this.maxLine || lines.some((l) => l.length > this.maxLine)) {
      this.rest = '';
      throw new LineTooLong(`an event line longer than ${Math.round(this.maxLine / 1024)} KB`);
    }
    return lines.filter((l) => l.trim() !== '');
  }
}

export const EVENT_BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000, 30_000] as const;

export type WatcherState = { connected: true } | { connected: false; error: EngineError; retryInMs: number };

/**
 * Keeps GET /events open on one engine. `onEvent` gets every watched container event;
 * `onState` hears when the stream connects (again) and when it drops.
 */
export class EventWatcher {
  private controller: AbortController | null = null;
  private response: IncomingMessage | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private running = false;

  constructor(
    private readonly engine: DockerEngine,
    private readonly onEvent: (event: ContainerEvent) => void,
    private readonly onState: (state: WatcherState) => void,
    private readonly connectTimeoutMs = 5000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.controller?.abort();
    this.response?.destroy();
    this.controller = null;
    this.response = null;
  }

  /** Skips the wait before the next attempt (the engine answered a read again). */
  retryNow(): void {
    if (!this.running || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    let res: IncomingMessage;
    try {
      res = await this.engine.stream(
        '/events',
        { filters: { type: ['container'], event: [...WATCHED_EVENTS] } },
        { timeoutMs: this.connectTimeoutMs, signal: controller.signal },
      );
    } catch (error) {
      this.dropped(error instanceof EngineError ? error : new EngineError('other', String(error)));
      return;
    }
    if (!this.running || controller.signal.aborted) {
      res.destroy();
      return;
    }
    this.response = res;
    this.failures = 0;
    this.onState({ connected: true });
    const lines = new LineBuffer();
    let ended = false;
    const end = (error: EngineError) => {
      if (ended) return;
      ended = true;
      this.response = null;
      res.destroy();
      if (this.running && !controller.signal.aborted) this.dropped(error);
    };
    res.on('data', (chunk: Buffer) => {
      let got: string[];
      try {
        got = lines.push(chunk);
      } catch (error) {
        end(
          new EngineError(
            'too-large',
            `Docker engine at ${this.engine.label} sent ${(error as Error).message} on its event stream; dropped it`,
          ),
        );
        return;
      }
      for (const line of got) {
        const event = parseEvent(line);
        if (event) this.onEvent(event);
      }
    });
    res.on('end', () => end(new EngineError('lost', `Docker engine at ${this.engine.label} ended the event stream`)));
    res.on('error', () => end(new EngineError('lost', `Docker engine at ${this.engine.label} went away`)));
    res.on('close', () => end(new EngineError('lost', `Docker engine at ${this.engine.label} went away`)));
  }

  private dropped(error: EngineError): void {
    if (!this.running) return;
    const retryInMs = EVENT_BACKOFF_MS[Math.min(this.failures, EVENT_BACKOFF_MS.length - 1)] ?? 30_000;
    this.failures++;
    this.onState({ connected: false, error, retryInMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, retryInMs);
    this.retryTimer.unref?.();
  }
}
