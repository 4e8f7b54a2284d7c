// Everything the console has of Docker, for the composition root: one reader over all the
// configured engines (one per host), change notifications for the monitor's nudge, the
// container actions for the UI, the VPN probe's container health, and close().
import type { Config } from '../../config/schema.js';
import { type ContainerActions, engineActions } from '../../docker/actions.js';
import { DockerEngine, type EngineTarget, localTarget, sshTarget, UnsupportedDockerHost } from '../../docker/engine.js';
import { EngineError } from '../../docker/errors.js';
import type { ChannelOpener } from '../../docker/ssh-agent.js';
import type { Hosts } from '../../hosts/registry.js';
import type { ContainerHealth, ContainerStatus } from '../../model/containers.js';
import { ProbeError } from '../probe.js';
import type { ContainersRaw, EndpointRaw } from './raw.js';
import { type ChangeListener, ContainersSource } from './source.js';

export type DockerAccess = {
  /** The hosts whose engines are watched, in config order. */
  readonly hosts: readonly string[];
  /** The containers probe's reader: every engine at once. */
  read(signal: AbortSignal): Promise<ContainersRaw>;
  /** Called when an engine reports a change (health, start, die…): nudge the monitor. */
  subscribe(listener: ChangeListener): () => void;
  readonly actions: ContainerActions;
  /** A container's health by name on any watched engine; null when none knows it (VPN probe). */
  containerHealth(name: string, signal: AbortSignal): Promise<ContainerHealth | null>;
  /** Whether a container runs, and its health, on any watched engine; null when none knows it (services). */
  containerStatus(name: string, signal: AbortSignal): Promise<ContainerStatus | null>;
  /** Engines that went away are asked again at the next read, backoff or not (the operator's r). */
  retryNow(): void;
  /** Ends event streams, stats sweeps and connections (SSH channels included). */
  close(): void;
};

export type OpenOptions = {
  env: Readonly<Record<string, string | undefined>>;
};

function isChannelOpener(host: unknown): host is ChannelOpener {
  return !!host && typeof host === 'object' && typeof (host as { openChannel?: unknown }).openChannel === 'function';
}

/** An endpoint that cannot be read at all (unknown host, unsupported DOCKER_HOST). */
type Broken = { host: string; label: string; failure: ProbeError };

/**
 * Reads several sources: each answer, and for one that failed its last answer (stale) or
 * nothing. When every engine fails, the first failure is the probe's error, so that the
 * monitor keeps the last reading with its age.
 */
export function readAll(
  sources: readonly ContainersSource[],
  broken: readonly Broken[] = [],
): (signal: AbortSignal) => Promise<ContainersRaw> {
  return async (signal) => {
    const results = await Promise.allSettled(sources.map((source) => source.read(signal)));
    const failures: ProbeError[] = [...broken.map((b) => b.failure)];
    const endpoints: EndpointRaw[] = results.map((result, index) => {
      const source = sources[index] as ContainersSource;
      if (result.status === 'fulfilled') return result.value;
      const error =
        result.reason instanceof ProbeError
          ? result.reason
          : new ProbeError('down', result.reason instanceof Error ? result.reason.message : String(result.reason));
      failures.push(error);
      const last = source.lastAnswer;
      const failure = { status: error.status, message: error.message };
      return last
        ? { ...last, failure }
        : { host: source.host, label: source.label, engine: null, readAt: Date.now(), list: null, inspect: {}, stats: {}, failure };
    });
    for (const b of broken) {
      endpoints.push({
        host: b.host,
        label: b.label,
        engine: null,
        readAt: Date.now(),
        list: null,
        inspect: {},
        stats: {},
        failure: { status: b.failure.status, message: b.failure.message },
      });
    }
    if (endpoints.length && endpoints.every((e) => e.failure)) {
      throw failures.find((f) => f.status === 'down') ?? failures[0] ?? new ProbeError('off', 'no Docker engine configured');
    }
    return { endpoints };
  };
}

/** Engines from `docker.endpoints`; null when none is configured (the pane is off). */
export function openDocker(config: Config, hosts: Hosts, options: OpenOptions): DockerAccess | null {
  const docker = config.docker;
  if (!docker || docker.endpoints.length === 0) return null;
  const sources: ContainersSource[] = [];
  const broken: Broken[] = [];
  const engines = new Map<string, DockerEngine>();
  for (const endpoint of docker.endpoints) {
    const hostConfig = config.hosts[endpoint.host];
    let target: EngineTarget | null = null;
    try {
      if (!hostConfig) throw new ProbeError('off', `docker.endpoints: no host "${endpoint.host}" in hosts`);
      // Local or remote as the profile placed the host (under --profile remote, the host marked
      // local is reached over SSH too).
      const host = hosts.get(endpoint.host);
      if (host?.kind === 'local' || (!host && hostConfig.local)) target = localTarget(endpoint.host, endpoint.socket, options.env);
      else {
        if (!isChannelOpener(host))
          throw new ProbeError(
            'off',
            `${endpoint.host} is neither local nor reached over SSH (hosts.${endpoint.host}.ssh), so its Docker engine cannot be read`,
          );
        target = sshTarget(endpoint.host, host, endpoint.socket, endpoint.dockerCommand);
      }
    } catch (error) {
      const failure =
        error instanceof ProbeError ? error : new ProbeError('off', error instanceof UnsupportedDockerHost ? error.message : String(error));
      broken.push({ host: endpoint.host, label: endpoint.socket ?? endpoint.host, failure });
      continue;
    }
    const remote = target.kind === 'ssh';
    const concurrency = endpoint.concurrency ?? (remote ? 4 : 64);
    // Over SSH every connection is a session: stats, inspects, events and a logs view share
    // sshd's MaxSessions (10 by default) with the other probes' commands.
    const engine = new DockerEngine(target, { maxSockets: remote ? concurrency + 2 : concurrency + 16 });
    engines.set(endpoint.host, engine);
    sources.push(new ContainersSource(engine, { timeoutMs: docker.timeout, statsIntervalMs: docker.statsInterval, concurrency }));
  }
  // On whichever watched engine knows the container: the first that does answers.
  const containerStatus = async (name: string, signal: AbortSignal): Promise<ContainerStatus | null> => {
    let lastError: unknown = null;
    for (const source of sources) {
      try {
        const status = await source.containerStatus(name, signal);
        if (status !== null) return status;
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError) throw lastError instanceof EngineError || lastError instanceof ProbeError ? lastError : new Error(String(lastError));
    return null;
  };
  return {
    hosts: docker.endpoints.map((e) => e.host),
    read: readAll(sources, broken),
    subscribe(listener) {
      const offs = sources.map((source) => source.subscribe(listener));
      return () => {
        for (const off of offs) off();
      };
    },
    actions: engineActions(engines, { stopTimeoutMs: docker.stopTimeout, logLines: docker.logLines }),
    containerHealth: async (name, signal) => (await containerStatus(name, signal))?.health ?? null,
    containerStatus,
    retryNow() {
      for (const source of sources) source.retryNow();
    },
    close() {
      for (const source of sources) source.close();
    },
  };
}
