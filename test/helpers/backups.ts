// Builders for the backups tests: a config section from plain input, and hosts in memory whose
// listings and commands answer what a test says (or fail the way real hosts fail).
import { backupsSchema } from '../../src/config/schema.js';
import { ExecError, type ExecOptions, type ExecResult, type FileStat, type Host } from '../../src/hosts/host.js';
import type { BackupsHosts } from '../../src/probes/backups/reader.js';
import type { BackupsConfig } from '../../src/probes/backups/types.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** A fixed "now" for pure tests. */
export const AT = Date.parse('2026-05-03T12:00:00Z');

export function backupsConfig(input: Record<string, unknown>): BackupsConfig {
  return backupsSchema.parse(input);
}

/** Files in `dir`, each `ageMs` old at `at`. */
export function listing(dir: string, files: { name: string; ageMs: number; size?: number; dir?: boolean }[], at = AT): FileStat[] {
  return files.map((f) => ({ path: `${dir}/${f.name}`, size: f.size ?? 1000, mtimeMs: at - f.ageMs, isDirectory: f.dir ?? false }));
}

export type FakeBehaviour = {
  list?: (dir: string, options: { timeoutMs: number; signal?: AbortSignal | undefined }) => Promise<FileStat[]>;
  run?: (argv: readonly string[], options: ExecOptions) => Promise<ExecResult>;
};

/** A host whose list and run do what the test says; calls are recorded. */
export function fakeHost(
  name: string,
  behaviour: FakeBehaviour,
): Host & { calls: { argv?: readonly string[]; dir?: string; options: unknown }[] } {
  const calls: { argv?: readonly string[]; dir?: string; options: unknown }[] = [];
  const run = (argv: readonly string[], options: ExecOptions) => {
    calls.push({ argv, options });
    return behaviour.run ? behaviour.run(argv, options) : Promise.reject(new ExecError('other', 'no run here'));
  };
  return {
    name,
    kind: 'ssh',
    calls,
    exec: run,
    run: (command, options) => run('argv' in command ? command.argv : ['sh', '-c', command.shell], options),
    readFile: () => Promise.reject(new ExecError('other', 'not here')),
    stat: () => Promise.resolve(null),
    list: (dir, options) => {
      calls.push({ dir, options });
      return behaviour.list
        ? behaviour.list(dir, options)
        : Promise.reject(Object.assign(new Error(`list ${dir}: No such file`), { code: 2 }));
    },
    close() {},
  };
}

export function hostsOf(...hosts: Host[]): BackupsHosts {
  return { get: (name) => hosts.find((h) => h.name === name) };
}

export const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', code: 0, signal: null });
export const exit = (code: number, stderr: string): ExecResult => ({ stdout: '', stderr, code, signal: null });

/** A line as ARCHIVER_QUERY prints it; times are seconds before `at`. */
export function archiverLine(fields: {
  mode?: string;
  archived: number;
  lastArchivedAgo?: number | null;
  failed?: number;
  lastFailedAgo?: number | null;
  at?: number;
  skewMs?: number;
}): string {
  const at = (fields.at ?? AT) + (fields.skewMs ?? 0);
  const epoch = (ago: number | null | undefined) => (ago === null || ago === undefined ? null : (at - ago * 1000) / 1000);
  return `${JSON.stringify({
    archive_mode: fields.mode ?? 'on',
    archived_count: fields.archived,
    last_archived_wal: fields.archived ? '000000010000000000000041' : null,
    last_archived_time: epoch(fields.lastArchivedAgo),
    failed_count: fields.failed ?? 0,
    last_failed_wal: fields.failed ? '000000010000000000000042' : null,
    last_failed_time: epoch(fields.lastFailedAgo),
    now: at / 1000,
  })}\n`;
}
