// Alert hygiene, tick by tick. Pure: the state goes in and comes out with the tick's events
// and the messages to send.
//
// - An alert fires once its condition has held for its sustain time; a condition that goes
//   away before that was never an alert.
// - A firing alert resolves once its condition has been gone for the clear time (no flapping).
// - One message when it fires and one when it resolves; a reminder every `remind` while it fires
//   unacknowledged; a new message if it grows more severe.
// - While a host does not answer, the alerts of the panes that wait on it are held under the
//   host's one alert ("workstation unreachable: 14 alerts held"); when it answers again, what
//   still fires is said once and goes on as before.
// - Nothing is sent while a silence covers an alert or the maintenance window holds; an alert
//   that still fires when they end is sent then. A resolution is always sent for an alert whose
//   firing was sent, so that no receiver keeps an alert open for ever.
// - A pane with no reading neither starts nor resolves its alerts (a restarted watcher, a probe
//   not read yet).

import type { PaneId } from '../model/panes.js';
import type { Snapshot } from '../model/snapshot.js';
import { SEVERITY_RANK, type Severity, type TimelineEvent } from '../model/timeline.js';
import { type Condition, conditionsOf } from './conditions.js';
import { type AlertRules, type Level, type Subject, severityOf, sustainOf } from './rules.js';
import { acked, type Silences, silenceFor } from './silences.js';

export type Tracked = {
  key: string;
  pane: PaneId | null;
  host: string | null;
  level: Level;
  severity: Severity;
  title: string;
  text: string;
  /** When the condition began (this incident). */
  since: number;
  /** When the condition was last seen. */
  lastSeen: number;
  firing: boolean;
  /** A firing message was sent, with this severity (a resolution is owed). */
  sent: Severity | null;
  /** When a message about it was last sent (for reminders). */
  lastSent: number | null;
  /** The host whose unreachability holds it; null when not held. */
  heldBy: string | null;
  /** Alerts held under it (a host's alert). */
  holding: number;
};

export type AlertState = { tracked: Readonly<Record<string, Tracked>> };

export const EMPTY_STATE: AlertState = { tracked: {} };

export type Message = {
  state: 'firing' | 'resolved';
  /** A reminder of an alert still firing. */
  reminder: boolean;
  severity: Severity;
  key: string;
  pane: PaneId | null;
  host: string | null;
  title: string;
  text: string;
  /** When the condition began, ms. */
  since: number;
  at: number;
};

export type StepInput = {
  snapshot: Snapshot;
  now: number;
  /** The hosts reached over SSH that each pane's reading waits on. */
  paneHosts: Readonly<Partial<Record<PaneId, readonly string[]>>>;
  silences: Silences;
  /** The maintenance window's name while it holds; null otherwise. */
  maintenance: string | null;
  rules: AlertRules;
};

export type StepResult = { state: AlertState; events: TimelineEvent[]; messages: Message[] };

function subjectOf(c: Pick<Condition, 'pane' | 'host' | 'level'>): Subject {
  return c.pane === null ? { host: c.host ?? '?' } : { pane: c.pane, level: c.level };
}

function lasted(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))}s`;
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function step(state: AlertState, input: StepInput): StepResult {
  const { now, rules } = input;
  const { list, unknown } = conditionsOf(input.snapshot);
  const events: TimelineEvent[] = [];
  const messages: Message[] = [];
  const tracked: Record<string, Tracked> = {};

  // Which panes each unreachable host holds.
  const downHosts = new Set(input.snapshot.unreachable.map((u) => u.host));
  const holder = (pane: PaneId | null): string | null => {
    if (pane === null) return null;
    return (input.paneHosts[pane] ?? []).find((h) => downHosts.has(h)) ?? null;
  };
  const present = new Map(list.map((c) => [c.key, c]));
  const holding = new Map<string, number>();
  for (const c of list) {
    const by = holder(c.pane);
    if (by) holding.set(by, (holding.get(by) ?? 0) + 1);
  }
  // Alerts of panes that cannot be read while their host is away are held too, as they were.
  for (const t of Object.values(state.tracked)) {
    if (present.has(t.key) || t.pane === null || !unknown.has(t.pane)) continue;
    const by = holder(t.pane);
    if (by) holding.set(by, (holding.get(by) ?? 0) + 1);
  }

  // Why nothing is sent about an alert now, if anything holds it.
  const suppression = (t: Tracked): string | null => {
    if (t.heldBy !== null) return `held: ${t.heldBy} unreachable`;
    const silence = silenceFor(input.silences, t.key, now);
    if (silence) return `silenced until ${new Date(silence.until).toTimeString().slice(0, 5)} by ${silence.by}`;
    return input.maintenance !== null ? `maintenance window ${input.maintenance}` : null;
  };
  const message = (t: Tracked, kind: 'firing' | 'resolved' | 'reminder', text: string): Message => ({
    state: kind === 'resolved' ? 'resolved' : 'firing',
    reminder: kind === 'reminder',
    severity: t.severity,
    key: t.key,
    pane: t.pane,
    host: t.host,
    title: t.title,
    text,
    since: t.since,
    at: now,
  });
  const event = (t: Tracked, state: string, text: string): TimelineEvent => ({
    at: now,
    kind: 'alert',
    subject: t.key,
    state,
    severity: t.severity,
    text,
  });

  // Conditions present now.
  for (const c of list) {
    const before = state.tracked[c.key];
    const subject = subjectOf(c);
    const hold = c.key.startsWith('host:') ? (holding.get(c.host ?? '') ?? 0) : 0;
    const title = hold > 0 ? `${c.title}: ${plural(hold, 'alert')} held` : c.title;
    const t: Tracked = {
      key: c.key,
      pane: c.pane,
      host: c.host,
      level: c.level,
      severity: severityOf(subject, rules),
      title,
      text: c.text,
      since: before?.since ?? now,
      lastSeen: now,
      firing: before?.firing ?? false,
      sent: before?.sent ?? null,
      lastSent: before?.lastSent ?? null,
      heldBy: holder(c.pane),
      holding: hold,
    };
    if (!t.firing && now - t.since >= sustainOf(subject, rules)) {
      t.firing = true;
      const why = suppression(t);
      events.push(event(t, 'firing', `${t.title}${why ? ` (${why})` : ''}`));
    }
    tracked[c.key] = t;
  }

  // Conditions gone (or not known now).
  for (const t of Object.values(state.tracked)) {
    if (present.has(t.key)) continue;
    const frozen = t.pane !== null && unknown.has(t.pane) && !t.key.endsWith(':down') && !t.key.endsWith(':stale');
    if (frozen) {
      tracked[t.key] = { ...t, heldBy: holder(t.pane) };
      continue;
    }
    if (!t.firing) continue;
    if (now - t.lastSeen < rules.clearMs) {
      tracked[t.key] = { ...t, heldBy: holder(t.pane) };
      continue;
    }
    const after = `after ${lasted(t.lastSeen - t.since)}`;
    const still = t.key.startsWith('host:') ? stillFiring(tracked, t.host ?? '') : [];
    const text = t.key.startsWith('host:')
      ? `${t.host} answers again ${after}${still.length ? `; still firing: ${still.join(', ')}` : ''}`
      : `resolved ${after}`;
    events.push(event(t, 'resolved', `${t.key.startsWith('host:') ? text : `${t.title}: ${text}`}`));
    if (t.sent) messages.push({ ...message(t, 'resolved', text), severity: t.sent });
  }

  // What to send about what fires now.
  for (const t of Object.values(tracked)) {
    // Only what holds now is sent (an alert in its clear time may be on its way out).
    if (!t.firing || t.lastSeen !== now) continue;
    if (suppression(t) !== null) continue;
    const since = new Date(t.since).toTimeString().slice(0, 5);
    if (t.sent === null) {
      messages.push(message(t, 'firing', `${t.text} (since ${since})`));
      t.sent = t.severity;
      t.lastSent = now;
    } else if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[t.sent]) {
      events.push(event(t, 'firing', `${t.title}: now ${t.severity}`));
      messages.push(message(t, 'firing', `now ${t.severity}: ${t.text} (since ${since})`));
      t.sent = t.severity;
      t.lastSent = now;
    } else if (
      rules.remindMs > 0 &&
      t.lastSent !== null &&
      now - t.lastSent >= rules.remindMs &&
      !acked(input.silences, t.key, t.since, now)
    ) {
      messages.push(message(t, 'reminder', `still firing after ${lasted(now - t.since)}: ${t.text}`));
      t.lastSent = now;
    }
  }
  return { state: { tracked }, events, messages };
}

/** The titles of alerts still firing that the host held. */
function stillFiring(tracked: Readonly<Record<string, Tracked>>, host: string): string[] {
  return Object.values(tracked)
    .filter((t) => t.firing && t.heldBy === null && t.pane !== null && t.key !== `host:${host}`)
    .map((t) => t.key);
}

/** The state as kept between runs (JSON), and back; entries that do not read as tracked are dropped. */
export function saveState(state: AlertState): string {
  return JSON.stringify(state.tracked);
}

export function loadState(text: string | null): AlertState {
  if (!text) return EMPTY_STATE;
  try {
    const data = JSON.parse(text) as Record<string, Partial<Tracked>>;
    const tracked: Record<string, Tracked> = {};
    for (const [key, t] of Object.entries(data ?? {})) {
      if (typeof t?.since !== 'number' || typeof t.lastSeen !== 'number' || typeof t.title !== 'string' || typeof t.severity !== 'string')
        continue;
      tracked[key] = {
        key,
        pane: (t.pane ?? null) as PaneId | null,
        host: t.host ?? null,
        level: (t.level ?? 'warn') as Level,
        severity: t.severity as Severity,
        title: t.title,
        text: t.text ?? '',
        since: t.since,
        lastSeen: t.lastSeen,
        firing: t.firing === true,
        sent: (t.sent ?? null) as Severity | null,
        lastSent: typeof t.lastSent === 'number' ? t.lastSent : null,
        heldBy: t.heldBy ?? null,
        holding: typeof t.holding === 'number' ? t.holding : 0,
      };
    }
    return { tracked };
  } catch {
    return EMPTY_STATE;
  }
}
