import type { HostReading } from '../../model/cpu.js';
// Which filesystems and interfaces are worth showing and alerting on. Pure.

/** Matches "veth*", "br-*", "lo": a trailing * matches any rest. */
export function matchesPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export type Selection = { ignoreFilesystems: readonly string[]; ignoreInterfaces: readonly string[] };

/**
 * Drops ignored filesystem types and interfaces, shows one mount per filesystem (bind mounts and
 * WSL's duplicate mounts of the same disk have identical size and usage: the shortest path
 * stays), and drops interfaces with neither a link speed nor traffic (tunnels, dummies).
 */
export function selectHost(host: HostReading, selection: Selection): HostReading {
  const byStorage = new Map<string, HostReading['filesystems'][number]>();
  for (const fs of host.filesystems) {
    if (selection.ignoreFilesystems.includes(fs.fsType)) continue;
    const key = `${fs.sizeBytes}:${fs.usedBytes}:${fs.availableBytes}`;
    const seen = byStorage.get(key);
    if (!seen || fs.mount.length < seen.mount.length) byStorage.set(key, fs);
  }
  const network = host.network.filter(
    (net) =>
      !selection.ignoreInterfaces.some((pattern) => matchesPattern(net.iface, pattern)) &&
      (net.speedBitsPerSec !== null || (net.rxBytesPerSec ?? 0) > 0 || (net.txBytesPerSec ?? 0) > 0),
  );
  return { ...host, filesystems: [...byStorage.values()], network };
}
