// Replays a scenario's Gluetun control server (gluetun.json) through the real VPN probe: the
// real Gluetun client, its parsers and assess. Format: fixtures/README.md, "VPN (Gluetun)".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerHealth } from '../model/containers.js';
import { GluetunClient } from '../probes/vpn/client.js';
import type { VpnConfig, VpnSources } from '../probes/vpn/probe.js';
import { RecordingError, replayFetch, toRecording } from './http-replay.js';
import type { Scenario } from './scenario.js';

const HEALTH: readonly (ContainerHealth | 'missing')[] = ['healthy', 'unhealthy', 'starting', 'none', 'missing'];

export function replayVpnSources(scenario: Scenario, config: VpnConfig, now: () => number = Date.now): VpnSources | null {
  const file = join(scenario.dir, 'gluetun.json');
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const { container, directIp, ...http } = (parsed ?? {}) as { container?: unknown; directIp?: unknown };
  if (container !== undefined && (typeof container !== 'string' || !(HEALTH as readonly string[]).includes(container))) {
    throw new RecordingError(`${file}: container must be one of ${HEALTH.join(', ')}`);
  }
  if (directIp !== undefined && typeof directIp !== 'string')
    throw new RecordingError(`${file}: directIp must be text (what the IP service answers)`);
  const recording = toRecording(http, file);
  const health = container as ContainerHealth | 'missing' | undefined;
  return {
    // No credentials: the user's real key (variable or file) is never read in the demo.
    client: new GluetunClient({
      url: config.url,
      auth: { kind: 'none' },
      timeoutMs: config.timeout,
      fetch: replayFetch(recording, { now }),
      env: {},
    }),
    containerHealth: health === undefined ? undefined : async () => (health === 'missing' ? null : health),
    directIp: directIp === undefined ? undefined : async () => directIp,
  };
}
