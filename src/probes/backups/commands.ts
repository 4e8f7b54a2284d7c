// The commands the backups reader runs on a set's host: restic or borg for a repository, psql
// for WAL archiving. Pure: argv and environment from the config, nothing run here.
import { shellQuote } from '../../hosts/host.js';
import type { BackupSetConfig, WalArchiveConfig } from './types.js';

export type PlannedCommand = { host: string; argv: string[]; env: Record<string, string> };

/** Where a set's backups are, in words. */
export function setLocation(set: BackupSetConfig): string {
  if (set.kind === 'restic' || set.kind === 'borg') return `${set.kind} repository ${set.path}`;
  const glob = set.glob ?? (set.kind === 'dirs' ? '*/' : '*');
  return `${set.path.replace(/\/+$/, '')}/${glob}`;
}

/** `restic snapshots --json` or `borg list --json` of the set's repository; null for a directory set. */
export function repositoryCommand(set: BackupSetConfig): PlannedCommand | null {
  if (set.kind === 'restic') {
    const password = set.passwordFile === undefined ? [] : ['--password-file', set.passwordFile];
    // --no-lock: reading the list must never wait for, or block, a backup that is running.
    return {
      host: set.host,
      argv: [set.command ?? 'restic', '-r', set.path, 'snapshots', '--json', '--no-lock', ...password, ...set.args],
      env: {},
    };
  }
  if (set.kind === 'borg') {
    // borg asks questions on its terminal (a moved or unencrypted repository, a passphrase);
    // there is none here, so every question is answered "no" at once instead of waiting.
    const env: Record<string, string> = {
      BORG_RELOCATED_REPO_ACCESS_IS_OK: 'no',
      BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'no',
      BORG_DISPLAY_PASSPHRASE: 'no',
      ...(set.passwordFile === undefined ? { BORG_PASSPHRASE: '' } : { BORG_PASSCOMMAND: `cat ${shellQuote(set.passwordFile)}` }),
    };
    // --bypass-lock, like restic's --no-lock: the list is read without waiting for a backup that
    // holds the lock, and by a user who may read the repository but not write its lock files.
    return { host: set.host, argv: [set.command ?? 'borg', 'list', '--json', '--bypass-lock', ...set.args, set.path], env };
  }
  return null;
}

/** The WAL check of a set: psql where and as the config says; null when the set has none. */
export function walTarget(set: BackupSetConfig): (WalArchiveConfig & { host: string }) | null {
  if (set.walArchive === false) return null;
  if (set.walArchive === true) return { host: set.host, psql: ['psql'], database: 'postgres' };
  return { ...set.walArchive, host: set.walArchive.host ?? set.host };
}

/**
 * One JSON line from pg_stat_archiver (and archive_mode, and the server's clock, so that ages
 * do not depend on the two clocks agreeing). Readable by any role: no superuser needed.
 */
export const ARCHIVER_QUERY = [
  'select json_build_object(',
  "'archive_mode', current_setting('archive_mode'),",
  "'archived_count', archived_count, 'last_archived_wal', last_archived_wal,",
  "'last_archived_time', extract(epoch from last_archived_time),",
  "'failed_count', failed_count, 'last_failed_wal', last_failed_wal,",
  "'last_failed_time', extract(epoch from last_failed_time),",
  "'now', extract(epoch from now())) from pg_stat_archiver",
].join(' ');

export function walCommand(
  wal: WalArchiveConfig & { host: string },
  timeoutMs: number,
  env: Readonly<Record<string, string | undefined>>,
): PlannedCommand {
  const connection = [
    ...(wal.address === undefined ? [] : ['-h', wal.address]),
    ...(wal.port === undefined ? [] : ['-p', String(wal.port)]),
    ...(wal.user === undefined ? [] : ['-U', wal.user]),
    '-d',
    wal.database,
  ];
  const password = wal.passwordEnv === undefined ? undefined : env[wal.passwordEnv];
  return {
    host: wal.host,
    // -X no psqlrc, -A -t bare values, -w never ask for a password (fail instead).
    argv: [...wal.psql, '-X', '-A', '-t', '-q', '-w', '-v', 'ON_ERROR_STOP=1', ...connection, '-c', ARCHIVER_QUERY],
    env: {
      PGCONNECT_TIMEOUT: String(Math.max(2, Math.ceil(timeoutMs / 1000))),
      ...(password === undefined ? {} : { PGPASSWORD: password }),
    },
  };
}
