// The command line that hands the terminal to a shell in a container: `docker exec -it` against
// the endpoint's engine on this machine, or the same run on the container's host over `ssh -t`
// (the OpenSSH client, so that the terminal is a real one there: sizes, Ctrl-C, colours). Pure.

import { type Env, expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { shellQuote } from '../hosts/host.js';

/** bash where the image has it, else sh (busybox, alpine). */
export const SHELL_SCRIPT = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';

export type ShellTarget = { host: string; id: string };

/** The argv to run, or why there is none (no engine for the host, no SSH for a remote one). */
export type ShellCommand = { argv: string[] } | { refusal: string };

/** A socket as the docker CLI's -H takes it: a bare path is a unix socket. */
function hostFlag(socket: string | undefined): string[] {
  if (!socket) return [];
  return ['-H', socket.startsWith('/') ? `unix://${socket}` : socket];
}

/**
 * `local`: whether the container's host is this machine as the profile placed it (under
 * --profile remote even the host marked local is reached over SSH).
 */
export function shellCommand(config: Config, target: ShellTarget, local: boolean, env: Env): ShellCommand {
  const endpoint = config.docker?.endpoints.find((e) => e.host === target.host);
  if (!endpoint) return { refusal: `no Docker engine configured for host ${target.host} (docker.endpoints)` };
  if (local) {
    // Without a socket, the docker CLI finds the engine as homeops does: DOCKER_HOST, else the default socket.
    return { argv: ['docker', ...hostFlag(endpoint.socket), 'exec', '-it', target.id, 'sh', '-c', SHELL_SCRIPT] };
  }
  const host = config.hosts[target.host];
  const ssh = host?.ssh;
  const address = ssh?.host ?? host?.address;
  if (!ssh || !address)
    return { refusal: `${target.host} is not reached over SSH (hosts.${target.host}.ssh), so no shell can be opened there` };
  const remote = [endpoint.dockerCommand, ...hostFlag(endpoint.socket), 'exec', '-it', target.id, 'sh', '-c', SHELL_SCRIPT]
    .map(shellQuote)
    .join(' ');
  const argv = [
    'ssh',
    '-t',
    ...(ssh.port ? ['-p', String(ssh.port)] : []),
    ...(ssh.user ? ['-l', ssh.user] : []),
    ...(ssh.identityFile ? ['-i', expandHome(ssh.identityFile, env)] : []),
    ...(ssh.knownHosts ? ['-o', `UserKnownHostsFile=${expandHome(ssh.knownHosts, env)}`] : []),
    '-o',
    `StrictHostKeyChecking=${ssh.hostKey === 'strict' ? 'yes' : 'accept-new'}`,
    '-o',
    `ConnectTimeout=${Math.max(1, Math.ceil(ssh.connectTimeout / 1000))}`,
    '--',
    address,
    remote,
  ];
  return { argv };
}
