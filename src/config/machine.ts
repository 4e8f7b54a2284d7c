// What this machine is, for the built-in default and `homeops init --from detect`: its cores and
// threads, memory, whether it has a Docker engine and nvidia-smi, and the resolvers it uses.
// Everything is read from local files and the environment; nothing here touches the network.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Env } from './paths.js';

export type MachineFacts = {
  /** The key the built-in default gives this machine in `hosts` (its short hostname, made a valid name). */
  name: string;
  hostname: string;
  /** Physical cores, and threads per core (1 without SMT). */
  cores: number;
  threadsPerCore: number;
  memoryBytes: number;
  /** The local Docker engine: DOCKER_HOST when set, else /var/run/docker.sock when it exists. */
  docker: { via: 'DOCKER_HOST' | 'socket'; address: string } | null;
  /** nvidia-smi's path when it is on PATH. */
  nvidiaSmi: string | null;
  /** The nameservers of /etc/resolv.conf, in order. */
  resolvers: string[];
};

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
export const RESOLV_CONF = '/etc/resolv.conf';

/** The nameserver addresses of a resolv.conf, in order (a scope suffix such as %eth0 is kept). */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    if (match?.[1] && !servers.includes(match[1])) servers.push(match[1]);
  }
  return servers;
}

/** An address on this machine's loopback: 127.0.0.0/8 or ::1 (asking it stays on this machine). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address
    .replace(/%.*$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)) return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)) return true;
  return bare === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(bare);
}

/** A hostname as a key of `hosts` (letters, digits, ".", "_", "-"; starting with a letter or digit). */
export function hostKey(name: string): string {
  const short = name.split('.')[0] ?? '';
  const cleaned = short.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'this-machine' : cleaned.slice(0, 63);
}

/** Physical cores from the kernel's thread-sibling lists: one core per distinct list. */
export function countCores(siblingLists: readonly string[]): number {
  return new Set(siblingLists.map((list) => list.trim())).size;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Logical CPUs the kernel has online ("0-7,9"), or null without /sys. */
function onlineCpus(): number[] | null {
  const text = readOr('/sys/devices/system/cpu/online');
  if (text === null) return null;
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return null;
    for (let cpu = Number(match[1]); cpu <= Number(match[2] ?? match[1]); cpu++) cpus.push(cpu);
  }
  return cpus;
}

function detectCores(): { cores: number; threadsPerCore: number } {
  const cpus = onlineCpus();
  const threads = cpus?.length || availableParallelism();
  const lists = (cpus ?? []).map((cpu) => readOr(`/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`));
  if (cpus === null || lists.some((list) => list === null)) return { cores: threads, threadsPerCore: 1 };
  const cores = Math.max(1, countCores(lists as string[]));
  return { cores, threadsPerCore: Math.min(8, Math.max(1, Math.round(threads / cores))) };
}

function onPath(program: string, env: Env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Reads this machine's facts (local files and the environment only). */
export function detectMachine(env: Env): MachineFacts {
  const name = hostname();
  const dockerHost = env.DOCKER_HOST;
  const docker: MachineFacts['docker'] = dockerHost
    ? { via: 'DOCKER_HOST', address: dockerHost }
    : existsSync(DEFAULT_DOCKER_SOCKET)
      ? { via: 'socket', address: `unix://${DEFAULT_DOCKER_SOCKET}` }
      : null;
  return {
    name: hostKey(name),
    hostname: name,
    ...detectCores(),
    memoryBytes: totalmem(),
    docker,
    nvidiaSmi: onPath('nvidia-smi', env),
    resolvers: parseResolvConf(readOr(RESOLV_CONF) ?? ''),
  };
}
