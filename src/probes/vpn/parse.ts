// Pure readers of Gluetun's answers and of a direct public-IP check (reference/protocols.md §2).
import { isIP } from 'node:net';
import type { ContainerHealth } from '../../model/containers.js';
import { LOOP_STATES, type LoopState, type PublicIp, type VpnReading } from '../../model/vpn.js';
import type { HttpFailure } from '../pihole/http.js';
import type { RouteAnswer } from './client.js';

/** A route's outcome as read: an answer, or no answer at all. */
export type RouteResult = RouteAnswer | { failure: HttpFailure };

export type VpnRaw = {
  at: number;
  url: string;
  /** Credentials were sent (a 401 then means they are wrong, not missing). */
  credentialsSent: boolean;
  /** Where the credentials come from, for "auth needed: set …". */
  authHint: string;
  status: RouteResult;
  publicIp: RouteResult;
  portForward: RouteResult;
  container: { name: string; health: ContainerHealth | null } | { name: string; error: string } | null;
  /** The direct IP check's answer (text as served), or why there is none; null = not configured. */
  directIp: { text: string } | { error: string } | null;
};

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** `{"status":"running"}` → the loop state. */
export function parseVpnStatus(body: unknown): LoopState {
  const status = str(record(body)?.status);
  return status !== null && (LOOP_STATES as readonly string[]).includes(status) ? (status as LoopState) : 'unknown';
}

/** `{"public_ip":"…","country":…}`; `public_ip` is "" before Gluetun's first lookup. */
export function parsePublicIp(body: unknown): PublicIp {
  const root = record(body);
  return {
    ip: str(root?.public_ip),
    country: str(root?.country),
    region: str(root?.region),
    city: str(root?.city),
    organization: str(root?.organization),
  };
}

/** `{"port":5914,"ports":[5914]}`, `{"port":0,"ports":null}`, or the older `{"port":5914}`. */
export function parsePorts(body: unknown): number[] {
  const root = record(body);
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536;
  if (Array.isArray(root?.ports)) return root.ports.filter(valid);
  return valid(root?.port) ? [root.port] : [];
}

/**
 * The direct public IP from a what-is-my-IP service: plain text ("203.0.113.8\n") or JSON
 * with `ip` (ipify, ifconfig.co), `public_ip` or `query` (ip-api). Null when none is found.
 */
export function parseDirectIp(text: string): string | null {
  const trimmed = text.trim();
  if (isIP(trimmed)) return trimmed;
  try {
    const root = record(JSON.parse(trimmed) as unknown);
    for (const key of ['ip', 'public_ip', 'query', 'address']) {
      const value = str(root?.[key]);
      if (value && isIP(value)) return value;
    }
  } catch {
    // Not JSON either.
  }
  return null;
}

/** Why a route gave no usable answer, in words; null when it did. */
function routeError(result: RouteResult): string | null {
  if ('failure' in result) return result.failure.message;
  if (result.status === 401) return "not allowed (401): the key's role lacks this route";
  if (result.status < 200 || result.status >= 300)
    return `HTTP ${result.status}${result.text.trim() ? `: ${result.text.trim().slice(0, 120)}` : ''}`;
  if (result.body === undefined) return 'not JSON';
  return null;
}

function read<T>(result: RouteResult, parse: (body: unknown) => T): { value: T | null; error: string | null } {
  const error = routeError(result);
  return error !== null || 'failure' in result ? { value: null, error } : { value: parse(result.body), error: null };
}

const is401 = (r: RouteResult) => !('failure' in r) && r.status === 401;

export function parseVpn(raw: VpnRaw): VpnReading {
  // The status route decides: a 401 there is about the key; a 401 on another route alone means
  // the key's role does not list that route.
  const auth = is401(raw.status) ? (raw.credentialsSent ? 'refused' : 'needed') : 'ok';
  const quiet = (r: RouteResult, error: string | null) => (auth !== 'ok' && is401(r) ? null : error);
  const state = read(raw.status, parseVpnStatus);
  const publicIp = read(raw.publicIp, parsePublicIp);
  const ports = read(raw.portForward, parsePorts);
  const container =
    raw.container === null
      ? null
      : 'error' in raw.container
        ? { name: raw.container.name, health: null, error: raw.container.error }
        : { name: raw.container.name, health: raw.container.health, error: null };
  const direct = raw.directIp !== null && 'text' in raw.directIp ? parseDirectIp(raw.directIp.text) : null;
  const directIp = direct;
  const directIpError =
    raw.directIp === null ? null : 'error' in raw.directIp ? raw.directIp.error : direct === null ? 'no IP address in the answer' : null;
  const vpnIp = publicIp.value?.ip ?? null;
  return {
    at: raw.at,
    url: raw.url,
    auth,
    authHint: raw.authHint,
    state: state.value,
    stateError: quiet(raw.status, state.error),
    publicIp: publicIp.value,
    publicIpError: quiet(raw.publicIp, publicIp.error),
    ports: ports.value,
    portsError: quiet(raw.portForward, ports.error),
    container,
    directIp,
    directIpError,
    leak: vpnIp !== null && directIp !== null && vpnIp === directIp,
  };
}
