// SSH trust kept as OpenSSH keeps it, against a real sshd with keys made by ssh-keygen: a key of
// another type than the one known is a changed key even with accept-new (plain, hashed and
// [host]:port entries), a server with several host keys shows the one we know, a private key
// others can read is ignored, and an encrypted key is used only through ssh-agent.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshHost } from '../../src/hosts/ssh.js';
import { type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const enabled = sshdAvailable();

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

/** A fresh key pair made by ssh-keygen; returns the private key's path. */
function keygen(sshd: Sshd, name: string, type: 'ed25519' | 'rsa', passphrase = ''): string {
  const file = join(sshd.dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', name, '-f', file]);
  return file;
}

function publicKey(file: string): { type: string; key: string } {
  const [type = '', key = ''] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  return { type, key };
}

describe.runIf(enabled)('SSH trust as OpenSSH keeps it (real sshd, ed25519 host key only)', () => {
  let sshd: Sshd;
  let rsaOnly: string;
  beforeAll(async () => {
    sshd = await startSshd();
    const { type, key } = publicKey(keygen(sshd, 'some_rsa_host_key', 'rsa'));
    rsaOnly = `${type} ${key}`;
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it("accept-new with only an ssh-rsa key known refuses the server's ed25519 key as a changed key and records nothing", async () => {
    const file = join(sshd.dir, 'rsa_known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${rsaOnly}\n`);
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file, hostKeyPolicy: 'accept-new' }));
    const message = (await failure(host.exec(['true'], { timeoutMs: 5000 }))).message;
    expect(message).toMatch(/HOST KEY CHANGED for nas/);
    expect(message).toContain('ssh-ed25519 SHA256:');
    expect(message).toContain(`line 1 of ${file} (an ssh-rsa key)`);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${rsaOnly}\n`);
  });

  it('the same through a hashed known_hosts entry', async () => {
    const file = join(sshd.dir, 'rsa_hashed_known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${rsaOnly}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file, hostKeyPolicy: 'accept-new' }));
    expect((await failure(host.exec(['true'], { timeoutMs: 5000 }))).message).toMatch(/HOST KEY CHANGED for nas/);
    expect(readFileSync(file, 'utf8')).toBe(hashed);
  });

  it('on a port other than 22 the bare host name vouches for the same key only; another key there counts as new, as with ssh', async () => {
    const file = join(sshd.dir, 'bare_known_hosts');
    const [type, key] = sshd.hostPublicKey.split(' ');
    writeFileSync(file, `127.0.0.1 ${type} ${key}\n`);
    const strict = new SshHost(sshdTarget(sshd, { knownHostsFile: file }));
    expect((await strict.exec(['echo', 'bare'], { timeoutMs: 5000 })).stdout).toBe('bare\n');
    strict.close();
    expect(readFileSync(file, 'utf8')).toBe(`127.0.0.1 ${type} ${key}\n`);

    const other = join(sshd.dir, 'bare_other_known_hosts');
    writeFileSync(other, `127.0.0.1 ${rsaOnly}\n`);
    const acceptNew = new SshHost(sshdTarget(sshd, { knownHostsFile: other, hostKeyPolicy: 'accept-new' }));
    expect((await acceptNew.exec(['echo', 'new'], { timeoutMs: 5000 })).stdout).toBe('new\n');
    acceptNew.close();
    expect(readFileSync(other, 'utf8')).toBe(`127.0.0.1 ${rsaOnly}\n[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
  });

  it("a private key that group or others can read is ignored, with OpenSSH's reason in one line", async () => {
    const key = keygen(sshd, 'open_key', 'ed25519');
    appendFileSync(join(sshd.dir, 'keys', sshd.user), readFileSync(`${key}.pub`));
    chmodSync(key, 0o644);
    const host = new SshHost(sshdTarget(sshd, { identityFiles: [key] }));
    const message = (await failure(host.exec(['true'], { timeoutMs: 5000 }))).message;
    expect(message).toContain(`UNPROTECTED PRIVATE KEY FILE ${key}: permissions 0644 are too open`);
    expect(message).toContain(`chmod 600 ${key}`);
    expect(message).not.toContain('\n');
    chmodSync(key, 0o600);
    const fixed = new SshHost(sshdTarget(sshd, { identityFiles: [key] }));
    expect((await fixed.exec(['echo', 'ok'], { timeoutMs: 5000 })).stdout).toBe('ok\n');
    fixed.close();
  });

  it('an encrypted key without an agent says its passphrase must come through ssh-agent', async () => {
    const key = keygen(sshd, 'locked_key', 'ed25519', 'correct horse');
    appendFileSync(join(sshd.dir, 'keys', sshd.user), readFileSync(`${key}.pub`));
    const host = new SshHost(sshdTarget(sshd, { identityFiles: [key] }));
    const message = (await failure(host.exec(['true'], { timeoutMs: 5000 }))).message;
    expect(message).not.toContain('All configured authentication methods failed');
    expect(message).toContain(`the key ${key} needs its passphrase, given through ssh-agent`);
    expect(message).toContain(`ssh-add ${key}`);
  });

  it('an encrypted key loaded into a real ssh-agent connects', async () => {
    const key = keygen(sshd, 'agent_key', 'ed25519', 'correct horse');
    appendFileSync(join(sshd.dir, 'keys', sshd.user), readFileSync(`${key}.pub`));
    const socket = join(sshd.dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      const askpass = join(sshd.dir, 'askpass.sh');
      writeFileSync(askpass, '#!/bin/sh\necho "correct horse"\n', { mode: 0o700 });
      execFileSync('ssh-add', [key], {
        env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
        stdio: 'ignore',
      });
      const host = new SshHost(sshdTarget(sshd, { identityFiles: [key], agent: socket }));
      expect((await host.exec(['echo', 'via agent'], { timeoutMs: 5000 })).stdout).toBe('via agent\n');
      host.close();
    } finally {
      agent.kill('SIGTERM');
    }
  });
});

describe.runIf(enabled)('SSH trust against a server holding ed25519 and RSA host keys', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd({ hostKeyTypes: ['ed25519', 'rsa'] });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('with only its RSA key known, the server is asked for that key and nothing new is recorded', async () => {
    const { type, key } = publicKey(join(sshd.dir, 'host_rsa'));
    const file = join(sshd.dir, 'rsa_known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file, hostKeyPolicy: 'accept-new' }));
    expect((await host.exec(['echo', 'rsa'], { timeoutMs: 5000 })).stdout).toBe('rsa\n');
    host.close();
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
  });
});
