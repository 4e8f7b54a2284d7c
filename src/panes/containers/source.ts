// The containers pane's source: every configured Docker engine, live or replayed.
import type { DockerAccess } from '../../probes/containers/access.js';
import { containersProbe } from '../../probes/containers/probe.js';
import { defineSource, type SourceContext } from '../kind.js';

function fromDocker(context: SourceContext, docker: DockerAccess) {
  return { probe: containersProbe((signal) => docker.read(signal), context.config), via: docker.hosts.filter(context.overSsh) };
}

export const containersSource = defineSource({
  id: 'containers',
  off: (config) => (config.docker ? null : 'not configured (no docker section in the config)'),
  live(context) {
    const docker = context.docker();
    return docker ? fromDocker(context, docker) : { disabled: 'no Docker endpoints configured (docker.endpoints)' };
  },
  demo(context, scenario) {
    const docker = context.docker();
    return docker ? fromDocker(context, docker) : { disabled: `no containers in scenario ${scenario.name}` };
  },
});
