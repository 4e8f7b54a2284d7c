// The VPN reading: Gluetun's loop state, the public IP and where it is, forwarded ports, the
// container's health and whether traffic leaks past the tunnel. Plain data, made by src/probes/vpn/.
import type { ContainerHealth } from './containers.js';

export const LOOP_STATES = ['running', 'starting', 'stopping', 'stopped', 'crashed', 'completed'] as const;
export type LoopState = (typeof LOOP_STATES)[number] | 'unknown';

export type PublicIp = {
  ip: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  organization: string | null;
};

export type VpnReading = {
  at: number;
  url: string;
  /** 'needed' = 401 without credentials; 'refused' = 401 with them. */
  auth: 'ok' | 'needed' | 'refused';
  authHint: string;
  state: LoopState | null;
  stateError: string | null;
  publicIp: PublicIp | null;
  publicIpError: string | null;
  /** Forwarded ports; [] when none (no port forwarding, or not yet). */
  ports: number[] | null;
  portsError: string | null;
  container: { name: string; health: ContainerHealth | null; error: string | null } | null;
  directIp: string | null;
  directIpError: string | null;
  /** The VPN's public IP is the direct one: traffic does not go through the tunnel. */
  leak: boolean;
};

/** Where the public IP is: country and city, as far as known. */
export function placeOf(reading: VpnReading): string {
  const ip = reading.publicIp;
  if (!ip) return '';
  return [ip.country, ip.city].filter((p): p is string => p !== null).join(', ');
}
