// The engine's frequent reads (the container list, inspects, and a stats sample of every running
// container every few seconds) as plain HTTP/1.1 GETs on a pool of kept-alive connections, with
// the least work per request: one prepared request line written, the answer parsed as it comes
// in (Content-Length, chunked, or until the connection closes) straight from the socket's reads
// (no stream machinery), and handed back as bytes. Node's http client and docker-modem cost
// about twice the CPU per request for the same answers.
// Used for the engine's unix socket and tcp://; over SSH the channels go through the
// dial-stdio agent (ssh-agent.ts), whose pool also keeps under sshd's session limit.
import { createConnection, type Socket } from 'node:net';
import { answerTooLarge, declaredLength, MAX_ANSWER_BYTES } from './bounded.js';

export type GetAnswer = { status: number; body: Buffer };

export type GetOptions = { signal?: AbortSignal | undefined; timeoutMs: number };

/** An error as the HTTP layer would raise it: `code` for classifyEngineError (errors.ts). */
function transportError(message: string, code: string, name = 'Error'): Error {
  const error = new Error(message) as Error & { code: string };
  error.code = code;
  error.name = name;
  return error;
}

const TIMED_OUT = Symbol('timed out');

function aborted(timedOut: boolean): Error {
  const error = transportError('The operation was aborted', 'ABORT_ERR', 'AbortError');
  if (timedOut) Object.defineProperty(error, TIMED_OUT, { value: true });
  return error;
}

/** Whether a GetPool request failed because its deadline passed (not the caller's abort). */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error as Error & { [TIMED_OUT]?: boolean })[TIMED_OUT] === true;
}

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const MAX_HEAD = 64 * 1024;

type Mode = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close' | 'done';

/**
 * One HTTP/1.1 response, parsed incrementally from whatever pieces the connection delivers.
 * The pieces may be reused by the caller once `push` returns: what is kept is copied. A body
 * over `maxBody` is an error: refused from its Content-Length before anything is allocated,
 * or as soon as a chunked or read-until-close body passes it.
 */
export class ResponseParser {
  status = 0;
  /** False when the connection cannot carry another request (Connection: close, HTTP/1.0, read to the end). */
  reusable = true;
  /** Bytes came after the response (the connection is out of step). */
  extra = false;
  private mode: Mode = 'head';
  private head: Buffer | null = null;
  private line = '';
  private left = 0;
  /** A body of known length, filled in place. */
  private whole: Buffer | null = null;
  private filled = 0;
  private readonly parts: Buffer[] = [];
  private size = 0;

  /** `path`: what was asked, for the error that names it. */
  constructor(
    private readonly path = '/',
    private readonly maxBody = MAX_ANSWER_BYTES,
  ) {}

  get done(): boolean {
    return this.mode === 'done';
  }

  get body(): Buffer {
    if (this.whole) return this.whole;
    if (this.parts.length === 1) return this.parts[0] as Buffer;
    return Buffer.concat(this.parts, this.size);
  }

  /** The connection ended: completes a response read until close; anything else was cut short. */
  end(): boolean {
    if (this.mode === 'until-close') this.mode = 'done';
    return this.done;
  }

  /** Takes the next piece; true once the response is complete. */
  push(data: Buffer): boolean {
    let at = 0;
    while (at < data.length && this.mode !== 'done') {
      switch (this.mode) {
        case 'head': {
          const joined = this.head ? Buffer.concat([this.head, data.subarray(at)]) : data;
          const from = this.head ? Math.max(0, this.head.length - 3) : at;
          const end = joined.indexOf(HEAD_END, from);
          if (end < 0) {
            if (joined.length - (this.head ? 0 : at) > MAX_HEAD)
              throw transportError('the engine answered with an oversized header', 'HPE_HEADER_OVERFLOW');
            this.head = this.head ? joined : Buffer.from(data.subarray(at));
            return false;
          }
          const base = this.head ? 0 : at;
          this.head = null;
          this.readHead(joined.toString('latin1', base, end));
          if (joined !== data) {
            // Continue in the joined copy.
            return this.push(joined.subarray(end + 4)) || this.done;
          }
          at = end + 4;
          break;
        }
        case 'length': {
          const take = Math.min(this.left, data.length - at);
          const whole = this.whole as Buffer;
          data.copy(whole, this.filled, at, at + take);
          this.filled += take;
          at += take;
          this.left -= take;
          if (this.left === 0) this.mode = 'done';
          break;
        }
        case 'until-close':
          this.keep(data, at, data.length);
          at = data.length;
          break;
        case 'chunk-size':
        case 'trailer': {
          const newline = data.indexOf(LF, at);
          if (newline < 0) {
            this.line += data.toString('latin1', at);
            if (this.line.length > MAX_HEAD) throw transportError('the engine sent a malformed chunk', 'HPE_INVALID_CHUNK_SIZE');
            return false;
          }
          const text = (this.line + data.toString('latin1', at, newline)).replace(/\r$/, '');
          this.line = '';
          at = newline + 1;
          if (this.mode === 'trailer') {
            if (text === '') this.mode = 'done';
            break;
          }
          if (!/^[0-9a-fA-F]+\s*(;|$)/.test(text)) throw transportError('the engine sent a malformed chunk', 'HPE_INVALID_CHUNK_SIZE');
          const size = parseInt(text, 16);
          if (size === 0) this.mode = 'trailer';
          else {
            this.left = size;
            this.mode = 'chunk-data';
          }
          break;
        }
        case 'chunk-data': {
          const take = Math.min(this.left, data.length - at);
          this.keep(data, at, at + take);
          at += take;
          this.left -= take;
          if (this.left === 0) {
            this.mode = 'chunk-end';
            this.left = 2;
          }
          break;
        }
        case 'chunk-end': {
          // The CRLF after a chunk's data.
          if (data[at] !== (this.left === 2 ? CR : LF)) throw transportError('the engine sent a malformed chunk', 'HPE_INVALID_CHUNK_SIZE');
          at++;
          if (--this.left === 0) this.mode = 'chunk-size';
          break;
        }
        default:
          break;
      }
    }
    if (this.mode === 'done' && at < data.length) this.extra = true;
    return this.mode === 'done';
  }

  private keep(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.size + (to - from) > this.maxBody) throw answerTooLarge(this.path, this.maxBody, null);
    this.parts.push(Buffer.from(data.subarray(from, to)));
    this.size += to - from;
  }

  private readHead(text: string): void {
    const match = /^HTTP\/1\.([01]) (\d{3})/.exec(text);
    if (!match)
      throw transportError(
        `the engine answered with something other than HTTP: ${JSON.stringify(text.slice(0, 60))}`,
        'HPE_INVALID_CONSTANT',
      );
    const status = Number(match[2]);
    // Header names in any case; each value up to the end of its line.
    const lower = text.toLowerCase();
    const header = (name: string): string | null => {
      const at = lower.indexOf(`\r\n${name}:`);
      if (at < 0) return null;
      const from = at + name.length + 3;
      const to = lower.indexOf('\r\n', from);
      return lower.slice(from, to < 0 ? lower.length : to).trim();
    };
    const length = declaredLength(header('content-length'));
    const chunked = /\bchunked\b/.test(header('transfer-encoding') ?? '');
    const connection = header('connection') ?? '';
    const close = /\bclose\b/.test(connection) || (match[1] === '0' && !/\bkeep-alive\b/.test(connection));
    // An interim answer (100 Continue) is followed by the real one.
    if (status >= 100 && status < 200 && status !== 101) {
      this.mode = 'head';
      return;
    }
    this.status = status;
    this.reusable = !close;
    if (status === 204 || status === 304) this.mode = 'done';
    else if (chunked) this.mode = 'chunk-size';
    else if (length !== null) {
      if (length > this.maxBody) throw answerTooLarge(this.path, this.maxBody, length);
      this.left = length;
      this.whole = Buffer.allocUnsafe(length);
      this.mode = length === 0 ? 'done' : 'length';
    } else {
      this.mode = 'until-close';
      this.reusable = false;
    }
  }
}

type Pending = {
  parser: ResponseParser;
  resolve: (answer: GetAnswer) => void;
  reject: (error: Error) => void;
  /** Whether any byte of the answer came: a request on a reused connection that got none may be sent again. */
  answered: boolean;
};

/** Where the engine listens: its unix socket, or a TCP address. */
export type GetEndpoint = { path: string } | { host: string; port: number };

/** Every connection of every pool reads into this one buffer: each read is parsed before the next. */
let readBuffer: Buffer | null = null;
const READ_BUFFER_BYTES = 64 * 1024;

/** One kept-alive connection, carrying one request at a time. */
class Connection {
  readonly socket: Socket;
  pending: Pending | null = null;
  closed = false;
  /** Requests this connection carried (a fresh one has carried none). */
  uses = 0;

  constructor(
    endpoint: GetEndpoint,
    private readonly onIdleClose: (conn: Connection) => void,
  ) {
    // onread: the socket hands each read to onData directly, without a stream's buffering.
    readBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.socket = createConnection({
      ...endpoint,
      onread: {
        buffer: readBuffer,
        callback: (bytes: number, buffer: Uint8Array) => {
          this.onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
          return true;
        },
      },
    });
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => this.onClose(transportError('socket hang up', 'ECONNRESET')));
    this.socket.on('error', (error: Error) => this.onClose(error));
  }

  send(head: string, pending: Pending): void {
    this.pending = pending;
    this.uses++;
    this.socket.ref();
    this.socket.write(head, 'latin1');
  }

  private onData(chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      // Nothing was asked: the connection is out of step. Drop it.
      this.closed = true;
      this.socket.destroy();
      return;
    }
    pending.answered = true;
    let complete: boolean;
    try {
      complete = pending.parser.push(chunk);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (complete) this.complete(pending);
  }

  private onEnd(): void {
    const pending = this.pending;
    if (pending?.parser.end()) this.complete(pending);
    this.closed = true;
    this.socket.end();
  }

  private complete(pending: Pending): void {
    this.pending = null;
    const { parser } = pending;
    if (!parser.reusable || parser.extra) this.closed = true;
    pending.resolve({ status: parser.status, body: parser.body });
  }

  fail(error: Error): void {
    this.closed = true;
    this.socket.destroy();
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  private onClose(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    this.closed = true;
    if (pending) pending.reject(error);
    else this.onIdleClose(this);
  }
}

/**
 * A pool of at most `maxSockets` kept-alive connections to `endpoint`; a request beyond that
 * waits for a free one. Idle connections do not keep the process alive.
 */
export class GetPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: (() => void)[] = [];
  /** One abort listener per caller's signal, for all the requests that share it. */
  private readonly watchers = new WeakMap<AbortSignal, Set<() => void>>();
  private open = 0;
  private destroyed = false;

  constructor(
    private readonly endpoint: GetEndpoint,
    private readonly hostHeader: string,
    private readonly maxSockets: number,
  ) {}

  /** GET `path` (with its query): the status and the body as bytes. */
  async get(path: string, options: GetOptions): Promise<GetAnswer> {
    const { signal } = options;
    if (signal?.aborted) throw aborted(false);
    const head = `GET ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nUser-Agent: homeops\r\n\r\n`;
    let current: Connection | null = null;
    let stop: Error | null = null;
    let waiter: (() => void) | null = null;
    const cancel = (error: Error) => {
      stop ??= error;
      if (waiter) {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        waiter();
      }
      current?.fail(error);
    };
    const timer = setTimeout(() => cancel(aborted(true)), options.timeoutMs);
    const onAbort = () => cancel(aborted(false));
    const watcher = signal ? this.watch(signal) : null;
    watcher?.add(onAbort);
    try {
      for (let attempt = 0; ; attempt++) {
        while (!stop && !this.destroyed && this.idle.length === 0 && this.open >= this.maxSockets) {
          await new Promise<void>((resolve) => {
            waiter = resolve;
            this.waiting.push(resolve);
          });
          waiter = null;
        }
        if (stop) throw stop;
        if (this.destroyed) throw aborted(false);
        const conn = this.take();
        current = conn;
        const reused = conn.uses > 0;
        const pending: Pending = { parser: new ResponseParser(path), resolve: () => {}, reject: () => {}, answered: false };
        try {
          const answer = await new Promise<GetAnswer>((resolve, reject) => {
            pending.resolve = resolve;
            pending.reject = reject;
            conn.send(head, pending);
          });
          return answer;
        } catch (error) {
          // A kept-alive connection the engine closed just as we wrote to it: once more, on a new one.
          if (!stop && reused && !pending.answered && attempt === 0) continue;
          throw stop ?? error;
        } finally {
          current = null;
          this.release(conn);
        }
      }
    } finally {
      clearTimeout(timer);
      watcher?.delete(onAbort);
    }
  }

  /** Closes every connection; requests under way fail. */
  destroy(): void {
    this.destroyed = true;
    for (const conn of this.idle.splice(0)) conn.socket.destroy();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private watch(signal: AbortSignal): Set<() => void> {
    let set = this.watchers.get(signal);
    if (!set) {
      const cancels = new Set<() => void>();
      set = cancels;
      this.watchers.set(signal, cancels);
      signal.addEventListener(
        'abort',
        () => {
          for (const cancel of [...cancels]) cancel();
        },
        { once: true },
      );
    }
    return set;
  }

  private take(): Connection {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      if (!conn.closed) return conn;
      // Ended by the engine while idle; its close is on the way.
      conn.socket.destroy();
      this.open--;
    }
    this.open++;
    return new Connection(this.endpoint, (gone) => {
      // An idle connection the engine closed.
      const index = this.idle.indexOf(gone);
      if (index >= 0) {
        this.idle.splice(index, 1);
        this.open--;
        this.waiting.shift()?.();
      }
    });
  }

  private release(conn: Connection): void {
    if (conn.closed || this.destroyed) {
      conn.socket.destroy();
      this.open--;
    } else {
      conn.socket.unref();
      this.idle.push(conn);
    }
    this.waiting.shift()?.();
  }
}
