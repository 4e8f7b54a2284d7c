// The backups reader: every set at once, each on its host (a listing over SFTP or of a local
// directory, or restic/borg run there), and psql for WAL archiving. Every call has the
// configured timeout and stops when the monitor aborts the read; a set whose host does not
// answer keeps what was last seen of it, with the time it was seen.
import type { Host } from '../../hosts/host.js';
import type { Hosts } from '../../hosts/registry.js';
import type { ReadFailure } from '../../model/backups.js';
import type { DrillRecord } from '../../model/drill.js';
import { type PlannedCommand, repositoryCommand, walCommand, walTarget } from './commands.js';
import { execFailure, listingFailure, resultFailure } from './parse.js';
import type { BackupSetConfig, BackupsConfig, BackupsRaw, SetRaw, SetSource, WalRaw } from './types.js';

export type BackupsHosts = Pick<Hosts, 'get'>;
export type Env = Readonly<Record<string, string | undefined>>;

type Outcome = { source: SetSource } | { failure: ReadFailure };

/** Large enough for years of restic snapshots; a runaway program is still stopped. */
const MAX_OUTPUT = 32 * 1024 * 1024;

function hostOf(hosts: BackupsHosts, name: string): Host | ReadFailure {
  const host = hosts.get(name);
  return (
    host ?? {
      reason: 'other',
      message: `host "${name}" can be reached neither locally nor over SSH: give it ssh: (or local: true) in the config`,
    }
  );
}

async function run(
  hosts: BackupsHosts,
  command: PlannedCommand,
  program: 'restic' | 'borg' | 'psql',
  location: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ stdout: string } | { failure: ReadFailure }> {
  const host = hostOf(hosts, command.host);
  if (!('exec' in host)) return { failure: host };
  try {
    const result = await host.run({ argv: command.argv }, { timeoutMs, signal, env: command.env, maxBuffer: MAX_OUTPUT });
    const failure = resultFailure(program, result, command.host, location, command.argv[0]);
    return failure ? { failure } : { stdout: result.stdout };
  } catch (error) {
    return { failure: execFailure(error, command.argv[0] ?? program, command.host) };
  }
}

async function readSource(set: BackupSetConfig, hosts: BackupsHosts, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
  const command = repositoryCommand(set);
  if (command) {
    const result = await run(hosts, command, set.kind === 'borg' ? 'borg' : 'restic', set.path, timeoutMs, signal);
    return 'failure' in result ? result : { source: { kind: set.kind === 'borg' ? 'borg' : 'restic', stdout: result.stdout } };
  }
  const host = hostOf(hosts, set.host);
  if (!('list' in host)) return { failure: host };
  try {
    return { source: { kind: 'listing', entries: await host.list(set.path, { timeoutMs, signal }) } };
  } catch (error) {
    return { failure: listingFailure(error, set.host, set.path) };
  }
}

async function readWal(
  set: BackupSetConfig,
  hosts: BackupsHosts,
  timeoutMs: number,
  env: Env,
  signal: AbortSignal,
): Promise<WalRaw | null> {
  const wal = walTarget(set);
  if (!wal) return null;
  return run(hosts, walCommand(wal, timeoutMs, env), 'psql', `${wal.address ?? 'the default server'}`, timeoutMs, signal);
}

export type BackupsReaderOptions = {
  now?: () => number;
  env?: Env;
  /** Each set's last drill (the state directory's record); without it drills are not shown. */
  drills?: () => ReadonlyMap<string, DrillRecord>;
};

/**
 * A reader of every configured set. It remembers, per set, the last read that worked and since
 * when reads fail, so that an unreachable NAS shows what was last seen with its age.
 */
export function backupsReader(
  config: BackupsConfig,
  hosts: BackupsHosts,
  options: BackupsReaderOptions = {},
): (signal: AbortSignal) => Promise<BackupsRaw> {
  const now = options.now ?? Date.now;
  const env = options.env ?? process.env;
  const lastGood = new Map<string, { seenAt: number; source: SetSource }>();
  const failingSince = new Map<string, number>();
  return async (signal) => {
    const at = now();
    let drills: ReadonlyMap<string, DrillRecord> | undefined;
    try {
      drills = options.drills?.();
    } catch {
      drills = undefined; // an unreadable record hides the drills, never the backups
    }
    const drillOf = (name: string) => (drills ? { drill: drills.get(name) ?? null } : {});
    const sets = await Promise.all(
      config.sets.map(async (set): Promise<SetRaw> => {
        const [outcome, wal] = await Promise.all([
          readSource(set, hosts, config.timeout, signal),
          readWal(set, hosts, config.timeout, env, signal),
        ]);
        if ('source' in outcome) {
          lastGood.set(set.name, { seenAt: at, source: outcome.source });
          failingSince.delete(set.name);
          return { name: set.name, seenAt: at, source: outcome.source, failure: null, wal, ...drillOf(set.name) };
        }
        // A read the monitor gave up on says nothing about the set: the state stays as it was.
        if (outcome.failure.reason !== 'aborted' && !failingSince.has(set.name)) failingSince.set(set.name, at);
        const last = lastGood.get(set.name);
        return {
          name: set.name,
          seenAt: last?.seenAt ?? null,
          source: last?.source ?? null,
          failure: { ...outcome.failure, since: failingSince.get(set.name) ?? at },
          wal,
          ...drillOf(set.name),
        };
      }),
    );
    signal.throwIfAborted();
    return { at, sets };
  };
}
