// The real loopback services that scripts/services.sh starts, as the tests see them: where they
// are (from the environment that `scripts/services.sh env` prints, with the script's defaults)
// and guards for `describe.runIf(...)` that skip locally and fail in CI when one is not there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { haveCommand, requireService } from './require-service.js';

const START = 'scripts/services.sh up && eval "$(scripts/services.sh env)"';
const APT = 'apt-get install -y --no-install-recommends $(scripts/services.sh packages)';

function hostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}

export function testServices(env: NodeJS.ProcessEnv = process.env) {
  const dir = env.HOMEOPS_SVC_DIR ?? '/tmp/homeops-svc';
  return {
    dir,
    docker: {
      host: env.DOCKER_HOST ?? `unix://${dir}/docker/docker.sock`,
      image: env.HOMEOPS_TEST_DOCKER_IMAGE ?? 'local/busybox:latest',
    },
    ssh: {
      host: env.HOMEOPS_TEST_SSH_HOST ?? '127.0.0.1',
      port: Number(env.HOMEOPS_TEST_SSH_PORT ?? 2222),
      user: env.HOMEOPS_TEST_SSH_USER ?? 'runbook',
      privateKeyPath: env.HOMEOPS_TEST_SSH_KEY ?? `${dir}/ssh/id_ed25519`,
      knownHostsPath: env.HOMEOPS_TEST_KNOWN_HOSTS ?? `${dir}/ssh/known_hosts`,
    },
    dns: [
      { ...hostPort(env.HOMEOPS_TEST_DNS1 ?? '127.0.0.1:5353'), pidFile: env.HOMEOPS_TEST_DNS1_PIDFILE ?? `${dir}/dns1.pid` },
      { ...hostPort(env.HOMEOPS_TEST_DNS2 ?? '127.0.0.1:5354'), pidFile: env.HOMEOPS_TEST_DNS2_PIDFILE ?? `${dir}/dns2.pid` },
    ],
    postgres: {
      host: env.PGHOST ?? '127.0.0.1',
      port: Number(env.PGPORT ?? 55432),
      user: env.PGUSER ?? 'postgres',
      dataDir: env.HOMEOPS_TEST_PG_DATA ?? `${dir}/pg/data`,
      archiveDir: env.HOMEOPS_TEST_PG_ARCHIVE ?? `${dir}/pg/archive`,
    },
  };
}

const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 3_000 }).status === 0;

/** A TCP port on this machine accepts connections (bash's /dev/tcp; spawns, so it stays synchronous). */
export function tcpListening(host: string, port: number): boolean {
  return ok('bash', ['-c', `exec 3<>/dev/tcp/${host}/${port}`]);
}

export function dockerAnswering(): boolean {
  const socket = testServices().docker.host.replace(/^unix:\/\//, '');
  return existsSync(socket) && ok('curl', ['-sf', '--max-time', '2', '--unix-socket', socket, 'http://localhost/_ping']);
}

export function dnsAnswering(host: string, port: number): boolean {
  return haveCommand('dig') && ok('dig', ['+short', '+time=1', '+tries=1', `@${host}`, '-p', String(port), 'nas.home']);
}

export const requireDocker = () => requireService('the Docker engine (scripts/services.sh)', dockerAnswering, `${APT} && ${START}`);

export const requireSshd = () => {
  const { ssh } = testServices();
  return requireService(
    `sshd on ${ssh.host}:${ssh.port}`,
    () => existsSync(ssh.privateKeyPath) && existsSync(ssh.knownHostsPath) && tcpListening(ssh.host, ssh.port),
    `${APT} && ${START}`,
  );
};

export const requireDnsmasq = () =>
  requireService('two dnsmasq instances', () => testServices().dns.every((d) => dnsAnswering(d.host, d.port)), `${APT} && ${START}`);

export const requirePostgres = () => {
  const { postgres } = testServices();
  return requireService(
    `PostgreSQL on ${postgres.host}:${postgres.port}`,
    () => tcpListening(postgres.host, postgres.port),
    `${APT} && ${START}`,
  );
};
