import { execFile } from 'node:child_process';
import { ExecError, type ExecOptions, type ExecResult, type Host } from './host.js';

export function localHost(name = 'local'): Host {
  return {
    name,
    exec(argv, options) {
      return execLocal(argv, options);
    },
  };
}

export function execLocal(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new ExecError('other', 'empty command'));
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ExecError('aborted', `${file}: aborted`));
      return;
    }
    execFile(
      file,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        signal: options.signal,
        env: options.env ? { ...process.env, ...options.env } : process.env,
        maxBuffer: options.maxBuffer ?? 4 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr, code: 0, signal: null });
          return;
        }
        const failure = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
        if (failure.code === 'ENOENT') reject(new ExecError('not-found', `${file}: command not found`));
        else if (failure.code === 'EACCES') reject(new ExecError('permission', `${file}: permission denied`));
        else if (failure.name === 'AbortError' || failure.code === 'ABORT_ERR') reject(new ExecError('aborted', `${file}: aborted`));
        else if (failure.killed && failure.signal === 'SIGKILL') reject(new ExecError('timeout', `${file}: no answer within ${options.timeoutMs} ms`));
        else if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') reject(new ExecError('other', `${file}: output too large`));
        else if (typeof failure.code === 'number' || failure.signal) {
          resolve({ stdout, stderr, code: typeof failure.code === 'number' ? failure.code : null, signal: failure.signal ?? null });
        } else reject(new ExecError('other', `${file}: ${failure.message}`));
      },
    );
  });
}
