// What can be done to a container on its engine: restart, stop, start, and read its logs. Whether
// a change may be made at all (read-only mode), the confirmation and the audit line are the
// actions layer's (src/actions/): this is only the engine call.
import type { DockerEngine } from './engine.js';
import { EngineError } from './errors.js';
import { FrameDecoder, LineSplitter, type LogLine } from './frames.js';

export type ActionName = 'restart' | 'stop' | 'start';

/** A container as the UI knows it: the host whose engine runs it, and its id (or name). */
export type ContainerRef = { host: string; id: string; name?: string | undefined };

export type ActionResult = {
  /** False when there was nothing to do (start of a running container). */
  changed: boolean;
  /** One line for the status bar. */
  message: string;
};

export type LogsOptions = {
  /** Lines from the end to start with (default: docker.logLines, 200). */
  tail?: number;
  /** Keep streaming new lines until the signal aborts or the container stops. */
  follow?: boolean;
  timestamps?: boolean;
  /** Only lines written since this time (ms since the epoch), as `docker logs --since`. */
  sinceMs?: number;
  signal?: AbortSignal;
};

export type ContainerActions = {
  /** Why this source cannot act at all (a demo replays recordings), or null when it can. */
  refusal(action: ActionName): string | null;
  restart(ref: ContainerRef, options?: { signal?: AbortSignal }): Promise<ActionResult>;
  stop(ref: ContainerRef, options?: { signal?: AbortSignal }): Promise<ActionResult>;
  start(ref: ContainerRef, options?: { signal?: AbortSignal }): Promise<ActionResult>;
  /** The container's log lines, stdout and stderr demultiplexed, as they come. */
  logs(ref: ContainerRef, options?: LogsOptions): AsyncIterable<LogLine>;
};

/** An action this source cannot run, and why (shown to the user as it is). */
export class ActionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionRefused';
  }
}

export type ActionOptions = {
  /** Seconds' worth a container gets to stop before it is killed (restart, stop). */
  stopTimeoutMs: number;
  logLines: number;
};

const VERB: Record<ActionName, string> = { restart: 'restarted', stop: 'stopped', start: 'started' };

function nameOf(ref: ContainerRef): string {
  return ref.name ?? ref.id.slice(0, 12);
}

/** Actions on the engines of `engines` (host name → engine). */
export function engineActions(engines: ReadonlyMap<string, DockerEngine>, options: ActionOptions): ContainerActions {
  const engineFor = (ref: ContainerRef): DockerEngine => {
    const engine = engines.get(ref.host);
    if (!engine) throw new ActionRefused(`no Docker engine configured for host ${ref.host}`);
    return engine;
  };
  const act = async (action: ActionName, ref: ContainerRef, signal: AbortSignal | undefined): Promise<ActionResult> => {
    const engine = engineFor(ref);
    const seconds = Math.ceil(options.stopTimeoutMs / 1000);
    const query = action === 'start' ? {} : { t: seconds };
    // The engine answers once the container has stopped (and started): allow for the stop timeout.
    const timeoutMs = options.stopTimeoutMs + 30_000;
    try {
      const status = await engine.post(`/containers/${encodeURIComponent(ref.id)}/${action}`, query, { signal, timeoutMs });
      if (status === 304) return { changed: false, message: `${nameOf(ref)} was already ${action === 'start' ? 'running' : 'stopped'}` };
      return { changed: true, message: `${nameOf(ref)} ${VERB[action]} on ${ref.host}` };
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 404)
        throw new EngineError('api', `${nameOf(ref)} no longer exists on ${ref.host}`, 404);
      throw error;
    }
  };
  return {
    refusal: () => null,
    restart: (ref, o) => act('restart', ref, o?.signal),
    stop: (ref, o) => act('stop', ref, o?.signal),
    start: (ref, o) => act('start', ref, o?.signal),
    logs: (ref, o = {}) =>
      streamLogs(engineFor(ref), ref, {
        tail: o.tail ?? options.logLines,
        follow: o.follow ?? false,
        timestamps: o.timestamps ?? true,
        sinceMs: o.sinceMs,
        signal: o.signal,
      }),
  };
}

async function* streamLogs(
  engine: DockerEngine,
  ref: ContainerRef,
  options: { tail: number; follow: boolean; timestamps: boolean; sinceMs: number | undefined; signal: AbortSignal | undefined },
): AsyncGenerator<LogLine> {
  const { signal } = options;
  const path = `/containers/${encodeURIComponent(ref.id)}`;
  // With a TTY the engine sends the log raw; without one, in 8-byte-header frames.
  const inspect = await engine.getJson(`${path}/json`, {}, { signal, timeoutMs: 5000 });
  const tty = !!inspect && typeof inspect === 'object' && (inspect as { Config?: { Tty?: unknown } }).Config?.Tty === true;
  const res = await engine.stream(
    `${path}/logs`,
    {
      stdout: true,
      stderr: true,
      tail: options.tail,
      follow: options.follow,
      timestamps: options.timestamps,
      // The engine takes seconds, with a fraction (API 1.41 and newer).
      since: options.sinceMs === undefined ? undefined : (options.sinceMs / 1000).toFixed(3),
    },
    { signal, timeoutMs: 10_000 },
  );
  const frames = new FrameDecoder(tty);
  const lines = new LineSplitter(options.timestamps);
  try {
    for await (const chunk of res) {
      for (const part of frames.push(chunk as Buffer)) yield* lines.push(part);
    }
    for (const part of frames.end()) yield* lines.push(part);
    yield* lines.end();
  } catch (error) {
    // The reader closed the view (abort): the end of the stream, not an error.
    if (signal?.aborted) return;
    throw error;
  } finally {
    res.destroy();
  }
}
