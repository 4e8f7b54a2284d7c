// An HTTP server on 127.0.0.1:0 that keeps every request it gets (a webhook's receiver), and
// answers with the status the test sets (and what it says back).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: string };

export type WebhookReceiver = { url: string; received: Received[]; answer(status: number, body?: string): void; close(): Promise<void> };

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  let reply = { status: 200, body: 'ok' };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer(status, body = '') {
      reply = { status, body };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
