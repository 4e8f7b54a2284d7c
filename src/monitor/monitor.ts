// Runs probes on their own intervals and publishes one Snapshot per tick. A probe never
// overlaps itself; a slow or dead source delays nothing else. Knows nothing of the UI.
import { formatDuration } from '../config/units.js';
import type { Offer } from '../model/offer.js';
import type { PaneId } from '../model/panes.js';
import type { PaneEntry, Panes, Snapshot } from '../model/snapshot.js';
import { type Status, worst } from '../model/status.js';
import { type Assessment, type Probe, ProbeError } from '../probes/probe.js';

// Probes of different reading types live side by side; the monitor only moves their data.
type AnyProbe = Probe<unknown, unknown>;

export type ProbeSlot =
  /**
   * `host`: where the probe reads (a host of the config), when not this machine. `via`: the
   * hosts reached over SSH that its reading waits on (its own host, engines, backup hosts).
   */
  { id: PaneId; probe: AnyProbe; host?: string; via?: readonly string[] } | { id: PaneId; disabled: string };

type Good = { data: unknown; at: number; assessment: Assessment };
type Failure = { status: 'off' | 'down'; message: string; at: number };

type State = {
  id: PaneId;
  host: string | null;
  via: readonly string[];
  probe: AnyProbe | null;
  disabled: string | null;
  running: Promise<void> | null;
  runningSince: number | null;
  good: Good | null;
  failure: Failure | null;
  settledOnce: boolean;
  timer: NodeJS.Timeout | null;
};

/** A host that stopped answering: when, why, and when it is tried next (from the hosts' own connection state). */
export type Unreachable = { host: string; sinceMs: number; reason: string; retryAtMs?: number };

function clockOf(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/**
 * The one way an unreachable host is said, by every pane that waits on it and by `status`:
 * since when, the one reason, one countdown to the next try.
 */
export function unreachableText(u: Unreachable, now: number): string {
  const wait = u.retryAtMs !== undefined ? u.retryAtMs - now : 0;
  const next = wait > 0 ? `retrying in ${Math.ceil(wait / 1000)}s` : 'retrying at the next reading';
  return `${u.host} unreachable since ${clockOf(u.sinceMs)} (${u.reason}); ${next}`;
}

export type MonitorOptions = {
  host: string;
  /** Hosts that are unreachable now; read at every tick. */
  unreachable?: () => Unreachable[];
  refreshMs: number;
  demo?: string | null;
  now?: () => number;
  /**
   * Masks secrets in what a probe read and in its errors (a source that echoes a password):
   * applied once per reading, not per tick. Absent when the config names no secret.
   */
  redact?: <T>(value: T) => T;
};

export type Listener = (snapshot: Snapshot) => void;

/** The runbooks a Snapshot calls for (the runbooks' triggers, set once they are loaded). */
export type OfferSource = (snapshot: Omit<Snapshot, 'offers'>, now: number) => Offer[];

export function describeError(error: unknown): { status: 'off' | 'down'; message: string } {
  if (error instanceof ProbeError) return { status: error.status, message: error.message };
  if (error instanceof Error) return { status: 'down', message: error.message.split('\n')[0] ?? error.name };
  return { status: 'down', message: String(error) };
}

/**
 * Freezes a snapshot all the way down, so that no listener can change what another one sees
 * (entries and readings are shared between snapshots until a probe reads again). Objects that
 * are already frozen were frozen here before and are skipped.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}

export class Monitor {
  private readonly states: State[];
  private readonly listeners = new Set<Listener>();
  private readonly now: () => number;
  private tickTimer: NodeJS.Timeout | null = null;
  private publishSoon: NodeJS.Timeout | null = null;
  private lastCpu = process.cpuUsage();
  private lastCpuAt = performance.now();
  private latest: Snapshot;
  private started = false;
  private offers: OfferSource | null = null;

  constructor(
    slots: readonly ProbeSlot[],
    private readonly options: MonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.states = slots.map((slot) => ({
      id: slot.id,
      host: 'host' in slot && slot.host !== undefined ? slot.host : null,
      via: 'probe' in slot ? [...new Set([...(slot.host !== undefined ? [slot.host] : []), ...(slot.via ?? [])])] : [],
      probe: 'probe' in slot ? slot.probe : null,
      disabled: 'disabled' in slot ? slot.disabled : null,
      running: null,
      runningSince: null,
      good: null,
      failure: null,
      settledOnce: false,
      timer: null,
    }));
    this.latest = this.build();
  }

  /** From now on each Snapshot lists the runbooks its triggers call for. */
  setOffers(source: OfferSource | null): void {
    this.offers = source;
  }

  current(): Snapshot {
    return this.latest;
  }

  /** The hosts reached over SSH that each pane's reading waits on (its own host, engines, backup hosts). */
  waitsOn(): Partial<Record<PaneId, readonly string[]>> {
    const out: Partial<Record<PaneId, readonly string[]>> = {};
    for (const state of this.states) if (state.via.length) out[state.id] = state.via;
    return out;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const state of this.states) {
      if (!state.probe) continue;
      this.run(state);
      state.timer = setInterval(() => this.run(state), state.probe.intervalMs);
    }
    this.tickTimer = setInterval(() => this.publish(), this.options.refreshMs);
  }

  stop(): void {
    this.started = false;
    for (const state of this.states) {
      if (state.timer) clearInterval(state.timer);
      state.timer = null;
    }
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.publishSoon) clearTimeout(this.publishSoon);
    this.tickTimer = null;
    this.publishSoon = null;
  }

  /** Runs every probe that is not already running, then publishes once they settle. */
  async refreshNow(): Promise<Snapshot> {
    await Promise.all(this.states.map((state) => this.run(state)));
    return this.publish();
  }

  /**
   * A source says something changed (a container's health event): read that probe now, and
   * publish as soon as it settles instead of at the next tick.
   */
  nudge(id: PaneId): void {
    const state = this.states.find((s) => s.id === id);
    if (!state || !this.started) return;
    void this.run(state).then(() => {
      if (this.started && !this.publishSoon) this.publishSoon = setTimeout(() => this.publish(), 30);
    });
  }

  /** For one-shot use (`homeops status`): run everything once and return the snapshot. */
  async once(): Promise<Snapshot> {
    await Promise.all(this.states.map((state) => this.run(state)));
    return this.publish();
  }

  publish(): Snapshot {
    if (this.publishSoon) {
      clearTimeout(this.publishSoon);
      this.publishSoon = null;
    }
    this.latest = this.build();
    for (const listener of this.listeners) listener(this.latest);
    return this.latest;
  }

  /**
   * Starts a probe run unless one is in flight. Resolves when the run settles or its timeout
   * passes, whichever is first; a reader that ignores its abort signal stays "in flight"
   * and blocks only its own next runs.
   */
  private run(state: State): Promise<void> {
    const probe = state.probe;
    if (!probe) return Promise.resolve();
    if (state.running) return Promise.resolve();
    const controller = new AbortController();
    const startedAt = this.now();
    state.runningSince = startedAt;
    let finished = false;
    let release: () => void = () => {};
    const waitOrTimeout = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(() => {
      if (finished) return;
      finished = true;
      controller.abort(new Error('timeout'));
      state.failure = { status: 'down', message: `no answer within ${formatDuration(probe.timeoutMs)}`, at: this.now() };
      this.settled(state);
      release();
    }, probe.timeoutMs);
    const work = (async () => {
      try {
        // Called through an async function so that a reader which throws before returning its
        // promise fails like one that rejects: otherwise this block would run to its end before
        // `state.running` is set below, leaving the probe marked as running for ever.
        const raw = await (async () => probe.read(controller.signal))();
        if (finished) return;
        const redact = this.options.redact;
        const data = redact ? redact(probe.parse(raw)) : probe.parse(raw);
        const at = this.now();
        const assessment = probe.assess(data, at);
        state.good = { data, at, assessment: redact ? redact(assessment) : assessment };
        state.failure = null;
      } catch (error) {
        if (finished) return;
        const failure = describeError(error);
        state.failure = {
          ...failure,
          message: this.options.redact ? this.options.redact(failure.message) : failure.message,
          at: this.now(),
        };
      } finally {
        state.running = null;
        state.runningSince = null;
        if (!finished) {
          finished = true;
          clearTimeout(timer);
          this.settled(state);
          release();
        }
      }
    })();
    state.running = work;
    return waitOrTimeout;
  }

  private settled(state: State): void {
    if (!state.settledOnce) {
      state.settledOnce = true;
      // The first readings should not wait for the next tick: publish them together, soon.
      if (this.started && !this.publishSoon) this.publishSoon = setTimeout(() => this.publish(), 30);
    }
  }

  private entryFor(state: State, now: number): PaneEntry<unknown> {
    if (state.disabled !== null) return { status: 'off', ageMs: null, summary: state.disabled, alerts: [], data: null };
    const probe = state.probe;
    const good = state.good;
    const failure = state.failure;
    const hung =
      state.runningSince !== null && probe !== null && now - state.runningSince > probe.timeoutMs
        ? `still waiting for an answer since ${formatDuration(now - state.runningSince)}`
        : null;
    if (!good) {
      if (failure)
        return { status: failure.status, ageMs: null, error: hung ?? failure.message, summary: failure.message, alerts: [], data: null };
      return { status: 'stale', ageMs: null, summary: 'waiting for the first reading', alerts: [], data: null };
    }
    const ageMs = now - good.at;
    if (failure?.status === 'off')
      return { status: 'off', ageMs: null, summary: failure.message, error: failure.message, alerts: [], data: null };
    if (failure) {
      return {
        status: 'stale',
        ageMs,
        error: hung ?? failure.message,
        summary: `${failure.message} (showing data from ${formatDuration(ageMs)} ago)`,
        alerts: good.assessment.alerts,
        data: good.data,
      };
    }
    const staleAfter = probe ? Math.max(3 * probe.intervalMs, probe.intervalMs + probe.timeoutMs) + this.options.refreshMs : Infinity;
    if (ageMs > staleAfter) {
      return {
        status: 'stale',
        ageMs,
        error: hung ?? `no new reading for ${formatDuration(ageMs)}`,
        summary: good.assessment.summary,
        alerts: good.assessment.alerts,
        data: good.data,
      };
    }
    return { status: good.assessment.status, ageMs, summary: good.assessment.summary, alerts: good.assessment.alerts, data: good.data };
  }

  private build(): Snapshot {
    const now = this.now();
    const panes: Record<string, PaneEntry<unknown>> = {};
    const statuses: Status[] = [];
    const unreachable = this.options.unreachable?.() ?? [];
    for (const state of this.states) {
      let found = this.entryFor(state, now);
      // A reading that failed while a host it waits on is unreachable: the host's state is the
      // reason (not "no answer within 3s", not a second countdown of the probe's own).
      const down = found.error !== undefined && state.failure !== null ? unreachable.find((u) => state.via.includes(u.host)) : undefined;
      if (down) {
        const text = unreachableText(down, now);
        const age = found.ageMs !== null && found.data !== null ? ` (showing data from ${formatDuration(found.ageMs)} ago)` : '';
        found = { ...found, error: text, summary: `${text}${age}` };
      }
      const entry = state.host === null ? found : { ...found, host: state.host };
      panes[state.id] = entry;
      statuses.push(entry.status);
    }
    const cpu = process.cpuUsage();
    const at = performance.now();
    const elapsedMs = at - this.lastCpuAt;
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const cpuPercent = elapsedMs > 200 ? (usedMs / elapsedMs) * 100 : null;
    if (elapsedMs > 200) {
      this.lastCpu = cpu;
      this.lastCpuAt = at;
    }
    const base = {
      version: 1 as const,
      takenAt: new Date(now).toISOString(),
      host: this.options.host,
      demo: this.options.demo ?? null,
      status: worst(statuses),
      self: { cpuPercent, rssBytes: process.memoryUsage.rss() },
      unreachable: unreachable.map((u) => ({
        host: u.host,
        since: new Date(u.sinceMs).toISOString(),
        reason: u.reason,
        retryAt: u.retryAtMs && u.retryAtMs > now ? new Date(u.retryAtMs).toISOString() : null,
      })),
      // The probe for each id produces that id's data type; the slots are built that way.
      panes: panes as Panes,
    };
    return deepFreeze({ ...base, offers: this.offers?.(base, now) ?? [] });
  }
}
