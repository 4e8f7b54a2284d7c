// Profiles: which hosts are this machine and which are reached over SSH, and the config fields
// that name probe hosts.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { type Config, configSchema } from '../../src/config/schema.js';
import { chooseProfile, type Machine, ProfileError, probeHost, resolveHosts, thisMachine } from '../../src/hosts/profile.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';

const estate = (extra: Record<string, unknown> = {}): Config =>
  configSchema.parse({
    hosts: {
      workstation: { local: true, address: '10.0.10.10', ssh: { user: 'ana' } },
      nas: { address: '10.0.10.20', ssh: { user: 'admin' } },
      router: { address: '10.0.10.1' },
    },
    plan: { host: 'workstation', groups: [{ name: 'all', cores: 1 }] },
    ...extra,
  });

const laptop: Machine = { hostname: 'ana-laptop', addresses: ['127.0.0.1', '::1', '192.168.1.50', 'fe80::1%wlan0'] };
const nasMachine: Machine = { hostname: 'DiskStation', addresses: ['127.0.0.1', '10.0.10.20'] };
const workstationByName: Machine = { hostname: 'Workstation.home.arpa', addresses: ['127.0.0.1', '172.29.4.2'] };
const workstationByAddress: Machine = { hostname: 'DESKTOP-7Q2K1', addresses: ['127.0.0.1', '10.0.10.10'] };

describe('resolveHosts', () => {
  it('local: the host marked local is this machine, the others with ssh are remote', () => {
    const placement = resolveHosts(estate(), 'local', laptop);
    expect(placement).toMatchObject({ requested: 'local', profile: 'local', local: ['workstation'], ssh: ['nas'], none: ['router'] });
  });

  it('remote: every host that can run commands is reached over SSH, the one marked local too', () => {
    const placement = resolveHosts(estate(), 'remote', workstationByName);
    expect(placement).toMatchObject({ profile: 'remote', local: [], ssh: ['workstation', 'nas'], none: ['router'] });
  });

  it('auto: local on the workstation, told by its hostname (without the domain, in any case) or its address', () => {
    expect(resolveHosts(estate(), 'auto', workstationByName)).toMatchObject({
      profile: 'local',
      local: ['workstation'],
      reason: 'auto: this machine is workstation (its hostname is Workstation.home.arpa)',
    });
    expect(resolveHosts(estate(), 'auto', workstationByAddress)).toMatchObject({
      profile: 'local',
      reason: 'auto: this machine is workstation (it has the address 10.0.10.10)',
    });
  });

  it('auto: remote on the NAS or a laptop', () => {
    expect(resolveHosts(estate(), 'auto', nasMachine)).toMatchObject({
      profile: 'remote',
      ssh: ['workstation', 'nas'],
      reason: 'auto: this machine (DiskStation) is not workstation, so it is reached over SSH',
    });
    expect(resolveHosts(estate(), 'auto', laptop).profile).toBe('remote');
  });

  it("auto: an ssh.host name counts as the host's name; IPv6 addresses compare without zone or case", () => {
    const config = estate({
      hosts: { ws: { local: true, address: 'FE80::A:1', ssh: { host: 'big-box.lan' } } },
      plan: { host: 'ws', groups: [{ name: 'all', cores: 1 }] },
    });
    expect(resolveHosts(config, 'auto', { hostname: 'big-box', addresses: [] }).profile).toBe('local');
    expect(resolveHosts(config, 'auto', { hostname: 'x', addresses: ['fe80::a:1%eth0'] }).profile).toBe('local');
    expect(resolveHosts(config, 'auto', { hostname: 'x', addresses: ['fe80::a:2'] }).profile).toBe('remote');
  });

  it('auto without a host marked local: remote, and says why', () => {
    const config = estate({ hosts: { nas: { ssh: {} } }, plan: { host: 'nas', groups: [{ name: 'all', cores: 1 }] } });
    expect(resolveHosts(config, 'auto', laptop)).toMatchObject({
      profile: 'remote',
      reason: 'auto: no host is marked local: true, so every host is reached over SSH',
    });
  });

  it('reads this machine: a hostname and at least the loopback address', () => {
    const machine = thisMachine();
    expect(machine.hostname).not.toBe('');
    expect(machine.addresses).toContain('127.0.0.1');
  });
});

describe('chooseProfile', () => {
  it('takes --profile, else HOMEOPS_HOST_PROFILE, else the config', () => {
    const config = estate({ profile: 'local' });
    expect(chooseProfile('remote', { HOMEOPS_HOST_PROFILE: 'auto' }, config)).toBe('remote');
    expect(chooseProfile(undefined, { HOMEOPS_HOST_PROFILE: 'remote' }, config)).toBe('remote');
    expect(chooseProfile(undefined, { HOMEOPS_HOST_PROFILE: '' }, config)).toBe('local');
    expect(chooseProfile(undefined, {}, estate())).toBe('auto');
  });

  it('refuses a bad value in the environment, naming the variable', () => {
    expect(() => chooseProfile(undefined, { HOMEOPS_HOST_PROFILE: 'nas' }, estate())).toThrow(ProfileError);
    expect(() => chooseProfile(undefined, { HOMEOPS_HOST_PROFILE: 'nas' }, estate())).toThrow(
      'HOMEOPS_HOST_PROFILE: "nas" is not a profile (use auto, local, remote)',
    );
  });

  it('does not take HOMEOPS_PROFILE (render timings) for a profile', () => {
    expect(chooseProfile(undefined, { HOMEOPS_PROFILE: '/tmp/timings.jsonl' }, estate())).toBe('auto');
  });
});

describe('hostsFromConfig under a profile', () => {
  it('without a placement: the host marked local is local (as before profiles)', () => {
    const hosts = hostsFromConfig(estate(), {});
    expect(hosts.get('workstation')?.kind).toBe('local');
    expect(hosts.get('nas')?.kind).toBe('ssh');
    expect(hosts.get('router')).toBeUndefined();
  });

  it('remote: the host marked local becomes an SSH host with its own ssh settings', () => {
    const config = estate();
    const hosts = hostsFromConfig(config, { HOME: '/nonexistent' }, resolveHosts(config, 'remote', laptop));
    const workstation = hosts.get('workstation');
    expect(workstation?.kind).toBe('ssh');
    expect(workstation && 'target' in workstation ? workstation.target : null).toMatchObject({ host: '10.0.10.10', port: 22, user: 'ana' });
    expect(hosts.get('router')).toBeUndefined();
    hosts.closeAll();
  });

  it('remote: a host marked local without ssh settings is reached at its address', () => {
    const config = estate({
      hosts: { ws: { local: true, address: '10.0.0.5' } },
      plan: { host: 'ws', groups: [{ name: 'all', cores: 1 }] },
    });
    const ws = hostsFromConfig(config, { HOME: '/nonexistent', USER: 'ana' }, resolveHosts(config, 'remote', laptop)).get('ws');
    expect(ws && 'target' in ws ? ws.target : null).toMatchObject({ host: '10.0.0.5', port: 22, user: 'ana' });
  });
});

describe('config: profile and probe hosts', () => {
  it("defaults: profile auto, probes measure the plan's host", () => {
    const config = estate();
    expect(config.profile).toBe('auto');
    expect(config.probes.cpu.host).toBeUndefined();
    expect(probeHost(config, 'cpu')).toBe('workstation');
    expect(probeHost(config, 'gpu')).toBe('workstation');
    expect(probeHost(estate({ probes: { gpu: { host: 'nas' } } }), 'gpu')).toBe('nas');
  });

  it('refuses a probe host that is not in hosts, and a profile that does not exist', () => {
    const cpu = configSchema.safeParse({ ...rawEstate(), probes: { cpu: { host: 'laptop' } } });
    expect(cpu.success).toBe(false);
    expect(cpu.error?.issues[0]).toMatchObject({
      path: ['probes', 'cpu', 'host'],
      message: 'no host "laptop" in hosts (have: workstation, nas)',
    });
    const gpu = configSchema.safeParse({ ...rawEstate(), probes: { gpu: { host: 'router' } } });
    expect(gpu.error?.issues[0]).toMatchObject({
      path: ['probes', 'gpu', 'host'],
      message: 'no host "router" in hosts (have: workstation, nas)',
    });
    expect(configSchema.safeParse({ ...rawEstate(), profile: 'laptop' }).success).toBe(false);
  });

  it('the reference estate can reach the workstation over SSH under the remote profile', () => {
    const { config } = loadConfig(undefined, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' }, '/', { demo: true });
    // The reference estate plays the workstation anywhere (a demo shows it from any machine).
    expect(config.profile).toBe('local');
    expect(resolveHosts(config, config.profile, laptop).local).toEqual(['workstation']);
    expect(config.hosts.workstation?.ssh).toBeDefined();
    expect(resolveHosts(config, 'remote', laptop).ssh).toEqual(['workstation', 'nas']);
  });
});

function rawEstate() {
  return {
    hosts: { workstation: { local: true }, nas: { ssh: {} } },
    plan: { host: 'workstation', groups: [{ name: 'all', cores: 1 }] },
  };
}
