// The watcher's work per tick, without the process around it (cli/watch.ts has the signals, the
// lock and stdout): what changed is worked out from the Snapshot, runs and actions are read from
// the audit log, the reactions see the tick, and all of it is recorded in one transaction and
// said one line per event.

import type { Reaction, WatchTick } from '../alerts/reactions.js';
import { type Recorded, recordedFrom, stateChanges } from '../alerts/state-changes.js';
import type { Snapshot } from '../model/snapshot.js';
import type { TimelineEvent } from '../model/timeline.js';
import { readAuditSince } from '../store/audit-feed.js';
import type { Recorder } from '../store/recorder.js';

const AUDIT_OFFSET = 'audit.offset';
const DAY = 86_400_000;

/** A step of the tick that has more to say than state changes (the alerts, the history). */
export type TickStep = {
  readonly name: string;
  /** Events to record for this snapshot; `record` adds them to the tick's. */
  step(snapshot: Snapshot, now: number, record: (event: TimelineEvent) => void): void;
  /** Kept values to save with the tick's events (the alerts' state). */
  meta?(): Readonly<Record<string, string>>;
  close?(): void | Promise<void>;
};

export type WatcherOptions = {
  recorder: Recorder;
  /** The audit log, read for runbook runs and actions; null: none is read (tests). */
  auditLog: string | null;
  steps?: readonly TickStep[];
  reactions?: readonly Reaction[];
  /** Said for each event recorded, in order. */
  say(event: TimelineEvent): void;
  /** Said once for each distinct problem (a full disk, a reaction that fails). */
  warn(message: string): void;
  /** How long timeline events are kept. */
  keepEventsMs?: number;
  /** The maintenance window's name while it holds (nothing is notified); the hook for its config. */
  maintenance?: (now: number) => string | null;
  redact?: (text: string) => string;
};

export class Watcher {
  private recorded: Recorded;
  private auditOffset: number;
  private readonly runStarts = new Map<string, number>();
  private readonly warned = new Set<string>();
  private lastPrune = 0;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly options: WatcherOptions) {
    this.recorded = recordedFrom(options.recorder.latest(['pane', 'host']));
    const offset = Number(options.recorder.meta(AUDIT_OFFSET) ?? NaN);
    // The first start reads the audit log from its end: its past is not "what changed".
    this.auditOffset = Number.isFinite(offset) ? offset : -1;
  }

  /** Records an event outside a tick (the watcher started or stopped, a delivery failed). */
  note(event: TimelineEvent): void {
    this.write([this.options.redact ? { ...event, text: this.options.redact(event.text) } : event], {});
  }

  /** Says an event without recording it (a message delivered). */
  tell(event: TimelineEvent): void {
    this.options.say(this.options.redact ? { ...event, text: this.options.redact(event.text) } : event);
  }

  /** Works out and records one tick. Reactions run after it, one tick at a time. */
  tick(snapshot: Snapshot): void {
    const now = Date.parse(snapshot.takenAt);
    const events: TimelineEvent[] = [];
    const record = (event: TimelineEvent) => events.push(this.options.redact ? { ...event, text: this.options.redact(event.text) } : event);
    const changes = stateChanges(this.recorded, snapshot);
    this.recorded = changes.next;
    for (const e of changes.events) record(e);
    const meta: Record<string, string> = {};
    this.readAudit(record, meta);
    for (const step of this.options.steps ?? []) {
      try {
        step.step(snapshot, now, record);
        Object.assign(meta, step.meta?.() ?? {});
      } catch (error) {
        this.warnOnce(`${step.name}: ${(error as Error).message}`);
      }
    }
    events.sort((a, b) => a.at - b.at);
    this.write(events, meta);
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      try {
        this.options.recorder.pruneEvents(now - (this.options.keepEventsMs ?? 30 * DAY));
      } catch (error) {
        this.warnOnce(`cannot prune the timeline: ${(error as Error).message}`);
      }
    }
    this.react(snapshot, now, events);
  }

  /** Waits for the reactions of the ticks so far. */
  settled(): Promise<void> {
    return this.busy;
  }

  /**
   * After the last tick: the reactions are closed (a run one started is stopped and waited
   * for) and what they left in the audit log (that run's end) is recorded.
   */
  async close(): Promise<void> {
    await this.busy;
    for (const reaction of this.options.reactions ?? []) {
      try {
        await reaction.close?.();
      } catch (error) {
        this.warnOnce(`${reaction.name}: ${(error as Error).message}`);
      }
    }
    const events: TimelineEvent[] = [];
    const meta: Record<string, string> = {};
    this.readAudit((event) => events.push(this.options.redact ? { ...event, text: this.options.redact(event.text) } : event), meta);
    if (events.length || Object.keys(meta).length) this.write(events, meta);
  }

  /** Runs and actions appended to the audit log since the last read. */
  private readAudit(record: (event: TimelineEvent) => void, meta: Record<string, string>): void {
    if (!this.options.auditLog) return;
    try {
      if (this.auditOffset < 0) {
        this.auditOffset = readAuditSince(this.options.auditLog, Number.MAX_SAFE_INTEGER, this.runStarts).offset;
      }
      const feed = readAuditSince(this.options.auditLog, this.auditOffset, this.runStarts);
      for (const e of feed.events) record(e);
      if (feed.offset !== this.auditOffset) meta[AUDIT_OFFSET] = String(feed.offset);
      this.auditOffset = feed.offset;
    } catch (error) {
      this.warnOnce(`cannot read the audit log: ${(error as Error).message}`);
    }
  }

  private react(snapshot: Snapshot, now: number, events: readonly TimelineEvent[]): void {
    const reactions = this.options.reactions ?? [];
    if (reactions.length === 0) return;
    const tick: WatchTick = {
      snapshot,
      now,
      events,
      maintenance: (this.options.maintenance?.(now) ?? null) !== null,
      record: (event) => this.note(event),
    };
    this.busy = this.busy.then(async () => {
      for (const reaction of reactions) {
        try {
          await reaction.react(tick);
        } catch (error) {
          this.warnOnce(`${reaction.name}: ${(error as Error).message}`);
        }
      }
    });
  }

  private write(events: readonly TimelineEvent[], meta: Readonly<Record<string, string>>): void {
    try {
      this.options.recorder.commit(events, meta);
    } catch (error) {
      // Said once; the events are still said on stdout (the journal keeps them).
      this.warnOnce(`cannot write the timeline (${this.options.recorder.path}): ${(error as Error).message}`);
    }
    for (const e of events) this.options.say(e);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.warn(message);
  }
}
