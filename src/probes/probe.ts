// A probe is a reader (I/O on a host, abortable) and a pure parser, plus an assessment of
// the parsed reading against the config. The monitor runs probes; panes render readings.
import type { Alert } from '../model/alert.js';
import type { Status } from '../model/status.js';

export type { Alert, AlertLevel } from '../model/alert.js';

export type Assessment = {
  status: Extract<Status, 'ok' | 'warn' | 'crit'>;
  /** One line for the status command and the pane title. */
  summary: string;
  alerts: Alert[];
};

/** A failure a reader reports on purpose: `off` = not available here, `down` = broken. */
export class ProbeError extends Error {
  constructor(
    readonly status: 'off' | 'down',
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

export type Probe<Raw, Data> = {
  readonly id: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  read(signal: AbortSignal): Promise<Raw>;
  parse(raw: Raw): Data;
  assess(data: Data, now: number): Assessment;
};

export function assessmentFromAlerts(alerts: Alert[], summary: string): Assessment {
  const status = alerts.some((a) => a.level === 'crit') ? 'crit' : alerts.length ? 'warn' : 'ok';
  return { status, summary, alerts };
}
