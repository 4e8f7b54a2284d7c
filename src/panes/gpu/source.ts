// The GPU pane's source: nvidia-smi on plan.host (or probes.gpu.host), or a scenario's recorded answers.
import { join } from 'node:path';
import { replayNvidiaSmiHost } from '../../demo/scenario.js';
import { probeHost } from '../../hosts/profile.js';
import { gpuProbe, gpuReader } from '../../probes/gpu/probe.js';
import { defineSource } from '../kind.js';

export const gpuSource = defineSource({
  id: 'gpu',
  off: (config) => (config.probes.gpu.enabled ? null : 'disabled in config (probes.gpu.enabled)'),
  live({ config, hosts, placement }) {
    const name = probeHost(config, 'gpu');
    const host = hosts.get(name);
    if (!host) return { disabled: `host "${name}" cannot run commands under the ${placement.profile} profile (it has no ssh: settings)` };
    return { probe: gpuProbe(gpuReader(host, config.probes.gpu), config.probes.gpu), ...(host.kind === 'local' ? {} : { host: name }) };
  },
  demo({ config }, scenario) {
    const host = replayNvidiaSmiHost(join(scenario.dir, 'nvidia-smi'), scenario.host);
    return { probe: gpuProbe(gpuReader(host, config.probes.gpu), config.probes.gpu) };
  },
});
