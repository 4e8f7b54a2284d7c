// What the console shows, as one immutable ConsoleState, and its status-bar messages. Every
// service changes the state through here; the App hears of each change at once, or, for output
// that streams in, at most once every publishMs.
import type { ConsoleState, ConsoleStateSource, MessageTone } from '../../ui/console-state.js';

export class ConsoleBoard implements ConsoleStateSource {
  private state: ConsoleState;
  private readonly listeners = new Set<(state: ConsoleState) => void>();
  private messageIds = 0;
  private messageTimer: NodeJS.Timeout | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private shut = false;

  constructor(
    initial: ConsoleState,
    private readonly timing: { messageMs?: number; publishMs?: number } = {},
  ) {
    this.state = initial;
  }

  /** True once the console is closing: nothing new starts, nothing more is said. */
  get closed(): boolean {
    return this.shut;
  }

  current(): ConsoleState {
    return this.state;
  }

  subscribe(listener: (state: ConsoleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes the state; `soon`: published with the next batch rather than at once. */
  set(patch: Partial<ConsoleState>, soon = false): void {
    this.state = { ...this.state, ...patch };
    if (soon) {
      this.dirty = true;
      if (!this.publishTimer && !this.shut) {
        this.publishTimer = setTimeout(() => {
          this.publishTimer = null;
          this.flush();
        }, this.timing.publishMs ?? 80);
      }
      return;
    }
    this.flush();
  }

  /** Publishes a batch still waiting, if there is one. */
  flushPending(): void {
    if (this.dirty) this.flush();
  }

  private flush(): void {
    if (this.publishTimer) {
      clearTimeout(this.publishTimer);
      this.publishTimer = null;
    }
    this.dirty = false;
    for (const listener of this.listeners) listener(this.state);
  }

  /** A line in the status bar, gone after messageMs (or when the next one comes). */
  say(text: string, tone: MessageTone): void {
    if (this.shut) return;
    const id = ++this.messageIds;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => {
      this.messageTimer = null;
      if (this.state.message?.id === id) this.set({ message: null });
    }, this.timing.messageMs ?? 6000);
    this.messageTimer.unref?.();
    this.set({ message: { id, text, tone } });
  }

  close(): void {
    this.shut = true;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.messageTimer = null;
    this.publishTimer = null;
  }
}
