// How commands reach a machine. Probes and runbooks only see this interface; the local
// implementation spawns processes, an SSH one (later) runs them over a pooled connection.

export type ExecOptions = {
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
  /** Largest stdout/stderr kept, in bytes; more is an error (a runaway command). */
  maxBuffer?: number;
};

export type ExecResult = { stdout: string; stderr: string; code: number | null; signal: string | null };

/** Why a command could not give a result at all (as opposed to exiting non-zero). */
export class ExecError extends Error {
  constructor(readonly reason: 'not-found' | 'permission' | 'timeout' | 'aborted' | 'other', message: string) {
    super(message);
    this.name = 'ExecError';
  }
}

export type Host = {
  readonly name: string;
  /** Runs argv[0] with the rest as arguments, no shell. Resolves with any exit code. */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
};
