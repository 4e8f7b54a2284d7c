// The VPN pane: is the tunnel up, the public IP and country the house shows, the forwarded port,
// the Gluetun container's health, and whether traffic really leaves through the tunnel.
import type { Config } from '../../config/schema.js';
import type { PaneEntry } from '../../monitor/snapshot.js';
import type { Status } from '../../monitor/status.js';
import type { VpnReading } from '../../probes/vpn/parse.js';
import { placeOf } from '../../probes/vpn/probe.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { pad, type Line } from '../text.js';
import { labelled, stateLines, type PaneContent } from './common.js';

function statusLabel(status: Status): string {
  return `${STATUS_SYMBOL[status]} ${pad(STATUS_WORD[status], 5)} `;
}

/** The one line that says whether the VPN is up. */
export function vpnHeadline(reading: VpnReading): { status: Status; text: string } {
  if (reading.auth === 'needed' && reading.state === null) return { status: 'warn', text: `auth needed: set ${reading.authHint}` };
  if (reading.auth === 'refused' && reading.state === null) return { status: 'warn', text: `Gluetun refused the credentials (401): check ${reading.authHint}` };
  const state = reading.state;
  const ip = reading.publicIp?.ip;
  const place = placeOf(reading);
  const where = ip ? ` · ${ip}${place ? ` ${place}` : ''}` : '';
  if (state === 'running') {
    if (reading.leak) return { status: 'warn', text: `VPN running but NOT tunnelling: public IP ${ip ?? '?'} is the direct IP` };
    if (reading.container?.health === 'unhealthy') return { status: 'crit', text: `VPN running but container ${reading.container.name} unhealthy${where}` };
    return { status: 'ok', text: `VPN running${where}` };
  }
  if (state === 'stopped' || state === 'crashed') return { status: 'crit', text: `VPN ${state.toUpperCase()}${where}` };
  if (state === null) return { status: 'warn', text: `VPN status unknown: ${reading.stateError ?? 'no answer'}` };
  return { status: 'warn', text: `VPN ${state}${where}` };
}

const KEY_WIDTH = 15;

function row(key: string, value: string, tone?: Line[number]['tone']): Line {
  return [{ text: pad(key, KEY_WIDTH), tone: 'muted' }, { text: value, ...(tone ? { tone } : {}) }];
}

export function vpnPane(entry: PaneEntry<VpnReading>, width: number, height: number, _config: Config): PaneContent {
  const reading = entry.data;
  if (!reading) {
    const lines = stateLines(entry, width);
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: 'VPN', lines };
  }
  const headline = vpnHeadline(reading);
  const lines: Line[] = labelled(statusLabel(headline.status), headline.text, headline.status, width);
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') lines.push(...stateLines({ ...entry, alerts: [] }, width));

  const details: Line[] = [];
  const ip = reading.publicIp;
  if (ip?.ip) {
    const extra = [placeOf(reading), ip.organization].filter((p) => p).join(' · ');
    details.push(row('public IP', `${ip.ip}${extra ? ` · ${extra}` : ''}`));
  } else if (reading.publicIpError) details.push(row('public IP', reading.publicIpError, 'warn'));
  else if (ip) details.push(row('public IP', 'not looked up yet', 'muted'));

  if (reading.ports) details.push(row('forwarded port', reading.ports.length ? reading.ports.join(', ') : 'none', reading.ports.length ? undefined : 'muted'));
  else if (reading.portsError) details.push(row('forwarded port', reading.portsError, 'muted'));

  const container = reading.container;
  if (container) {
    const health = container.health;
    const tone = health === 'healthy' ? 'ok' : health === 'unhealthy' ? 'crit' : health === 'none' ? 'muted' : 'warn';
    const text = health === null ? (container.error ?? 'not found') : health === 'none' ? 'running, no health check' : health;
    details.push(row(`container`, `${container.name} ${text}`, tone));
  }

  if (reading.directIp !== null) {
    details.push(reading.leak
      ? row('direct IP', `${reading.directIp} = VPN IP: traffic is NOT tunnelled`, 'warn')
      : reading.publicIp?.ip
        ? row('direct IP', `${reading.directIp} (differs from the VPN's)`, 'ok')
        : row('direct IP', reading.directIp, 'muted'));
  } else if (reading.directIpError) details.push(row('direct IP', `check failed: ${reading.directIpError}`, 'muted'));

  if (reading.stateError && reading.state === null && reading.auth === 'ok') details.push(row('status', reading.stateError, 'warn'));
  details.push(row('control server', `${reading.url}${reading.auth === 'ok' ? '' : ' (auth needed)'}`, 'muted'));
  lines.push(...details.slice(0, Math.max(0, height - lines.length)));
  const title = headline.status === 'ok' ? 'VPN' : `VPN · ${STATUS_WORD[headline.status]}`;
  return { title, lines };
}
