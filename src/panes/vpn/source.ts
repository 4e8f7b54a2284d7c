// The VPN pane's source: Gluetun's control server and its container's health.
import { replayVpnSources } from '../../demo/vpn-replay.js';
import { liveVpnSources, vpnProbe, vpnReader } from '../../probes/vpn/probe.js';
import { defineSource, type SourceContext } from '../kind.js';

/** The Gluetun container's health, from the Docker engines when there are any. */
function containerHealthOf(context: SourceContext) {
  const docker = context.docker();
  return docker ? (name: string, signal: AbortSignal) => docker.containerHealth(name, signal) : undefined;
}

export const vpnSource = defineSource({
  id: 'vpn',
  off: (config) => (config.vpn ? null : 'not configured (no vpn section in the config)'),
  live(context) {
    const config = context.config.vpn;
    if (!config) return { disabled: 'not configured (no vpn section in the config)' };
    const containerHealth = containerHealthOf(context);
    const sources = liveVpnSources(config, { env: context.env, ...(containerHealth ? { containerHealth } : {}) });
    return { probe: vpnProbe(vpnReader(config, sources), config) };
  },
  demo(context, scenario) {
    const config = context.config.vpn;
    const sources = config ? replayVpnSources(scenario, config) : null;
    if (!config || !sources) return { disabled: `no VPN data in scenario ${scenario.name}` };
    // A recording without the container's health asks the (replayed) engines, as live.
    const containerHealth = containerHealthOf(context);
    if (containerHealth && !sources.containerHealth) sources.containerHealth = containerHealth;
    return { probe: vpnProbe(vpnReader(config, sources), config) };
  },
});
