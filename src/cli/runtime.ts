// What a run holds open, built from a setup: the hosts, the monitor with a probe per registered
// pane kind (live, replaying a demo scenario, or off), the Docker engines and DNS sources that
// actions go through.
import { hostname } from 'node:os';
import { machineNotes } from '../config/machine-config.js';
import type { Env } from '../config/paths.js';
import { parseDuration } from '../config/units.js';
import { replayDocker } from '../demo/containers-replay.js';
import { replayDnsSources } from '../demo/dns-replay.js';
import { DEMO_AFTER_ENV, type Scenario } from '../demo/scenario.js';
import { type Hosts, hostsFromConfig } from '../hosts/registry.js';
import { Monitor, type ProbeSlot } from '../monitor/monitor.js';
import type { SourceContext } from '../panes/kind.js';
import { PANE_SOURCES } from '../panes/sources.js';
import { type DockerAccess, openDocker } from '../probes/containers/access.js';
import { closeDnsSources, type DnsSources, liveDnsSources } from '../probes/dns/probe.js';
import { buildRedactor, configSecretSources, Redactor, redactValue, withHostSecrets } from '../runbooks/redact.js';
import type { Setup } from './setup-core.js';

/** What a run holds open: the monitor and the sources actions go through. */
export type Runtime = {
  monitor: Monitor;
  /** The Docker engines (actions, logs), or null when none is configured. */
  docker: DockerAccess | null;
  /** The DNS servers and their Pi-holes (the blocking action), or null when DNS is not configured. */
  dns: DnsSources | null;
  hosts: Hosts;
  /** Masks the secrets the config names (and secret-looking variables' values) in a text. */
  redact(text: string): string;
  /** Stops the monitor and closes every connection; never rejects. */
  close(): Promise<void>;
};

/** Opens a shared source once, on first ask (several panes and the actions use one). */
function once<T>(open: () => T): () => T {
  let opened: { value: T } | null = null;
  return () => {
    opened ??= { value: open() };
    return opened.value;
  };
}

/** The probe per registered pane kind: live, replaying `scenario`, or off. */
/** `notes`: under the built-in default, why a pane left out is off, in this machine's terms. */
function buildSlots(context: SourceContext, scenario: Scenario | null, notes: Readonly<Record<string, string | undefined>>): ProbeSlot[] {
  return PANE_SOURCES.map((source): ProbeSlot => {
    const off = source.off(context.config);
    if (off !== null) return { id: source.id, disabled: notes[source.id] ?? off };
    return { id: source.id, ...(scenario ? source.demo(context, scenario) : source.live(context)) };
  });
}

/**
 * A scenario with a second phase (a recovery): each probe reads the first phase's recordings
 * until `switchAt`, then the second's, through the first phase's parser and assessment (the
 * same config: a trigger's history carries on across the switch).
 */
function phasedSlots(first: readonly ProbeSlot[], second: readonly ProbeSlot[], switchAt: number): ProbeSlot[] {
  return first.map((slot) => {
    const next = second.find((other) => other.id === slot.id);
    if (!('probe' in slot) || !next || !('probe' in next)) return slot;
    const a = slot.probe;
    const b = next.probe;
    return { ...slot, probe: { ...a, read: (signal: AbortSignal) => (Date.now() < switchAt ? a.read(signal) : b.read(signal)) } };
  });
}

export function buildRuntime(s: Setup, env: Env = process.env): Runtime {
  const { config, scenario } = s;
  const hosts = hostsFromConfig(config, env, s.placement);
  const context: SourceContext = {
    config,
    env,
    hosts,
    placement: s.placement,
    docker: once(() => (config.docker ? (scenario ? replayDocker(scenario, config) : openDocker(config, hosts, { env })) : null)),
    dns: once(() =>
      config.dns && config.dns.servers.length > 0
        ? scenario
          ? replayDnsSources(scenario, config.dns)
          : liveDnsSources(config.dns, env)
        : null,
    ),
    // A live reading over SSH waits on that host: the monitor says the host's state for it.
    overSsh: (name) => !scenario && hosts.get(name)?.kind === 'ssh',
  };
  // Under the built-in default a pane left out says why in this machine's terms.
  const notes: Readonly<Record<string, string | undefined>> = s.machine ? machineNotes(s.machine) : {};
  let slots = buildSlots(context, scenario, notes);
  const then = scenario?.then;
  if (then) {
    const override = env[DEMO_AFTER_ENV] ? parseDuration(env[DEMO_AFTER_ENV] ?? '') : undefined;
    const next = then.scenario;
    const nextContext: SourceContext = {
      ...context,
      docker: once(() => (config.docker ? replayDocker(next, config) : null)),
      dns: once(() => (config.dns && config.dns.servers.length > 0 ? replayDnsSources(next, config.dns) : null)),
    };
    slots = phasedSlots(slots, buildSlots(nextContext, next, notes), Date.now() + (override ?? then.afterMs));
  }
  // Opened by a pane above, or now for the actions (a config whose panes use neither).
  const docker = context.docker();
  const dns = context.dns();

  // Secrets the config names are masked in what the panes and `status` show (a source that
  // echoes a password); files on other hosts are read once, in the background.
  let redactor = scenario ? new Redactor([]) : buildRedactor({ env, config });
  if (!scenario) {
    void withHostSecrets(redactor, config, async (host, file) => {
      const found = hosts.get(host);
      if (!found) throw new Error(`no host ${host}`);
      return (await found.readFile(file, { timeoutMs: 10_000, maxBytes: 4096 })).toString('utf8');
    }).then(
      (more) => (redactor = more),
      () => {},
    );
  }
  const secrets = !scenario && (redactor.size > 0 || configSecretSources(config).hostFiles.length > 0);
  const redact = <T>(value: T): T => redactValue(value, redactor);
  const monitor = new Monitor(slots, {
    host: scenario?.host ?? hostname(),
    refreshMs: config.refresh,
    demo: scenario?.name ?? null,
    unreachable: () => hosts.unreachable(),
    ...(secrets ? { redact } : {}),
  });
  // Health changes reported by an engine reach the pane within a second, not at the next poll.
  const unsubscribe = docker?.subscribe(() => monitor.nudge('containers'));
  let closing: Promise<void> | null = null;
  return {
    monitor,
    docker,
    dns,
    hosts,
    redact: (text) => redactor.redact(text),
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
