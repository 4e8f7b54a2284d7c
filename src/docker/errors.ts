// What went wrong talking to a Docker engine, in words a user can act on. Transport failures
// (no socket, permission, engine gone) are told apart from the engine's own answers (404, 409).
import { TOO_LARGE } from './bounded.js';

export type EngineErrorKind =
  /** Nothing listens where the engine should be (no socket, connection refused). */
  | 'no-engine'
  /** The socket is there but this user may not open it. */
  | 'permission'
  /** The engine (or the SSH host in front of it) stopped answering or closed the connection. */
  | 'lost'
  | 'timeout'
  | 'aborted'
  /** The engine answered with an HTTP error (404 no such container, 409 conflict, 500). */
  | 'api'
  /** The engine's answer was larger than is read from an engine (bounded.ts): not read. */
  | 'too-large'
  /** Something else: a bad answer, an unsupported DOCKER_HOST. */
  | 'other';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const PERMISSION_FIX =
  'add your user to the docker group: sudo usermod -aG docker $USER, then log in again (or point DOCKER_HOST at an engine you may use)';

type NodeishError = Error & { code?: unknown; errno?: unknown; syscall?: unknown; statusCode?: unknown; json?: unknown };

function messageOf(json: unknown, fallback: string): string {
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message;
  if (Buffer.isBuffer(json)) return json.toString('utf8').trim() || fallback;
  if (typeof json === 'string' && json.trim()) return json.trim();
  return fallback;
}

/**
 * Turns what the HTTP layer threw (or an engine error answer) into an EngineError naming `where`
 * (`unix:///var/run/docker.sock`, `nas over SSH`). `timedOut` tells an expired deadline apart
 * from the caller's own abort, which look the same to the HTTP layer.
 */
export function classifyEngineError(error: unknown, where: string, options: { timedOut?: boolean; timeoutMs?: number } = {}): EngineError {
  if (error instanceof EngineError) return error;
  const e = (error instanceof Error ? error : new Error(String(error))) as NodeishError;
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') {
    return options.timedOut
      ? new EngineError('timeout', `Docker engine at ${where} did not answer within ${options.timeoutMs ?? '?'} ms`)
      : new EngineError('aborted', `request to ${where} aborted`);
  }
  if (typeof e.statusCode === 'number') {
    const text = messageOf(e.json, e.message.replace(/^\(HTTP code \d+\)\s*/, '').trim());
    return new EngineError('api', `${text} (HTTP ${e.statusCode})`, e.statusCode);
  }
  switch (e.code) {
    case 'ENOENT':
      return new EngineError('no-engine', `no Docker engine at ${where} (no such socket)`);
    case 'ECONNREFUSED':
      return new EngineError('no-engine', `no Docker engine at ${where} (connection refused)`);
    case 'EACCES':
    case 'EPERM':
      return new EngineError('permission', `permission denied on ${where}: ${PERMISSION_FIX}`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new EngineError('lost', `Docker engine at ${where} closed the connection`);
    case 'ETIMEDOUT':
      return new EngineError('timeout', `Docker engine at ${where} did not answer (${e.message})`);
    case TOO_LARGE:
      return new EngineError('too-large', `Docker engine at ${where}: ${e.message}`);
    default:
      break;
  }
  if (/socket hang up/i.test(e.message)) return new EngineError('lost', `Docker engine at ${where} closed the connection`);
  return new EngineError('other', `${where}: ${e.message.split('\n')[0] ?? e.name}`);
}
