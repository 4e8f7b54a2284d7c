// Probes on a host reached over SSH, against real OpenSSH servers on loopback: the remote CPU
// reader (one exec per tick, the same reading as this machine's own), nvidia-smi over SSH, a
// port that accepts TCP and never speaks SSH, and a server stopped mid-run and started again.
// The "remote" host is this machine, through sshd, so its /proc is what the reading must match.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema, probesSchema } from '../../src/config/schema.js';
import type { Command, ExecOptions, Host } from '../../src/hosts/host.js';
import { execLocal } from '../../src/hosts/local.js';
import { probeHost, resolveHosts } from '../../src/hosts/profile.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { SshHost, type SshTarget } from '../../src/hosts/ssh.js';
import { parseCpu } from '../../src/probes/cpu/parse.js';
import { cpuProbe } from '../../src/probes/cpu/probe.js';
import { cpuReaderFor, remoteCpuReader } from '../../src/probes/cpu/remote.js';
import { parseGpu } from '../../src/probes/gpu/parse.js';
import { gpuReader } from '../../src/probes/gpu/probe.js';
import { ProbeError } from '../../src/probes/probe.js';
import { casePath, FAKE_NVIDIA_SMI_BIN } from '../helpers/fake-nvidia-smi.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { requireSshd, testServices } from '../helpers/services.js';
import { SSHD, type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const laptop = { hostname: 'laptop', addresses: ['127.0.0.1', '192.168.1.50'] };

/** MemTotal of this machine in bytes, and its logical CPUs as nproc counts them. */
const memTotal = () => Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
const nproc = () => Number(execFileSync('nproc', { encoding: 'utf8' }).trim());

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

/** A host that counts the commands it is asked to run. */
function counting(host: Host): Host & { runs: number } {
  const counted = {
    runs: 0,
    name: host.name,
    kind: host.kind,
    exec: (argv: readonly string[], options: ExecOptions) => {
      counted.runs++;
      return host.exec(argv, options);
    },
    run: (command: Command, options: ExecOptions) => {
      counted.runs++;
      return host.run(command, options);
    },
    readFile: host.readFile.bind(host),
    stat: host.stat.bind(host),
    list: host.list.bind(host),
    close: () => host.close(),
  };
  return counted;
}

/** The estate with the workstation marked local, but reached over SSH (the remote profile) at the test sshd. */
function estate(extra: Record<string, unknown> = {}): Config {
  const { ssh } = testServices();
  return configSchema.parse({
    hosts: {
      workstation: {
        local: true,
        address: ssh.host,
        ssh: {
          host: ssh.host,
          port: ssh.port,
          user: ssh.user,
          identityFile: ssh.privateKeyPath,
          knownHosts: ssh.knownHostsPath,
          connectTimeout: '5s',
        },
      },
    },
    plan: { host: 'workstation', threadsPerCore: 1, groups: [{ name: 'all', cores: 1 }] },
    probes: { cpu: { timeout: '5s' }, gpu: { timeout: '5s' } },
    ...extra,
  });
}

describe.runIf(requireSshd())('probes over SSH on the test sshd (remote profile)', () => {
  let config: Config;
  let host: Host;
  let scratch: string;

  beforeAll(() => {
    config = estate();
    const hosts = hostsFromConfig(config, { HOME: tmpdir() }, resolveHosts(config, 'remote', laptop));
    const found = hosts.get(probeHost(config, 'cpu'));
    if (!found) throw new Error('no workstation host');
    host = found;
    scratch = mkdtempSync(join(tmpdir(), 'homeops-remote-'));
    chmodSync(scratch, 0o755);
  });

  afterAll(() => {
    host?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the host marked local is an SSH host under the remote profile, and its reader the /proc one', () => {
    expect(host.kind).toBe('ssh');
    expect(host).toBeInstanceOf(SshHost);
  });

  it("reads CPU and memory of the machine behind sshd: this one's nproc and MemTotal", async () => {
    const read = cpuReaderFor(host, 'workstation', config.probes.cpu);
    const raw = await read(never);
    expect(raw.load.cpus).toHaveLength(nproc());
    expect(raw.mem.total).toBe(memTotal());
    expect(raw.mem.available).toBeGreaterThan(0);
    expect(raw.fsSize.some((fs) => fs.mount === '/')).toBe(true);
    const reading = parseCpu(raw);
    expect(reading.threads).toHaveLength(cpus().length);
    expect(reading.cores.length).toBeGreaterThan(0);
    expect(reading.loadAverage).toHaveLength(3);
    // The same parse and plan logic as a local reading.
    const probe = cpuProbe(read, config);
    const data = probe.parse(await probe.read(never));
    expect(data.plan.hostThreads).toBe(nproc());
    expect(probe.assess(data, Date.now()).summary).toMatch(new RegExp(`of ${nproc()} threads`));
  });

  it('runs one command per tick, and network rates appear from the second tick', async () => {
    const wrapped = counting(host);
    const read = remoteCpuReader(wrapped, config.probes.cpu);
    const first = await read(never);
    expect(wrapped.runs).toBe(1);
    await sleep(300);
    const second = await read(never);
    const third = await read(never);
    expect(wrapped.runs).toBe(3);
    expect(first.netDev.previous).toBeNull();
    expect(second.netDev.previous).not.toBeNull();
    expect(parseCpu(third).network.every((n) => n.rxBytesPerSec !== null)).toBe(true);
    expect(third.siblings).toEqual(first.siblings);
  });

  it('reads nvidia-smi on the remote host (probes.gpu.command names the program there)', async () => {
    // The fake stands for the driver's nvidia-smi on that host; it finds its answers by case.
    const wrapper = join(scratch, 'nvidia-smi');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nFAKE_NVIDIA_SMI_CASE='${casePath('rtx4080-595')}' exec '${join(FAKE_NVIDIA_SMI_BIN, 'nvidia-smi')}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const gpuConfig = probesSchema.parse({ gpu: { command: wrapper, timeout: '5s' } }).gpu;
    const wrapped = counting(host);
    const reading = parseGpu(await gpuReader(wrapped, gpuConfig)(never));
    expect(reading.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 4080']);
    expect(reading.gpus[0]?.memoryTotalMiB).toBeGreaterThan(16_000);
    expect(wrapped.runs).toBe(2); // the GPUs, then their processes
  });

  it('a missing nvidia-smi on the remote host is "off", not an error of the connection', async () => {
    const gpuConfig = probesSchema.parse({ gpu: { command: join(scratch, 'no-such-nvidia-smi'), timeout: '5s' } }).gpu;
    const error = await failure(gpuReader(host, gpuConfig)(never));
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).status).toBe('off');
    expect(error.message).toBe(`${gpuConfig.command} not found on workstation: no NVIDIA driver installed`);
  });

  it('a host that accepts TCP and never speaks SSH fails within its timeout and holds up no other reader', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    try {
      const mute = new SshHost({
        name: 'workstation',
        host: '127.0.0.1',
        port,
        user: 'root',
        identityFiles: [],
        agent: undefined,
        knownHostsFile: '/dev/null',
        hostKeyPolicy: 'strict',
        connectTimeoutMs: 8000,
        keepaliveMs: 10_000,
      });
      const cpuConfig = probesSchema.parse({ cpu: { timeout: '1s' } }).cpu;
      const goodConfig = probesSchema.parse({ cpu: { timeout: '5s' } }).cpu;
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 50);
      const started = Date.now();
      const stuck = remoteCpuReader(
        mute,
        cpuConfig,
      )(never).then(
        () => ({ at: Date.now() - started, error: null }),
        (error: unknown) => ({ at: Date.now() - started, error: error as Error }),
      );
      const good = remoteCpuReader(host, goodConfig)(never).then((raw) => ({ at: Date.now() - started, raw }));
      const [bad, ok] = await Promise.all([stuck, good]);
      clearInterval(ticker);
      mute.close();
      expect(ok.raw.load.cpus).toHaveLength(nproc());
      expect(bad.error?.message).toMatch(/^workstation: no SSH connection within 9\d\d ms$/);
      // Within its own timeout (less a margin, so that the pane shows this reason).
      expect(bad.at).toBeLessThan(1000);
      expect(bad.at).toBeGreaterThanOrEqual(850);
      // The event loop kept turning: keys and other panes are not held up.
      expect(ticks).toBeGreaterThan(Math.floor(Math.max(bad.at, ok.at) / 50) - 6);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe.runIf(sshdAvailable())('a remote host whose sshd stops mid-run and comes back', () => {
  let sshd: Sshd;
  let restarted: ChildProcess | null = null;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    restarted?.kill('SIGKILL');
    await sshd?.stop();
  });

  const target = (): SshTarget => sshdTarget(sshd, { name: 'workstation' });

  it('errors with "unreachable since" while it is down, then reads again after the restart', async () => {
    const host = new SshHost(target());
    const config = probesSchema.parse({ cpu: { timeout: '3s' } }).cpu;
    const read = remoteCpuReader(host, config);
    try {
      expect((await read(never)).load.cpus).toHaveLength(nproc());
      sshd.killAll();
      // The first read after the kill may meet the dying connection; the next ones say since when.
      let message = '';
      for (let i = 0; i < 10 && !/unreachable since/.test(message); i++) {
        message = (await failure(read(never))).message;
        await sleep(100);
      }
      expect(message).toMatch(/^workstation unreachable since \d\d:\d\d:\d\d \(.*ECONNREFUSED.*\)/);
      expect(host.unreachable).not.toBeNull();

      restarted = spawn(SSHD, ['-D', '-e', '-f', join(sshd.dir, 'sshd_config')], { stdio: 'ignore' });
      const deadline = Date.now() + 20_000;
      let raw = null;
      let last = '';
      while (!raw && Date.now() < deadline) {
        raw = await read(never).catch((error: unknown) => {
          last = (error as Error).message;
          return null;
        });
        if (!raw) await sleep(250);
      }
      expect(last).toMatch(/unreachable since/);
      expect(raw?.load.cpus).toHaveLength(nproc());
      expect(raw?.mem.total).toBe(memTotal());
      expect(host.unreachable).toBeNull();
    } finally {
      host.close();
    }
  });
});

describe.runIf(requireService('busybox', () => haveCommand('busybox'), 'apt-get install busybox-static'))(
  'the /proc script on busybox',
  () => {
    it('runs under busybox sh with busybox cat, df and sleep, and gives the same reading', async () => {
      const bin = mkdtempSync(join(tmpdir(), 'homeops-busybox-'));
      const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((path) => haveCommand(path)) ?? 'busybox';
      try {
        for (const applet of ['cat', 'df', 'sleep']) symlinkSync(busybox, join(bin, applet));
        const runs: string[] = [];
        const ash = {
          name: 'nas',
          run: (command: Command, options: ExecOptions) => {
            const script = 'shell' in command ? command.shell : command.argv.join(' ');
            runs.push(script);
            return execLocal([busybox, 'sh', '-c', script], { ...options, env: { PATH: bin } });
          },
        };
        const raw = await remoteCpuReader(ash, probesSchema.parse({}).cpu)(never);
        expect(runs).toHaveLength(1);
        expect(raw.load.cpus).toHaveLength(nproc());
        expect(raw.mem.total).toBe(memTotal());
        expect(raw.fsSize.find((fs) => fs.mount === '/')?.size).toBeGreaterThan(0);
        expect(Object.keys(raw.siblings)).toHaveLength(nproc());
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    });
  },
);
