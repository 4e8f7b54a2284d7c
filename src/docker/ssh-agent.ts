// The engine over SSH without a handshake per call: an http.Agent whose connections are
// `docker system dial-stdio` channels on the host's one pooled ssh2 connection (src/hosts/ssh.ts).
// Keep-alive reuses a channel for the next request; maxSockets keeps us under sshd's MaxSessions.
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';

/** What the agent needs of a host: SshHost has it. */
export type ChannelOpener = {
  readonly name: string;
  openChannel(command: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Duplex>;
};

/** How the last dial-stdio channel that failed ended, to explain a bare "socket hang up". */
export type DialFailure = { code: number | null; stderr: string; at: number };

type SocketMethods = 'setKeepAlive' | 'setNoDelay' | 'setTimeout' | 'ref' | 'unref';

/** The HTTP client and agent call a few net.Socket methods an SSH channel lacks: no-ops here. */
function socketLike(channel: Duplex): Socket {
  const target = channel as Duplex & Partial<Record<SocketMethods, () => Duplex>>;
  for (const method of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof target[method] !== 'function') target[method] = () => channel;
  }
  // Node's http client treats the connection as a net.Socket; the methods it calls exist now.
  return target as unknown as Socket;
}

type ChannelWithStderr = Duplex & { stderr?: NodeJS.ReadableStream };

export class DialStdioAgent extends Agent {
  lastFailure: DialFailure | null = null;
  private readonly channels = new Set<Duplex>();

  constructor(
    private readonly host: ChannelOpener,
    /** The remote command line, e.g. `docker system dial-stdio` (with an env prefix for another socket). */
    readonly command: string,
    private readonly connectTimeoutMs: number,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 6, maxFreeSockets: 2, ...options });
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    this.host.openChannel(this.command, { timeoutMs: this.connectTimeoutMs }).then(
      (channel) => {
        this.channels.add(channel);
        const stderr = (channel as ChannelWithStderr).stderr;
        let errText = '';
        stderr?.on('data', (chunk: Buffer | string) => {
          if (errText.length < 2000) errText += chunk.toString();
        });
        channel.on('exit', (code: number | null) => {
          if (code !== 0 || errText) this.lastFailure = { code, stderr: errText.trim(), at: Date.now() };
        });
        channel.once('close', () => this.channels.delete(channel));
        // A channel that fails is reported through the request it carries; never unhandled.
        channel.on('error', () => {});
        callback?.(null, socketLike(channel));
      },
      (error: unknown) => callback?.(error instanceof Error ? error : new Error(String(error)), undefined as unknown as Duplex),
    );
    return undefined;
  }

  /** Printed as its name: an error or a debug print of a request's options never walks its channels. */
  [inspect.custom](): string {
    return `DialStdioAgent(${this.host.name})`;
  }

  override destroy(): void {
    super.destroy();
    for (const channel of this.channels) channel.destroy();
    this.channels.clear();
  }
}
