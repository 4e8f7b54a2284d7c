// The machine the console runs on: child processes (no shell unless asked for) and the
// local filesystem.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  type Command,
  ConnectError,
  ExecError,
  type ExecOptions,
  type ExecResult,
  type FileOptions,
  type FileStat,
  type Host,
  validTag,
} from './host.js';

/** After SIGTERM, how long a process group gets before SIGKILL. */
const KILL_GRACE_MS = 1500;

export function localHost(name = 'local'): Host {
  return {
    name,
    kind: 'local',
    exec: (argv, options) => runLocal({ argv }, options),
    run: runLocal,
    connectTcp: connectLocal,
    async readFile(path, options) {
      const data = await readFile(path, { signal: options.signal });
      if (options.maxBytes !== undefined && data.length > options.maxBytes)
        throw new ExecError('other', `${path}: larger than ${options.maxBytes} bytes`);
      return data;
    },
    async stat(path) {
      try {
        const info = await stat(path);
        return { path, size: info.size, mtimeMs: info.mtimeMs, isDirectory: info.isDirectory() };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async list(dir) {
      const names = await readdir(dir);
      const entries = await Promise.all(
        names.map(async (entry): Promise<FileStat | null> => {
          try {
            const info = await stat(join(dir, entry));
            return { path: join(dir, entry), size: info.size, mtimeMs: info.mtimeMs, isDirectory: info.isDirectory() };
          } catch {
            return null; // gone between readdir and stat
          }
        }),
      );
      return entries.filter((e): e is FileStat => e !== null);
    },
    close() {},
  };
}

/** Kept for callers that only need a one-shot local command. */
export function execLocal(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  return runLocal({ argv }, options);
}

export function runLocal(command: Command, options: ExecOptions): Promise<ExecResult> {
  // With a tag, the shell's $0 carries it (argv goes through `exec "$@"` for that).
  const tag = options.tag !== undefined && validTag(options.tag) ? options.tag : null;
  const [file, ...args] =
    'shell' in command
      ? ['/bin/sh', '-c', command.shell, ...(tag ? [tag] : [])]
      : tag
        ? ['/bin/sh', '-c', 'exec "$@"', tag, ...command.argv]
        : command.argv;
  if (!file) return Promise.reject(new ExecError('other', 'empty command'));
  const label = 'shell' in command ? 'sh' : file;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ExecError('aborted', `${label}: aborted`));
      return;
    }
    const child = spawn(file, args, {
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stopping it stops everything it started.
      detached: true,
      windowsHide: true,
    });
    if (child.pid !== undefined) options.onStarted?.(child.pid);
    const limit = options.maxBuffer ?? 4 * 1024 * 1024;
    const out = { stdout: '', stderr: '' };
    let failure: ExecError | null = null;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (why: ExecError) => {
      if (failure) return;
      failure = why;
      const group = child.pid;
      if (group === undefined) return;
      try {
        process.kill(-group, 'SIGTERM');
      } catch {
        // already gone
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // already gone
        }
      }, KILL_GRACE_MS);
      killTimer.unref();
    };

    const timer = setTimeout(() => stop(new ExecError('timeout', `${label}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = () => stop(new ExecError('aborted', `${label}: aborted`));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        if (out[stream].length + chunk.length > limit) {
          stop(new ExecError('other', `${label}: output larger than ${limit} bytes`));
          return;
        }
        out[stream] += chunk;
        options.onOutput?.(stream, chunk);
      });
    }
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      finish();
      if (error.code === 'ENOENT') reject(new ExecError('not-found', `${label}: command not found`));
      else if (error.code === 'EACCES') reject(new ExecError('permission', `${label}: permission denied`));
      else reject(new ExecError('other', `${label}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      finish();
      if (killTimer) clearTimeout(killTimer);
      if (failure) reject(failure);
      else resolve({ stdout: out.stdout, stderr: out.stderr, code, signal });
    });
  });
}

/** How a socket error reads as a ConnectError's reason. */
export function connectReason(code: string | undefined): 'refused' | 'timeout' | 'unreachable' {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'unreachable';
}

/** A TCP connection from this machine, given up at the timeout or an abort. */
export function connectLocal(address: string, port: number, options: FileOptions): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ConnectError('aborted', 'aborted'));
    const socket = connect({ host: address, port });
    const fail = (error: ConnectError) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(new ConnectError('aborted', 'aborted'));
    const timer = setTimeout(
      () => fail(new ConnectError('timeout', `${address}:${port}: no connection within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onError = (error: NodeJS.ErrnoException) =>
      fail(new ConnectError(connectReason(error.code), `${address}:${port}: ${error.code ?? error.message}`));
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      // Whoever uses the connection listens for its errors; one before then must not crash the console.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
