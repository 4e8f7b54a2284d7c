// The estate's hosts as Host objects: the ones the profile places on this machine run commands
// here, the others are reached over SSH (one pooled connection each, made on first use).

import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Host } from './host.js';
import { localHost } from './local.js';
import type { HostPlacement } from './profile.js';
import { resolveSshTarget, SshHost } from './ssh.js';

export type Hosts = {
  get(name: string): Host | undefined;
  names(): string[];
  closeAll(): void;
  /** The hosts in use that do not answer now, with since when, why and when the next try is due. */
  unreachable(): { host: string; sinceMs: number; reason: string; retryAtMs: number }[];
  /** Every unreachable host is tried again at the next use, backoff or not (the operator's r). */
  retryNow(): void;
};

export class UnknownHostError extends Error {}

/**
 * Builds hosts lazily. `placement` (resolveHosts in profile.ts) says which hosts are this
 * machine; without it, the hosts marked `local: true` are (the local profile). Under the remote
 * profile a host marked local is an SSH host, with its `ssh` settings if it has them. A host
 * with neither `local: true` nor `ssh` cannot run commands.
 */
export function hostsFromConfig(config: Config, env: Env, placement?: Pick<HostPlacement, 'local' | 'ssh'>): Hosts {
  const built = new Map<string, Host>();
  const isLocal = (name: string) => (placement ? placement.local.includes(name) : config.hosts[name]?.local === true);
  const viaSsh = (name: string) => (placement ? placement.ssh.includes(name) : config.hosts[name]?.ssh !== undefined);
  return {
    get(name) {
      const existing = built.get(name);
      if (existing) return existing;
      const hostConfig = config.hosts[name];
      if (!hostConfig) return undefined;
      let host: Host | undefined;
      if (isLocal(name)) host = localHost(name);
      else if (viaSsh(name)) host = new SshHost(resolveSshTarget(name, hostConfig, env));
      if (host) built.set(name, host);
      return host;
    },
    names() {
      return Object.keys(config.hosts);
    },
    unreachable() {
      const down: { host: string; sinceMs: number; reason: string; retryAtMs: number }[] = [];
      for (const [name, host] of built) {
        const state = host instanceof SshHost ? host.unreachable : null;
        if (state) down.push({ host: name, sinceMs: state.since, reason: state.reason, retryAtMs: state.retryAt });
      }
      return down;
    },
    retryNow() {
      for (const host of built.values()) if (host instanceof SshHost) host.retryNow();
    },
    closeAll() {
      for (const host of built.values()) host.close();
      built.clear();
    },
  };
}
