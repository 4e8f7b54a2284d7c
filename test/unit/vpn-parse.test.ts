// Gluetun's answers and a direct-IP check → the VPN reading, its assessment and its pane.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import type { VpnReading } from '../../src/model/vpn.js';
import {
  parseDirectIp,
  parsePorts,
  parsePublicIp,
  parseVpn,
  parseVpnStatus,
  type RouteResult,
  type VpnRaw,
} from '../../src/probes/vpn/parse.js';
import { assessVpn, gluetunAuth } from '../../src/probes/vpn/probe.js';
import { vpnHeadline, vpnPane } from '../../src/ui/panes/vpn.js';
import { lineText } from '../../src/ui/text.js';

const readDefaultConfig = () => readUserFile(estateConfigPath(), configSchema);

const json = (body: unknown, status = 200): RouteResult => ({ status, body, text: `${JSON.stringify(body)}\n` });
const unauthorized: RouteResult = { status: 401, body: undefined, text: 'Unauthorized\n' };

function raw(overrides: Partial<VpnRaw> = {}): VpnRaw {
  return {
    at: 1_760_000_000_000,
    url: 'http://10.0.10.10:8000',
    credentialsSent: true,
    authHint: 'HOMEOPS_GLUETUN_API_KEY',
    status: json({ status: 'running' }),
    publicIp: json({ public_ip: '198.51.100.73', country: 'Netherlands', city: 'Amsterdam', organization: 'Example VPN B.V.' }),
    portForward: json({ port: 47183, ports: [47183] }),
    container: null,
    directIp: null,
    ...overrides,
  };
}

describe('route parsers', () => {
  it('reads the loop state, unknown values as unknown', () => {
    expect(parseVpnStatus({ status: 'running' })).toBe('running');
    expect(parseVpnStatus({ status: 'crashed' })).toBe('crashed');
    expect(parseVpnStatus({ status: 'sideways' })).toBe('unknown');
    expect(parseVpnStatus('running')).toBe('unknown');
  });

  it('reads the public IP; "" (before the first lookup) is no IP', () => {
    expect(parsePublicIp({ public_ip: '198.51.100.73', country: 'Netherlands' })).toEqual({
      ip: '198.51.100.73',
      country: 'Netherlands',
      region: null,
      city: null,
      organization: null,
    });
    expect(parsePublicIp({ public_ip: '' }).ip).toBeNull();
  });

  it('reads forwarded ports: the list, the older single port, none', () => {
    expect(parsePorts({ port: 5914, ports: [5914, 5915] })).toEqual([5914, 5915]);
    expect(parsePorts({ port: 0, ports: null })).toEqual([]);
    expect(parsePorts({ port: 5914 })).toEqual([5914]);
    expect(parsePorts({ ports: [0, 70000, 'x', 22] })).toEqual([22]);
  });

  it('reads a direct IP from plain text or the usual JSON shapes, nothing else', () => {
    expect(parseDirectIp('203.0.113.8\n')).toBe('203.0.113.8');
    expect(parseDirectIp('{"ip":"2001:db8::8"}')).toBe('2001:db8::8');
    expect(parseDirectIp('{"query":"203.0.113.9","status":"success"}')).toBe('203.0.113.9');
    expect(parseDirectIp('<html>blocked</html>')).toBeNull();
  });
});

describe('the reading and its assessment', () => {
  it('running, with IP, country and port: ok', () => {
    const reading = parseVpn(raw());
    expect(reading).toMatchObject({ auth: 'ok', state: 'running', ports: [47183], leak: false });
    expect(assessVpn(reading)).toEqual({
      status: 'ok',
      alerts: [],
      summary: 'VPN running · 198.51.100.73 Netherlands, Amsterdam · port 47183',
    });
  });

  it('401 without credentials is "auth needed" (warn), with credentials "refused"; other routes\' 401s are not repeated', () => {
    const needed = parseVpn(raw({ credentialsSent: false, status: unauthorized, publicIp: unauthorized, portForward: unauthorized }));
    expect(needed).toMatchObject({ auth: 'needed', state: null, stateError: null, publicIpError: null, portsError: null });
    expect(assessVpn(needed)).toEqual({
      status: 'warn',
      alerts: [{ level: 'warn', message: 'auth needed: set HOMEOPS_GLUETUN_API_KEY' }],
      summary: 'auth needed (http://10.0.10.10:8000)',
    });
    const refused = parseVpn(raw({ status: unauthorized, publicIp: unauthorized, portForward: unauthorized }));
    expect(assessVpn(refused).alerts).toEqual([
      { level: 'warn', message: 'Gluetun refused the credentials (401): check HOMEOPS_GLUETUN_API_KEY' },
    ]);
  });

  it('stopped or crashed is crit; starting warns', () => {
    expect(assessVpn(parseVpn(raw({ status: json({ status: 'stopped' }) }))).status).toBe('crit');
    expect(assessVpn(parseVpn(raw({ status: json({ status: 'crashed' }) }))).status).toBe('crit');
    expect(assessVpn(parseVpn(raw({ status: json({ status: 'starting' }) }))).alerts).toEqual([{ level: 'warn', message: 'VPN starting' }]);
  });

  it('an unhealthy container is crit even while Gluetun says running; a missing one warns', () => {
    const unhealthy = parseVpn(raw({ container: { name: 'gluetun', health: 'unhealthy' } }));
    expect(assessVpn(unhealthy).status).toBe('crit');
    expect(assessVpn(parseVpn(raw({ container: { name: 'gluetun', health: null } }))).alerts).toEqual([
      { level: 'warn', message: 'container gluetun: not found' },
    ]);
    expect(assessVpn(parseVpn(raw({ container: { name: 'gluetun', health: 'none' } }))).status).toBe('ok');
  });

  it('the VPN IP equal to the direct IP warns; a failed direct check only shows', () => {
    const leak = parseVpn(raw({ directIp: { text: '198.51.100.73' } }));
    expect(leak.leak).toBe(true);
    expect(assessVpn(leak).status).toBe('warn');
    const failed = parseVpn(raw({ directIp: { error: 'connection refused' } }));
    expect(failed).toMatchObject({ leak: false, directIp: null, directIpError: 'connection refused' });
    expect(assessVpn(failed).status).toBe('ok');
    expect(parseVpn(raw({ directIp: { text: 'nope' } })).directIpError).toBe('no IP address in the answer');
  });

  it('a server error on one route is shown, the others still read', () => {
    const reading = parseVpn(raw({ portForward: { status: 500, body: undefined, text: 'port forwarding not enabled\n' } }));
    expect(reading).toMatchObject({ state: 'running', ports: null, portsError: 'HTTP 500: port forwarding not enabled' });
  });
});

describe('auth from the config', () => {
  it('API key, basic auth, or none; the config refuses both at once or half of basic auth', () => {
    const base = readDefaultConfig();
    expect(gluetunAuth({ ...base.vpn!, apiKeyEnv: 'K', apiKeyFile: undefined })).toEqual({
      kind: 'apikey',
      key: { env: 'K', file: undefined },
    });
    const parse = (vpn: Record<string, unknown>) =>
      configSchema.safeParse({
        hosts: { ws: {} },
        plan: { host: 'ws', groups: [{ name: 'a', cores: 1 }] },
        vpn: { url: 'http://10.0.10.10:8000', ...vpn },
      });
    expect(parse({ apiKeyEnv: 'K', username: 'u', passwordEnv: 'P' }).success).toBe(false);
    expect(parse({ passwordEnv: 'P' }).success).toBe(false);
    expect(parse({ username: 'u' }).success).toBe(false);
    const basic = parse({ username: 'u', passwordFile: '/run/secrets/gluetun' });
    expect(basic.success).toBe(true);
    if (basic.success)
      expect(gluetunAuth(basic.data.vpn!)).toEqual({
        kind: 'basic',
        username: 'u',
        password: { env: undefined, file: '/run/secrets/gluetun' },
      });
    expect(parse({ url: 'http://user:pw@10.0.10.10:8000' }).success).toBe(false);
  });
});

describe('the pane', () => {
  const config = readDefaultConfig();
  const entry = (reading: VpnReading, status: PaneEntry<VpnReading>['status'] = 'ok'): PaneEntry<VpnReading> => ({
    status,
    ageMs: 0,
    summary: '',
    alerts: [],
    data: reading,
  });
  const text = (reading: VpnReading, width = 80) => vpnPane(entry(reading), width, 10, config).lines.map(lineText);

  it('first line says whether the VPN is up, as a word too', () => {
    expect(text(parseVpn(raw()))[0]).toBe('● ok    VPN running · 198.51.100.73 Netherlands, Amsterdam');
    expect(text(parseVpn(raw({ status: json({ status: 'stopped' }) })))[0]).toBe(
      '✖ CRIT  VPN STOPPED · 198.51.100.73 Netherlands, Amsterdam',
    );
    expect(vpnHeadline(parseVpn(raw({ credentialsSent: false, status: unauthorized })))).toEqual({
      status: 'warn',
      text: 'auth needed: set HOMEOPS_GLUETUN_API_KEY',
    });
  });

  it('shows port, container health and the direct-IP comparison', () => {
    const lines = text(parseVpn(raw({ container: { name: 'gluetun', health: 'healthy' }, directIp: { text: '203.0.113.8' } })));
    expect(lines).toContain('forwarded port 47183');
    expect(lines).toContain('container      gluetun healthy');
    expect(lines).toContain("direct IP      203.0.113.8 (differs from the VPN's)");
    const leak = text(parseVpn(raw({ directIp: { text: '198.51.100.73' } })));
    expect(leak[0]).toBe('▲ WARN  VPN running but NOT tunnelling: public IP 198.51.100.73 is the direct IP');
  });

  it('keeps to its height, the headline first', () => {
    const lines = vpnPane(entry(parseVpn(raw({ container: { name: 'gluetun', health: 'healthy' } }))), 80, 2, config).lines;
    expect(lines).toHaveLength(2);
    expect(lineText(lines[0] ?? [])).toMatch(/VPN running/);
  });
});
