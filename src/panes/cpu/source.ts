// The CPU pane's source: plan.host's cores and memory (or probes.cpu.host's), live or from a scenario's cpu.json.
import { replayCpuReader } from '../../demo/scenario.js';
import { probeHost } from '../../hosts/profile.js';
import { cpuProbe } from '../../probes/cpu/probe.js';
import { cpuReaderFor } from '../../probes/cpu/remote.js';
import { defineSource } from '../kind.js';

export const cpuSource = defineSource({
  id: 'cpu',
  off: (config) => (config.probes.cpu.enabled ? null : 'disabled in config (probes.cpu.enabled)'),
  live({ config, hosts }) {
    const name = probeHost(config, 'cpu');
    const host = hosts.get(name);
    return { probe: cpuProbe(cpuReaderFor(host, name, config.probes.cpu), config), ...(host?.kind === 'local' ? {} : { host: name }) };
  },
  demo({ config }, scenario) {
    const read = replayCpuReader(scenario);
    return read ? { probe: cpuProbe(read, config) } : { disabled: `no CPU data in scenario ${scenario.name}` };
  },
});
