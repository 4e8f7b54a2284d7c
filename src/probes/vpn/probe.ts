// The VPN probe: is Gluetun's tunnel up, which public IP and country does the house show, which
// port is forwarded, is the container healthy, and does traffic really leave through the tunnel
// (the VPN's public IP must differ from the one seen without it).
import type { Config } from '../../config/schema.js';
import type { ContainerHealth } from '../../model/containers.js';
import { placeOf, type VpnReading } from '../../model/vpn.js';
import { type FetchLike, fetchWithTimeout, HttpCallError } from '../pihole/http.js';
import { nodeFetch } from '../pihole/node-fetch.js';
import { type Alert, type Assessment, assessmentFromAlerts, type Probe, ProbeError } from '../probe.js';
import { authHint, type GluetunAuth, GluetunClient, type RouteAnswer } from './client.js';
import { parseVpn, type RouteResult, type VpnRaw } from './parse.js';

export type VpnConfig = NonNullable<Config['vpn']>;

/** The Gluetun container's Docker health; null when Docker does not know the container. */
export type ContainerHealthFn = (name: string, signal: AbortSignal) => Promise<ContainerHealth | null>;

export type VpnSources = {
  client: GluetunClient;
  /** From the Docker integration, when Docker is configured. */
  containerHealth?: ContainerHealthFn | undefined;
  /** The body a what-is-my-IP service answers without the VPN; absent when not configured. */
  directIp?: ((signal: AbortSignal) => Promise<string>) | undefined;
};

export function gluetunAuth(config: VpnConfig): GluetunAuth {
  if (config.username !== undefined)
    return { kind: 'basic', username: config.username, password: { env: config.passwordEnv, file: config.passwordFile } };
  if (config.apiKeyEnv !== undefined || config.apiKeyFile !== undefined)
    return { kind: 'apikey', key: { env: config.apiKeyEnv, file: config.apiKeyFile } };
  return { kind: 'none' };
}

export type LiveVpnOptions = {
  env?: Readonly<Record<string, string | undefined>>;
  containerHealth?: ContainerHealthFn;
  fetch?: FetchLike;
};

export function liveVpnSources(config: VpnConfig, options: LiveVpnOptions = {}): VpnSources {
  const fetchImpl = options.fetch ?? nodeFetch;
  const directIpUrl = config.directIpUrl;
  return {
    client: new GluetunClient({
      url: config.url,
      auth: gluetunAuth(config),
      timeoutMs: config.timeout,
      fetch: fetchImpl,
      ...(options.env ? { env: options.env } : {}),
    }),
    containerHealth: options.containerHealth,
    directIp:
      directIpUrl === undefined
        ? undefined
        : async (signal) => {
            const { response, text } = await fetchWithTimeout(
              fetchImpl,
              directIpUrl,
              { method: 'GET', headers: { accept: 'application/json, text/plain' } },
              config.timeout,
              signal,
            );
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            return text;
          },
  };
}

const reason = (error: unknown) =>
  error instanceof HttpCallError ? error.failure.message : error instanceof Error ? error.message : String(error);

export function vpnReader(config: VpnConfig, sources: VpnSources, now: () => number = Date.now): (signal: AbortSignal) => Promise<VpnRaw> {
  const client = sources.client;
  const auth = authHint(gluetunAuth(config));
  return async (signal) => {
    const at = now();
    const headers = await client.credentials();
    const route = async (path: string, olderPath?: string): Promise<RouteResult> => {
      try {
        const answer: RouteAnswer = await client.get(path, signal, headers);
        // Gluetun before /v1/vpn/status and /v1/portforward had only the OpenVPN routes.
        return answer.status === 404 && olderPath ? await client.get(olderPath, signal, headers) : answer;
      } catch (error) {
        if (error instanceof HttpCallError) return { failure: error.failure };
        throw error;
      }
    };
    const container = async (): Promise<VpnRaw['container']> => {
      if (!config.container || !sources.containerHealth) return null;
      try {
        return { name: config.container, health: await sources.containerHealth(config.container, signal) };
      } catch (error) {
        return { name: config.container, error: reason(error) };
      }
    };
    const direct = async (): Promise<VpnRaw['directIp']> => {
      if (!sources.directIp) return null;
      try {
        return { text: await sources.directIp(signal) };
      } catch (error) {
        return { error: reason(error) };
      }
    };
    const [status, publicIp, portForward, containerResult, directIp] = await Promise.all([
      route('/v1/vpn/status', '/v1/openvpn/status'),
      route('/v1/publicip/ip'),
      route('/v1/portforward', '/v1/openvpn/portforwarded'),
      container(),
      direct(),
    ]);
    if ('failure' in status && 'failure' in publicIp && 'failure' in portForward) {
      const health =
        containerResult && 'health' in containerResult
          ? ` · container ${containerResult.name}: ${containerResult.health ?? 'not found'}`
          : '';
      throw new ProbeError('down', `Gluetun control server ${client.where}: ${status.failure.message}${health}`);
    }
    return {
      at,
      url: client.where,
      credentialsSent: Object.keys(headers).length > 0,
      authHint: auth,
      status,
      publicIp,
      portForward,
      container: containerResult,
      directIp,
    };
  };
}

export function assessVpn(reading: VpnReading): Assessment {
  const alerts: Alert[] = [];
  if (reading.auth === 'needed') alerts.push({ level: 'warn', message: `auth needed: set ${reading.authHint}` });
  if (reading.auth === 'refused')
    alerts.push({ level: 'warn', message: `Gluetun refused the credentials (401): check ${reading.authHint}` });
  const state = reading.state;
  if (state === 'stopped' || state === 'crashed') alerts.push({ level: 'crit', message: `VPN ${state}` });
  else if (state === 'starting' || state === 'stopping' || state === 'unknown' || state === 'completed')
    alerts.push({ level: 'warn', message: `VPN ${state}` });
  else if (state === null && reading.auth === 'ok')
    alerts.push({ level: 'warn', message: `VPN status unknown: ${reading.stateError ?? 'no answer'}` });
  const container = reading.container;
  if (container?.health === 'unhealthy')
    alerts.push({ level: 'crit', message: `container ${container.name} unhealthy (the tunnel fails Gluetun's health check)` });
  else if (container?.health === 'starting') alerts.push({ level: 'warn', message: `container ${container.name} starting` });
  else if (container && container.health === null)
    alerts.push({ level: 'warn', message: `container ${container.name}: ${container.error ?? 'not found'}` });
  if (reading.leak)
    alerts.push({
      level: 'warn',
      message: `VPN public IP ${reading.directIp ?? ''} is the direct IP: traffic does not go through the tunnel`,
    });
  const ip = reading.publicIp?.ip;
  const place = placeOf(reading);
  const summary =
    reading.auth !== 'ok' && state === null
      ? `auth needed (${reading.url})`
      : `VPN ${state ?? 'unknown'}${ip ? ` · ${ip}` : ''}${place ? ` ${place}` : ''}${reading.ports?.length ? ` · port ${reading.ports.join(',')}` : ''}`;
  return assessmentFromAlerts(alerts, summary);
}

export function vpnProbe(read: (signal: AbortSignal) => Promise<VpnRaw>, config: VpnConfig): Probe<VpnRaw, VpnReading> {
  return {
    id: 'vpn',
    intervalMs: config.interval,
    // A route that 404s is asked once more on its older path.
    timeoutMs: 2 * config.timeout + 1000,
    read,
    parse: parseVpn,
    assess: (reading) => assessVpn(reading),
  };
}
