// A remote host's engine over SSH: `docker system dial-stdio` channels on the host's one pooled
// ssh2 connection serve every API call (list, inspects, stats, events, logs), with no new SSH
// handshake per call. The "remote" is this machine through a private sshd; its docker CLI is
// pointed at the test engine by the endpoint's socket (a DOCKER_HOST prefix on the command).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import type { Hosts } from '../../src/hosts/registry.js';
import { SshHost } from '../../src/hosts/ssh.js';
import type { ContainersReading } from '../../src/model/containers.js';
import { type DockerAccess, openDocker } from '../../src/probes/containers/access.js';
import { containersProbe } from '../../src/probes/containers/probe.js';
import { ProbeError } from '../../src/probes/probe.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';
import { type Sshd, sshdAvailable, sshdTarget, startSshd } from '../helpers/sshd.js';

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(dockerEngineAvailable() && sshdAvailable())('Docker over SSH (dial-stdio on the pooled connection)', () => {
  let engine: TestEngine;
  let sshd: Sshd;
  let host: SshHost;
  let hosts: Hosts;
  let prefix: string;

  const config = (socket: string, dockerCommand = 'docker'): Config =>
    configSchema.parse({
      hosts: { ws: { local: true }, nas: { address: '127.0.0.1', ssh: { user: sshd.user, port: sshd.port } } },
      plan: { host: 'ws', groups: [{ name: 'a', cores: 1 }] },
      docker: { endpoints: [{ host: 'nas', socket, dockerCommand }], interval: '1s', timeout: '5s', statsInterval: '1s' },
    });
  const logins = () =>
    readFileSync(sshd.log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('Accepted publickey')).length;

  beforeAll(async () => {
    [engine, sshd] = await Promise.all([startTestEngine(), startSshd()]);
    prefix = `ssh${engine.run}`;
    host = new SshHost(sshdTarget(sshd, { connectTimeoutMs: 5000 }));
    hosts = {
      get: (name) => (name === 'nas' ? host : undefined),
      names: () => ['nas'],
      closeAll: () => host.close(),
      unreachable: () => [],
      retryNow() {},
    };
    await Promise.all([
      engine.runContainer(
        `${prefix}-web`,
        ['--health-cmd', 'echo fine', '--health-interval', '1s', '--health-retries', '1'],
        ['sleep', '3600'],
      ),
      engine.runContainer(`${prefix}-talk`, [], ['sh', '-c', 'while :; do echo hello; echo oops >&2; sleep 0.3; done']),
    ]);
  });

  afterAll(async () => {
    host?.close();
    await Promise.all([engine?.stop(), sshd?.stop()]);
  });

  it('reads containers, health, stats and logs through one SSH login', async () => {
    const cfg = config(engine.socket);
    const access = openDocker(cfg, hosts, { env: {} }) as DockerAccess;
    const probe = containersProbe(access.read, cfg);
    try {
      const mine = (r: ContainersReading, name: string) => r.containers.find((c) => c.name === `${prefix}-${name}`);
      let reading = probe.parse(await probe.read(never));
      const deadline = Date.now() + 10_000;
      while ((mine(reading, 'web')?.health !== 'healthy' || mine(reading, 'talk')?.cpuPercent === null) && Date.now() < deadline) {
        await sleep(300);
        reading = probe.parse(await probe.read(never));
      }
      expect(reading.endpoints[0]).toMatchObject({ host: 'nas', label: `nas over SSH (unix://${engine.socket})`, status: 'ok' });
      expect(mine(reading, 'web')).toMatchObject({ host: 'nas', health: 'healthy', lastHealthOutput: 'fine', group: 'unplanned' });
      expect(mine(reading, 'talk')?.cpuPercent).not.toBeNull();
      expect(mine(reading, 'talk')?.memoryUsedBytes).toBeGreaterThan(0);
      const lines = [];
      for await (const line of access.actions.logs({ host: 'nas', id: `${prefix}-talk` }, { tail: 4 })) lines.push(line);
      expect(lines.map((l) => l.text).sort()).toEqual(['hello', 'hello', 'oops', 'oops']);
      // Dozens of API calls and an open event stream, and sshd saw one login.
      expect(logins()).toBe(1);
    } finally {
      access.close();
    }
  }, 30_000);

  it('says why when the remote side has no engine or no docker CLI', async () => {
    const noEngine = openDocker(config('/nonexistent/docker.sock'), hosts, { env: {} }) as DockerAccess;
    const noCli = openDocker(config(engine.socket, 'docker-not-installed'), hosts, { env: {} }) as DockerAccess;
    try {
      const first: unknown = await noEngine.read(never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(first).toBeInstanceOf(ProbeError);
      expect(first).toMatchObject({
        status: 'off',
        message: expect.stringMatching(/^no Docker engine on nas: .*\/nonexistent\/docker\.sock.*no such file or directory/),
      });
      const second: unknown = await noCli.read(never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(second).toMatchObject({ status: 'off', message: 'no Docker engine on nas: docker-not-installed not found there' });
    } finally {
      noEngine.close();
      noCli.close();
    }
  }, 30_000);
});
