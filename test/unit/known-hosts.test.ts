import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hostKeyAlgorithmsFor } from '../../src/hosts/identity.js';
import {
  checkHostKey,
  entryMatches,
  fingerprint,
  keyTypeOf,
  knownHostName,
  knownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/hosts/known-hosts.js';
import { parseSshConfig, resolveAlias } from '../../src/hosts/ssh-config.js';

/** An ssh-ed25519 public key blob (string "ssh-ed25519", then the 32-byte key). */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(type.length);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(raw.length);
  return Buffer.concat([head, type, len, raw]);
}

describe('known_hosts', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();
  const b64 = key.toString('base64');

  it('names hosts as ssh does: plain on port 22, [host]:port otherwise', () => {
    expect(knownHostName('nas.home', 22)).toBe('nas.home');
    expect(knownHostName('10.0.10.20', 2222)).toBe('[10.0.10.20]:2222');
    expect(knownHostsLine('[10.0.10.20]:2222', key)).toBe(`[10.0.10.20]:2222 ssh-ed25519 ${b64}`);
  });

  it('reads the key type and the SHA256 fingerprint of a key blob', () => {
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('matches comma lists, wildcards and negations; ignores comments and bad lines', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        `nas,10.0.10.20 ssh-ed25519 ${b64}`,
        `*.home,!evil.home ssh-ed25519 ${b64}`,
        'garbage-line',
        `@cert-authority *.corp ssh-ed25519 ${b64}`,
      ].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(entryMatches(entries[0]!, '10.0.10.20')).toBe(true);
    expect(entryMatches(entries[0]!, '10.0.10.21')).toBe(false);
    expect(entryMatches(entries[1]!, 'nas.home')).toBe(true);
    expect(entryMatches(entries[1]!, 'evil.home')).toBe(false);
    expect(entries[2]!.marker).toBe('cert-authority');
  });

  it('matches hashed entries (|1|salt|hmac) for host and [host]:port names', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    const hash = (name: string) => createHmac('sha1', salt).update(name).digest('base64');
    const entries = parseKnownHosts(`|1|${salt.toString('base64')}|${hash('[127.0.0.1]:2222')} ssh-ed25519 ${b64}`);
    expect(checkHostKey(entries, '127.0.0.1', 2222, key)).toEqual({ kind: 'known', line: 1 });
    expect(checkHostKey(entries, '127.0.0.1', 22, key)).toEqual({ kind: 'unknown' });
  });

  it('tells known, unknown, changed and revoked keys apart', () => {
    const entries = parseKnownHosts(
      [`nas ssh-ed25519 ${other.toString('base64')}`, `@revoked * ssh-ed25519 ${ed25519Blob().toString('base64')}`].join('\n'),
    );
    expect(checkHostKey(entries, 'nas', 22, key)).toEqual({ kind: 'changed', line: 1, keyType: 'ssh-ed25519' });
    expect(checkHostKey(entries, 'router', 22, key)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(entries, 'nas', 22, other)).toEqual({ kind: 'known', line: 1 });
    const revoked = parseKnownHosts(`@revoked * ssh-ed25519 ${b64}\nnas ssh-ed25519 ${b64}`);
    expect(checkHostKey(revoked, 'nas', 22, key)).toEqual({ kind: 'revoked', line: 1 });
  });

  it('a key of another type than the one known is a change, as OpenSSH has it (accept-new adds keys only for hosts with none)', () => {
    const entries = parseKnownHosts(`nas ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ`);
    expect(checkHostKey(entries, 'nas', 22, key)).toEqual({ kind: 'changed', line: 1, keyType: 'ssh-rsa' });
    // Another type alongside the one presented is no change.
    const both = parseKnownHosts(`nas ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ\nnas ssh-ed25519 ${b64}`);
    expect(checkHostKey(both, 'nas', 22, key)).toEqual({ kind: 'known', line: 2 });
  });

  it('on a port other than 22, the bare host name vouches only for the very same key', () => {
    const entries = parseKnownHosts(`nas ssh-ed25519 ${b64}`);
    expect(checkHostKey(entries, 'nas', 2222, key)).toEqual({ kind: 'known', line: 1 });
    expect(checkHostKey(entries, 'nas', 2222, other)).toEqual({ kind: 'unknown' });
    // An entry for [nas]:2222 itself decides alone.
    const own = parseKnownHosts(`nas ssh-ed25519 ${b64}\n[nas]:2222 ssh-ed25519 ${other.toString('base64')}`);
    expect(checkHostKey(own, 'nas', 2222, key)).toEqual({ kind: 'changed', line: 2, keyType: 'ssh-ed25519' });
  });

  it('offers the key types already known for a host first in the handshake', () => {
    const entries = parseKnownHosts(`[nas]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ\nrouter ssh-ed25519 ${b64}`);
    expect(knownKeyTypes(entries, 'nas', 2222)).toEqual(['ssh-rsa']);
    expect(knownKeyTypes(entries, 'router', 2222)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes(entries, 'other', 22)).toEqual([]);
    expect(hostKeyAlgorithmsFor(['ssh-rsa'])?.prepend).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithmsFor(['sk-ssh-ed25519@openssh.com'])).toBeUndefined();
  });
});

describe('~/.ssh/config aliases', () => {
  const blocks = parseSshConfig(
    [
      'Host nas',
      '  HostName 10.0.10.20',
      '  Port 2222',
      '  User admin',
      '  IdentityFile ~/.ssh/nas_ed25519',
      '',
      'Host *.home !printer.home',
      '  User homeadmin',
      '  HostName %h',
      'Host *',
      '  IdentityFile ~/.ssh/id_ed25519',
      '  Port 22',
    ].join('\n'),
  );

  it('resolves HostName, Port, User and IdentityFile; first value wins, identity files add up', () => {
    expect(resolveAlias(blocks, 'nas')).toEqual({
      hostName: '10.0.10.20',
      port: 2222,
      user: 'admin',
      identityFiles: ['~/.ssh/nas_ed25519', '~/.ssh/id_ed25519'],
    });
  });

  it('applies wildcard blocks, %h and negation', () => {
    expect(resolveAlias(blocks, 'backup.home')).toMatchObject({ hostName: 'backup.home', user: 'homeadmin', port: 22 });
    expect(resolveAlias(blocks, 'printer.home').user).toBeUndefined();
  });

  it('knows nothing of hosts it does not mention', () => {
    expect(resolveAlias(blocks, 'router')).toEqual({ port: 22, identityFiles: ['~/.ssh/id_ed25519'] });
  });
});
