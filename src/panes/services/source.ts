// The services pane's source: each service's check, from this machine or from the host the
// config names (over its SSH connection), or a scenario's recording.
import { replayServices } from '../../demo/services-replay.js';
import { connectLocal } from '../../hosts/local.js';
import { type CheckSources, servicesReader } from '../../probes/services/checks.js';
import { servicesProbe } from '../../probes/services/probe.js';
import { defineSource, type SourceContext } from '../kind.js';

const NONE = 'not configured (no services.list in the config)';

/** Where each check runs: the service's `from` host, or this machine. */
function checkSources(context: SourceContext): CheckSources {
  const docker = context.docker();
  return {
    origin(service) {
      if (service.from === undefined) return { connect: connectLocal, remote: false };
      const host = context.hosts.get(service.from);
      const connect = host?.connectTcp?.bind(host);
      if (!host || !connect)
        return {
          unavailable: `not checked: host "${service.from}" cannot be reached under the ${context.placement.profile} profile (it has no ssh: settings)`,
        };
      return { connect, remote: host.kind === 'ssh' };
    },
    // On whichever watched engine knows the container (the config checks its host has one).
    ...(docker ? { containerStatus: (_host: string, name: string, signal: AbortSignal) => docker.containerStatus(name, signal) } : {}),
  };
}

export const servicesSource = defineSource({
  id: 'services',
  off: (config) => (config.services && config.services.list.length > 0 ? null : NONE),
  live(context) {
    const services = context.config.services;
    if (!services) return { disabled: NONE };
    return { probe: servicesProbe(servicesReader(services, checkSources(context)), services, context.config.maintenance) };
  },
  demo({ config }, scenario) {
    const services = config.services;
    const read = services ? replayServices(scenario, services) : null;
    return services && read
      ? { probe: servicesProbe(read, services, config.maintenance) }
      : { disabled: `no services in scenario ${scenario.name}` };
  },
});
