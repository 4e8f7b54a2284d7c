// The VPN pane: is the tunnel up, the public IP and country the house shows, the forwarded port,
// the Gluetun container's health, and whether traffic really leaves through the tunnel.
import type { Config } from '../../config/schema.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Status } from '../../model/status.js';
import { placeOf, type VpnReading } from '../../model/vpn.js';
import { type Line, pad, textWidth } from '../text.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { labelled, type PaneContent, stateLines } from './common.js';

function statusLabel(status: Status): string {
  return `${STATUS_SYMBOL[status]} ${pad(STATUS_WORD[status], 5)} `;
}

/** The one line that says whether the VPN is up. */
export function vpnHeadline(reading: VpnReading): { status: Status; text: string } {
  if (reading.auth === 'needed' && reading.state === null) return { status: 'warn', text: `auth needed: set ${reading.authHint}` };
  if (reading.auth === 'refused' && reading.state === null)
    return { status: 'warn', text: `Gluetun refused the credentials (401): check ${reading.authHint}` };
  const state = reading.state;
  const ip = reading.publicIp?.ip;
  const place = placeOf(reading);
  const where = ip ? ` · ${ip}${place ? ` ${place}` : ''}` : '';
  if (state === 'running') {
    if (reading.leak) return { status: 'warn', text: `VPN running but NOT tunnelling: public IP ${ip ?? '?'} is the direct IP` };
    if (reading.container?.health === 'unhealthy')
      return { status: 'crit', text: `VPN running but container ${reading.container.name} unhealthy${where}` };
    return { status: 'ok', text: `VPN running${where}` };
  }
  if (state === 'stopped' || state === 'crashed') return { status: 'crit', text: `VPN ${state.toUpperCase()}${where}` };
  if (state === null) return { status: 'warn', text: `VPN status unknown: ${reading.stateError ?? 'no answer'}` };
  return { status: 'warn', text: `VPN ${state}${where}` };
}

type Detail = { key: string; value: string; tone?: Line[number]['tone'] };

/** Each detail's key, and a shorter one for a pane too narrow for the long keys and the values. */
const KEYS: Record<string, string> = {
  'public IP': 'IP',
  'forwarded port': 'port',
  container: 'container',
  'direct IP': 'direct',
  status: 'status',
  'control server': 'control',
};

/** Tones of a detail that says something is wrong. */
const PROBLEM = new Set<Line[number]['tone']>(['warn', 'crit', 'down']);

function keyWidth(keys: readonly string[]): number {
  return Math.max(0, ...keys.map((k) => textWidth(k))) + 1;
}

/** The details shown, their keys aligned over all the details there are. */
function detailLines(shown: readonly Detail[], all: readonly Detail[], width: number): Line[] {
  const long = keyWidth(all.map((d) => d.key));
  const short = keyWidth(all.map((d) => KEYS[d.key] ?? d.key));
  // The short keys where what is wrong would be cut with the long ones and fits with the short.
  const useShort = shown.some((d) => PROBLEM.has(d.tone) && long + textWidth(d.value) > width && short + textWidth(d.value) <= width);
  return shown.map((d) => [
    { text: pad(useShort ? (KEYS[d.key] ?? d.key) : d.key, useShort ? short : long), tone: 'muted' },
    { text: d.value, ...(d.tone ? { tone: d.tone } : {}) },
  ]);
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
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off')
    lines.push(...stateLines({ ...entry, alerts: [] }, width));

  const details: Detail[] = [];
  const ip = reading.publicIp;
  if (ip?.ip) {
    const extra = [placeOf(reading), ip.organization].filter((p) => p).join(' · ');
    details.push({ key: 'public IP', value: `${ip.ip}${extra ? ` · ${extra}` : ''}` });
  } else if (reading.publicIpError) details.push({ key: 'public IP', value: reading.publicIpError, tone: 'warn' });
  else if (ip) details.push({ key: 'public IP', value: 'not looked up yet', tone: 'muted' });

  if (reading.ports)
    details.push({
      key: 'forwarded port',
      value: reading.ports.length ? reading.ports.join(', ') : 'none',
      ...(reading.ports.length ? {} : { tone: 'muted' as const }),
    });
  else if (reading.portsError) details.push({ key: 'forwarded port', value: reading.portsError, tone: 'muted' });

  const container = reading.container;
  if (container) {
    const health = container.health;
    const tone = health === 'healthy' ? 'ok' : health === 'unhealthy' ? 'crit' : health === 'none' ? 'muted' : 'warn';
    const text = health === null ? (container.error ?? 'not found') : health === 'none' ? 'running, no health check' : health;
    details.push({ key: 'container', value: `${container.name} ${text}`, tone });
  }

  if (reading.directIp !== null) {
    details.push(
      reading.leak
        ? { key: 'direct IP', value: `${reading.directIp} = VPN IP: traffic is NOT tunnelled`, tone: 'warn' }
        : reading.publicIp?.ip
          ? { key: 'direct IP', value: `${reading.directIp} (differs from the VPN's)`, tone: 'ok' }
          : { key: 'direct IP', value: reading.directIp, tone: 'muted' },
    );
  } else if (reading.directIpError) details.push({ key: 'direct IP', value: `check failed: ${reading.directIpError}`, tone: 'muted' });

  if (reading.stateError && reading.state === null && reading.auth === 'ok')
    details.push({ key: 'status', value: reading.stateError, tone: 'warn' });
  details.push({ key: 'control server', value: `${reading.url}${reading.auth === 'ok' ? '' : ' (auth needed)'}`, tone: 'muted' });
  // What is wrong first when not every detail fits under the headline.
  const room = Math.max(0, height - lines.length);
  const shown =
    details.length > room ? [...details.filter((d) => PROBLEM.has(d.tone)), ...details.filter((d) => !PROBLEM.has(d.tone))] : details;
  lines.push(...detailLines(shown.slice(0, room), details, width));
  const title = headline.status === 'ok' ? 'VPN' : `VPN · ${STATUS_WORD[headline.status]}`;
  return { title, lines };
}
