// Sends the watcher's messages to the channels their severity is routed to. Each channel gets
// its messages one at a time and in order (a resolution never overtakes its firing); a failed
// delivery is tried again after 5 s and 30 s, then reported; nothing here ever throws at the
// watcher. What a channel says back in an error passes through the redactor (a server that
// echoes the token). A channel's code is loaded when it first has something to send.
import type { ChannelConfig } from '../config/schema.js';
import type { Sender, SenderDeps } from './channels/senders.js';
import type { Message } from './engine.js';
import { channelsFor } from './routes.js';

export type Delivery = {
  channel: string;
  type: ChannelConfig['type'];
  message: Message;
  ok: boolean;
  error: string | null;
  attempts: number;
};

export type NotifierDeps = SenderDeps & {
  redact(text: string): string;
  /** Each delivery's outcome, after its last try. */
  onResult(delivery: Delivery): void;
  retryDelaysMs?: readonly number[];
  /** Replaceable for tests. */
  makeSender?: (channel: ChannelConfig, deps: SenderDeps) => Promise<Sender>;
};

const RETRIES_MS = [5_000, 30_000];

export class Notifier {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly senders = new Map<string, Promise<Sender>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly channels: readonly ChannelConfig[],
    private readonly deps: NotifierDeps,
  ) {}

  get size(): number {
    return this.channels.length;
  }

  send(message: Message): void {
    for (const channel of channelsFor(message.severity, this.channels)) {
      const before = this.queues.get(channel.name) ?? Promise.resolve();
      const next = before.then(() => this.deliver(channel, message));
      this.queues.set(channel.name, next);
    }
  }

  /** Resolves when everything queued has been delivered or given up, or after `ms`. */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.queues.values()),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    if (timer) clearTimeout(timer);
  }

  /** Stops what is in flight and every retry. */
  close(): void {
    this.abort.abort(new Error('the watcher stopped'));
  }

  private sender(channel: ChannelConfig): Promise<Sender> {
    let found = this.senders.get(channel.name);
    if (!found) {
      found = (this.deps.makeSender ?? defaultMakeSender)(channel, this.deps);
      // A channel that cannot be made (its CA file is missing) is tried again at the next message.
      found.catch(() => this.senders.delete(channel.name));
      this.senders.set(channel.name, found);
    }
    return found;
  }

  private async deliver(channel: ChannelConfig, message: Message): Promise<void> {
    const delays = this.deps.retryDelaysMs ?? RETRIES_MS;
    let error = '';
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      if (this.abort.signal.aborted) break;
      try {
        const send = await this.sender(channel);
        await send(message, this.abort.signal);
        this.deps.onResult({ channel: channel.name, type: channel.type, message, ok: true, error: null, attempts: attempt });
        return;
      } catch (caught) {
        error = this.deps.redact(caught instanceof Error ? caught.message : String(caught)).split('\n')[0] ?? '';
      }
      const wait = delays[attempt - 1];
      if (wait === undefined) {
        this.deps.onResult({ channel: channel.name, type: channel.type, message, ok: false, error, attempts: attempt });
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.abort.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
    this.deps.onResult({
      channel: channel.name,
      type: channel.type,
      message,
      ok: false,
      error: error || 'the watcher stopped before it was sent',
      attempts: 0,
    });
  }
}

async function defaultMakeSender(channel: ChannelConfig, deps: SenderDeps): Promise<Sender> {
  const { makeSender } = await import('./channels/senders.js');
  return makeSender(channel, deps);
}
