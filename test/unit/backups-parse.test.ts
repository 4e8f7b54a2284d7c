// The backups parsers: which names count, restic and borg JSON of several versions, psql's
// pg_stat_archiver line, what a failed listing or command means; and the commands run.
import { describe, expect, it } from 'vitest';
import { ExecError } from '../../src/hosts/host.js';
import { ARCHIVER_QUERY, repositoryCommand, setLocation, walCommand, walTarget } from '../../src/probes/backups/commands.js';
import { nameMatcher } from '../../src/probes/backups/glob.js';
import {
  BackupParseError,
  execFailure,
  itemsFromListing,
  listingFailure,
  parseArchiver,
  parseBorgList,
  parseResticSnapshots,
  resultFailure,
} from '../../src/probes/backups/parse.js';
import { AT, archiverLine, backupsConfig, exit, HOUR, listing } from '../helpers/backups.js';

describe('names that count', () => {
  it('a glob matches whole names with *, ? and [...]', () => {
    const dump = nameMatcher('*.dump');
    expect(['db-1.dump', 'db.dump', 'x.dump.tmp', 'db-1.sql'].map(dump)).toEqual([true, true, false, false]);
    expect(['a1', 'ab', 'a12'].map(nameMatcher('a[0-9]'))).toEqual([true, false, false]);
    expect(['a1', 'ab'].map(nameMatcher('a[!0-9]'))).toEqual([false, true]);
    expect(['a.b', 'axb'].map(nameMatcher('a.b'))).toEqual([true, false]);
  });

  it('hidden names (temporary files of a copy in progress) count only when the glob starts with "."', () => {
    expect(['.db.dump.Xa9f', 'db.dump'].map(nameMatcher(undefined))).toEqual([false, true]);
    expect(['.db.dump.Xa9f', 'db.dump'].map(nameMatcher('*.dump'))).toEqual([false, true]);
    expect(['.last-sync', 'last-sync'].map(nameMatcher('.last-sync'))).toEqual([true, false]);
  });

  it('a listing gives files (or directories, for kind dirs) newest first, with sizes for files only', () => {
    const entries = listing('/b', [
      { name: 'db-2.dump', ageMs: 1 * HOUR, size: 500 },
      { name: 'db-1.dump', ageMs: 5 * HOUR, size: 520 },
      { name: 'notes.txt', ageMs: 0 },
      { name: 'base', ageMs: 2 * HOUR, dir: true },
      { name: '.db-3.dump.partial', ageMs: 0 },
    ]);
    expect(itemsFromListing(entries, { kind: 'files', glob: '*.dump' })).toEqual([
      { name: 'db-2.dump', at: AT - HOUR, size: 500 },
      { name: 'db-1.dump', at: AT - 5 * HOUR, size: 520 },
    ]);
    expect(itemsFromListing(entries, { kind: 'files' }).map((i) => i.name)).toEqual(['notes.txt', 'db-2.dump', 'db-1.dump']);
    expect(itemsFromListing(entries, { kind: 'dirs' })).toEqual([{ name: 'base', at: AT - 2 * HOUR, size: null }]);
  });
});

describe('restic snapshots --json', () => {
  // Written for these tests in restic's documented shape: 0.16 without summary, 0.17+ with it.
  const older = JSON.stringify([
    {
      time: '2026-05-02T22:00:03.418223911+02:00',
      tree: 'ab',
      paths: ['/srv/app'],
      hostname: 'workstation',
      id: 'f3e1c2d4b5a69788',
      short_id: 'f3e1c2d4',
    },
  ]);
  const newer = JSON.stringify([
    {
      time: '2026-05-01T04:00:01.5Z',
      paths: ['/srv/app'],
      hostname: 'workstation',
      id: '0a1b2c3d4e5f6a7b',
      short_id: '0a1b2c3d',
      summary: { backup_start: '2026-05-01T04:00:01.5Z', total_bytes_processed: 7_000_000 },
    },
    {
      time: '2026-05-03T04:00:02.25+00:00',
      paths: ['/srv/app'],
      hostname: 'workstation',
      id: '9f8e7d6c5b4a3928',
      short_id: '9f8e7d6c',
      summary: { total_bytes_processed: 2_000_000 },
    },
  ]);

  it('reads times with nanoseconds and offsets, the short id and the size, newest first', () => {
    expect(parseResticSnapshots(older)).toEqual([{ name: 'f3e1c2d4', at: Date.parse('2026-05-02T20:00:03.418Z'), size: null }]);
    expect(parseResticSnapshots(newer)).toEqual([
      { name: '9f8e7d6c', at: Date.parse('2026-05-03T04:00:02.250Z'), size: 2_000_000 },
      { name: '0a1b2c3d', at: Date.parse('2026-05-01T04:00:01.500Z'), size: 7_000_000 },
    ]);
  });

  it('an empty repository is an empty list; anything else that is not snapshots is an error', () => {
    expect(parseResticSnapshots('[]\n')).toEqual([]);
    expect(parseResticSnapshots('null\n')).toEqual([]);
    expect(() => parseResticSnapshots('{"message_type":"exit_error"}')).toThrow(BackupParseError);
    expect(() => parseResticSnapshots('Fatal: wrong password')).toThrow(/restic snapshots: not JSON \("Fatal: wrong password"\)/);
    expect(() => parseResticSnapshots('[{"time":"yesterday","short_id":"x"}]')).toThrow(/restic snapshot x: "yesterday" is not a time/);
  });
});

describe('borg list --json', () => {
  it('reads archives by start (borg 1: local time without an offset), or time, newest first', () => {
    const out = JSON.stringify({
      archives: [
        {
          archive: 'media-2026-04-26',
          barchive: 'media-2026-04-26',
          id: 'aa',
          name: 'media-2026-04-26',
          start: '2026-04-26T03:00:04.000000',
          time: '2026-04-26T03:00:04.000000',
        },
        { name: 'media-2026-05-03', id: 'bb', start: '2026-05-03T03:00:09.123456' },
        { name: 'old-format', id: 'cc', time: '2026-04-19T03:00:00.000000' },
      ],
      encryption: { mode: 'repokey' },
      repository: { id: 'r', last_modified: '2026-05-03T03:10:00.000000', location: '/volume1/borg/media' },
    });
    expect(parseBorgList(out)).toEqual([
      { name: 'media-2026-05-03', at: new Date(2026, 4, 3, 3, 0, 9, 123).getTime(), size: null },
      { name: 'media-2026-04-26', at: new Date(2026, 3, 26, 3, 0, 4).getTime(), size: null },
      { name: 'old-format', at: new Date(2026, 3, 19, 3, 0, 0).getTime(), size: null },
    ]);
  });

  it('borg 2 times with an offset, and an empty repository', () => {
    expect(parseBorgList('{"archives":[{"name":"a","start":"2026-05-03T03:00:00+02:00"}]}')[0]?.at).toBe(
      Date.parse('2026-05-03T01:00:00Z'),
    );
    expect(parseBorgList('{"archives":[]}')).toEqual([]);
    expect(() => parseBorgList('[]')).toThrow(/borg list: expected \{ "archives"/);
  });
});

describe('pg_stat_archiver', () => {
  it("reads the counts, the segments and the times on the server's clock", () => {
    const stats = parseArchiver(archiverLine({ archived: 12, lastArchivedAgo: 30, failed: 3, lastFailedAgo: 10 }));
    expect(stats).toEqual({
      archiveMode: 'on',
      archivedCount: 12,
      lastArchivedWal: '000000010000000000000041',
      lastArchivedAt: AT - 30_000,
      failedCount: 3,
      lastFailedWal: '000000010000000000000042',
      lastFailedAt: AT - 10_000,
      serverNow: AT,
    });
  });

  it('nothing archived yet: null times; psql notices before the line are skipped', () => {
    const stats = parseArchiver(`\n${archiverLine({ archived: 0, lastArchivedAgo: null })}\n`);
    expect(stats.lastArchivedAt).toBeNull();
    expect(stats.archivedCount).toBe(0);
    expect(() => parseArchiver('')).toThrow(/pg_stat_archiver: not JSON \(no output\)/);
    expect(() => parseArchiver('{"archived_count":"many","now":1}')).toThrow(/archived_count is not a number/);
  });
});

describe('what a failure means', () => {
  it('a listing: SFTP and local codes for a missing directory and for permission denied, with the path', () => {
    expect(listingFailure(Object.assign(new Error('No such file'), { code: 2 }), 'nas', '/volume1/backups/db')).toEqual({
      reason: 'not-found',
      message: 'no such directory: /volume1/backups/db on nas',
    });
    expect(listingFailure(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), 'here', '/b')).toEqual({
      reason: 'not-found',
      message: 'no such directory: /b on here',
    });
    expect(listingFailure(Object.assign(new Error('Permission denied'), { code: 3 }), 'nas', '/volume1/backups/app')).toEqual({
      reason: 'permission',
      message: 'permission denied reading /volume1/backups/app on nas',
    });
    expect(
      listingFailure(Object.assign(new Error("EACCES: permission denied, scandir '/b'"), { code: 'EACCES' }), 'here', '/b').reason,
    ).toBe('permission');
  });

  it('an unreachable host keeps its own words, without the retry countdown that goes stale on screen', () => {
    const error = new ExecError('unreachable', 'nas unreachable since 10:42:13 (connect ECONNREFUSED 10.0.10.20:22); retrying in 4s');
    expect(listingFailure(error, 'nas', '/b')).toEqual({
      reason: 'unreachable',
      message: 'nas unreachable since 10:42:13 (connect ECONNREFUSED 10.0.10.20:22)',
    });
    expect(listingFailure(new ExecError('timeout', 'nas: list /b: no answer within 10000 ms'), 'nas', '/b').reason).toBe('timeout');
    expect(execFailure(new ExecError('not-found', 'restic: command not found'), 'restic', 'here')).toEqual({
      reason: 'command',
      message: 'restic: command not found on here',
    });
  });

  it('restic exit codes: 10 no repository, 12 wrong password; its JSON error message is shown', () => {
    expect(
      resultFailure('restic', exit(10, 'Fatal: repository does not exist: unable to open config file\n'), 'nas', '/srv/restic'),
    ).toEqual({ reason: 'not-found', message: 'no restic repository at /srv/restic on nas' });
    expect(resultFailure('restic', exit(12, 'Fatal: wrong password or no key found\n'), 'nas', '/srv/restic')?.reason).toBe('permission');
    const json = '{"message_type":"exit_error","code":1,"message":"Fatal: unable to open repository: sftp: connection lost"}\n';
    expect(resultFailure('restic', exit(1, json), 'nas', '/srv/restic')).toEqual({
      reason: 'command',
      message: 'restic on nas failed (exit 1): unable to open repository: sftp: connection lost',
    });
    expect(resultFailure('restic', { stdout: '[]', stderr: '', code: 0, signal: null }, 'nas', '/r')).toBeNull();
    // restic before 0.17 (Debian 12's 0.14) exits 1 for a path that is no repository.
    const old =
      'Fatal: unable to open config file: stat /srv/r/config: no such file or directory\nIs there a repository at the following location?\n/srv/r\n';
    expect(resultFailure('restic', exit(1, old), 'nas', '/srv/r')).toEqual({
      reason: 'not-found',
      message: 'no restic repository at /srv/r on nas',
    });
  });

  it('borg: the message of a traceback, not the platform report after it; its questions, answered no, said plainly', () => {
    const traceback = [
      "Failed to create/acquire the lock /r/lock.exclusive ([Errno 13] Permission denied: '/r/lock.exclusive.tmp').",
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/borg/locking.py", line 137, in acquire',
      "borg.locking.LockFailed: Failed to create/acquire the lock /r/lock.exclusive ([Errno 13] Permission denied: '/r/lock.exclusive.tmp').",
      '',
      'Platform: Linux nas 6.1.0 x86_64',
      'SSH_ORIGINAL_COMMAND: None',
    ].join('\n');
    expect(resultFailure('borg', exit(2, traceback), 'nas', '/r')?.message).toBe(
      "permission denied: /r on nas: Failed to create/acquire the lock /r/lock.exclusive ([Errno 13] Permission denied: '/r/lock.exclusive.tmp').",
    );
    const bare = [
      'Traceback (most recent call last):',
      '  File "x.py", line 1, in f',
      'borg.remote.ConnectionClosed: Connection closed by remote host',
      'Platform: Linux',
    ].join('\n');
    expect(resultFailure('borg', exit(2, bare), 'nas', '/r')?.message).toBe(
      'borg on nas failed (exit 2): Connection closed by remote host',
    );
    const unknown =
      'Warning: Attempting to access a previously unknown unencrypted repository!\nDo you want to continue? [yN] no (from BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK)\nAborting.\nCache initialization aborted\n';
    expect(resultFailure('borg', exit(2, unknown), 'nas', '/r')?.message).toBe(
      'borg on nas has not seen the unencrypted repository /r before and will not read it unasked: run "borg list /r" there once and answer y',
    );
    const moved =
      'Warning: The repository at location /r was previously located at ssh://old/r\nDo you want to continue? [yN] no (from BORG_RELOCATED_REPO_ACCESS_IS_OK)\nAborting.\n';
    expect(resultFailure('borg', exit(2, moved), 'nas', '/r')?.message).toMatch(
      /^borg on nas knows the repository \/r from another location/,
    );
  });

  it("borg: a missing repository, a wrong passphrase; a program the shell cannot find; psql's error", () => {
    expect(resultFailure('borg', exit(2, 'Repository /volume1/borg/media does not exist.\n'), 'nas', '/volume1/borg/media')?.reason).toBe(
      'not-found',
    );
    expect(
      resultFailure(
        'borg',
        exit(2, 'passphrase supplied in BORG_PASSPHRASE, by BORG_PASSCOMMAND or via BORG_PASSPHRASE_FD is incorrect.\n'),
        'nas',
        '/r',
      )?.message,
    ).toBe('wrong password for the borg repository /r on nas');
    expect(resultFailure('borg', exit(127, 'sh: 1: borg: not found\n'), 'nas', '/r')).toEqual({
      reason: 'command',
      message: 'borg: command not found on nas',
    });
    const psql =
      'psql: error: connection to server at "127.0.0.1", port 55432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n';
    expect(resultFailure('psql', exit(2, psql), 'workstation', '127.0.0.1')?.message).toBe(
      'psql on workstation failed (exit 2): connection to server at "127.0.0.1", port 55432 failed: Connection refused',
    );
  });
});

describe('the commands run', () => {
  const config = backupsConfig({
    sets: [
      {
        name: 'app',
        host: 'nas',
        kind: 'restic',
        path: '/volume1/restic',
        schedule: '1d',
        passwordFile: '/volume1/homes/admin/.restic-pw',
        args: ['--host', 'workstation'],
      },
      { name: 'media', host: 'nas', kind: 'borg', command: '/usr/local/bin/borg', path: '/volume1/borg/media', schedule: '7d' },
      {
        name: 'db',
        host: 'nas',
        path: '/volume1/backups/db/',
        glob: '*.dump',
        schedule: '4h',
        walArchive: { host: 'workstation', psql: ['docker', 'exec', 'postgres', 'psql'], user: 'postgres' },
      },
      { name: 'base', host: 'nas', kind: 'dirs', path: '/volume1/backups/base', schedule: '1d', walArchive: true },
    ],
  });
  const [app, media, db, base] = config.sets as [
    (typeof config.sets)[number],
    (typeof config.sets)[number],
    (typeof config.sets)[number],
    (typeof config.sets)[number],
  ];

  it('restic without locking, with its password file; borg answering no to every question', () => {
    expect(repositoryCommand(app)).toEqual({
      host: 'nas',
      argv: [
        'restic',
        '-r',
        '/volume1/restic',
        'snapshots',
        '--json',
        '--no-lock',
        '--password-file',
        '/volume1/homes/admin/.restic-pw',
        '--host',
        'workstation',
      ],
      env: {},
    });
    const borg = repositoryCommand(media);
    expect(borg?.argv).toEqual(['/usr/local/bin/borg', 'list', '--json', '--bypass-lock', '/volume1/borg/media']);
    expect(borg?.env).toMatchObject({
      BORG_PASSPHRASE: '',
      BORG_RELOCATED_REPO_ACCESS_IS_OK: 'no',
      BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'no',
    });
    expect(repositoryCommand(db)).toBeNull();
  });

  it('where the backups are, in words', () => {
    expect([app, media, db, base].map(setLocation)).toEqual([
      'restic repository /volume1/restic',
      'borg repository /volume1/borg/media',
      '/volume1/backups/db/*.dump',
      '/volume1/backups/base/*/',
    ]);
  });

  it('psql: never asks for a password, connects as configured, on the configured host', () => {
    const wal = walTarget(db);
    expect(wal?.host).toBe('workstation');
    const command = walCommand(wal!, 10_000, { PGPW: 'secret' });
    expect(command.argv).toEqual([
      'docker',
      'exec',
      'postgres',
      'psql',
      '-X',
      '-A',
      '-t',
      '-q',
      '-w',
      '-v',
      'ON_ERROR_STOP=1',
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-c',
      ARCHIVER_QUERY,
    ]);
    expect(command.env).toEqual({ PGCONNECT_TIMEOUT: '10' });
    // walArchive: true is psql on the set's own host.
    expect(walTarget(base)).toEqual({ host: 'nas', psql: ['psql'], database: 'postgres' });
    const withPassword = walCommand(
      { host: 'h', psql: ['psql'], database: 'app', address: '127.0.0.1', port: 55432, passwordEnv: 'PGPW' },
      3000,
      { PGPW: 'secret' },
    );
    expect(withPassword.argv.slice(8, 14)).toEqual(['-h', '127.0.0.1', '-p', '55432', '-d', 'app']);
    expect(withPassword.env).toEqual({ PGCONNECT_TIMEOUT: '3', PGPASSWORD: 'secret' });
    expect(walTarget(app)).toBeNull();
  });
});
