// OpenSSH known_hosts: parse, match a host (plain and hashed entries, [host]:port, wildcards,
// negation, @revoked), and decide whether a server's key is known, unknown or changed. Pure.
import { createHash, createHmac } from 'node:crypto';

export type KnownHostEntry = {
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  patterns: string[];
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  key: string;
};

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    let hashed: KnownHostEntry['hashed'] = null;
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash) return;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    }
    entries.push({ line: index + 1, marker, patterns: hashed ? [] : hosts.split(','), hashed, keyType, key });
  });
  return entries;
}

/** The name known_hosts uses for a host: "host" on port 22, "[host]:port" otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** "SHA256:…" as ssh-keygen -l prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { kind: 'known'; line: number }
  | { kind: 'unknown' }
  | { kind: 'changed'; line: number; keyType: string }
  | { kind: 'revoked'; line: number };

/** The names a host's key is looked up under: "[host]:port" first, then the bare host for a port other than 22. */
function lookupNames(host: string, port: number): { primary: string; fallback: string | null } {
  return { primary: knownHostName(host, port), fallback: port === 22 ? null : host };
}

function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  return entries.filter((e) => e.marker === null && entryMatches(e, name));
}

/**
 * Looks the server's key up as OpenSSH's check_host_key does. Any known key for the host that is
 * not this one, of whatever type, makes it "changed": accept-new only ever adds a key for a host
 * that has none, so a server that stops showing the type we know cannot slip in a new one. A
 * port other than 22 with no entry of its own falls back to the bare host's entries, but only to
 * accept the very same key (as ssh does); otherwise the host is "unknown".
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const key = blob.toString('base64');
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === key);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const names = lookupNames(host, port);
  const forHost = entriesFor(entries, names.primary);
  const same = forHost.find((e) => e.key === key);
  if (same) return { kind: 'known', line: same.line };
  const other = forHost[0];
  if (other) return { kind: 'changed', line: other.line, keyType: other.keyType };
  if (names.fallback !== null) {
    const bare = entriesFor(entries, names.fallback).find((e) => e.key === key);
    if (bare) return { kind: 'known', line: bare.line };
  }
  return { kind: 'unknown' };
}

/**
 * The key types already known for the host, in file order. Offered first in the handshake, as
 * OpenSSH orders its host key algorithms, so that a server holding several keys shows the one we
 * know rather than one that would read as a change.
 */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const names = lookupNames(host, port);
  let forHost = entriesFor(entries, names.primary);
  if (forHost.length === 0 && names.fallback !== null) forHost = entriesFor(entries, names.fallback);
  return [...new Set(forHost.map((e) => e.keyType))];
}

export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}
