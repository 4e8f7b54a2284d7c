// Private dnsmasq instances (Pi-hole's DNS core) on free loopback ports, as in
// reference/real-services.md §3: local records, NXDOMAIN for the rest of `home`, REFUSED for
// outside names (no upstream: nothing leaves the machine). Stopped = connection refused
// (ICMP port unreachable on loopback); paused with SIGSTOP = timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveCommand, requireService } from './require-service.js';
import { freePort } from './sshd.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';

export function dnsmasqAvailable(): boolean {
  return requireService('dnsmasq', () => haveCommand(DNSMASQ), 'apt-get install dnsmasq');
}

export type Dnsmasq = {
  name: string;
  port: number;
  pid: number;
  log: string;
  /** SIGSTOP: the socket stays bound but nothing answers (a hung FTL). */
  pause(): void;
  /** SIGCONT: answers again at once. */
  resume(): void;
  /** SIGTERM and wait until the process is gone (and reaped): the port then refuses. */
  stop(): Promise<void>;
};

/** True while the process exists and is not a zombie (a zombie still answers kill(pid, 0)). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP on 127.0.0.1 (dnsmasq binds both). */
async function freeDnsPort(): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await freePort();
    if (await udpPortFree(port)) return port;
  }
  throw new Error('no free loopback port for dnsmasq');
}

async function answers(port: number): Promise<boolean> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  try {
    await resolver.resolve4('nas.home');
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const started = new Set<Dnsmasq>();

/**
 * Starts one dnsmasq answering: nas.home → 10.0.10.20, backup.home → 10.0.10.21 (from a hosts
 * file), blocked.example → 0.0.0.0, TXT instance.home → its name; other .home names NXDOMAIN;
 * anything else REFUSED.
 */
export async function startDnsmasq(name: string): Promise<Dnsmasq> {
  const dir = mkdtempSync(join(tmpdir(), `homeops-dnsmasq-${name}-`));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, '10.0.10.21 backup.home\n');
  const log = join(dir, 'dnsmasq.log');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeDnsPort();
    const user = process.getuid?.() === 0 ? ['--user=root', '--group=root'] : [];
    const child = spawn(
      DNSMASQ,
      [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--no-resolv',
        '--no-hosts',
        '--no-poll',
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        `--port=${port}`,
        ...user,
        `--pid-file=${join(dir, 'dnsmasq.pid')}`,
        `--log-facility=${log}`,
        '--log-queries',
        '--address=/nas.home/10.0.10.20',
        '--address=/blocked.example/0.0.0.0',
        `--txt-record=instance.home,${name}`,
        `--addn-hosts=${hosts}`,
        '--local=/home/',
        '--domain-needed',
        '--bogus-priv',
        '--cache-size=150',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const pid = child.pid;
    const deadline = Date.now() + 3000;
    let ready = false;
    while (pid !== undefined && Date.now() < deadline && child.exitCode === null) {
      if (await answers(port)) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (ready && pid !== undefined) {
      const instance: Dnsmasq = {
        name,
        port,
        pid,
        log,
        pause: () => {
          if (isRunning(pid)) process.kill(pid, 'SIGSTOP');
        },
        resume: () => {
          if (isRunning(pid)) process.kill(pid, 'SIGCONT');
        },
        stop: async () => {
          started.delete(instance);
          if (isRunning(pid)) {
            // A stopped process keeps SIGTERM pending: continue it first (SIGCONT is harmless otherwise).
            process.kill(pid, 'SIGCONT');
            process.kill(pid, 'SIGTERM');
            const timer = setTimeout(() => {
              if (isRunning(pid)) process.kill(pid, 'SIGKILL');
            }, 2000);
            await exited(child);
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
      started.add(instance);
      return instance;
    }
    lastError = stderr.trim() || `exit ${child.exitCode ?? child.signalCode ?? 'none'}`;
    if (pid !== undefined && isRunning(pid)) {
      process.kill(pid, 'SIGKILL');
      await exited(child);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`dnsmasq ${name} did not start: ${lastError}`);
}

/** Stops every instance still running (for afterAll, whatever the tests did to them). */
export async function stopAllDnsmasq(): Promise<void> {
  await Promise.all([...started].map((instance) => instance.stop()));
}
