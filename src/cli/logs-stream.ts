// The lines of a logs panel: one container's stream, or a plan group's streams merged by the
// time the engine gave each line. Memory is bounded however chatty the containers are: at most
// `keep` lines and `maxChars` characters are kept (the oldest go first, counted as dropped),
// and the panel is published at most once per `publishMs`, one copy of the lines each time.
import type { ContainerActions } from '../docker/actions.js';
import type { ContainerTarget, LogLineView, LogsPanel } from '../ui/console-state.js';

/** Characters a logs panel keeps at most, whatever the line count: a few megabytes. */
export const LOG_MAX_CHARS = 4 * 1024 * 1024;

export type LogsSource = {
  targets: readonly ContainerTarget[];
  /** The plan group whose containers these are; null for one container. */
  group: string | null;
  /** How far back to start ("5m", shown in the title) and from when (ms); null: the last lines. */
  since: { label: string; ms: number } | null;
};

export type LogsStreamOptions = {
  actions: ContainerActions;
  keep: number;
  maxChars?: number;
  publishMs: number;
  /** Called with the panel to show, at most once per publishMs while lines come. */
  publish(panel: LogsPanel): void;
};

type Kept = LogLineView & { time: number | null };

export class LogsStream {
  private readonly controller = new AbortController();
  private readonly lines: Kept[] = [];
  private chars = 0;
  private dropped = 0;
  private ended = 0;
  private error: string | null = null;
  private state: LogsPanel['state'] = 'loading';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly source: LogsSource,
    private readonly options: LogsStreamOptions,
  ) {
    this.publishNow();
    for (const target of source.targets) void this.read(target);
  }

  /** The lines kept now, oldest first. */
  snapshot(): readonly LogLineView[] {
    return this.lines;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  stop(): void {
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(target: ContainerTarget): Promise<void> {
    const { signal } = this.controller;
    const merged = this.source.targets.length > 1;
    try {
      const stream = this.options.actions.logs(
        { host: target.host, id: target.id, name: target.name },
        { follow: true, signal, ...(this.source.since ? { sinceMs: this.source.since.ms, tail: this.options.keep } : {}) },
      );
      for await (const line of stream) {
        if (signal.aborted) return;
        this.add({ stream: line.stream, text: line.text, at: line.at, ...(merged ? { source: target.name } : {}) });
      }
      if (signal.aborted) return;
      this.ended++;
    } catch (error) {
      if (signal.aborted) return;
      this.ended++;
      const text = error instanceof Error ? error.message : String(error);
      this.error = merged ? `${target.name}: ${text}` : text;
    }
    if (this.ended === this.source.targets.length) this.state = this.error && this.lines.length === 0 ? 'failed' : 'ended';
    this.publishNow();
  }

  private add(line: LogLineView): void {
    const time = line.at ? Date.parse(line.at) : null;
    const kept: Kept = { ...line, time: Number.isNaN(time) ? null : time };
    // Merged streams: in the order of the engine's times (ties and lines without one in the
    // order they came). Lines come in order per stream, so the place is near the end.
    let at = this.lines.length;
    if (kept.time !== null && this.source.targets.length > 1) {
      while (at > 0) {
        const before = this.lines[at - 1]?.time ?? null;
        if (before === null || before <= kept.time) break;
        at--;
      }
    }
    this.lines.splice(at, 0, kept);
    this.chars += line.text.length;
    let cut = 0;
    while (
      this.lines.length - cut > this.options.keep ||
      (this.chars > (this.options.maxChars ?? LOG_MAX_CHARS) && this.lines.length - cut > 1)
    ) {
      this.chars -= this.lines[cut]?.text.length ?? 0;
      cut++;
    }
    if (cut) {
      this.lines.splice(0, cut);
      this.dropped += cut;
    }
    if (this.state === 'loading') this.state = 'following';
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.publishNow();
    }, this.options.publishMs);
  }

  private publishNow(): void {
    if (this.controller.signal.aborted) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const first = this.source.targets[0];
    const hosts = [...new Set(this.source.targets.map((t) => t.host))];
    this.options.publish({
      kind: 'logs',
      container: this.source.group ?? first?.name ?? '',
      host: hosts.join(', '),
      group: this.source.group === null ? null : { name: this.source.group, containers: this.source.targets.length },
      since: this.source.since?.label ?? null,
      lines: this.lines.map(({ time: _time, ...line }) => line),
      state: this.state,
      error: this.error,
      dropped: this.dropped,
    });
  }
}
