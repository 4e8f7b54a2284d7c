// Snapshots built by hand for the alerts' and the store's pure parts: every pane off unless
// given, a clock chosen by the test.

import { PANE_IDS, type PaneId } from '../../src/model/panes.js';
import type { PaneEntry, Panes, Snapshot } from '../../src/model/snapshot.js';
import type { Status } from '../../src/model/status.js';
import type { Alert } from '../../src/probes/probe.js';

export type PaneSpec = { status: Status; alerts?: Alert[]; summary?: string; error?: string; data?: unknown; ageMs?: number | null };

export function entry(spec: PaneSpec): PaneEntry<unknown> {
  return {
    status: spec.status,
    ageMs: spec.ageMs === undefined ? (spec.status === 'off' ? null : 1000) : spec.ageMs,
    summary: spec.summary ?? spec.status,
    alerts: spec.alerts ?? [],
    data: spec.data === undefined ? (spec.status === 'off' ? null : {}) : spec.data,
    ...(spec.error !== undefined ? { error: spec.error } : {}),
  };
}

export function snapshotAt(at: number, panes: Partial<Record<PaneId, PaneSpec>>, unreachable: Snapshot['unreachable'] = []): Snapshot {
  const all: Record<string, PaneEntry<unknown>> = {};
  for (const id of PANE_IDS) all[id] = entry(panes[id] ?? { status: 'off' });
  return {
    version: 1,
    takenAt: new Date(at).toISOString(),
    host: 'workstation',
    demo: null,
    status: 'ok',
    self: { cpuPercent: null, rssBytes: 0 },
    unreachable,
    offers: [],
    panes: all as Panes,
  };
}
