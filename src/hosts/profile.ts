// Where the console runs decides how each host is reached. `local`: on the workstation, whose
// entry says `local: true`, so that host is this machine. `remote`: on the NAS or a laptop while
// the workstation is down, so every host, the one marked local included, is reached over SSH.
// `auto` tells the two apart by this machine's hostname and addresses.
import { networkInterfaces, hostname as osHostname } from 'node:os';
import type { Config } from '../config/schema.js';

export const PROFILES = ['auto', 'local', 'remote'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** The environment variable that may name the profile (below --profile, above the config). */
export const PROFILE_ENV = 'HOMEOPS_HOST_PROFILE';

export function isProfileName(value: string): value is ProfileName {
  return (PROFILES as readonly string[]).includes(value);
}

/** What this machine calls itself: its hostname and the addresses of its interfaces. */
export type Machine = { hostname: string; addresses: readonly string[] };

export function thisMachine(): Machine {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return { hostname: osHostname(), addresses };
}

export type HostPlacement = {
  /** The profile asked for (flag, environment or config). */
  requested: ProfileName;
  /** What it came to. */
  profile: 'local' | 'remote';
  /** One line: why, for check-config, the status bar and the docs' examples. */
  reason: string;
  /** Hosts reached directly, on this machine. */
  local: string[];
  /** Hosts reached over SSH. */
  ssh: string[];
  /** Hosts that cannot run commands (neither `local: true` nor `ssh`). */
  none: string[];
};

export class ProfileError extends Error {}

/** The profile in force: `--profile`, else HOMEOPS_HOST_PROFILE, else the config's `profile`. */
export function chooseProfile(
  flag: ProfileName | undefined,
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<Config, 'profile'>,
): ProfileName {
  return profileChoice(flag, env, config).profile;
}

/** The profile in force and where it was set, in words ("--profile", "from the config"). */
export function profileChoice(
  flag: ProfileName | undefined,
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<Config, 'profile'>,
): { profile: ProfileName; origin: string } {
  if (flag) return { profile: flag, origin: '--profile' };
  const fromEnv = env[PROFILE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isProfileName(fromEnv)) throw new ProfileError(`${PROFILE_ENV}: "${fromEnv}" is not a profile (use ${PROFILES.join(', ')})`);
    return { profile: fromEnv, origin: PROFILE_ENV };
  }
  return { profile: config.profile, origin: 'from the config' };
}

const shortName = (name: string) => name.toLowerCase().split('.')[0] ?? '';
// IPv6 addresses compare without their zone (fe80::1%eth0) and in one case.
const normalAddress = (address: string) =>
  address
    .toLowerCase()
    .replace(/%.*$/, '')
    .replace(/^\[|\]$/g, '');

/** Why `machine` is the host `name` (by hostname or by address), or null when it is not. */
function sameMachine(name: string, host: Config['hosts'][string], machine: Machine): string | null {
  const me = shortName(machine.hostname);
  const names = [name, host.ssh?.host].filter((n): n is string => !!n && !/^[\d.]+$|:/.test(n));
  if (me !== '' && names.some((n) => shortName(n) === me)) return `its hostname is ${machine.hostname}`;
  const mine = new Set(machine.addresses.map(normalAddress));
  const address = [host.address, host.ssh?.host].find((a): a is string => !!a && mine.has(normalAddress(a)));
  return address ? `it has the address ${address}` : null;
}

/**
 * Which hosts are this machine and which are reached over SSH, under a profile. Under `local`
 * the hosts marked `local: true` are local; under `remote` they are reached over SSH like the
 * rest (with their `ssh` settings, else their address or name as an ~/.ssh/config alias).
 * `auto` is `local` when this machine is a host marked local, by hostname (the host's key or
 * ssh.host, compared without the domain) or by one of its interface addresses; else `remote`.
 */
export function resolveHosts(config: Pick<Config, 'hosts'>, requested: ProfileName, machine: Machine, origin = 'asked for'): HostPlacement {
  const entries = Object.entries(config.hosts);
  const marked = entries.filter(([, host]) => host.local);
  let profile: 'local' | 'remote';
  let reason: string;
  if (requested !== 'auto') {
    profile = requested;
    reason = `profile ${requested} (${origin})`;
  } else if (marked.length === 0) {
    profile = 'remote';
    reason = 'auto: no host is marked local: true, so every host is reached over SSH';
  } else {
    const match = marked.map(([name, host]) => ({ name, why: sameMachine(name, host, machine) })).find((m) => m.why !== null);
    profile = match ? 'local' : 'remote';
    const names = marked.map(([name]) => name).join(', ');
    reason = match
      ? `auto: this machine is ${match.name} (${match.why ?? ''})`
      : `auto: this machine (${machine.hostname}) is not ${names}, so ${marked.length > 1 ? 'they are' : 'it is'} reached over SSH`;
  }
  const placement: HostPlacement = { requested, profile, reason, local: [], ssh: [], none: [] };
  for (const [name, host] of entries) {
    if (host.local && profile === 'local') placement.local.push(name);
    else if (host.ssh || host.local) placement.ssh.push(name);
    else placement.none.push(name);
  }
  return placement;
}

/** The host a probe measures: its own `host`, else the plan's host. */
export function probeHost(config: Pick<Config, 'plan' | 'probes'>, probe: 'cpu' | 'gpu'): string {
  return config.probes[probe].host ?? config.plan.host;
}
