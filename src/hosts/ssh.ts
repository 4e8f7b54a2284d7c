// A host reached over SSH: one pooled ssh2 connection (keepalive, connect timeout, reconnect
// with backoff), host keys checked against known_hosts, commands that really stop when aborted
// or timed out, and files over SFTP.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig, FileEntry, SFTPWrapper, Stats } from 'ssh2';

type Ssh2 = typeof import('ssh2');
let ssh2Loading: Promise<Ssh2> | null = null;

/** ssh2 is loaded on the first connection: a console that reaches no host over SSH never pays for it (~14 MB). */
function loadSsh2(): Promise<Ssh2> {
  ssh2Loading ??= import('ssh2').then((module) => (module as { default?: Ssh2 }).default ?? module);
  return ssh2Loading;
}

import { type Env, expandHome } from '../config/paths.js';
import type { HostConfig } from '../config/schema.js';
import {
  type Command,
  ConnectError,
  commandLine,
  ExecError,
  type ExecOptions,
  type ExecResult,
  type FileOptions,
  type FileStat,
  type Host,
  shellQuote,
  validTag,
} from './host.js';
import { hostKeyAlgorithmsFor, loadIdentity } from './identity.js';
import { checkHostKey, fingerprint, keyTypeOf, knownHostName, knownHostsLine, knownKeyTypes, parseKnownHosts } from './known-hosts.js';
import { parseSshConfig, resolveAlias } from './ssh-config.js';

export type SshTarget = {
  name: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  agent: string | undefined;
  knownHostsFile: string;
  hostKeyPolicy: 'strict' | 'accept-new';
  connectTimeoutMs: number;
  keepaliveMs: number;
};

/** Where a configured host is reached: config first, then ~/.ssh/config for the alias, then defaults. */
export function resolveSshTarget(name: string, host: HostConfig, env: Env): SshTarget {
  const ssh = host.ssh ?? { hostKey: 'strict' as const, connectTimeout: 8000 };
  const home = env.HOME || homedir();
  const alias = ssh.host ?? host.address ?? name;
  let fromConfig: ReturnType<typeof resolveAlias> = { identityFiles: [] };
  const configFile = join(home, '.ssh', 'config');
  try {
    if (existsSync(configFile)) fromConfig = resolveAlias(parseSshConfig(readFileSync(configFile, 'utf8')), alias);
  } catch {
    // An unreadable ssh config is the same as none.
  }
  const identityFiles = [
    ...(ssh.identityFile ? [ssh.identityFile] : []),
    ...fromConfig.identityFiles,
    ...['id_ed25519', 'id_ecdsa', 'id_rsa'].map((file) => join(home, '.ssh', file)),
  ].map((file) => expandHome(file, env));
  return {
    name,
    host: fromConfig.hostName ?? alias,
    port: ssh.port ?? fromConfig.port ?? 22,
    user: ssh.user ?? fromConfig.user ?? env.USER ?? 'root',
    identityFiles: [...new Set(identityFiles)],
    agent: env.SSH_AUTH_SOCK || undefined,
    knownHostsFile: expandHome(ssh.knownHosts ?? join(home, '.ssh', 'known_hosts'), env),
    hostKeyPolicy: ssh.hostKey,
    connectTimeoutMs: ssh.connectTimeout,
    keepaliveMs: 10_000,
  };
}

/**
 * Why a connection could not be made, in the words an operator acts on: refused (sshd is not
 * running), no route or timed out (the machine is off), the name not resolved, no handshake (it
 * accepts and never speaks SSH), authentication refused. The system's own code stays in brackets.
 */
export function connectFailure(
  error: Error & { level?: string; code?: string },
  target: Pick<SshTarget, 'user' | 'host' | 'port' | 'connectTimeoutMs'>,
  keyProblem: string | null = null,
): string {
  const where = `${target.host}:${target.port}`;
  // Why the configured keys were not offered (too open, encrypted without an agent) says more than ssh2's "All configured authentication methods failed".
  if (error.level === 'client-authentication') return `authentication as ${target.user} refused: ${keyProblem ?? error.message}`;
  if (/Timed out while waiting for handshake/i.test(error.message)) return `no SSH handshake within ${target.connectTimeoutMs} ms`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `name ${target.host} not resolved (${error.code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} (${error.code})`;
    case 'ETIMEDOUT':
      return `no answer from ${where} (ETIMEDOUT)`;
    case 'ECONNRESET':
      return `connection reset by ${where} (ECONNRESET)`;
    default:
      return error.message.replace(/^connect /, '');
  }
}

const PID_MARKER = '\u001eHOMEOPS-PID ';
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

type Connected = { client: Client; sftp: Promise<SFTPWrapper> | null };

export class SshHost implements Host {
  readonly kind = 'ssh' as const;
  readonly name: string;
  private connected: Connected | null = null;
  private connecting: Promise<Connected> | null = null;
  private failures = 0;
  private retryAt = 0;
  private unreachableSince: number | null = null;
  private lastReason = '';
  private hostKeyProblem: string | null = null;

  constructor(
    readonly target: SshTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.name = target.name;
  }

  /** When the host stopped answering, why, and when the next try is due; null while it answers. */
  get unreachable(): { since: number; reason: string; retryAt: number } | null {
    return this.unreachableSince === null ? null : { since: this.unreachableSince, reason: this.lastReason, retryAt: this.retryAt };
  }

  /** The next use tries to connect at once (the operator pressed r), whatever the backoff says. */
  retryNow(): void {
    this.retryAt = 0;
  }

  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.run({ argv }, options);
  }

  async run(command: Command, options: ExecOptions): Promise<ExecResult> {
    const started = this.now();
    const { client } = await this.connection(options.signal, options.timeoutMs);
    const remaining = Math.max(1, options.timeoutMs - (this.now() - started));
    const env = Object.entries(options.env ?? {}).filter(
      (e): e is [string, string] => e[1] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e[0]),
    );
    const prefix = env.map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
    // The remote shell reports its PID first (it is the leader of the session's process
    // group), then becomes the command; stopping the command kills that whole group.
    // With a tag, the command's shell carries it as its $0: it can be found there again.
    const tag = options.tag !== undefined && validTag(options.tag) ? ` ${options.tag}` : '';
    const line = `printf '${PID_MARKER.replace('\u001e', '\\036')}%s\\n' "$$" >&2; ${prefix}exec sh -c ${shellQuote(commandLine(command))}${tag}`;
    return new Promise<ExecResult>((resolve, reject) => {
      let pid: number | null = null;
      let failure: ExecError | null = null;
      let settled = false;
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      const out = { stdout: '', stderr: '' };
      let stderrHead = '';
      let channel: ClientChannel | null = null;
      const limit = options.maxBuffer ?? 4 * 1024 * 1024;

      const finish = (error: ExecError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        client.off('close', onConnectionLost);
        if (error) reject(error);
        else resolve({ stdout: out.stdout, stderr: out.stderr, code: exitCode, signal: exitSignal });
      };
      const stop = (why: ExecError) => {
        if (failure || settled) return;
        failure = why;
        try {
          channel?.signal('TERM');
        } catch {
          // not supported by this server or channel already closed
        }
        if (pid !== null) this.kill(pid);
        channel?.close();
        // If the channel does not close promptly, the caller still hears about it now.
        setTimeout(() => finish(why), 200).unref();
      };
      const timer = setTimeout(() => stop(new ExecError('timeout', `${this.name}: no answer within ${options.timeoutMs} ms`)), remaining);
      const onAbort = () => stop(new ExecError('aborted', `${this.name}: aborted`));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // The command may well go on there: it is not known to have stopped (see runbooks/orphans.ts).
      const onConnectionLost = () =>
        finish(
          failure ??
            new ExecError(
              'connection-lost',
              `${this.name}: connection lost while the command ran (${this.lastReason || 'closed by the server'})`,
            ),
        );
      client.once('close', onConnectionLost);

      const take = (stream: 'stdout' | 'stderr', chunk: string) => {
        if (out[stream].length + chunk.length > limit) {
          stop(new ExecError('other', `${this.name}: output larger than ${limit} bytes`));
          return;
        }
        out[stream] += chunk;
        options.onOutput?.(stream, chunk);
      };

      client.exec(line, (error, stream) => {
        if (error) {
          finish(new ExecError('unreachable', `${this.name}: cannot start a command: ${error.message}`));
          return;
        }
        channel = stream;
        if (failure) stream.close();
        stream.setEncoding('utf8');
        stream.stderr.setEncoding('utf8');
        stream.on('data', (chunk: string) => take('stdout', chunk));
        stream.stderr.on('data', (chunk: string) => {
          if (pid === null && stderrHead !== null) {
            stderrHead += chunk;
            const end = stderrHead.indexOf('\n');
            if (end < 0) return;
            const first = stderrHead.slice(0, end);
            const rest = stderrHead.slice(end + 1);
            if (first.startsWith(PID_MARKER)) {
              pid = Number(first.slice(PID_MARKER.length)) || null;
              if (pid !== null) options.onStarted?.(pid);
            } else take('stderr', `${first}\n`);
            stderrHead = '';
            if (rest) take('stderr', rest);
            if (failure && pid !== null) this.kill(pid);
            return;
          }
          take('stderr', chunk);
        });
        stream.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? null;
          exitSignal = signal ?? null;
        });
        stream.on('close', () => finish(failure));
      });
    });
  }

  /**
   * A raw channel running `command` on the pooled connection (e.g. `docker system dial-stdio`,
   * for a protocol spoken over the command's stdin/stdout). The caller ends it.
   */
  async openChannel(command: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Duplex> {
    const { client } = await this.connection(options.signal, options.timeoutMs);
    return new Promise<Duplex>((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error) reject(new ExecError('unreachable', `${this.name}: cannot start ${command}: ${error.message}`));
        else resolve(stream);
      });
    });
  }

  /**
   * A TCP connection made by the host itself (a direct-tcpip channel on the pooled connection):
   * what answers there, as that host sees it.
   */
  async connectTcp(address: string, port: number, options: FileOptions): Promise<Duplex> {
    const started = this.now();
    let client: Client;
    try {
      ({ client } = await this.connection(options.signal, options.timeoutMs));
    } catch (error) {
      throw new ConnectError(
        error instanceof ExecError && error.reason === 'aborted' ? 'aborted' : 'origin-down',
        (error as Error).message,
      );
    }
    const remaining = Math.max(1, options.timeoutMs - (this.now() - started));
    return new Promise<Duplex>((resolve, reject) => {
      let settled = false;
      const settle = (error: ConnectError | null, channel?: ClientChannel) => {
        if (settled) {
          channel?.destroy();
          return;
        }
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (channel) resolve(channel);
      };
      const onAbort = () => settle(new ConnectError('aborted', 'aborted'));
      const timer = setTimeout(
        () => settle(new ConnectError('timeout', `${address}:${port} from ${this.name}: no connection within ${options.timeoutMs} ms`)),
        remaining,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      client.forwardOut('127.0.0.1', 0, address, port, (error, channel) => {
        if (!error) return settle(null, channel);
        // The server says why it could not open the channel (OpenSSH: "Connection refused").
        const text = error.message.replace(/^\(SSH\) Channel open failure: /, '');
        const reason = /refused/i.test(text) ? 'refused' : /timed? ?out/i.test(text) ? 'timeout' : 'unreachable';
        settle(new ConnectError(reason, `${address}:${port} from ${this.name}: ${text}`));
      });
    });
  }

  /** Stops a remote process group: TERM, then KILL a little later, on a channel of its own. */
  private kill(pid: number): void {
    const connected = this.connected;
    if (!connected || !Number.isInteger(pid) || pid <= 1) return;
    const script = `kill -TERM -- -${pid} 2>/dev/null || kill -TERM ${pid} 2>/dev/null; sleep 1; kill -KILL -- -${pid} 2>/dev/null; true`;
    connected.client.exec(script, (error, stream) => {
      if (!error)
        stream
          .resume()
          .on('close', () => {})
          .stderr.resume();
    });
  }

  async readFile(path: string, options: FileOptions & { maxBytes?: number }): Promise<Buffer> {
    const sftp = await this.sftp(options);
    return this.withTimeout<Buffer>(options, `read ${path}`, (done) => sftp.readFile(path, (error, data) => done(error, data))).then(
      (data) => {
        if (options.maxBytes !== undefined && data.length > options.maxBytes)
          throw new ExecError('other', `${path}: larger than ${options.maxBytes} bytes`);
        return data;
      },
    );
  }

  async stat(path: string, options: FileOptions): Promise<FileStat | null> {
    const sftp = await this.sftp(options);
    try {
      const attrs = await this.withTimeout<Stats>(options, `stat ${path}`, (done) => sftp.stat(path, (error, stats) => done(error, stats)));
      return { path, size: attrs.size, mtimeMs: attrs.mtime * 1000, isDirectory: (attrs.mode & 0o170000) === 0o040000 };
    } catch (error) {
      if ((error as { code?: number }).code === 2) return null; // SSH_FX_NO_SUCH_FILE
      throw error;
    }
  }

  async list(dir: string, options: FileOptions): Promise<FileStat[]> {
    const sftp = await this.sftp(options);
    const entries = await this.withTimeout<FileEntry[]>(options, `list ${dir}`, (done) =>
      sftp.readdir(dir, (error, list) => done(error, list)),
    );
    const base = dir.endsWith('/') ? dir : `${dir}/`;
    return entries.map((entry) => ({
      path: `${base}${entry.filename}`,
      size: entry.attrs.size,
      mtimeMs: entry.attrs.mtime * 1000,
      isDirectory: (entry.attrs.mode & 0o170000) === 0o040000,
    }));
  }

  close(): void {
    this.connected?.client.end();
    this.connected = null;
    this.connecting = null;
  }

  private async sftp(options: FileOptions): Promise<SFTPWrapper> {
    const connected = await this.connection(options.signal, options.timeoutMs);
    connected.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      connected.client.sftp((error, sftp) => {
        if (error) {
          connected.sftp = null;
          reject(new ExecError('other', `${this.name}: SFTP is not available: ${error.message}`));
        } else resolve(sftp);
      });
    });
    return connected.sftp;
  }

  private withTimeout<T>(
    options: FileOptions,
    what: string,
    start: (done: (error: Error | null | undefined, value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ExecError('timeout', `${this.name}: ${what}: no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ExecError('aborted', `${this.name}: ${what}: aborted`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      start((error, value) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          const failure = new ExecError('other', `${this.name}: ${what}: ${error.message}`) as ExecError & { code?: unknown };
          failure.code = (error as { code?: unknown }).code;
          reject(failure);
        } else resolve(value);
      });
    });
  }

  /** The pooled connection: reused while it lives; after a failure, retried with backoff. */
  private connection(signal: AbortSignal | undefined, timeoutMs: number): Promise<Connected> {
    if (this.connected) return Promise.resolve(this.connected);
    if (signal?.aborted) return Promise.reject(new ExecError('aborted', `${this.name}: aborted`));
    const now = this.now();
    if (!this.connecting && now < this.retryAt) {
      // The countdown to the next try is the host's state (unreachable.retryAt), said once
      // where it is shown; the message names the host, since when and why.
      const since = this.unreachableSince ?? now;
      return Promise.reject(new ExecError('unreachable', `${this.name} unreachable since ${clock(since)} (${this.lastReason})`));
    }
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    const attempt = this.connecting;
    // A caller's own deadline or abort ends its wait, not the connection attempt others share.
    // Not reaching the host is 'unreachable', not 'timeout': nothing ran, so no command was slow.
    return new Promise<Connected>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ExecError('unreachable', `${this.name}: no SSH connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = () => reject(new ExecError('aborted', `${this.name}: aborted`));
      signal?.addEventListener('abort', onAbort, { once: true });
      attempt.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }

  /** Key types known_hosts already holds for this host; none when it cannot be read (the verifier says why). */
  private knownTypes(): string[] {
    const { target } = this;
    try {
      return knownKeyTypes(parseKnownHosts(readFileSync(target.knownHostsFile, 'utf8')), target.host, target.port);
    } catch {
      return [];
    }
  }

  private verifyHostKey(blob: Buffer): boolean {
    const { target } = this;
    const name = knownHostName(target.host, target.port);
    let text = '';
    try {
      text = existsSync(target.knownHostsFile) ? readFileSync(target.knownHostsFile, 'utf8') : '';
    } catch (error) {
      this.hostKeyProblem = `cannot read ${target.knownHostsFile} (${(error as Error).message}); refusing to connect without checking the host key`;
      return false;
    }
    const verdict = checkHostKey(parseKnownHosts(text), target.host, target.port, blob);
    const print = `${keyTypeOf(blob)} ${fingerprint(blob)}`;
    const where = `${target.host}:${target.port}`;
    if (verdict.kind === 'known') return true;
    if (verdict.kind === 'changed') {
      const known = verdict.keyType === keyTypeOf(blob) ? '' : ` (an ${verdict.keyType} key)`;
      this.hostKeyProblem = `HOST KEY CHANGED for ${this.name} (${where}): the server now shows ${print}, unlike line ${verdict.line} of ${target.knownHostsFile}${known}. Refusing to connect. If the machine was reinstalled, remove the old key with: ssh-keygen -R '${name}' -f ${target.knownHostsFile}`;
      return false;
    }
    if (verdict.kind === 'revoked') {
      this.hostKeyProblem = `the host key of ${this.name} (${where}) is marked @revoked on line ${verdict.line} of ${target.knownHostsFile}; refusing to connect`;
      return false;
    }
    if (target.hostKeyPolicy === 'accept-new') {
      try {
        mkdirSync(dirname(target.knownHostsFile), { recursive: true, mode: 0o700 });
        appendFileSync(target.knownHostsFile, `${knownHostsLine(name, blob)}\n`, { mode: 0o600 });
      } catch (error) {
        this.hostKeyProblem = `cannot record the new host key of ${this.name} in ${target.knownHostsFile}: ${(error as Error).message}`;
        return false;
      }
      return true;
    }
    const scan = `ssh-keyscan ${target.port === 22 ? '' : `-p ${target.port} `}${target.host} >> ${target.knownHostsFile}`;
    this.hostKeyProblem = `unknown host key for ${this.name} (${where}): ${print}. If that is the right machine, add it with: ${scan} (or set hosts.${this.name}.ssh.hostKey: accept-new)`;
    return false;
  }

  private async connect(): Promise<Connected> {
    const { target } = this;
    const { Client, utils } = await loadSsh2();
    const identity = loadIdentity(target.identityFiles, (data) => !(utils.parseKey(data) instanceof Error), target.agent !== undefined);
    return new Promise<Connected>((resolve, reject) => {
      const client = new Client();
      this.hostKeyProblem = null;
      let ready = false;
      let failed = false;
      // One attempt fails once, with its first reason: ssh2 reports a handshake timeout as an
      // error and then closes the socket, and the close is not the server's doing.
      const fail = (reason: string, hostKey: boolean) => {
        if (failed) return;
        failed = true;
        client.end();
        const now = this.now();
        this.unreachableSince ??= now;
        this.lastReason = reason;
        this.retryAt = now + (BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 30_000);
        this.failures++;
        reject(
          new ExecError(
            hostKey ? 'permission' : 'unreachable',
            hostKey ? reason : `${this.name} unreachable since ${clock(this.unreachableSince)} (${reason})`,
          ),
        );
      };
      client.on('ready', () => {
        ready = true;
        this.failures = 0;
        this.retryAt = 0;
        this.unreachableSince = null;
        this.lastReason = '';
        const connected: Connected = { client, sftp: null };
        this.connected = connected;
        resolve(connected);
      });
      client.on('error', (error: Error & { level?: string }) => {
        if (ready) {
          this.lastReason = error.message;
          return;
        }
        if (this.hostKeyProblem) fail(this.hostKeyProblem, true);
        else fail(connectFailure(error, target, identity.problem), false);
      });
      client.on('close', () => {
        if (this.connected?.client === client) {
          this.connected = null;
          this.unreachableSince ??= this.now();
          this.lastReason ||= 'connection closed';
        }
        if (!ready) fail(this.hostKeyProblem ?? 'closed by the server during the handshake', this.hostKeyProblem !== null);
      });
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey: identity.key,
        agent: target.agent,
        readyTimeout: target.connectTimeoutMs,
        keepaliveInterval: target.keepaliveMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => this.verifyHostKey(key),
        algorithms: { serverHostKey: hostKeyAlgorithmsFor(this.knownTypes()) },
      };
      try {
        client.connect(config);
      } catch (error) {
        fail((error as Error).message, false);
      }
    });
  }
}
