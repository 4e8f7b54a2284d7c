// What a run holds open, built from a setup: the hosts, the monitor with a probe per pane (live,
// or replaying a demo scenario), the Docker engines and DNS sources that actions go through.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config/paths.js';
import { replayBackups } from '../demo/backups-replay.js';
import { replayDocker } from '../demo/containers-replay.js';
import { replayDnsSources } from '../demo/dns-replay.js';
import { replayCpuReader, replayNvidiaSmiHost } from '../demo/scenario.js';
import { replayVpnSources } from '../demo/vpn-replay.js';
import { openDocker, type DockerAccess } from '../docker/access.js';
import { probeHost } from '../hosts/profile.js';
import { hostsFromConfig, type Hosts } from '../hosts/registry.js';
import { Monitor, type ProbeSlot } from '../monitor/monitor.js';
import { buildRedactor, configSecretSources, Redactor, redactValue, withHostSecrets } from '../runbooks/redact.js';
import { backupsProbe, backupsReader } from '../probes/backups/probe.js';
import { lastDrills } from '../drills/store.js';
import { containersProbe } from '../probes/containers/probe.js';
import { cpuProbe } from '../probes/cpu/probe.js';
import { cpuReaderFor } from '../probes/cpu/remote.js';
import { closeDnsSources, dnsProbe, dnsReader, liveDnsSources, type DnsSources } from '../probes/dns/probe.js';
import { gpuProbe, gpuReader } from '../probes/gpu/probe.js';
import { liveVpnSources, vpnProbe, vpnReader } from '../probes/vpn/probe.js';
import type { Setup } from './setup-core.js';

/** What a run holds open: the monitor and the sources actions go through. */
export type Runtime = {
  monitor: Monitor;
  /** The Docker engines (actions, logs), or null when none is configured. */
  docker: DockerAccess | null;
  /** The DNS servers and their Pi-holes (the blocking action), or null when DNS is not configured. */
  dns: DnsSources | null;
  hosts: Hosts;
  /** Stops the monitor and closes every connection; never rejects. */
  close(): Promise<void>;
};

export function buildRuntime(s: Setup, env: Env = process.env): Runtime {
  const { config, scenario } = s;
  const hosts = hostsFromConfig(config, env, s.placement);
  // A live reading over SSH waits on that host: the monitor says the host's state for it.
  const overSsh = (name: string) => !scenario && hosts.get(name)?.kind === 'ssh';
  const slots: ProbeSlot[] = [];
  if (!config.probes.cpu.enabled) slots.push({ id: 'cpu', disabled: 'disabled in config (probes.cpu.enabled)' });
  else if (scenario) {
    const read = replayCpuReader(scenario);
    slots.push(read ? { id: 'cpu', probe: cpuProbe(read, config) } : { id: 'cpu', disabled: `no CPU data in scenario ${scenario.name}` });
  } else {
    const cpuHost = probeHost(config, 'cpu');
    const host = hosts.get(cpuHost);
    slots.push({ id: 'cpu', probe: cpuProbe(cpuReaderFor(host, cpuHost, config.probes.cpu), config), ...(host?.kind === 'local' ? {} : { host: cpuHost }) });
  }
  if (!config.probes.gpu.enabled) slots.push({ id: 'gpu', disabled: 'disabled in config (probes.gpu.enabled)' });
  else if (scenario) {
    const host = replayNvidiaSmiHost(join(scenario.dir, 'nvidia-smi'), scenario.host);
    slots.push({ id: 'gpu', probe: gpuProbe(gpuReader(host, config.probes.gpu), config.probes.gpu) });
  } else {
    const gpuName = probeHost(config, 'gpu');
    const gpuHost = hosts.get(gpuName);
    slots.push(gpuHost
      ? { id: 'gpu', probe: gpuProbe(gpuReader(gpuHost, config.probes.gpu), config.probes.gpu), ...(gpuHost.kind === 'local' ? {} : { host: gpuName }) }
      : { id: 'gpu', disabled: `host "${gpuName}" cannot run commands under the ${s.placement.profile} profile (it has no ssh: settings)` });
  }

  let docker: DockerAccess | null = null;
  if (!config.docker) slots.push({ id: 'containers', disabled: 'not configured (no docker section in the config)' });
  else {
    docker = scenario ? replayDocker(scenario, config) : openDocker(config, hosts, { env });
    if (docker) slots.push({ id: 'containers', probe: containersProbe((signal) => (docker as DockerAccess).read(signal), config), via: docker.hosts.filter(overSsh) });
    else slots.push({ id: 'containers', disabled: scenario ? `no containers in scenario ${scenario.name}` : 'no Docker endpoints configured (docker.endpoints)' });
  }

  let dns: DnsSources | null = null;
  if (!config.dns || config.dns.servers.length === 0) slots.push({ id: 'dns', disabled: 'not configured (no dns.servers in the config)' });
  else {
    dns = scenario ? replayDnsSources(scenario, config.dns) : liveDnsSources(config.dns, env);
    if (dns) slots.push({ id: 'dns', probe: dnsProbe(dnsReader(config.dns, dns), config.dns) });
    else slots.push({ id: 'dns', disabled: `no DNS data in scenario ${scenario?.name ?? ''}` });
  }

  if (!config.vpn) slots.push({ id: 'vpn', disabled: 'not configured (no vpn section in the config)' });
  else {
    const containerHealth = docker ? (name: string, signal: AbortSignal) => (docker as DockerAccess).containerHealth(name, signal) : undefined;
    const vpn = scenario ? replayVpnSources(scenario, config.vpn) : liveVpnSources(config.vpn, { env, ...(containerHealth ? { containerHealth } : {}) });
    if (vpn && scenario && containerHealth && !vpn.containerHealth) vpn.containerHealth = containerHealth;
    if (vpn) slots.push({ id: 'vpn', probe: vpnProbe(vpnReader(config.vpn, vpn), config.vpn) });
    else slots.push({ id: 'vpn', disabled: `no VPN data in scenario ${scenario?.name ?? ''}` });
  }

  if (!config.backups || config.backups.sets.length === 0) slots.push({ id: 'backups', disabled: 'not configured (no backups.sets in the config)' });
  else if (scenario) {
    const read = replayBackups(scenario, config.backups);
    slots.push(read ? { id: 'backups', probe: backupsProbe(read, config.backups) } : { id: 'backups', disabled: `no backups in scenario ${scenario.name}` });
  } else slots.push({ id: 'backups', probe: backupsProbe(backupsReader(config.backups, hosts, { env, drills: () => lastDrills(env) }), config.backups), via: config.backups.sets.map((set) => set.host).filter(overSsh) });

  // Secrets the config names are masked in what the panes and `status` show (a source that
  // echoes a password); files on other hosts are read once, in the background.
  let redactor = scenario ? new Redactor([]) : buildRedactor({ env, config });
  if (!scenario) {
    void withHostSecrets(redactor, config, async (host, file) => {
      const found = hosts.get(host);
      if (!found) throw new Error(`no host ${host}`);
      return (await found.readFile(file, { timeoutMs: 10_000, maxBytes: 4096 })).toString('utf8');
    }).then((more) => (redactor = more), () => {});
  }
  const secrets = !scenario && (redactor.size > 0 || configSecretSources(config).hostFiles.length > 0);
  const redact = <T,>(value: T): T => redactValue(value, redactor);
  const monitor = new Monitor(slots, { host: scenario?.host ?? hostname(), refreshMs: config.refresh, demo: scenario?.name ?? null, unreachable: () => hosts.unreachable(), ...(secrets ? { redact } : {}) });
  // Health changes reported by an engine reach the pane within a second, not at the next poll.
  const unsubscribe = docker?.subscribe(() => monitor.nudge('containers'));
  let closing: Promise<void> | null = null;
  return {
    monitor,
    docker,
    dns,
    hosts,
    close() {
      closing ??= (async () => {
        monitor.stop();
        unsubscribe?.();
        docker?.close();
        if (dns && !scenario) await closeDnsSources(dns).catch(() => {});
        hosts.closeAll();
      })();
      return closing;
    },
  };
}

/** The monitor alone (tests, scripts): the runtime's other parts stay reachable through it. */
export function buildMonitor(s: Setup): Monitor {
  return buildRuntime(s).monitor;
}
