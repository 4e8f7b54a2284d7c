// Replays a scenario's backups (backups.json) through the real backups reader: replaying hosts
// answer its directory listings, restic and borg runs and psql's pg_stat_archiver query the way
// the real ones do, so the reader's error handling, the parsers and the assessment all run as
// they do live. Times are ages relative to each call, so a demo's backups stay as old as
// recorded. Format: fixtures/README.md, "Backups".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration, parseSize } from '../config/units.js';
import { ExecError, type ExecResult, type FileStat, type Host } from '../hosts/host.js';
import { type BackupsHosts, backupsReader } from '../probes/backups/reader.js';
import type { BackupsConfig, BackupsRaw } from '../probes/backups/types.js';
import { RecordingError } from './http-replay.js';
import type { Scenario } from './scenario.js';

/** One backup, or a series of them `every` apart, the newest `newest` (or `age`) old. */
export type RecordedBackups = {
  name: string;
  age?: string;
  newest?: string;
  count?: number;
  every?: string;
  size?: number | string;
  /** The newest one's size, when it differs (a backup that shrank). */
  newestSize?: number | string;
  dir?: boolean;
};

export type RecordedArchiver = {
  archiveMode?: string;
  archivedCount: number;
  lastArchivedWal?: string | null;
  lastArchived?: string | null;
  failedCount?: number;
  lastFailedWal?: string | null;
  lastFailed?: string | null;
};

export type RecordedHost = {
  /** Every call fails: the host does not answer (e.g. "connect ETIMEDOUT 10.0.10.20:22"). */
  unreachable?: string;
  /** Directories whose listing is refused (permission denied). */
  denied?: string[];
  dirs?: Record<string, RecordedBackups[]>;
  restic?: Record<string, RecordedBackups[]>;
  borg?: Record<string, RecordedBackups[]>;
  archiver?: RecordedArchiver;
};

export type BackupsRecording = { hosts: Record<string, RecordedHost> };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function ms(text: string | null | undefined, file: string, where: string): number | null {
  if (text === null || text === undefined) return null;
  const value = parseDuration(text);
  if (value === undefined) throw new RecordingError(`${file}: ${where}: "${text}" is not a duration (e.g. 25m, 9h, 2d)`);
  return value;
}

function bytes(value: number | string | undefined, file: string, where: string): number {
  if (value === undefined) return 0;
  const parsed = typeof value === 'number' ? value : parseSize(value);
  if (parsed === undefined) throw new RecordingError(`${file}: ${where}: "${value}" is not a size (e.g. 512MiB)`);
  return parsed;
}

function checkBackups(list: unknown, file: string, where: string): void {
  if (!Array.isArray(list)) throw new RecordingError(`${file}: ${where} must be a list of { "name", "age" | "newest", … }`);
  list.forEach((entry: unknown, index) => {
    const at = `${where}[${index}]`;
    if (!isRecord(entry) || typeof entry.name !== 'string') throw new RecordingError(`${file}: ${at}: needs a "name"`);
    const e = entry as RecordedBackups;
    ms(e.age ?? e.newest ?? '0s', file, `${at}.age`);
    if ((e.count ?? 1) > 1 && e.every === undefined) throw new RecordingError(`${file}: ${at}: a series of ${e.count} needs "every"`);
    ms(e.every, file, `${at}.every`);
    bytes(e.size, file, `${at}.size`);
    bytes(e.newestSize, file, `${at}.newestSize`);
  });
}

export function parseBackupsRecording(value: unknown, file: string): BackupsRecording {
  if (!isRecord(value) || !isRecord(value.hosts))
    throw new RecordingError(`${file}: expected { "hosts": { HOST: { "dirs": …, "archiver": … } } }`);
  for (const [name, host] of Object.entries(value.hosts)) {
    if (!isRecord(host)) throw new RecordingError(`${file}: hosts.${name} must be an object`);
    for (const key of ['dirs', 'restic', 'borg'] as const) {
      const places = host[key];
      if (places === undefined) continue;
      if (!isRecord(places)) throw new RecordingError(`${file}: hosts.${name}.${key} must map paths to lists of backups`);
      for (const [path, list] of Object.entries(places)) checkBackups(list, file, `hosts.${name}.${key}.${path}`);
    }
    const archiver = host.archiver;
    if (archiver !== undefined && (!isRecord(archiver) || typeof archiver.archivedCount !== 'number')) {
      throw new RecordingError(`${file}: hosts.${name}.archiver needs "archivedCount"`);
    }
  }
  return value as BackupsRecording;
}

const stamp = (at: number) => new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

type Expanded = { name: string; at: number; size: number; dir: boolean };

/** The backups a recorded list stands for, at `now`. */
function expand(list: readonly RecordedBackups[], now: number, file: string): Expanded[] {
  return list.flatMap((entry) => {
    const newest = now - (ms(entry.newest ?? entry.age ?? '0s', file, entry.name) ?? 0);
    const every = ms(entry.every, file, entry.name) ?? 0;
    return Array.from({ length: Math.max(1, entry.count ?? 1) }, (_, index) => {
      const at = newest - index * every;
      const size = bytes(index === 0 && entry.newestSize !== undefined ? entry.newestSize : entry.size, file, entry.name);
      return { name: entry.name.replace('{time}', stamp(at)), at, size, dir: entry.dir ?? false };
    });
  });
}

const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', code: 0, signal: null });

/** A Host answering from the recording: listings as SFTP would, programs as they print. */
function replayHost(name: string, recorded: RecordedHost | undefined, file: string, now: () => number): Host {
  let unreachableSince: number | null = null;
  const gate = (): void => {
    if (!recorded) throw new ExecError('other', `${name}: not in the demo scenario`);
    if (recorded.unreachable !== undefined) {
      unreachableSince ??= now();
      throw new ExecError(
        'unreachable',
        `${name} unreachable since ${new Date(unreachableSince).toTimeString().slice(0, 8)} (${recorded.unreachable})`,
      );
    }
  };
  const sftpError = (code: number, message: string) => Object.assign(new ExecError('other', `${name}: ${message}`), { code });
  const run = async (argv: readonly string[]): Promise<ExecResult> => {
    gate();
    const last = argv.at(-1) ?? '';
    if (last.includes('pg_stat_archiver')) {
      const a = recorded?.archiver;
      if (!a)
        return {
          stdout: '',
          stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n',
          code: 2,
          signal: null,
        };
      const at = now();
      const epoch = (age: string | null | undefined) => {
        const offset = ms(age, file, `hosts.${name}.archiver`);
        return offset === null ? null : (at - offset) / 1000;
      };
      return ok(
        `${JSON.stringify({
          archive_mode: a.archiveMode ?? 'on',
          archived_count: a.archivedCount,
          last_archived_wal: a.lastArchivedWal ?? null,
          last_archived_time: epoch(a.lastArchived),
          failed_count: a.failedCount ?? 0,
          last_failed_wal: a.lastFailedWal ?? null,
          last_failed_time: epoch(a.lastFailed),
          now: at / 1000,
        })}\n`,
      );
    }
    if (argv.includes('snapshots') && argv.includes('-r')) {
      const repo = argv[argv.indexOf('-r') + 1] ?? '';
      const list = recorded?.restic?.[repo];
      if (!list)
        return {
          stdout: '',
          stderr: `Fatal: repository does not exist: unable to open config file: stat ${repo}/config: no such file or directory\n`,
          code: 10,
          signal: null,
        };
      return ok(
        `${JSON.stringify(
          expand(list, now(), file).map((b, index) => {
            const id = (index + 0x1f2e3d4c).toString(16).padStart(8, '0');
            return {
              time: new Date(b.at).toISOString(),
              hostname: name,
              paths: [repo],
              id: `${id}${'0'.repeat(56)}`,
              short_id: id,
              summary: { total_bytes_processed: b.size },
            };
          }),
        )}\n`,
      );
    }
    if (argv.includes('list')) {
      const list = recorded?.borg?.[last];
      if (!list) return { stdout: '', stderr: `Repository ${last} does not exist.\n`, code: 2, signal: null };
      return ok(
        `${JSON.stringify({ archives: expand(list, now(), file).map((b) => ({ name: b.name, start: new Date(b.at).toISOString() })), repository: { location: last } })}\n`,
      );
    }
    return { stdout: '', stderr: `${argv[0] ?? 'command'}: not in the demo scenario\n`, code: 127, signal: null };
  };
  return {
    name,
    kind: 'ssh',
    exec: (argv) => run(argv),
    run: (command) =>
      'argv' in command
        ? run(command.argv)
        : Promise.resolve({ stdout: '', stderr: 'shell commands are not replayed\n', code: 2, signal: null }),
    async readFile(path) {
      gate();
      throw sftpError(2, `read ${path}: No such file`);
    },
    async stat(path) {
      gate();
      return recorded?.dirs?.[path] ? { path, size: 4096, mtimeMs: now(), isDirectory: true } : null;
    },
    async list(dir): Promise<FileStat[]> {
      gate();
      if (recorded?.denied?.includes(dir)) throw sftpError(3, `list ${dir}: Permission denied`);
      const list = recorded?.dirs?.[dir];
      if (!list) throw sftpError(2, `list ${dir}: No such file`);
      const base = dir.endsWith('/') ? dir : `${dir}/`;
      return expand(list, now(), file).map((b) => ({
        path: `${base}${b.name}`,
        size: b.dir ? 4096 : b.size,
        mtimeMs: b.at,
        isDirectory: b.dir,
      }));
    },
    close() {},
  };
}

/** Hosts answering from a recording (exported for tests of the reader). */
export function replayBackupsHosts(recording: BackupsRecording, file: string, now: () => number = Date.now): BackupsHosts {
  const built = new Map<string, Host>();
  return {
    get(name) {
      let host = built.get(name);
      if (!host) {
        host = replayHost(name, Object.hasOwn(recording.hosts, name) ? recording.hosts[name] : undefined, file, now);
        built.set(name, host);
      }
      return host;
    },
  };
}

/** The scenario's backups reader, or null when it has no backups.json (the pane is then off). */
export function replayBackups(
  scenario: Scenario,
  config: BackupsConfig,
  now: () => number = Date.now,
): ((signal: AbortSignal) => Promise<BackupsRaw>) | null {
  const file = join(scenario.dir, 'backups.json');
  if (!existsSync(file)) return null;
  const recording = parseBackupsRecording(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  // The hosts answer on the clock of the read they belong to, so that a backup recorded as 9h
  // old is 9h old in the reading, not 9h less the milliseconds the read took.
  let readAt = now();
  const hosts = replayBackupsHosts(recording, file, () => readAt);
  // No password is read in the demo: the replaying hosts answer without one.
  return backupsReader(config, hosts, { now: () => (readAt = now()), env: {} });
}
