// `homeops watch --metrics HOST:PORT`: an HTTP server for Prometheus. GET /metrics answers with
// the newest Snapshot as OpenMetrics (or the classic text format, by Accept); nothing else is
// served. Loaded only when --metrics is given.
import { createServer, type Server } from 'node:http';
import { OPENMETRICS_TYPE, render, TEXT_TYPE, wantsOpenMetrics } from './exposition.js';
import { families, type MetricsInput } from './families.js';

export type MetricsServer = { address: string; close(): Promise<void> };

export function startMetricsServer(listen: { host: string; port: number }, input: () => MetricsInput): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path !== '/metrics') {
      res
        .writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(path === '/' ? 'homeops watch: metrics at /metrics\n' : 'not found: metrics are at /metrics\n');
      return;
    }
    let body: string;
    const open = wantsOpenMetrics(req.headers.accept);
    try {
      body = render(families(input()), open);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': open ? OPENMETRICS_TYPE : TEXT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      const bound = server.address();
      const where =
        bound && typeof bound === 'object'
          ? `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
          : `${listen.host}:${listen.port}`;
      resolve({ address: where, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
