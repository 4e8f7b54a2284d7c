// A first run with no config file watches this machine and contacts nothing beyond it. The
// binary runs in a network namespace of its own with only loopback up (so that nothing it
// tried could leave the machine anyway) under strace, which records every connect, sendto,
// sendmsg and sendmmsg with its address: a single one to an address beyond loopback fails the
// test. The same run on the reference estate is the control: it must show the estate's
// 10.0.10.x addresses being tried, or the trace would prove nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, ROOT } from '../helpers/cli.js';
import { haveCommand, requireService } from '../helpers/require-service.js';

const canTrace = requireService(
  'unshare, ip and strace as root (network namespaces)',
  () => process.getuid?.() === 0 && haveCommand('unshare') && haveCommand('strace') && haveCommand('ip') && haveCommand('script'),
  'apt-get install strace iproute2 util-linux bsdutils, and run the tests as root',
);

let home: string;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-first-run-'));
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Where the traced processes sent or connected to, beyond AF_UNIX and netlink. */
function inetDestinations(trace: string): string[] {
  const found: string[] = [];
  for (const match of trace.matchAll(/sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/g)) found.push(`${match[2]}:${match[1]}`);
  for (const match of trace.matchAll(/sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"/g))
    found.push(`[${match[2]}]:${match[1]}`);
  return found;
}

const beyondLoopback = (destinations: readonly string[]) => destinations.filter((d) => !/^127\.|^\[::1\]|^\[::ffff:127\./.test(d));

type Traced = { code: number | null; stdout: string; trace: string };

/**
 * Runs `homeops ARGS` in a new network namespace (loopback up, no other interface, no route)
 * under strace. `resolvConf` is mounted over /etc/resolv.conf in a mount namespace of its own.
 * `tty`: in a terminal (script), with `keys` typed after the first frame.
 */
function traced(
  args: readonly string[],
  options: { env?: Record<string, string>; resolvConf?: string; tty?: boolean; keys?: string[] } = {},
): Promise<Traced> {
  const traceFile = join(home, `trace-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    ...options.env,
  };
  const quoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quoted).join(' ');
  const program = options.tty ? `script -qfec ${quoted(`stty cols 120 rows 40; ${command}`)} /dev/null` : command;
  const mount = options.resolvConf ? `mount --bind ${quoted(options.resolvConf)} /etc/resolv.conf && ` : '';
  const inner = `${mount}ip link set lo up && exec strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg -o ${quoted(traceFile)} ${program}`;
  const unshare = ['-n', ...(options.resolvConf ? ['-m', '--propagation', 'private'] : []), 'sh', '-c', inner];
  return new Promise((done, fail) => {
    const child = spawn('unshare', unshare, { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timers: NodeJS.Timeout[] = [];
    if (options.tty) {
      // The first frame, then each key a second apart, then q.
      const keys = [...(options.keys ?? []), 'q'];
      keys.forEach((key, index) => {
        timers.push(setTimeout(() => child.stdin.write(key), 4000 + index * 1000));
      });
    } else child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      for (const timer of timers) clearTimeout(timer);
      let trace = '';
      try {
        trace = readFileSync(traceFile, 'utf8');
      } catch {
        trace = '';
      }
      done({ code, stdout, trace });
    });
  });
}

describe.runIf(canTrace)('a first run with no config file', () => {
  it("the control: on the reference estate the trace shows the estate's addresses being tried", async () => {
    const run = await traced(['status', '--json', '--config', join(ROOT, 'examples', 'estate.yaml')]);
    const tried = beyondLoopback(inetDestinations(run.trace));
    expect(tried).toContain('10.0.10.10:53');
    expect(tried).toContain('10.0.10.20:22');
  }, 60_000);

  it('status watches this machine and connects to nothing beyond loopback', async () => {
    const run = await traced(['status', '--json']);
    expect(run.trace).not.toBe('');
    expect(beyondLoopback(inetDestinations(run.trace))).toEqual([]);
    const snapshot = JSON.parse(run.stdout) as { panes: Record<string, { status: string; summary: string }> };
    expect(snapshot.panes.cpu?.summary).toMatch(/threads/);
    // This machine's resolvers are not on loopback here: named, and not asked.
    const resolvers = readFileSync('/etc/resolv.conf', 'utf8').match(/^\s*nameserver\s+(\S+)/gm) ?? [];
    if (resolvers.length > 0 && resolvers.every((line) => !/\s(127\.|::1)/.test(line)))
      expect(snapshot.panes.dns?.summary).toMatch(/not asked/);
  }, 60_000);

  it('a resolver on loopback is asked (for localhost); one on the network is not', async () => {
    const resolvConf = join(home, 'resolv.conf');
    writeFileSync(resolvConf, 'nameserver 127.0.0.1\nnameserver 192.0.2.53\n');
    const run = await traced(['status', '--json'], { resolvConf });
    const destinations = inetDestinations(run.trace);
    expect(destinations).toContain('127.0.0.1:53');
    expect(beyondLoopback(destinations)).toEqual([]);
    const snapshot = JSON.parse(run.stdout) as {
      panes: { dns: { data: { servers: { address: string; answers: { name: string }[] }[] } | null } };
    };
    expect(snapshot.panes.dns.data?.servers.map((s) => s.address)).toEqual(['127.0.0.1']);
    expect(snapshot.panes.dns.data?.servers[0]?.answers.map((a) => a.name)).toEqual(['localhost']);
  }, 60_000);

  it('the console, left open and refreshed, connects to nothing beyond loopback either', async () => {
    const run = await traced([], {
      tty: true,
      keys: ['r', '\t', '\t'],
      ...(process.env.DOCKER_HOST ? { env: { DOCKER_HOST: process.env.DOCKER_HOST } } : {}),
    });
    expect(run.stdout).toMatch(/CPU · /);
    expect(run.stdout).toMatch(/a guess: the reference estate's plan/);
    expect(run.trace).not.toBe('');
    expect(beyondLoopback(inetDestinations(run.trace))).toEqual([]);
  }, 60_000);
});

describe('reading the trace', () => {
  it('finds IPv4 and IPv6 destinations of connect and sendto', () => {
    const trace = [
      '12 connect(21, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.10.1")}, 16) = -1 ENETUNREACH',
      '12 sendto(22, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 1',
      '12 connect(23, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 110) = 0',
      '12 connect(24, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
    ].join('\n');
    expect(inetDestinations(trace)).toEqual(['10.0.10.1:53', '127.0.0.53:53', '[2001:db8::1]:53']);
    expect(beyondLoopback(inetDestinations(trace))).toEqual(['10.0.10.1:53', '[2001:db8::1]:53']);
  });
});
