// The directories and files homeops keeps for the user alone: the state ($XDG_STATE_HOME/homeops:
// audit log, locks, run states) and the cache ($XDG_CACHE_HOME/homeops: validated config). What
// is read from them is trusted — a cached config names commands that are run — so, as OpenSSH
// does with ~/.ssh, one that is not the user's own or that others may write is refused, saying
// why; a symbolic link is not followed to somewhere else; and what others may read is tightened
// to the owner alone (0700 directories, 0600 files).
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Why a private directory or file cannot be used: one line. */
export class PrivatePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivatePathError';
  }
}

const uid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** What is wrong with a directory or file's owner or mode for keeping private things; null if nothing. */
function trustProblem(stats: Stats, path: string, what: string): string | null {
  const me = uid();
  if (me !== null && stats.uid !== me) return `${what} ${path} belongs to user ${stats.uid}, not to you (${me}); homeops uses only its own`;
  if (stats.mode & 0o022) {
    const who = stats.mode & 0o002 ? 'anyone' : 'its group';
    return `${what} ${path} can be written by ${who} (mode ${octal(stats.mode)}); make it yours alone: chmod ${stats.isDirectory() ? '700' : '600'} ${path}`;
  }
  return null;
}

/** The first part of `dir`'s path that exists but is not a directory, for a clear message. */
function blockingFile(dir: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    try {
      if (!statSync(at).isDirectory()) return at;
      return null;
    } catch {
      // not there (yet): look further up
    }
    if (dirname(at) === at) return null;
  }
}

/**
 * Checks (and with `create`, first makes) a directory homeops keeps to the user. Throws
 * PrivatePathError when it cannot be made, is not a directory, is not the user's own or can be
 * written by others; one that others can only read is tightened to 0700. Returns false when
 * it does not exist and was not to be made.
 */
export function privateDir(dir: string, what: string, options: { create: boolean }): boolean {
  if (options.create) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const file = code === 'ENOTDIR' || code === 'EEXIST' ? blockingFile(dir) : null;
      throw new PrivatePathError(
        file
          ? `${what} ${dir} cannot be made: ${file} is a file, not a directory`
          : `${what} ${dir} cannot be made: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
      );
    }
  }
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!options.create && code === 'ENOENT') return false;
    if (code === 'ENOTDIR')
      throw new PrivatePathError(`${what} ${dir} cannot be used: ${blockingFile(dir) ?? 'a part of its path'} is a file, not a directory`);
    throw new PrivatePathError(`${what} ${dir} cannot be used: ${(error as Error).message}`);
  }
  if (!stats.isDirectory()) throw new PrivatePathError(`${what} ${dir} is a file, not a directory`);
  const problem = trustProblem(stats, dir, what);
  if (problem) throw new PrivatePathError(problem);
  if (stats.mode & 0o077) {
    try {
      // Readable by others only: the docs promise the owner alone.
      openAndChmodDir(dir);
    } catch {
      // cannot tighten (not ours to change): reading is still safe
    }
  }
  return true;
}

function openAndChmodDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a file in a private directory. A symbolic link is refused, not followed (O_NOFOLLOW);
 * a file that is not a regular file, not the user's own or writable by others is refused; one
 * others can read is tightened to 0600. Returns null when the file does not exist and `flags`
 * do not create it.
 */
export function openPrivate(path: string, flags: number, what: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, flags | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !(flags & constants.O_CREAT)) return null;
    if (code === 'ELOOP') throw new PrivatePathError(`${what} ${path} is a symbolic link; homeops does not follow one there`);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new PrivatePathError(`${what} ${path} is not a regular file`);
    const problem = trustProblem(stats, path, what);
    if (problem) throw new PrivatePathError(problem);
    if (stats.mode & 0o077) fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The whole of a private file as text; null when it does not exist. */
export function readPrivate(path: string, what: string): string | null {
  const fd = openPrivate(path, constants.O_RDONLY, what);
  if (fd === null) return null;
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a private file whole: a new temporary file (created exclusively, so nothing planted
 * at its name is written through), flushed, then renamed over the old one.
 */
export function writePrivate(path: string, text: string, options: { sync?: boolean } = {}): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    unlinkSync(temporary);
  } catch {
    // none left over
  }
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
    // The rename below must not publish a torn file.
    if (options.sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
