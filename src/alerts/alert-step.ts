// The watcher's alerts, one tick at a time: the engine's state kept with the timeline (so a
// restart sends nothing twice), the silences read again when they change, the messages handed
// to whoever sends them.
import type { AlertsConfig } from '../config/schema.js';
import type { PaneId } from '../model/panes.js';
import type { Snapshot } from '../model/snapshot.js';
import type { TimelineEvent } from '../model/timeline.js';
import { type AlertState, loadState, type Message, saveState, step } from './engine.js';
import { type AlertRules, DEFAULT_RULES } from './rules.js';
import type { Silences } from './silences.js';

export const ALERT_STATE_KEY = 'alerts.state';

export function rulesFrom(config: AlertsConfig | undefined): AlertRules {
  if (!config) return DEFAULT_RULES;
  return {
    sustainMs: config.sustain,
    sustainFor: config.sustainFor,
    clearMs: config.clear,
    remindMs: config.remind,
    severity: config.severity,
  };
}

export type AlertStepOptions = {
  rules: AlertRules;
  /** The state kept from the last run (JSON), or null. */
  saved: string | null;
  paneHosts(): Partial<Record<PaneId, readonly string[]>>;
  silences(): Silences;
  /** The maintenance window's name while it holds (nothing is sent then); null otherwise. */
  maintenance(now: number): string | null;
  send(message: Message): void;
};

export class AlertStep {
  readonly name = 'alerts';
  private state: AlertState;
  private saved: string;
  /** The maintenance window that held at the last tick, to say when it begins and ends. */
  private window: string | null = null;

  constructor(private readonly options: AlertStepOptions) {
    this.state = loadState(options.saved);
    this.saved = options.saved ?? '';
  }

  /** The alerts firing now (for the metrics and the reactions). */
  firing(): AlertState['tracked'][string][] {
    return Object.values(this.state.tracked).filter((t) => t.firing);
  }

  step(snapshot: Snapshot, now: number, record: (event: TimelineEvent) => void): void {
    const maintenance = this.options.maintenance(now);
    if (maintenance !== this.window) {
      if (this.window !== null)
        record({
          at: now,
          kind: 'watch',
          subject: 'maintenance',
          state: 'ended',
          severity: null,
          text: `maintenance window ${this.window} ended: what still fires is sent now`,
        });
      if (maintenance !== null)
        record({
          at: now,
          kind: 'watch',
          subject: 'maintenance',
          state: 'began',
          severity: null,
          text: `maintenance window ${maintenance} began: nothing is sent until it ends`,
        });
      this.window = maintenance;
    }
    const result = step(this.state, {
      snapshot,
      now,
      paneHosts: this.options.paneHosts(),
      silences: this.options.silences(),
      maintenance,
      rules: this.options.rules,
    });
    this.state = result.state;
    for (const e of result.events) record(e);
    for (const m of result.messages) this.options.send(m);
  }

  meta(): Readonly<Record<string, string>> {
    const text = saveState(this.state);
    if (text === this.saved) return {};
    this.saved = text;
    return { [ALERT_STATE_KEY]: text };
  }
}
