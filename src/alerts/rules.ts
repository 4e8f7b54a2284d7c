// How urgent each kind of trouble is, and how long it must last before it fires: the estate
// plan's severities (critical: SMS and push; high: e-mail and dashboard; medium: dashboard and
// logs; low: logs only) mapped from the console's words. Pure.
//
//   a host unreachable                       critical  (the workstation dead: everything on it)
//   dns crit or down                         critical  (P1: the house cannot resolve names)
//   dns warn (failover to a backup server)   high
//   any other crit, or a pane down           high      (its source is gone: nothing watched there)
//   warn                                     medium
//   stale (data older than it should be)     low
//
// `alerts.severity` in the config overrides any of these by `PANE.LEVEL`, `PANE` or `host`.

import type { PaneId } from '../model/panes.js';
import type { Severity } from '../model/timeline.js';

/** What is wrong: an alert's level, or the pane's own state. */
export type Level = 'crit' | 'warn' | 'down' | 'stale';

export const LEVELS: readonly Level[] = ['crit', 'warn', 'down', 'stale'];

const BY_LEVEL: Readonly<Record<Level, Severity>> = { crit: 'high', down: 'high', warn: 'medium', stale: 'low' };
const SPECIAL: Readonly<Record<string, Severity>> = {
  host: 'critical',
  'dns.crit': 'critical',
  'dns.down': 'critical',
  'dns.warn': 'high',
};

export type AlertRules = {
  /** How long a condition holds before it fires, ms. */
  sustainMs: number;
  /** Per `PANE.LEVEL`, `PANE` or `host`. */
  sustainFor: Readonly<Record<string, number>>;
  /** How long a firing alert's condition must be gone before it resolves, ms. */
  clearMs: number;
  /** A reminder this often while an alert fires unacknowledged; 0: never. */
  remindMs: number;
  /** Overrides of the severities, per `PANE.LEVEL`, `PANE` or `host`. */
  severity: Readonly<Record<string, Severity>>;
};

export const DEFAULT_RULES: AlertRules = { sustainMs: 120_000, sustainFor: {}, clearMs: 60_000, remindMs: 3_600_000, severity: {} };

/** What a rule is looked up by: a pane's level, or a host. */
export type Subject = { pane: PaneId; level: Level } | { host: string };

function lookup<T>(table: Readonly<Record<string, T>>, subject: Subject): T | undefined {
  if ('host' in subject) return Object.hasOwn(table, 'host') ? table.host : undefined;
  const exact = `${subject.pane}.${subject.level}`;
  if (Object.hasOwn(table, exact)) return table[exact];
  return Object.hasOwn(table, subject.pane) ? table[subject.pane] : undefined;
}

export function severityOf(subject: Subject, rules: Pick<AlertRules, 'severity'>): Severity {
  const chosen = lookup(rules.severity, subject);
  if (chosen) return chosen;
  if ('host' in subject) return SPECIAL.host ?? 'critical';
  return SPECIAL[`${subject.pane}.${subject.level}`] ?? BY_LEVEL[subject.level];
}

export function sustainOf(subject: Subject, rules: Pick<AlertRules, 'sustainMs' | 'sustainFor'>): number {
  return lookup(rules.sustainFor, subject) ?? rules.sustainMs;
}
