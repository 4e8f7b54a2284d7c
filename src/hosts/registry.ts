// The estate's hosts as Host objects: the one marked local runs commands here, the others are
// reached over SSH (one pooled connection each, made on first use).
import type { Config } from '../config/schema.js';
import type { Env } from '../config/paths.js';
import type { Host } from './host.js';
import { localHost } from './local.js';
import { resolveSshTarget, SshHost } from './ssh.js';

export type Hosts = {
  get(name: string): Host | undefined;
  names(): string[];
  closeAll(): void;
};

export class UnknownHostError extends Error {}

/** Builds hosts lazily. A host with neither `local: true` nor `ssh` cannot run commands. */
export function hostsFromConfig(config: Config, env: Env): Hosts {
  const built = new Map<string, Host>();
  return {
    get(name) {
      const existing = built.get(name);
      if (existing) return existing;
      const hostConfig = config.hosts[name];
      if (!hostConfig) return undefined;
      let host: Host | undefined;
      if (hostConfig.local) host = localHost(name);
      else if (hostConfig.ssh) host = new SshHost(resolveSshTarget(name, hostConfig, env));
      if (host) built.set(name, host);
      return host;
    },
    names() {
      return Object.keys(config.hosts);
    },
    closeAll() {
      for (const host of built.values()) host.close();
      built.clear();
    },
  };
}
