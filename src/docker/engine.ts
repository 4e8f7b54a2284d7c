// One Docker engine: a local unix socket, a tcp:// DOCKER_HOST, or a remote host's engine through
// `docker system dial-stdio` channels on that host's pooled SSH connection. The frequent GETs
// (list, inspects, stats) go on our own kept-alive connections (http-get.ts; over SSH through
// the dial-stdio agent); actions and streams (events, logs) as node:http requests through the
// same agent. Every call has a deadline and an abort signal, every answer read whole is bounded
// (bounded.ts), and every failure comes back as an EngineError (errors.ts).
import type { IncomingMessage, RequestOptions } from 'node:http';
import { Agent, type AgentOptions, request as httpRequest } from 'node:http';
import { inspect } from 'node:util';
import { shellQuote } from '../hosts/host.js';
import { readBounded } from './bounded.js';
import { classifyEngineError, EngineError, PERMISSION_FIX } from './errors.js';
import { type GetAnswer, GetPool, isTimeout } from './http-get.js';
import { type ChannelOpener, DialStdioAgent } from './ssh-agent.js';

export type EngineTarget =
  | { kind: 'socket'; host: string; socketPath: string }
  | { kind: 'tcp'; host: string; hostname: string; port: number }
  | { kind: 'ssh'; host: string; via: ChannelOpener; socketPath: string | null; dockerCommand: string };

/** How a target is named in messages: `unix:///var/run/docker.sock`, `nas over SSH (unix:///…)`. */
export function targetLabel(target: EngineTarget): string {
  if (target.kind === 'socket') return `unix://${target.socketPath}`;
  if (target.kind === 'tcp') return `tcp://${target.hostname}:${target.port}`;
  return `${target.host} over SSH${target.socketPath ? ` (unix://${target.socketPath})` : ''}`;
}

export class UnsupportedDockerHost extends Error {}

/** An agent that prints as its name: error messages and debug output never walk its sockets. */
class QuietAgent extends Agent {
  constructor(
    private readonly name: string,
    options: AgentOptions,
  ) {
    super(options);
  }

  [inspect.custom](): string {
    return `Agent(${this.name})`;
  }
}

/**
 * Where the engine of the host that runs the console is: the endpoint's socket, else
 * DOCKER_HOST (unix:// or tcp://), else /var/run/docker.sock.
 */
export function localTarget(host: string, socket: string | undefined, env: Readonly<Record<string, string | undefined>>): EngineTarget {
  const spec = socket ?? env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (spec.startsWith('/')) return { kind: 'socket', host, socketPath: spec };
  if (spec.startsWith('unix://')) return { kind: 'socket', host, socketPath: spec.slice('unix://'.length) || '/var/run/docker.sock' };
  if (spec.startsWith('tcp://')) {
    if (env.DOCKER_TLS_VERIFY === '1')
      throw new UnsupportedDockerHost(
        `DOCKER_HOST=${spec} with DOCKER_TLS_VERIFY is not supported; use the engine's unix socket, or reach its host over SSH (hosts.<name>.ssh)`,
      );
    const url = new URL(spec);
    return { kind: 'tcp', host, hostname: url.hostname, port: Number(url.port || 2375) };
  }
  throw new UnsupportedDockerHost(
    `DOCKER_HOST=${spec} is not supported; use unix:// or tcp://, or describe the host under hosts: with ssh and list it in docker.endpoints`,
  );
}

/** A remote host's engine, through `docker system dial-stdio` on its SSH connection. */
export function sshTarget(host: string, via: ChannelOpener, socket: string | undefined, dockerCommand = 'docker'): EngineTarget {
  const socketPath = socket ? socket.replace(/^unix:\/\//, '') : null;
  return { kind: 'ssh', host, via, socketPath, dockerCommand };
}

export type CallOptions = { signal?: AbortSignal | undefined; timeoutMs: number };

export type GetOptions = CallOptions & {
  /**
   * When the engine answers this path with the same bytes as last time, give back the same
   * parsed value (never to be changed), so that nothing is parsed again: for the container
   * list, which stays the same between most polls.
   */
  reuseUnchanged?: boolean;
};

export type EngineVersion = { version: string | null; apiVersion: string | null; os: string | null };

/** Combines the caller's signal with a deadline; tells which of the two fired. */
function deadline(signal: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * `path?query` as the engine's clients build it for the values used here: strings, numbers and
 * booleans as they are, objects (filters) as JSON.
 */
export function withQuery(path: string, query: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    out += `${out ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
  }
  return path + out;
}

/** An answer's body as JSON, or its text when it is not JSON. */
function jsonOf(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** The engine's error answer (its JSON message) as an EngineError. */
function answerError(status: number, body: Buffer, where: string): EngineError {
  return classifyEngineError(
    Object.assign(new Error(`(HTTP code ${status}) unexpected`), { statusCode: status, json: jsonOf(body) }),
    where,
  );
}

/** A GET's answer: the JSON of a 200, else an error with the engine's message. */
function decode(answer: GetAnswer, where: string): unknown {
  if (answer.status === 200) return jsonOf(answer.body);
  return answerError(answer.status, answer.body, where);
}

/** An action's answer and an error answer are read for a message only: a few kilobytes say it. */
const MESSAGE_BYTES = 64 * 1024;

export class DockerEngine {
  readonly label: string;
  readonly host: string;
  /** Where node:http connects (the agent makes the connection over SSH). */
  private readonly connectTo: RequestOptions;
  private readonly agent: Agent;
  /** The frequent GETs on the socket or tcp:// (over SSH they go through the agent). */
  private readonly pool: GetPool | null;
  /** The last answer to each GET asked with reuseUnchanged: its bytes and its value. */
  private readonly lastAnswers = new Map<string, { body: Buffer; value: unknown }>();

  constructor(
    readonly target: EngineTarget,
    options: { maxSockets?: number; connectTimeoutMs?: number } = {},
  ) {
    this.label = targetLabel(target);
    this.host = target.host;
    if (target.kind === 'ssh') {
      const prefix = target.socketPath ? `DOCKER_HOST=${shellQuote(`unix://${target.socketPath}`)} ` : '';
      this.agent = new DialStdioAgent(target.via, `${prefix}${target.dockerCommand} system dial-stdio`, options.connectTimeoutMs ?? 8000, {
        maxSockets: options.maxSockets ?? 6,
      });
      // The host name is never resolved: the agent makes every connection.
      this.connectTo = { host: 'docker', port: 80, agent: this.agent };
      this.pool = null;
    } else if (target.kind === 'tcp') {
      this.agent = new QuietAgent(this.label, { keepAlive: true, maxSockets: options.maxSockets ?? 64 });
      this.connectTo = { host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: target.port, agent: this.agent };
      this.pool = new GetPool(
        { host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: target.port },
        `${target.hostname}:${target.port}`,
        options.maxSockets ?? 64,
      );
    } else {
      this.agent = new QuietAgent(this.label, { keepAlive: true, maxSockets: options.maxSockets ?? 128 });
      this.pool = new GetPool({ path: target.socketPath }, 'docker', options.maxSockets ?? 128);
      this.connectTo = { socketPath: target.socketPath, agent: this.agent };
    }
  }

  /** GET a JSON answer (the frequent reads: list, inspect, stats). */
  async getJson(path: string, query: Record<string, unknown>, options: GetOptions): Promise<unknown> {
    const full = withQuery(path, query);
    let answer: GetAnswer;
    if (this.pool) {
      try {
        answer = await this.pool.get(full, options);
      } catch (error) {
        throw classifyEngineError(error, this.label, { timedOut: isTimeout(error), timeoutMs: options.timeoutMs });
      }
    } else answer = await this.getViaAgent(full, options);
    if (options.reuseUnchanged && answer.status === 200) {
      const last = this.lastAnswers.get(full);
      if (last?.body.equals(answer.body)) return last.value;
    }
    const result = decode(answer, this.label);
    if (result instanceof EngineError) throw result;
    if (options.reuseUnchanged) this.lastAnswers.set(full, { body: answer.body, value: result });
    return result;
  }

  /** A GET through the agent (SSH dial-stdio channels), read whole (bounded). */
  private async getViaAgent(path: string, options: CallOptions): Promise<GetAnswer> {
    const dl = deadline(options.signal, options.timeoutMs);
    try {
      const res = await this.send('GET', path, dl.signal);
      return { status: res.statusCode ?? 0, body: await readBounded(res, path) };
    } catch (error) {
      throw await this.explain(error, dl.timedOut(), options.timeoutMs);
    } finally {
      dl.done();
    }
  }

  /**
   * POST without a body. Resolves with 204 (done) or 304 (nothing to do: already started or
   * stopped); anything else is an EngineError.
   */
  async post(path: string, query: Record<string, unknown>, options: CallOptions): Promise<204 | 304> {
    const dl = deadline(options.signal, options.timeoutMs);
    const full = withQuery(path, query);
    let answer: GetAnswer;
    try {
      const res = await this.send('POST', full, dl.signal);
      const status = res.statusCode ?? 0;
      answer = { status, body: await readBounded(res, full, MESSAGE_BYTES) };
    } catch (error) {
      throw await this.explain(error, dl.timedOut(), options.timeoutMs);
    } finally {
      dl.done();
    }
    if (answer.status === 204 || answer.status === 200) return 204;
    if (answer.status === 304) return 304;
    throw answerError(answer.status, answer.body, this.label);
  }

  /**
   * A streaming GET (events, logs): resolves with the response once its headers arrived within
   * the deadline; the caller reads it and ends it with `signal` or `destroy()`.
   */
  async stream(path: string, query: Record<string, unknown>, options: CallOptions): Promise<IncomingMessage> {
    // The deadline covers the answer's headers (and an error answer's body) only; the caller's
    // signal ends the stream for as long as it runs.
    const controller = new AbortController();
    const { signal } = options;
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, options.timeoutMs);
    const full = withQuery(path, query);
    try {
      const res = await this.send('GET', full, controller.signal);
      if (res.statusCode !== 200) throw answerError(res.statusCode ?? 0, await readBounded(res, full, MESSAGE_BYTES), this.label);
      res.once('close', () => signal?.removeEventListener('abort', onAbort));
      return res;
    } catch (error) {
      signal?.removeEventListener('abort', onAbort);
      throw await this.explain(error, timedOut, options.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One request; resolves when the answer's headers are in. */
  private send(method: 'GET' | 'POST', path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ ...this.connectTo, method, path, signal, headers: { 'user-agent': 'homeops' } }, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  async version(options: CallOptions): Promise<EngineVersion> {
    const body = await this.getJson('/version', {}, options);
    const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return { version: text(o.Version), apiVersion: text(o.ApiVersion), os: text(o.Os) };
  }

  /** Drops every pooled connection (and every dial-stdio channel). */
  close(): void {
    this.agent.destroy();
    this.pool?.destroy();
  }

  /** An EngineError for this engine; over SSH, what the dial-stdio command said on stderr. */
  private async explain(error: unknown, timedOut: boolean, timeoutMs: number): Promise<EngineError> {
    const classified = classifyEngineError(error, this.label, { timedOut, timeoutMs });
    if (this.target.kind !== 'ssh') return classified;
    const agent = this.agent as DialStdioAgent;
    const name = this.target.host;
    const code = (error as { reason?: unknown }).reason;
    if (code === 'unreachable' || (error instanceof Error && error.name === 'ExecError')) {
      return new EngineError('lost', error instanceof Error ? error.message : String(error));
    }
    if (classified.kind !== 'lost' && classified.kind !== 'other') return classified;
    // A dial-stdio that failed closes its channel: the request only sees a hang-up, and the
    // reason arrives on the channel's stderr a moment later.
    await new Promise((r) => setTimeout(r, 100));
    const failure = agent.lastFailure;
    if (!failure || Date.now() - failure.at > 2000) return classified;
    const said = failure.stderr.split('\n').find((l) => l.trim()) ?? '';
    if (failure.code === 127 || /not found/i.test(said))
      return new EngineError('no-engine', `no Docker engine on ${name}: ${this.target.dockerCommand} not found there`);
    if (/permission denied/i.test(said))
      return new EngineError(
        'permission',
        `permission denied on ${name}'s Docker socket: ${PERMISSION_FIX.replace('your user', `the SSH user on ${name}`)}`,
      );
    if (/cannot connect to the docker daemon|no such file|connection refused/i.test(said))
      return new EngineError('no-engine', `no Docker engine on ${name}: ${said}`);
    return new EngineError('lost', `Docker engine on ${name}: ${said || classified.message}`);
  }
}
