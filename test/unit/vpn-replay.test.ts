// Demo scenarios' Gluetun recordings replayed through the real VPN probe.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { replayVpnSources } from '../../src/demo/vpn-replay.js';
import { vpnProbe, vpnReader } from '../../src/probes/vpn/probe.js';
import { vpnHeadline } from '../../src/ui/panes/vpn.js';

const config = readUserFile(estateConfigPath(), configSchema);
const vpn = config.vpn!;
const never = new AbortController().signal;

async function demo(name: string) {
  const sources = replayVpnSources(loadScenario(name), vpn);
  if (!sources) throw new Error(`${name} has no gluetun.json`);
  const probe = vpnProbe(vpnReader(vpn, sources), vpn);
  const reading = probe.parse(await probe.read(never));
  return { reading, assessment: probe.assess(reading, Date.now()) };
}

describe('VPN in the demo scenarios', () => {
  it.each(['healthy', 'gpu-hot', 'primary-down'])(
    '%s: running, public IP and country, port, healthy container, not leaking',
    async (name) => {
      const { reading, assessment } = await demo(name);
      expect(reading).toMatchObject({
        auth: 'ok',
        state: 'running',
        ports: [47183],
        leak: false,
        directIp: '203.0.113.8',
        publicIp: { ip: '198.51.100.73', country: 'Netherlands', city: 'Amsterdam' },
        container: { name: 'gluetun', health: 'healthy' },
      });
      expect(assessment).toMatchObject({ status: 'ok', alerts: [] });
    },
  );

  it('vpn-down: stopped, no public IP or port, container unhealthy: crit', async () => {
    const { reading, assessment } = await demo('vpn-down');
    expect(reading).toMatchObject({ state: 'stopped', ports: [], publicIp: { ip: null }, container: { health: 'unhealthy' } });
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts.map((a) => a.message)).toEqual([
      'VPN stopped',
      "container gluetun unhealthy (the tunnel fails Gluetun's health check)",
    ]);
    expect(vpnHeadline(reading)).toEqual({ status: 'crit', text: 'VPN STOPPED' });
  });

  it('sends no key in the demo, whatever the environment holds', async () => {
    const sources = replayVpnSources(loadScenario('healthy'), { ...vpn, apiKeyEnv: 'PATH' });
    expect(await sources?.client.credentials()).toEqual({});
  });
});
