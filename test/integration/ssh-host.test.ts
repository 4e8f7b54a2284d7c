// The SSH host against a real OpenSSH server on loopback: commands, streaming, pooling, host
// keys, aborts that leave nothing behind, a server that dies mid-command, SFTP.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecError } from '../../src/hosts/host.js';
import { SshHost } from '../../src/hosts/ssh.js';
import { freePort, type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const enabled = sshdAvailable();

function remoteProcesses(pattern: string): string {
  try {
    return execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l && !l.includes('pgrep'))
      .join('\n');
  } catch {
    return '';
  }
}

/** The error a promise fails with; a promise that succeeds fails the test. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

const sleepUntilGone = async (check: () => string, ms = 4000) => {
  const end = Date.now() + ms;
  while (check() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return check();
};

describe.runIf(enabled)('SSH host against a real sshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('runs a command: stdout, stderr and the exit code come back apart', async () => {
    const host = new SshHost(sshdTarget(sshd));
    const result = await host.run({ shell: 'echo out; echo err >&2; exit 3' }, { timeoutMs: 5000 });
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', code: 3 });
    const argv = await host.exec(['printf', '%s|', 'two words', "it's"], { timeoutMs: 5000 });
    expect(argv.stdout).toBe("two words|it's|");
    host.close();
  });

  it('streams output as it arrives, before the command ends', async () => {
    const host = new SshHost(sshdTarget(sshd));
    const seen: { at: number; chunk: string }[] = [];
    const started = Date.now();
    const done = host.run(
      { shell: 'echo first; sleep 0.8; echo second' },
      {
        timeoutMs: 5000,
        onOutput: (_stream, chunk) => seen.push({ at: Date.now() - started, chunk }),
      },
    );
    const result = await done;
    expect(result.stdout).toBe('first\nsecond\n');
    const first = seen.find((s) => s.chunk.includes('first'));
    expect(first).toBeDefined();
    expect(first!.at).toBeLessThan(Date.now() - started - 500);
    host.close();
  });

  it('reuses one connection for many commands', async () => {
    const before = (readFileSync(sshd.log, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const host = new SshHost(sshdTarget(sshd));
    await Promise.all([1, 2, 3, 4].map((n) => host.exec(['echo', String(n)], { timeoutMs: 5000 })));
    await host.exec(['true'], { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const after = (readFileSync(sshd.log, 'utf8').match(/Accepted publickey/g) ?? []).length;
    expect(after - before).toBe(1);
    host.close();
  });

  it('refuses an unknown host key, naming its SHA256 fingerprint and how to accept it', async () => {
    const empty = join(sshd.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: empty }));
    const error = await failure(host.exec(['true'], { timeoutMs: 5000 }));
    expect(error).toBeInstanceOf(ExecError);
    const message = (error as Error).message;
    const expected = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(message).toContain(expected);
    expect(message).toMatch(/unknown host key for nas/);
    expect(message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1`);
    expect(message).toContain('hostKey: accept-new');
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('with accept-new, records a new key and then connects', async () => {
    const file = join(sshd.dir, 'accept_known_hosts');
    writeFileSync(file, '');
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file, hostKeyPolicy: 'accept-new' }));
    expect((await host.exec(['echo', 'ok'], { timeoutMs: 5000 })).stdout).toBe('ok\n');
    expect(readFileSync(file, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    host.close();
  });

  it('always refuses a changed host key, even with accept-new', async () => {
    const other = join(sshd.dir, 'other_host');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, key] = readFileSync(`${other}.pub`, 'utf8').split(' ');
    const file = join(sshd.dir, 'changed_known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file, hostKeyPolicy: 'accept-new' }));
    const error = await failure(host.exec(['true'], { timeoutMs: 5000 }));
    expect((error as Error).message).toMatch(/HOST KEY CHANGED for nas/);
    expect((error as Error).message).toContain('ssh-keygen -R');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('accepts a hashed known_hosts entry', async () => {
    const file = join(sshd.dir, 'hashed_known_hosts');
    writeFileSync(file, readFileSync(sshd.knownHosts));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    const host = new SshHost(sshdTarget(sshd, { knownHostsFile: file }));
    expect((await host.exec(['echo', 'hashed'], { timeoutMs: 5000 })).stdout).toBe('hashed\n');
    host.close();
  });

  it('an abort stops the remote command and leaves no process behind', async () => {
    const host = new SshHost(sshdTarget(sshd));
    const controller = new AbortController();
    const marker = `sleep 31${Math.floor(Math.random() * 900 + 100)}`;
    const running = host.run({ shell: `${marker}; echo never` }, { timeoutMs: 20_000, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 600));
    expect(remoteProcesses(marker)).not.toBe('');
    controller.abort();
    const error = await failure(running);
    expect((error as ExecError).reason).toBe('aborted');
    expect(await sleepUntilGone(() => remoteProcesses(marker))).toBe('');
    host.close();
  });

  it('a timeout stops the remote command too, children included', async () => {
    const host = new SshHost(sshdTarget(sshd));
    const marker = `sleep 32${Math.floor(Math.random() * 900 + 100)}`;
    const error = await failure(host.run({ shell: `(${marker}) & ${marker}; wait` }, { timeoutMs: 800 }));
    expect((error as ExecError).reason).toBe('timeout');
    expect(await sleepUntilGone(() => remoteProcesses(marker))).toBe('');
    host.close();
  });

  it('reads files, stats and lists directories over SFTP', async () => {
    const dir = join(sshd.dir, 'backups');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'db-1.dump'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'db-2.dump'), 'y'.repeat(10));
    utimesSync(join(dir, 'db-1.dump'), new Date('2026-11-20T10:00:00Z'), new Date('2026-11-20T10:00:00Z'));
    const host = new SshHost(sshdTarget(sshd));
    const list = await host.list(dir, { timeoutMs: 5000 });
    expect(list.map((f) => f.path.split('/').pop()).sort()).toEqual(['db-1.dump', 'db-2.dump']);
    const one = list.find((f) => f.path.endsWith('db-1.dump'));
    expect(one).toMatchObject({ size: 1000, mtimeMs: Date.parse('2026-11-20T10:00:00Z'), isDirectory: false });
    expect(await host.stat(join(dir, 'missing'), { timeoutMs: 5000 })).toBeNull();
    expect((await host.stat(dir, { timeoutMs: 5000 }))?.isDirectory).toBe(true);
    expect((await host.readFile(join(dir, 'db-2.dump'), { timeoutMs: 5000 })).toString()).toBe('y'.repeat(10));
    host.close();
  });
});

describe.runIf(enabled)('SSH host when the server goes away', () => {
  it('a server killed mid-command gives a clear failure, then unreachable with a retry time', async () => {
    const sshd = await startSshd();
    try {
      const host = new SshHost(sshdTarget(sshd));
      await host.exec(['true'], { timeoutMs: 5000 });
      const running = host.run({ shell: 'sleep 20' }, { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 400));
      sshd.killAll();
      const error = await failure(running);
      expect(error).toBeInstanceOf(ExecError);
      expect((error as ExecError).reason).toBe('connection-lost');
      expect((error as Error).message).toMatch(/nas: connection lost while the command ran/);
      const next = await failure(host.exec(['true'], { timeoutMs: 3000 }));
      expect(next.message).toMatch(/nas unreachable since \d\d:\d\d:\d\d/);
      expect(host.unreachable).not.toBeNull();
    } finally {
      await sshd.stop();
    }
  });

  it('a port that accepts TCP and never speaks SSH times out without blocking anything else', async () => {
    const silent: Server = createServer(() => {});
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    try {
      const host = new SshHost({
        name: 'workstation',
        host: '127.0.0.1',
        port,
        user: 'root',
        identityFiles: [],
        agent: undefined,
        knownHostsFile: '/dev/null',
        hostKeyPolicy: 'strict',
        connectTimeoutMs: 700,
        keepaliveMs: 10_000,
      });
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 50);
      const started = Date.now();
      const error = await failure(host.exec(['true'], { timeoutMs: 5000 }));
      clearInterval(ticker);
      expect(error.message).toMatch(/workstation unreachable since .*no SSH handshake within 700 ms/);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(ticks).toBeGreaterThan(8);
      // One reason: the handshake timed out; nothing was closed by the server.
      expect(host.unreachable?.reason).toBe('no SSH handshake within 700 ms');
      // The next call does not wait again: the same reason, at once; when the next try is due
      // is the host's state (one countdown, said where it is shown), not a second message.
      const quick = Date.now();
      const again = await failure(host.exec(['true'], { timeoutMs: 5000 }));
      expect(again.message).toMatch(/^workstation unreachable since \d\d:\d\d:\d\d \(no SSH handshake within 700 ms\)$/);
      expect(Date.now() - quick).toBeLessThan(100);
      // The documented backoff: 1 s, then 2 s, then 4 s after each failed try; r (retryNow)
      // tries at once, whatever is left of the wait.
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        const state = host.unreachable;
        if (!state) throw new Error('reachable?');
        waits.push(state.retryAt - Date.now());
        host.retryNow();
        await failure(host.exec(['true'], { timeoutMs: 5000 }));
      }
      expect(waits[0]).toBeGreaterThan(0);
      expect(waits[0]).toBeLessThanOrEqual(1000);
      const after = host.unreachable;
      // Each try after retryNow took ~700 ms (the handshake timeout); the backoff grew 2 s, 4 s, 8 s.
      expect((after?.retryAt ?? 0) - Date.now()).toBeGreaterThan(6000);
      expect((after?.retryAt ?? 0) - Date.now()).toBeLessThanOrEqual(8000);
    } finally {
      silent.close();
    }
  });

  it('nothing listening: unreachable with the reason', async () => {
    const port = await freePort();
    const host = new SshHost({
      name: 'nas',
      host: '127.0.0.1',
      port,
      user: 'root',
      identityFiles: [],
      agent: undefined,
      knownHostsFile: '/dev/null',
      hostKeyPolicy: 'strict',
      connectTimeoutMs: 2000,
      keepaliveMs: 10_000,
    });
    const error = await failure(host.exec(['true'], { timeoutMs: 3000 }));
    expect(error.message).toMatch(
      new RegExp(`nas unreachable since \\d\\d:\\d\\d:\\d\\d \\(connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\)$`),
    );
    expect(host.unreachable?.reason).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
