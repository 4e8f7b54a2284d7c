// A drill of one backup set, on the estate's hosts: the newest backup found, restored somewhere
// that does not matter (a throwaway container, a temporary directory), checked, and the result
// recorded in the state directory. What is restored and how: postgres.ts and sample.ts.
import { randomBytes } from 'node:crypto';
import type { Env } from '../config/paths.js';
import { formatDuration } from '../config/units.js';
import { ExecError, type ExecResult, type Host } from '../hosts/host.js';
import type { Hosts } from '../hosts/registry.js';
import type { DrillKind, DrillRecord } from '../model/drill.js';
import { itemsFromListing } from '../probes/backups/parse.js';
import type { BackupSetConfig } from '../probes/backups/types.js';
import { parsePostgresDrill, postgresCleanupCommand, postgresDrillCommand } from './postgres.js';
import {
  borgEnv,
  borgListCommand,
  borgRestoreCommand,
  chooseSample,
  parseBorgList,
  parseResticList,
  resticListCommand,
  resticRestoreCommand,
  sampleSummary,
  sampleVerdicts,
} from './sample.js';
import { recordDrill } from './store.js';

export type DrillDeps = {
  hosts: Pick<Hosts, 'get'>;
  env: Env;
  signal?: AbortSignal;
  now?: () => number;
  random?: () => number;
  /** What the drill is doing, in words, as it goes. */
  onProgress?: (line: string) => void;
};

export class DrillUnavailable extends Error {}

export function drillKind(set: BackupSetConfig): DrillKind {
  return set.kind === 'restic' || set.kind === 'borg' ? set.kind : 'postgres';
}

class DrillFailure extends Error {
  constructor(
    message: string,
    readonly backup: string | null = null,
  ) {
    super(message);
  }
}

function hostOf(hosts: DrillDeps['hosts'], name: string): Host {
  const host = hosts.get(name);
  if (!host) throw new DrillFailure(`host "${name}" cannot run commands (no ssh: or local: true in the config)`);
  return host;
}

/** Stderr's last lines, or the exit code: why a command failed. */
function why(result: ExecResult): string {
  const last = result.stderr.trim().split('\n').filter(Boolean).slice(-2).join('; ');
  return last || (result.code === null ? `stopped by ${result.signal ?? 'a signal'}` : `exit ${result.code}`);
}

/**
 * Drills one set and records the result (a stopped drill, aborted by the caller, is not a
 * result and is not recorded). Throws DrillUnavailable when the set has no `drill:`.
 */
export async function drillSet(set: BackupSetConfig, deps: DrillDeps): Promise<DrillRecord> {
  const drill = set.drill;
  if (!drill) throw new DrillUnavailable(`backup set "${set.name}" has no drill: in the config (docs/backups.md, "Drills")`);
  const now = deps.now ?? Date.now;
  const started = now();
  const deadline = started + drill.timeout;
  const signal = deps.signal ?? new AbortController().signal;
  const left = () => Math.max(1_000, deadline - now());
  const kind = drillKind(set);
  const say = (line: string) => deps.onProgress?.(line);
  const base = { set: set.name, kind };
  try {
    const result =
      kind === 'postgres'
        ? await drillDump(set, drill, deps, { left, signal, say })
        : await drillSample(set, drill, kind, deps, { left, signal, say });
    const record: DrillRecord = { ...base, at: now(), durationMs: now() - started, ...result };
    recordDrill(deps.env, record);
    return record;
  } catch (error) {
    if (signal.aborted || (error instanceof ExecError && error.reason === 'aborted')) throw error;
    const message =
      error instanceof ExecError && error.reason === 'timeout'
        ? `did not finish within ${formatDuration(drill.timeout)}`
        : (error as Error).message;
    const record: DrillRecord = {
      ...base,
      at: now(),
      durationMs: now() - started,
      ok: false,
      backup: error instanceof DrillFailure ? error.backup : null,
      summary: `drill failed: ${message}`,
      error: message,
    };
    recordDrill(deps.env, record);
    return record;
  }
}

type Run = { left: () => number; signal: AbortSignal; say: (line: string) => void };
type Outcome = Pick<DrillRecord, 'ok' | 'backup' | 'summary' | 'error' | 'tables' | 'files'>;

type Drill = NonNullable<BackupSetConfig['drill']>;

async function drillDump(set: BackupSetConfig, drill: Drill, deps: DrillDeps, run: Run): Promise<Outcome> {
  const holder = hostOf(deps.hosts, set.host);
  const entries = await holder.list(set.path, { timeoutMs: run.left(), signal: run.signal });
  const newest = itemsFromListing(entries, set).find((item) => (item.size ?? 0) > 0);
  if (!newest) throw new DrillFailure(`no backup in ${set.path} on ${set.host} to restore`);
  const where = drill.host ?? set.host;
  const dump = `${(drill.path ?? set.path).replace(/\/+$/, '')}/${newest.name}`;
  const target = {
    docker: drill.docker,
    image: drill.image !== undefined ? { image: drill.image } : { container: drill.container ?? '' },
    dump,
    name: `homeops-drill-${set.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(3).toString('hex')}`,
  };
  run.say(`restoring ${newest.name} into a throwaway PostgreSQL on ${where}`);
  const host = hostOf(deps.hosts, where);
  let result: ExecResult;
  try {
    result = await host.run(
      { shell: postgresDrillCommand(target) },
      { timeoutMs: run.left(), signal: run.signal, maxBuffer: 8 * 1024 * 1024 },
    );
  } catch (error) {
    // Stopped half way: the container must not outlive the drill.
    await host.exec(postgresCleanupCommand(target), { timeoutMs: 30_000 }).catch(() => undefined);
    throw error;
  }
  const outcome = parsePostgresDrill(result.stdout, result.stderr, result.code);
  const rows = outcome.tables.reduce((sum, t) => sum + t.rows, 0);
  if (!outcome.ok)
    return { ok: false, backup: newest.name, summary: `drill failed: ${outcome.error}`, error: outcome.error, tables: outcome.tables };
  const tables = `${outcome.tables.length} table${outcome.tables.length === 1 ? '' : 's'}, ${rows} row${rows === 1 ? '' : 's'}`;
  return { ok: true, backup: newest.name, summary: `${tables}; pg_amcheck found no corruption`, tables: outcome.tables };
}

async function drillSample(set: BackupSetConfig, drill: Drill, kind: 'restic' | 'borg', deps: DrillDeps, run: Run): Promise<Outcome> {
  const host = hostOf(deps.hosts, set.host);
  const env = kind === 'borg' ? borgEnv(set) : {};
  const listed = await host.run(kind === 'restic' ? { argv: resticListCommand(set) } : { shell: borgListCommand(set) }, {
    timeoutMs: run.left(),
    signal: run.signal,
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (listed.code !== 0) throw new DrillFailure(`${kind} could not list the newest snapshot: ${why(listed)}`);
  const snapshot = kind === 'restic' ? parseResticList(listed.stdout) : parseBorgList(listed.stdout);
  const sample = chooseSample(snapshot.files, drill.sample, deps.random);
  if (!sample.length) throw new DrillFailure(`the newest ${kind === 'restic' ? 'snapshot' : 'archive'} holds no files`, snapshot.id);
  run.say(`restoring ${sample.length} of ${snapshot.files.length} files of ${snapshot.id} on ${set.host}`);
  const paths = sample.map((f) => f.path);
  const restored = await host.run(
    { shell: kind === 'restic' ? resticRestoreCommand(set, snapshot.id, paths) : borgRestoreCommand(set, snapshot.id, paths) },
    { timeoutMs: run.left(), signal: run.signal, env, maxBuffer: 8 * 1024 * 1024 },
  );
  const { files, restoreFailed } = sampleVerdicts(kind, sample, restored.stdout);
  if (restoreFailed || restored.code !== 0) {
    const error = `${kind} could not restore the sample: ${why(restored)}`;
    return { ok: false, backup: snapshot.id, summary: `drill failed: ${error}`, error, files };
  }
  const summary = sampleSummary(files);
  const bad = files.filter((f) => f.verdict === 'differs' || f.verdict === 'missing');
  if (bad.length) {
    const error = `${summary} (${bad
      .map((f) => f.path)
      .slice(0, 3)
      .join(', ')})`;
    return { ok: false, backup: snapshot.id, summary: `drill failed: ${error}`, error, files };
  }
  return { ok: true, backup: snapshot.id, summary, files };
}
