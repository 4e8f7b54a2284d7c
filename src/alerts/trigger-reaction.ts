// The watcher's reaction that carries out a trigger's `response: auto`: each tick's Snapshot goes
// to an AutoResponder (src/runbooks/auto-response.ts), which runs what its automatic offers call
// for once per episode. What it does is recorded on the timeline and sent to the channels like an
// alert: its start as `high` (e-mail and dashboard), its end as the same key resolved, a run that
// failed or was not run as `critical` (push and SMS). The run's own start and end reach the
// timeline from the audit log, as every run's do (src/store/audit-feed.ts); what is recorded
// here is what the audit log cannot say: why it was run, and that it was not run.
// A run is not waited for: the watcher's ticks go on while it runs, and a Snapshot that comes
// meanwhile waits for the next tick. Inside the maintenance window nothing is run.
import type { Severity, TimelineEvent } from '../model/timeline.js';
import { type AutoNotice, AutoResponder, type AutoResponseDeps } from '../runbooks/auto-response.js';
import { RunInterruption } from '../runbooks/runner.js';
import type { Message } from './engine.js';
import type { Reaction, WatchTick } from './reactions.js';

export type TriggerReactionDeps = Omit<AutoResponseDeps, 'notify' | 'signal'> & {
  /** Hands a message to the channels (routed by its severity); null: no channels. */
  send: ((message: Message) => void) | null;
  now?: () => number;
  /** How long a run stopped by the watcher's end is waited for before the watcher goes on. */
  closeWaitMs?: number;
};

/** The timeline event for a notice; null for what the audit log records itself (a run's start and end). */
export function noticeEvent(notice: AutoNotice, at: number): TimelineEvent | null {
  if (notice.state === 'started') {
    return { at, kind: 'runbook', subject: notice.runbook, state: 'triggered', severity: 'high', text: `trigger: ${notice.text}` };
  }
  if (notice.state === 'refused') {
    return { at, kind: 'runbook', subject: notice.runbook, state: 'refused', severity: 'critical', text: `trigger: ${notice.text}` };
  }
  return null;
}

/** The message a notice sends: one key per runbook, so that its end resolves its start. */
export function noticeMessage(notice: AutoNotice, at: number): Message {
  const severity: Severity = notice.state === 'started' || notice.state === 'ok' ? 'high' : 'critical';
  const title =
    notice.state === 'started' || notice.state === 'ok'
      ? `automatic run of ${notice.runbook}`
      : notice.state === 'refused'
        ? `automatic run of ${notice.runbook} not done`
        : `automatic run of ${notice.runbook} ${notice.state}`;
  const since = Date.parse(notice.since);
  return {
    state: notice.state === 'ok' ? 'resolved' : 'firing',
    reminder: false,
    severity,
    key: `runbook:${notice.runbook}`,
    pane: 'services',
    host: null,
    title,
    text: notice.text,
    since: Number.isFinite(since) ? since : at,
    at,
  };
}

export class TriggerReaction implements Reaction {
  readonly name = 'automatic response';
  private readonly responder: AutoResponder;
  private readonly stop = new AbortController();
  private record: ((event: TimelineEvent) => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: TriggerReactionDeps) {
    this.responder = new AutoResponder({ ...deps, notify: (notice) => this.notice(notice), signal: this.stop.signal });
  }

  react(tick: WatchTick): void {
    this.record = tick.record;
    // Expected downtime calls for nothing (the offers are empty then too; this holds without them).
    if (tick.maintenance || this.stop.signal.aborted) return;
    // Every Snapshot is handed over, with or without offers: an episode that ended is forgotten,
    // so that it can come back.
    const run = this.responder.respond(tick.snapshot).then(
      () => {},
      (error: unknown) => {
        this.record?.({
          at: this.now(),
          kind: 'runbook',
          subject: 'trigger',
          state: 'refused',
          severity: 'critical',
          text: `trigger: an automatic run could not be made: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** A run still going is interrupted (it stays resumable) and waited for a while. */
  async close(): Promise<void> {
    this.stop.abort(new RunInterruption('the watcher was stopped'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.inFlight),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.deps.closeWaitMs ?? 10_000);
      }),
    ]);
    if (timer) clearTimeout(timer);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private notice(notice: AutoNotice): void {
    const at = this.now();
    const event = noticeEvent(notice, at);
    if (event) this.record?.(event);
    this.deps.send?.(noticeMessage(notice, at));
  }
}
