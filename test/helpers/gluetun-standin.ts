// A Gluetun control server stand-in on 127.0.0.1:0 that answers as reference/protocols.md §2
// says Gluetun v3.41+ does: the valid routes only (404 for others, 405 for a wrong method, both
// before auth), roles naming "METHOD /path" routes with auth none | basic | apikey (X-API-Key
// header or ?api_key=), 401 `Unauthorized` in text for a route no role lets through, JSON
// bodies with a trailing newline, and errors as Go's http.Error writes them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Role =
  | { name: string; routes: string[]; auth: 'none' }
  | { name: string; routes: string[]; auth: 'apikey'; apikey: string }
  | { name: string; routes: string[]; auth: 'basic'; username: string; password: string };

/** HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE: applies to every route no role in the file lists. */
export type DefaultRole = { auth: 'none' } | { auth: 'apikey'; apikey: string } | { auth: 'basic'; username: string; password: string };

export type GluetunState = {
  vpn: 'running' | 'stopped' | 'starting' | 'stopping' | 'crashed';
  vpnType: 'wireguard' | 'openvpn';
  /** Omitted keys are left out of the JSON, as Go's omitempty does; public_ip is "" before the first lookup. */
  publicIp: { public_ip: string; country?: string; region?: string; city?: string; organization?: string };
  ports: number[] | null;
};

export type GluetunStandinOptions = {
  roles?: Role[];
  defaultRole?: DefaultRole;
  state?: Partial<GluetunState>;
  /** An older Gluetun without /v1/vpn/status and /v1/portforward (only the OpenVPN routes). */
  legacy?: boolean;
};

export type GluetunStandin = {
  url: string;
  state: GluetunState;
  requests: { method: string; path: string; apiKey: string | null; authorization: string | null }[];
  close(): Promise<void>;
};

const ROUTES: Record<string, readonly string[]> = {
  '/v1/version': ['GET'],
  '/v1/vpn/status': ['GET', 'PUT'],
  '/v1/vpn/settings': ['GET', 'PUT'],
  '/v1/openvpn/status': ['GET', 'PUT'],
  '/v1/openvpn/portforwarded': ['GET'],
  '/v1/openvpn/settings': ['GET'],
  '/v1/dns/status': ['GET', 'PUT'],
  '/v1/updater/status': ['GET', 'PUT'],
  '/v1/publicip/ip': ['GET'],
  '/v1/portforward': ['GET', 'PUT'],
};

const LEGACY_MISSING = new Set(['/v1/vpn/status', '/v1/portforward']);

export async function startGluetunStandin(options: GluetunStandinOptions = {}): Promise<GluetunStandin> {
  const state: GluetunState = {
    vpn: 'running',
    vpnType: 'wireguard',
    publicIp: { public_ip: '198.51.100.23', country: 'Sweden', region: 'Stockholm', city: 'Stockholm', organization: 'Example VPN AB' },
    ports: [51413],
    ...options.state,
  };
  const roles = options.roles ?? [];
  const requests: GluetunStandin['requests'] = [];

  const text = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
    res.end(`${message}\n`);
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const credentialsMatch = (role: DefaultRole, req: IncomingMessage, url: URL): boolean => {
    if (role.auth === 'none') return true;
    if (role.auth === 'apikey') {
      const key = req.headers['x-api-key'] ?? url.searchParams.get('api_key');
      return key === role.apikey;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Basic (.+)$/.exec(header);
    if (!match?.[1]) return false;
    return Buffer.from(match[1], 'base64').toString('utf8') === `${role.username}:${role.password}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gluetun');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const apiKey = req.headers['x-api-key'];
    requests.push({
      method,
      path: path + url.search,
      apiKey: typeof apiKey === 'string' ? apiKey : null,
      authorization: req.headers.authorization ?? null,
    });
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const methods = ROUTES[path];
      if (!methods || (options.legacy && LEGACY_MISSING.has(path))) return text(res, 404, 'Not Found');
      if (!methods.includes(method)) return text(res, 405, 'Method Not Allowed');
      const route = `${method} ${path}`;
      const covering: DefaultRole[] = roles.filter((r) => r.routes.includes(route));
      if (covering.length === 0 && options.defaultRole) covering.push(options.defaultRole);
      if (!covering.some((role) => credentialsMatch(role, req, url))) {
        const basic = covering.some((r) => r.auth === 'basic');
        return text(res, 401, 'Unauthorized', basic ? { 'www-authenticate': 'Basic realm="restricted", charset="UTF-8"' } : {});
      }
      switch (route) {
        case 'GET /v1/version':
          return json(res, { version: 'v3.41.0', commit: 'standin', created: '2025-11-30T00:00:00Z' });
        case 'GET /v1/vpn/status':
          return json(res, { status: state.vpn });
        case 'GET /v1/openvpn/status':
          return json(res, { status: state.vpnType === 'wireguard' ? 'stopped' : state.vpn });
        case 'PUT /v1/vpn/status': {
          let wanted: unknown;
          try {
            wanted = (JSON.parse(body) as { status?: unknown }).status;
          } catch {
            return text(res, 400, 'cannot decode JSON body');
          }
          if (wanted !== 'running' && wanted !== 'stopped')
            return text(res, 400, `invalid status: ${String(wanted)}: possible values are: stopped, running`);
          if (wanted === state.vpn) return json(res, { outcome: `already ${wanted}` });
          state.vpn = wanted;
          return json(res, { outcome: wanted });
        }
        case 'GET /v1/publicip/ip': {
          // omitempty: empty strings are left out, except public_ip which is always there.
          const { public_ip: ip, ...rest } = state.publicIp;
          return json(res, { public_ip: ip, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v)) });
        }
        case 'GET /v1/portforward':
          return json(res, { port: state.ports?.[0] ?? 0, ports: state.ports });
        case 'GET /v1/openvpn/portforwarded':
          if (options.legacy) return json(res, { port: state.ports?.[0] ?? 0 });
          res.writeHead(301, { location: '/v1/portforward' });
          return res.end();
        default:
          return json(res, {});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
