// A real Docker engine for the container tests: the shared one scripts/services.sh starts (CI),
// when DOCKER_HOST points at it and it answers /_ping; otherwise a private dockerd of our own
// (reference/real-services.md §1: own data-root, exec-root and socket under a temp folder, no
// bridge, no iptables; overlay2 with vfs as the fallback) with `local/busybox` imported from
// busybox-static. Test containers always run with `--network none`, carry a label naming this
// run, and are removed by `removeTestContainers()`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveCommand, requireService } from './require-service.js';

export const TEST_IMAGE = 'local/busybox:latest';
export const TEST_LABEL = 'homeops.test';

export type TestEngine = {
  /** Path of the engine's unix socket. */
  socket: string;
  /** `unix://…`, for DOCKER_HOST. */
  dockerHost: string;
  /** True when this is the shared engine of scripts/services.sh (not ours to stop). */
  shared: boolean;
  /** The label value every container of this run carries (`homeops.test=<run>`). */
  run: string;
  /** Runs the docker CLI against this engine; resolves with stdout, rejects with stderr. */
  docker(args: readonly string[]): Promise<string>;
  /** `docker run -d` with --network none and this run's label; resolves with the container id. */
  runContainer(name: string, args: readonly string[], command: readonly string[]): Promise<string>;
  /**
   * Creates and starts containers through the API (no CLI process each): faster for many.
   * `config` is the create body (Image, Labels and NetworkMode none are added).
   */
  createMany(names: readonly string[], config: Record<string, unknown>, concurrency?: number): Promise<string[]>;
  /** Private engines only: stops dockerd (containers stop with it) / starts it again, same socket. */
  stopDaemon(): Promise<void>;
  startDaemon(): Promise<void>;
  /** Removes every container of this run. */
  removeTestContainers(): Promise<void>;
  stop(): Promise<void>;
};

export function dockerEngineAvailable(): boolean {
  return requireService(
    'docker engine',
    // A private dockerd needs root; the shared engine of scripts/services.sh does not.
    () =>
      ((haveCommand('dockerd') && process.getuid?.() === 0) || sharedSocket() !== null) &&
      haveCommand('docker') &&
      haveCommand('busybox') &&
      haveCommand('tar'),
    'apt-get install docker.io busybox-static',
  );
}

/** For tests that stop and start their engine: a private dockerd (root) is needed even in CI. */
export function privateDockerdAvailable(): boolean {
  return requireService(
    'dockerd (run as root, for a private engine)',
    () => haveCommand('dockerd') && process.getuid?.() === 0 && haveCommand('docker') && haveCommand('busybox') && haveCommand('tar'),
    'apt-get install docker.io busybox-static, and run the tests as root',
  );
}

function sharedSocket(): string | null {
  const host = process.env.DOCKER_HOST;
  if (!host?.startsWith('unix://')) return null;
  const socket = host.slice('unix://'.length);
  return existsSync(socket) ? socket : null;
}

/** GET /_ping on a unix socket: true on "OK". */
export function ping(socket: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => {
          body += c;
        })
        .on('end', () => resolve(res.statusCode === 200 && body === 'OK'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function cli(socket: string) {
  return (args: readonly string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        err += c;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`docker ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
    });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess, log?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (child && child.exitCode !== null)
      throw new Error(
        `${what}: dockerd exited (${child.exitCode}): ${log && existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`,
      );
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startDockerd(dir: string, driver: string): { child: ChildProcess; socket: string; log: string } {
  const socket = join(dir, 'docker.sock');
  const log = join(dir, `dockerd-${driver}.log`);
  const out = openSync(log, 'a');
  const child = spawn(
    'dockerd',
    [
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--ip-forward=false',
      '--ip-masq=false',
      '--storage-driver',
      driver,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  return { child, socket, log };
}

async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function importBusybox(socket: string, docker: (args: readonly string[]) => Promise<string>, dir: string): Promise<void> {
  try {
    await docker(['image', 'inspect', TEST_IMAGE]);
    return;
  } catch {
    // not there yet
  }
  const root = join(dir, 'bbroot');
  rmSync(root, { recursive: true, force: true });
  for (const sub of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) mkdirSync(join(root, sub), { recursive: true });
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  execFileSync('cp', [busybox, join(root, 'bin', 'busybox')]);
  for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet && applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
  }
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\n');
  execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import --change 'CMD ["/bin/sh"]' - ${TEST_IMAGE} >/dev/null`], {
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
  });
  rmSync(root, { recursive: true, force: true });
}

/** One API call on a unix socket with a JSON body; resolves with status and parsed body. */
export function api(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: socket,
        path,
        method,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => {
            text += c;
          })
          .on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // plain text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The shared engine when DOCKER_HOST answers; else a private dockerd started here. */
export async function startTestEngine(options: { private?: boolean } = {}): Promise<TestEngine> {
  const run = randomBytes(4).toString('hex');
  const shared = options.private ? null : sharedSocket();
  let socket: string;
  let child: ChildProcess | null = null;
  let dir: string | null = null;
  let driver = process.env.HOMEOPS_DOCKER_DRIVER ?? 'overlay2';
  const launch = async (where: string) => {
    let started = startDockerd(where, driver);
    try {
      await waitFor(`dockerd (${driver})`, () => ping(started.socket), 20_000, started.child, started.log);
    } catch (error) {
      await stopChild(started.child);
      if (driver === 'vfs') throw error;
      driver = 'vfs';
      started = startDockerd(where, driver);
      await waitFor('dockerd (vfs)', () => ping(started.socket), 20_000, started.child, started.log);
    }
    return started;
  };
  if (shared && (await ping(shared))) {
    socket = shared;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'homeops-dockerd-'));
    const started = await launch(dir);
    child = started.child;
    socket = started.socket;
  }
  const docker = cli(socket);
  const importDir = dir ?? mkdtempSync(join(tmpdir(), 'homeops-bb-'));
  await importBusybox(socket, docker, importDir);
  if (!dir) rmSync(importDir, { recursive: true, force: true });

  const removeTestContainers = async () => {
    const ids = (await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}=${run}`])).split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]);
  };
  return {
    socket,
    dockerHost: `unix://${socket}`,
    shared: child === null,
    run,
    docker,
    async runContainer(name, args, command) {
      const out = await docker([
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--label',
        `${TEST_LABEL}=${run}`,
        ...args,
        TEST_IMAGE,
        ...command,
      ]);
      return out.trim();
    },
    async createMany(names, config, concurrency = 8) {
      const ids: string[] = new Array<string>(names.length);
      let next = 0;
      const worker = async () => {
        while (next < names.length) {
          const index = next++;
          const name = names[index] as string;
          const created = await api(socket, 'POST', `/containers/create?name=${encodeURIComponent(name)}`, {
            Image: TEST_IMAGE,
            ...config,
            Labels: { ...(config.Labels as Record<string, string> | undefined), [TEST_LABEL]: run },
            HostConfig: { ...(config.HostConfig as Record<string, unknown> | undefined), NetworkMode: 'none' },
          });
          if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
          const id = (created.body as { Id: string }).Id;
          const started = await api(socket, 'POST', `/containers/${id}/start`);
          if (started.status !== 204) throw new Error(`start ${name}: ${started.status} ${JSON.stringify(started.body)}`);
          ids[index] = id;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
      return ids;
    },
    removeTestContainers,
    async stopDaemon() {
      if (!child || !dir) throw new Error('the shared engine is not ours to stop');
      await stopChild(child);
    },
    async startDaemon() {
      if (!dir) throw new Error('the shared engine is not ours to start');
      child = (await launch(dir)).child;
    },
    async stop() {
      await removeTestContainers().catch(() => {});
      if (child) await stopChild(child);
      if (dir) {
        // Mounts a killed engine left behind first, so that rm never crosses into them.
        const mounts = readFileSync('/proc/mounts', 'utf8')
          .split('\n')
          .map((l) => l.split(' ')[1] ?? '')
          .filter((m) => m.startsWith(`${dir}/`))
          .sort()
          .reverse();
        for (const m of mounts) {
          try {
            execFileSync('umount', ['-l', m]);
          } catch {
            // already gone
          }
        }
        execFileSync('rm', ['-rf', '--one-file-system', dir]);
      }
    },
  };
}
