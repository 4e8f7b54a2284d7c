// The LAN HTTP client against a real HTTP server on loopback: redirects, a POST body, abort,
// a refused port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFetchError } from '../../src/probes/pihole/http.js';
import { nodeFetch } from '../../src/probes/pihole/node-fetch.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/here' }).end();
      } else if (req.url === '/here') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method }));
      } else if (req.url === '/echo') {
        res.writeHead(201, { 'content-type': 'text/plain', 'x-len': String(req.headers['content-length']) }).end(`${req.method} ${body}`);
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5000).unref();
      } else {
        res.writeHead(404).end('Not Found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('nodeFetch', () => {
  it('follows a redirect, and a POST after a 302 goes on as GET', async () => {
    const response = await nodeFetch(`${base}/moved`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(await response.text())).toEqual({ method: 'GET' });
  });

  it('returns the redirect itself when asked to', async () => {
    const response = await nodeFetch(`${base}/moved`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/here');
  });

  it('sends the method, the body and its length', async () => {
    const response = await nodeFetch(`${base}/echo`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'héllo' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-len')).toBe('6');
    expect(await response.text()).toBe('PUT héllo');
    expect((await nodeFetch(`${base}/nothing`, {})).ok).toBe(false);
  });

  it('stops at once when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await nodeFetch(`${base}/slow`, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(describeFetchError(error, false, 1000).kind).toBe('aborted');
  });

  it('reports a refused port as refused', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await nodeFetch(`http://127.0.0.1:${port}/`, {}).catch((e: unknown) => e);
    expect(describeFetchError(error, false, 1000)).toEqual({ kind: 'refused', message: 'connection refused' });
  });
});
