// From what the reader brought back to the reading (per set: state, newest, age, versions
// against retention, size drop, WAL archiving), and from the reading to the probe's status,
// summary and alerts. Pure.
import { clockTime, everyText, formatAge, formatBytes } from '../../config/units.js';
import {
  type BackupItem,
  type BackupSetReading,
  type BackupsReading,
  type DrillReading,
  freshness,
  type SetState,
  type WalReading,
} from '../../model/backups.js';
import type { DrillRecord } from '../../model/drill.js';
import { type Alert, type Assessment, assessmentFromAlerts } from '../probe.js';
import { setLocation, walTarget } from './commands.js';
import { keepOf, retention, sizeDrop } from './freshness.js';
import { BackupParseError, itemsFromListing, parseArchiver, parseBorgList, parseResticSnapshots } from './parse.js';
import type { BackupSetConfig, BackupsConfig, BackupsRaw, SetRaw, SetSource, WalRaw } from './types.js';

function itemsOf(source: SetSource, set: BackupSetConfig): BackupItem[] {
  if (source.kind === 'listing') return itemsFromListing(source.entries, set);
  return source.kind === 'restic' ? parseResticSnapshots(source.stdout) : parseBorgList(source.stdout);
}

export function parseWal(raw: WalRaw, host: string, at: number): WalReading {
  const none = {
    host,
    archivedCount: null,
    lastArchivedWal: null,
    lastArchivedAt: null,
    failedCount: null,
    lastFailedWal: null,
    lastFailedAt: null,
  };
  if ('failure' in raw) return { ...none, state: 'unknown', error: raw.failure.message };
  let stats: ReturnType<typeof parseArchiver>;
  try {
    stats = parseArchiver(raw.stdout);
  } catch (error) {
    return { ...none, state: 'unknown', error: error instanceof Error ? error.message : String(error) };
  }
  // Server times moved onto this machine's clock: the age the server sees, counted back from now.
  const here = (t: number | null) => (t === null ? null : at - (stats.serverNow - t));
  const failing = stats.lastFailedAt !== null && (stats.lastArchivedAt === null || stats.lastFailedAt > stats.lastArchivedAt);
  const state = stats.archiveMode === 'off' ? 'off' : failing ? 'failing' : stats.archivedCount === 0 ? 'idle' : 'ok';
  return {
    state,
    host,
    archivedCount: stats.archivedCount,
    lastArchivedWal: stats.lastArchivedWal,
    lastArchivedAt: here(stats.lastArchivedAt),
    failedCount: stats.failedCount,
    lastFailedWal: stats.lastFailedWal,
    lastFailedAt: here(stats.lastFailedAt),
    error: null,
  };
}

/** The set's last drill against its drill schedule. Pure. */
export function drillReading(set: BackupSetConfig, record: DrillRecord | null | undefined, at: number): DrillReading | null {
  if (record === undefined) return null;
  const scheduleMs = set.drill?.schedule ?? null;
  if (record === null)
    return { state: 'never', at: null, ageMs: null, scheduleMs, overdue: scheduleMs !== null, summary: 'never drilled', backup: null };
  const ageMs = Math.max(0, at - record.at);
  return {
    state: record.ok ? 'restorable' : 'failed',
    at: record.at,
    ageMs,
    scheduleMs,
    overdue: scheduleMs !== null && ageMs > scheduleMs,
    summary: record.ok ? record.summary : (record.error ?? record.summary),
    backup: record.backup,
  };
}

function setReading(set: BackupSetConfig, raw: SetRaw | undefined, config: BackupsConfig, at: number): BackupSetReading {
  const wal = walTarget(set);
  const base = {
    drill: drillReading(set, raw?.drill, at),
    name: set.name,
    host: set.host,
    kind: set.kind,
    location: setLocation(set),
    scheduleMs: set.schedule,
    wal: wal && raw?.wal ? parseWal(raw.wal, wal.host, at) : null,
  };
  const empty = { newest: null, previous: null, oldest: null, count: 0, ageMs: null, sizeDrop: null, retention: null };
  if (!raw) return { ...base, ...empty, state: 'unknown', seenAt: null, problem: { reason: 'other', message: 'not read', since: at } };
  const problem = raw.failure;
  // A location that is not there has no backups, whatever was seen there before.
  if (problem?.reason === 'not-found') return { ...base, ...empty, state: 'missing', seenAt: at, problem };
  if (!raw.source) return { ...base, ...empty, state: 'unknown', seenAt: null, problem };
  let items: BackupItem[];
  try {
    items = itemsOf(raw.source, set);
  } catch (error) {
    if (!(error instanceof BackupParseError)) throw error;
    return {
      ...base,
      ...empty,
      state: 'unknown',
      seenAt: raw.seenAt,
      problem: problem ?? { reason: 'other', message: error.message, since: at },
    };
  }
  const newest = items[0] ?? null;
  const ageMs = newest ? Math.max(0, at - newest.at) : null;
  const state: SetState = newest && ageMs !== null ? freshness(ageMs, set.schedule) : 'missing';
  return {
    ...base,
    state,
    newest,
    previous: items[1] ?? null,
    oldest: items.at(-1) ?? null,
    count: items.length,
    ageMs,
    sizeDrop: set.kind === 'files' || set.kind === 'restic' ? sizeDrop(items, config.sizeDrop, at) : null,
    retention: retention(items, keepOf(set.keep), set.schedule, at),
    seenAt: raw.seenAt,
    problem,
  };
}

/** Builds the reading from what the reader brought back. Pure. */
export function parseBackups(raw: BackupsRaw, config: BackupsConfig): BackupsReading {
  return {
    at: raw.at,
    sets: config.sets.map((set) =>
      setReading(
        set,
        raw.sets.find((s) => s.name === set.name),
        config,
        raw.at,
      ),
    ),
  };
}

// ---------------------------------------------------------------- assess

const STATE_WORD: Record<SetState, string> = { fresh: 'fresh', due: 'due', overdue: 'overdue', missing: 'missing', unknown: 'unknown' };

/** "overdue 9h (every 4h)", "missing", "fresh 25m (every 1h)". */
export function stateText(set: BackupSetReading): string {
  if (set.ageMs === null || set.state === 'missing' || set.state === 'unknown') return STATE_WORD[set.state];
  return `${STATE_WORD[set.state]} ${formatAge(set.ageMs)} (every ${everyText(set.scheduleMs)})`;
}

function walAlert(set: BackupSetReading): Alert | null {
  const wal = set.wal;
  if (!wal) return null;
  if (wal.state === 'off') return { level: 'crit', message: `${set.name}: WAL archiving is off (archive_mode = off on the server)` };
  if (wal.state === 'unknown') return { level: 'warn', message: `${set.name}: cannot check WAL archiving: ${wal.error ?? 'no answer'}` };
  if (wal.state !== 'failing') return null;
  const failed = wal.lastFailedAt === null ? '' : ` at ${clockTime(wal.lastFailedAt)}`;
  const last =
    wal.lastArchivedAt === null
      ? 'nothing archived since the statistics were reset'
      : `last archived ${clockTime(wal.lastArchivedAt)}${wal.lastArchivedWal ? ` (${wal.lastArchivedWal})` : ''}`;
  return { level: 'crit', message: `${set.name}: WAL archiving failing — ${wal.lastFailedWal ?? 'a segment'} failed${failed}; ${last}` };
}

/** A failed drill is crit (the backup may not restore); one older than its schedule, or none, a warning. */
function drillAlert(set: BackupSetReading): Alert | null {
  const drill = set.drill;
  if (!drill) return null;
  if (drill.state === 'failed') return { level: 'crit', message: `${set.name}: drill failed — ${drill.summary}` };
  if (!drill.overdue || drill.scheduleMs === null) return null;
  if (drill.state === 'never')
    return {
      level: 'warn',
      message: `${set.name}: never drilled (drilled every ${everyText(drill.scheduleMs)}: homeops drill ${set.name})`,
    };
  return {
    level: 'warn',
    message: `${set.name}: last drilled ${formatAge(drill.ageMs ?? 0)} ago, drilled every ${everyText(drill.scheduleMs)}`,
  };
}

function seen(set: BackupSetReading, at: number): string {
  return set.seenAt === null ? 'never read' : `as seen ${formatAge(at - set.seenAt)} ago`;
}

function setAlerts(set: BackupSetReading, at: number): Alert[] {
  const alerts: Alert[] = [];
  const newest = set.newest;
  const age = set.ageMs === null ? '' : formatAge(set.ageMs);
  const every = everyText(set.scheduleMs);
  if (set.state === 'overdue' && newest)
    alerts.push({ level: 'crit', message: `${set.name}: overdue — newest backup ${age} old, made every ${every} (${newest.name})` });
  if (set.state === 'due' && newest)
    alerts.push({ level: 'warn', message: `${set.name}: due — newest backup ${age} old, made every ${every}` });
  if (set.state === 'missing') {
    const why = set.problem?.reason === 'not-found' ? set.problem.message : `no backups in ${set.location} on ${set.host}`;
    alerts.push({ level: 'crit', message: `${set.name}: missing — ${why}` });
  }
  if (set.sizeDrop) {
    const d = set.sizeDrop;
    alerts.push({
      level: 'warn',
      message: `${set.name}: newest backup ${formatBytes(d.newest)} is ${Math.round(d.fraction * 100)} % of the one before (${formatBytes(d.previous)})`,
    });
  }
  const problem = set.problem;
  if (problem && problem.reason !== 'not-found' && problem.reason !== 'unreachable') {
    alerts.push({ level: 'warn', message: `${set.name}: ${problem.message}${set.state === 'unknown' ? '' : ` — ${seen(set, at)}`}` });
  }
  const wal = walAlert(set);
  if (wal) alerts.push(wal);
  const drill = drillAlert(set);
  if (drill) alerts.push(drill);
  return alerts;
}

/** One alert per unreachable host, naming its sets and how old what is shown of them is. */
function unreachableAlerts(reading: BackupsReading): Alert[] {
  const byHost = new Map<string, BackupSetReading[]>();
  for (const set of reading.sets) {
    if (set.problem?.reason !== 'unreachable') continue;
    byHost.set(set.host, [...(byHost.get(set.host) ?? []), set]);
  }
  return [...byHost.values()].map((sets) => {
    const first = sets[0] as BackupSetReading;
    const message = first.problem?.message ?? `${first.host} unreachable`;
    const since = /unreachable since/.test(message)
      ? message
      : `${first.host} unreachable since ${clockTime(first.problem?.since ?? reading.at)} (${message})`;
    return { level: 'warn', message: `${since} — ${sets.map((s) => `${s.name} ${seen(s, reading.at)}`).join(', ')}` };
  });
}

export function backupsSummary(reading: BackupsReading): string {
  const sets = reading.sets;
  if (sets.length === 0) return 'no backup sets configured';
  const fresh = sets.filter((s) => s.state === 'fresh').length;
  const others = sets.filter((s) => s.state !== 'fresh').map((s) => `${s.name} ${stateText(s)}`);
  const wal = sets
    .filter((s) => s.wal && (s.wal.state === 'failing' || s.wal.state === 'off'))
    .map((s) => `${s.name} WAL ${s.wal?.state === 'off' ? 'off' : 'failing'}`);
  const hosts = [...new Set(sets.filter((s) => s.problem?.reason === 'unreachable').map((s) => s.host))].map((h) => `${h} unreachable`);
  const drills = sets.filter((s) => s.drill?.state === 'failed').map((s) => `${s.name} drill failed`);
  const head =
    others.length === 0
      ? `${sets.length} ${sets.length === 1 ? 'set' : 'sets'} fresh`
      : `${sets.length} ${sets.length === 1 ? 'set' : 'sets'}: ${[`${fresh} fresh`, ...others].join(', ')}`;
  return [head, ...wal, ...drills, ...hosts].join('; ');
}

/** ok when every set is fresh; warn when one is due, shrank or cannot be read; crit when overdue, missing or WAL failing. */
export function assessBackups(reading: BackupsReading): Assessment {
  const alerts = [...reading.sets.flatMap((set) => setAlerts(set, reading.at)), ...unreachableAlerts(reading)];
  return assessmentFromAlerts(alerts, backupsSummary(reading));
}
