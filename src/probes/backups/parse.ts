// Pure parsers: a directory listing, `restic snapshots --json`, `borg list --json` and psql's
// pg_stat_archiver line into typed values; and what a failed call means, in words.
import { ExecError, type ExecResult, type FileStat } from '../../hosts/host.js';
import type { BackupItem, BackupKind, ReadFailure } from '../../model/backups.js';
import { nameMatcher } from './glob.js';

export class BackupParseError extends Error {}

const baseName = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? path;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Newest first; equal times by name, so that the order never depends on the listing's. */
export function newestFirst(items: readonly BackupItem[]): BackupItem[] {
  return [...items].sort((a, b) => b.at - a.at || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** The backups in a listing: files (or directories, for kind `dirs`) whose name matches the glob. */
export function itemsFromListing(entries: readonly FileStat[], set: { kind: BackupKind; glob?: string | undefined }): BackupItem[] {
  const matches = nameMatcher(set.glob);
  const dirs = set.kind === 'dirs';
  return newestFirst(
    entries
      .filter((entry) => entry.isDirectory === dirs && matches(baseName(entry.path)))
      // A directory's own size says nothing about what it holds.
      .map((entry) => ({ name: baseName(entry.path), at: entry.mtimeMs, size: dirs ? null : entry.size })),
  );
}

function parseJson(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout) as unknown;
  } catch {
    const first = stdout.trim().split('\n')[0] ?? '';
    throw new BackupParseError(`${what}: not JSON${first ? ` ("${first.slice(0, 60)}")` : ' (no output)'}`);
  }
}

function time(value: unknown, what: string): number {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) throw new BackupParseError(`${what}: ${JSON.stringify(value)} is not a time`);
  return at;
}

/**
 * `restic snapshots --json`: an array of snapshots; `time` is when the backup started (RFC 3339
 * with an offset), `summary.total_bytes_processed` its size (restic 0.17 and later).
 */
export function parseResticSnapshots(stdout: string): BackupItem[] {
  const parsed = parseJson(stdout, 'restic snapshots');
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new BackupParseError('restic snapshots: expected a JSON array of snapshots');
  return newestFirst(
    parsed.map((snapshot: unknown, index) => {
      if (!isRecord(snapshot)) throw new BackupParseError(`restic snapshots: entry ${index} is not an object`);
      const id =
        typeof snapshot.short_id === 'string' ? snapshot.short_id : typeof snapshot.id === 'string' ? snapshot.id.slice(0, 8) : `#${index}`;
      const summary = isRecord(snapshot.summary) ? snapshot.summary : null;
      const size = typeof summary?.total_bytes_processed === 'number' ? summary.total_bytes_processed : null;
      return { name: id, at: time(snapshot.time, `restic snapshot ${id}`), size };
    }),
  );
}

/**
 * `borg list --json`: `archives[]` with `name` and `start` (borg 1 writes local time without an
 * offset, read here as this machine's local time; `time` in older versions).
 */
export function parseBorgList(stdout: string): BackupItem[] {
  const parsed = parseJson(stdout, 'borg list');
  if (!isRecord(parsed) || !Array.isArray(parsed.archives)) throw new BackupParseError('borg list: expected { "archives": [...] }');
  return newestFirst(
    parsed.archives.map((archive: unknown, index) => {
      if (!isRecord(archive)) throw new BackupParseError(`borg list: archive ${index} is not an object`);
      const name = typeof archive.name === 'string' ? archive.name : typeof archive.archive === 'string' ? archive.archive : `#${index}`;
      return { name, at: time(archive.start ?? archive.time, `borg archive ${name}`), size: null };
    }),
  );
}

export type ArchiverStats = {
  archiveMode: string;
  archivedCount: number;
  lastArchivedWal: string | null;
  /** Server clock, ms since the epoch. */
  lastArchivedAt: number | null;
  failedCount: number;
  lastFailedWal: string | null;
  lastFailedAt: number | null;
  serverNow: number;
};

/** The JSON line of ARCHIVER_QUERY (src/probes/backups/commands.ts). */
export function parseArchiver(stdout: string): ArchiverStats {
  const line =
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? '';
  const parsed = parseJson(line, 'pg_stat_archiver');
  if (!isRecord(parsed)) throw new BackupParseError('pg_stat_archiver: expected one JSON object');
  const num = (key: string): number | null => {
    const value = parsed[key];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new BackupParseError(`pg_stat_archiver: ${key} is not a number`);
    return value;
  };
  const text = (key: string): string | null => (typeof parsed[key] === 'string' ? parsed[key] : null);
  const seconds = (key: string): number | null => {
    const value = num(key);
    return value === null ? null : Math.round(value * 1000);
  };
  const serverNow = seconds('now');
  if (serverNow === null) throw new BackupParseError('pg_stat_archiver: no server time');
  return {
    archiveMode: text('archive_mode') ?? 'unknown',
    archivedCount: num('archived_count') ?? 0,
    lastArchivedWal: text('last_archived_wal'),
    lastArchivedAt: seconds('last_archived_time'),
    failedCount: num('failed_count') ?? 0,
    lastFailedWal: text('last_failed_wal'),
    lastFailedAt: seconds('last_failed_time'),
    serverNow,
  };
}

// ---------------------------------------------------------------- failures in words

/** The error's code, as the local filesystem (errno names) or SFTP (status numbers) gives it. */
function codeOf(error: unknown): string | number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

/** The "; retrying in 4s" an SSH host adds goes stale on screen: the probe retries by itself. */
const withoutRetry = (message: string) => message.replace(/; retrying in \d+s$/, '');

/** What a failed listing of `path` on `host` means. */
export function listingFailure(error: unknown, host: string, path: string): ReadFailure {
  if (error instanceof ExecError && error.reason !== 'other') {
    const reason = error.reason === 'not-found' ? 'other' : error.reason === 'connection-lost' ? 'unreachable' : error.reason;
    return { reason, message: withoutRetry(error.message) };
  }
  const code = codeOf(error);
  // SFTP status 2 is SSH_FX_NO_SUCH_FILE, 3 SSH_FX_PERMISSION_DENIED.
  if (code === 'ENOENT' || code === 2) return { reason: 'not-found', message: `no such directory: ${path} on ${host}` };
  if (code === 'ENOTDIR') return { reason: 'not-found', message: `not a directory: ${path} on ${host}` };
  if (code === 'EACCES' || code === 'EPERM' || code === 3)
    return { reason: 'permission', message: `permission denied reading ${path} on ${host}` };
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return { reason: 'aborted', message: 'aborted' };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: 'other', message: `${path} on ${host}: ${message}` };
}

/** What a command that could not run means (not found, unreachable, timed out). */
export function execFailure(error: unknown, program: string, host: string): ReadFailure {
  if (error instanceof ExecError) {
    if (error.reason === 'not-found') return { reason: 'command', message: `${program}: command not found on ${host}` };
    if (error.reason === 'permission' && !/unreachable|host key/i.test(error.message))
      return { reason: 'permission', message: `${program}: permission denied on ${host}` };
    return { reason: error.reason === 'connection-lost' ? 'unreachable' : error.reason, message: withoutRetry(error.message) };
  }
  return { reason: 'other', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The line of stderr worth showing: restic's JSON error message; the message of a borg traceback
 * (the exception's, else the line before it); a Fatal/Error line; else the last non-empty line.
 */
function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bare = (line: string) => line.replace(/^psql: error: /, '').replace(/^Fatal: /, '');
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (isRecord(parsed) && parsed.message_type === 'exit_error' && typeof parsed.message === 'string')
        return bare(parsed.message.trim());
    } catch {
      // not JSON after all
    }
  }
  // A Python traceback (borg's): its message is the exception's line, before the platform report.
  const traceback = lines.findIndex((l) => l.startsWith('Traceback (most recent call last)'));
  if (traceback >= 0) {
    const raised = lines.find((l, i) => i > traceback && /^(?:(?:[a-z_]\w*\.)+[A-Z]\w*|[A-Z]\w*(?:Error|Exception)): /.test(l));
    if (raised) return bare(raised.replace(/^[\w.]+: /, ''));
    const before = lines
      .slice(0, traceback)
      .filter((l) => !/^(Local|Remote) Exception$/.test(l))
      .at(-1);
    if (before) return bare(before);
  }
  return bare(lines.find((l) => /^(Fatal|Error|psql: error|FATAL|ERROR)/i.test(l)) ?? lines.at(-1) ?? '');
}

/**
 * What a command's exit means; null when it worked. `command` is what was run (a path, or
 * `docker` for psql in a container), named when it is not there. restic: 10 no repository (or,
 * before 0.17, "unable to open config file"), 12 wrong password (0.17+); borg: "does not exist" /
 * "passphrase … incorrect", and its questions about unknown or moved repositories; 127 the
 * shell did not find the program.
 */
export function resultFailure(
  program: 'restic' | 'borg' | 'psql',
  result: ExecResult,
  host: string,
  location: string,
  command: string = program,
): ReadFailure | null {
  if (result.code === 0) return null;
  const line = errorLine(result.stderr) || errorLine(result.stdout);
  const detail = line ? `: ${line}` : '';
  if (result.code === 127 || /command not found|: not found$/.test(line))
    return { reason: 'command', message: `${command}: command not found on ${host}` };
  const all = `${result.stderr}\n${result.stdout}`;
  // restic 0.17+ exits 10; older ones exit 1 and ask "Is there a repository at the following location?"
  if (
    program === 'restic' &&
    (result.code === 10 || /unable to open config file|Is there a repository at the following location/i.test(all))
  ) {
    return { reason: 'not-found', message: `no restic repository at ${location} on ${host}` };
  }
  // borg asks before reading an unencrypted repository it has not seen, or one that has moved;
  // the reader answers no (it has no terminal), so say what answering yes takes.
  if (program === 'borg' && /previously unknown unencrypted repository/i.test(all)) {
    return {
      reason: 'permission',
      message: `borg on ${host} has not seen the unencrypted repository ${location} before and will not read it unasked: run "borg list ${location}" there once and answer y`,
    };
  }
  if (program === 'borg' && /was previously located at/i.test(all)) {
    return {
      reason: 'permission',
      message: `borg on ${host} knows the repository ${location} from another location and will not read it unasked: run "borg list ${location}" there once and answer y`,
    };
  }
  if (program === 'borg' && /does not exist|is not a valid repository/i.test(line))
    return { reason: 'not-found', message: `no borg repository at ${location} on ${host}` };
  if ((program === 'restic' && result.code === 12) || /passphrase .*incorrect|wrong password/i.test(line)) {
    return { reason: 'permission', message: `wrong password for the ${program} repository ${location} on ${host}` };
  }
  if (/permission denied/i.test(line)) return { reason: 'permission', message: `permission denied: ${location} on ${host}${detail}` };
  const status = result.code === null ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.code}`;
  return { reason: 'command', message: `${program} on ${host} failed (${status})${detail}` };
}
