// Which private key an SSH connection offers, checked as OpenSSH checks it: a key file of ours
// that group or others can read is ignored ("UNPROTECTED PRIVATE KEY FILE"), and a key that needs
// a passphrase is left to ssh-agent (the console never asks for one). When authentication then
// fails, `problem` says why in one line instead of ssh2's "All configured authentication methods
// failed". Also the host key algorithms to offer first, given the key types known_hosts holds.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { ServerHostKeyAlgorithm } from 'ssh2';

export type Identity = {
  /** The first usable key's contents; undefined when none is (the agent may still have one). */
  key: Buffer | undefined;
  /** Why keys named in the config were not used, for an authentication failure; null when nothing was skipped. */
  problem: string | null;
};

/** Reads one key file: its contents, or why it is not used. Missing files are skipped silently, as ssh does for its defaults. */
function readKey(file: string): { data: Buffer } | { skip: string } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    // OpenSSH's sshkey_perm_ok: only a key owned by this user is held to it.
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid === uid && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return { skip: `UNPROTECTED PRIVATE KEY FILE ${file}: permissions ${mode} are too open, the key was ignored (chmod 600 ${file})` };
    }
    return { data: readFileSync(fd) };
  } catch (error) {
    return { skip: `cannot read the key ${file}: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first usable key of `files`. `parses` says whether ssh2 can use a key without a passphrase;
 * one it cannot use is taken to be encrypted and left to the agent.
 */
export function loadIdentity(files: readonly string[], parses: (data: Buffer) => boolean, haveAgent: boolean): Identity {
  const skipped: string[] = [];
  for (const file of files) {
    const read = readKey(file);
    if (read === null) continue;
    if ('skip' in read) {
      skipped.push(read.skip);
      continue;
    }
    if (parses(read.data)) return { key: read.data, problem: skipped.length > 0 ? skipped.join('; ') : null };
    skipped.push(
      haveAgent
        ? `the key ${file} needs its passphrase and ssh-agent did not offer it (ssh-add ${file})`
        : `the key ${file} needs its passphrase, given through ssh-agent: start one (eval $(ssh-agent)), run ssh-add ${file} and start homeops with SSH_AUTH_SOCK set`,
    );
  }
  return { key: undefined, problem: skipped.length > 0 ? skipped.join('; ') : null };
}

/** ssh2's host key algorithms for each known_hosts key type (an RSA key signs with SHA-2 first). */
const ALGORITHMS: Readonly<Record<string, readonly ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** ssh2's default list with the algorithms of the known key types moved to the front; undefined (the default) when none are known. */
export function hostKeyAlgorithmsFor(
  knownTypes: readonly string[],
): { remove: ServerHostKeyAlgorithm[]; prepend: ServerHostKeyAlgorithm[]; append: ServerHostKeyAlgorithm[] } | undefined {
  const first = knownTypes.flatMap((type) => ALGORITHMS[type] ?? []);
  if (first.length === 0) return undefined;
  // ssh2 applies these in key order: take them out of the default list, then put them in front.
  return { remove: [...first], prepend: [...first], append: [] };
}
