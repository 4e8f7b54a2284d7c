// How commands and files reach a machine. Probes and runbooks see only this interface; the
// local implementation spawns processes, the SSH one runs them over one pooled connection.
import type { Duplex } from 'node:stream';

export type ExecOptions = {
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
  /** Largest stdout/stderr kept, in bytes; more is an error (a runaway command). */
  maxBuffer?: number;
  /** Output as it arrives (runbook steps stream it to the console). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /**
   * A mark the command's process carries in its command line (the shell's $0), so that it can
   * be found again after the runner or its connection is gone (a runbook step's run and id).
   */
  tag?: string;
  /** The process (group leader) id, once the command runs: locally the child, over SSH the remote shell. */
  onStarted?: (pid: number) => void;
};

export type ExecResult = { stdout: string; stderr: string; code: number | null; signal: string | null };

/** A command: argv run without a shell, or a shell command line (a runbook step that asks for one). */
export type Command = { argv: readonly string[] } | { shell: string };

/** Why a command could not give a result at all (as opposed to exiting non-zero). */
export class ExecError extends Error {
  constructor(
    /** 'connection-lost': the connection to the host dropped while the command ran; the command may still run there. */
    readonly reason: 'not-found' | 'permission' | 'timeout' | 'aborted' | 'unreachable' | 'connection-lost' | 'other',
    message: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export type FileStat = { path: string; size: number; mtimeMs: number; isDirectory: boolean };

export type FileOptions = { timeoutMs: number; signal?: AbortSignal };

/**
 * Why a TCP connection could not be made: `refused` (nothing listens), `timeout` (no answer in
 * time), `unreachable` (no route, an unknown name), `origin-down` (the host it is made from is
 * not reachable itself: nothing was tried), `aborted`.
 */
export class ConnectError extends Error {
  constructor(
    readonly reason: 'refused' | 'timeout' | 'unreachable' | 'origin-down' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

export type Host = {
  readonly name: string;
  readonly kind: 'local' | 'ssh';
  /** Runs argv[0] with the rest as arguments, no shell. Resolves with any exit code. */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Runs a command (argv or shell line); an abort or timeout stops the process for real. */
  run(command: Command, options: ExecOptions): Promise<ExecResult>;
  readFile(path: string, options: FileOptions & { maxBytes?: number }): Promise<Buffer>;
  /** null when the path does not exist. */
  stat(path: string, options: FileOptions): Promise<FileStat | null>;
  list(dir: string, options: FileOptions): Promise<FileStat[]>;
  /**
   * A TCP connection made from this host (over SSH: a forwarded channel, so the connection starts
   * there). Rejects with a ConnectError. Absent where the host cannot make one (replays).
   */
  connectTcp?(address: string, port: number, options: FileOptions): Promise<Duplex>;
  /** Drops pooled connections; the host can still be used (it reconnects). */
  close(): void;
};

/** What a probe that only runs commands needs of a host. */
export type CommandRunner = Pick<Host, 'name' | 'exec'>;

/** A tag is a plain word: it goes into a command line and is looked for in /proc/PID/cmdline. */
export function validTag(tag: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$/.test(tag) && tag.length <= 200;
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(command: Command): string {
  return 'shell' in command ? command.shell : command.argv.map(shellQuote).join(' ');
}
