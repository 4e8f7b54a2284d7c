// The command that hands the terminal to a shell in a container (src/docker/exec-argv.ts):
// docker exec -it against the endpoint's socket here, the same over ssh -t for a remote host,
// and why there is none. Pure.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { SHELL_SCRIPT, shellCommand } from '../../src/docker/exec-argv.js';

const config = configSchema.parse({
  hosts: {
    ws: { local: true },
    nas: {
      address: '127.0.0.2',
      ssh: { user: 'admin', port: 2222, identityFile: '~/.ssh/nas', knownHosts: '~/kh', hostKey: 'accept-new', connectTimeout: '5s' },
    },
    pi: { address: '127.0.0.3' },
  },
  plan: { host: 'ws', groups: [{ name: 'core', cores: 1, containers: [] }] },
  docker: {
    endpoints: [
      { host: 'ws', socket: '/run/user/1000/docker.sock' },
      { host: 'nas', dockerCommand: '/usr/local/bin/docker' },
      { host: 'pi' },
    ],
  },
});
const env = { HOME: '/home/op' };

describe('a shell in a container', () => {
  it("here: docker exec -it on the endpoint's socket (a path is a unix socket), bash where there is one", () => {
    expect(shellCommand(config, { host: 'ws', id: 'abc' }, true, env)).toEqual({
      argv: ['docker', '-H', 'unix:///run/user/1000/docker.sock', 'exec', '-it', 'abc', 'sh', '-c', SHELL_SCRIPT],
    });
  });

  it("on a remote host: the same over ssh -t with the host's SSH settings, the remote command quoted once", () => {
    const command = shellCommand(config, { host: 'nas', id: 'def' }, false, env);
    expect(command).toEqual({
      argv: [
        'ssh',
        '-t',
        '-p',
        '2222',
        '-l',
        'admin',
        '-i',
        '/home/op/.ssh/nas',
        '-o',
        'UserKnownHostsFile=/home/op/kh',
        '-o',
        'StrictHostKeyChecking=accept-new',
        '-o',
        'ConnectTimeout=5',
        '--',
        '127.0.0.2',
        `/usr/local/bin/docker exec -it def sh -c '${SHELL_SCRIPT}'`,
      ],
    });
  });

  it('says why when there is no engine for the host, or no SSH to reach it', () => {
    expect(shellCommand(config, { host: 'elsewhere', id: 'x' }, false, env)).toEqual({
      refusal: 'no Docker engine configured for host elsewhere (docker.endpoints)',
    });
    expect(shellCommand(config, { host: 'pi', id: 'x' }, false, env)).toEqual({
      refusal: 'pi is not reached over SSH (hosts.pi.ssh), so no shell can be opened there',
    });
  });
});
