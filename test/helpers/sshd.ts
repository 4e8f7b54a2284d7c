// A private OpenSSH server on a free loopback port, with its own host key, a client key for
// the current user and a known_hosts file, for tests that need a real sshd (and may kill it).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../src/hosts/ssh.js';
import { haveCommand, requireService } from './require-service.js';

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return requireService('sshd', () => haveCommand(SSHD) && haveCommand('ssh-keygen'), 'apt-get install openssh-server openssh-client');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type Sshd = {
  dir: string;
  port: number;
  user: string;
  clientKey: string;
  hostPublicKey: string;
  knownHosts: string;
  log: string;
  child: ChildProcess;
  /** Kills the listener and every session it started (as a crash or reboot would). */
  killAll(): void;
  /**
   * Kills the per-connection sshd processes only (as a network drop or a crashed session does):
   * the listener stays, and the commands the sessions started go on, orphaned.
   */
  killSessions(): void;
  stop(): Promise<void>;
};

/** `hostKeyTypes`: the host keys the server holds, ed25519 first by default (known_hosts lists the first). */
export async function startSshd(options: { hostKeyTypes?: readonly ('ed25519' | 'rsa' | 'ecdsa')[] } = {}): Promise<Sshd> {
  const hostKeyTypes = options.hostKeyTypes ?? ['ed25519'];
  const dir = mkdtempSync(join(tmpdir(), 'homeops-sshd-'));
  chmodSync(dir, 0o755);
  const user = userInfo().username;
  const port = await freePort();
  for (const type of hostKeyTypes) execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', join(dir, `host_${type}`)]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', user), readFileSync(join(dir, 'id_ed25519.pub')));
  chmodSync(join(dir, 'keys', user), 0o600);
  mkdirSync('/run/sshd', { recursive: true });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...hostKeyTypes.map((type) => `HostKey ${join(dir, `host_${type}`)}`),
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'keys')}/%u`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'LogLevel VERBOSE',
      'Subsystem sftp internal-sftp',
      // Commands run as the test's own user, whose login shell may be bash, which reads that user's
      // ~/.bashrc for a command over SSH when it is the first shell (SHLVL below 2). What a
      // developer's start-up files do is not under test: one that hung (pyenv's rehash waiting on a
      // lock a killed shell had left) made every command here time out. Starting at level 1 makes
      // the command's shell the second, which reads none.
      'SetEnv SHLVL=1',
      '',
    ].join('\n'),
  );
  const hostPublicKey = readFileSync(join(dir, `host_${hostKeyTypes[0] ?? 'ed25519'}.pub`), 'utf8').trim();
  const [type, key] = hostPublicKey.split(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${key}\n`);
  const log = join(dir, 'sshd.log');
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const logLines: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    logLines.push(chunk);
    writeFileSync(log, logLines.join(''));
  });
  // Listening once a TCP connection succeeds.
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}: ${logLines.join('')}`);
    await new Promise((r) => setTimeout(r, 30));
  }
  /** Every process below the listener, with its parent and its name. */
  const descendants = (): { pid: number; comm: string }[] => {
    const parents = new Map<number, { ppid: number; comm: string }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        parents.set(Number(entry), { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm });
      } catch {
        // gone
      }
    }
    const below = new Set<number>(child.pid ? [child.pid] : []);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, { ppid }] of parents) {
        if (below.has(ppid) && !below.has(pid)) {
          below.add(pid);
          grew = true;
        }
      }
    }
    below.delete(child.pid ?? -1);
    return [...below].map((pid) => ({ pid, comm: parents.get(pid)?.comm ?? '' }));
  };
  const killSessions = () => {
    for (const { pid, comm } of descendants()) {
      if (!comm.startsWith('sshd')) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const killAll = () => {
    // The listener and every per-connection sshd below it (they rename themselves, so they are
    // found by parentage, not by name), as a crash or a reboot of the server would.
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        parents.set(Number(entry), ppid);
      } catch {
        // gone
      }
    }
    const doomed = new Set<number>(child.pid ? [child.pid] : []);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of parents) {
        if (doomed.has(ppid) && !doomed.has(pid)) {
          doomed.add(pid);
          grew = true;
        }
      }
    }
    for (const pid of doomed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return {
    dir,
    port,
    user,
    clientKey: join(dir, 'id_ed25519'),
    hostPublicKey,
    knownHosts,
    log,
    child,
    killAll,
    killSessions,
    async stop() {
      killAll();
      child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How the console reaches this server: its user and client key, its host key trusted strictly. */
export function sshdTarget(sshd: Sshd, extra: Partial<SshTarget> = {}): SshTarget {
  return {
    name: 'nas',
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.clientKey],
    agent: undefined,
    knownHostsFile: sshd.knownHosts,
    hostKeyPolicy: 'strict',
    connectTimeoutMs: 3000,
    keepaliveMs: 10_000,
    ...extra,
  };
}
