// An HTTP server on a unix socket standing in for a Docker engine that misbehaves: a Content-Length
// of 10^12, answers and streams that never end. A real engine does not do this, which is why a
// stand-in is used for these cases only (everything else is tested against a real dockerd).
// It answers /_ping and /version as an engine does, and one container, "web", that exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Misbehaviour =
  /** Content-Length: 10^12, then a little of it and nothing more. */
  | 'huge-length'
  /** A chunked answer of `bytes` (default 150 MB) of JSON-looking text. */
  | 'endless';

export type MisbehavingEngine = {
  socket: string;
  /** How each route misbehaves; routes not named answer normally. */
  set(route: 'list' | 'events' | 'logs' | 'restart', how: Misbehaviour | null): void;
  /** Bytes the server managed to write for the last misbehaving answer (it stops when the client hangs up). */
  written(): number;
  close(): Promise<void>;
};

export const ENDLESS_BYTES = 150 * 1024 * 1024;

export async function startMisbehavingEngine(): Promise<MisbehavingEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-badengine-'));
  const socket = join(dir, 'docker.sock');
  const modes = new Map<string, Misbehaviour>();
  let written = 0;

  /** Writes `piece` until `total` bytes went out or the client hung up, respecting backpressure. */
  const pour = (res: ServerResponse, piece: Buffer, total: number) => {
    written = 0;
    const more = () => {
      while (written < total && !res.destroyed) {
        written += piece.length;
        if (!res.write(piece)) {
          res.once('drain', more);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    more();
  };

  const misbehave = (res: ServerResponse, how: Misbehaviour, piece: Buffer, head: Buffer = Buffer.alloc(0)) => {
    if (how === 'huge-length') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 ** 12) });
      res.write(Buffer.concat([head, piece.subarray(0, 1024)]));
      // …and then nothing: the client must refuse it from the header alone.
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (head.length) res.write(head);
    pour(res, piece, ENDLESS_BYTES);
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    req.resume();
    if (path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    } else if (path === '/version') {
      json(res, 200, { Version: '26.1.5', ApiVersion: '1.45', Os: 'linux' });
    } else if (path === '/containers/json') {
      const how = modes.get('list');
      if (how) misbehave(res, how, Buffer.from('{"Id":"0123456789ab","Names":["/web"],"State":"running"},'.repeat(64)), Buffer.from('['));
      else json(res, 200, []);
    } else if (path === '/events') {
      const how = modes.get('events');
      if (how) misbehave(res, how, Buffer.from('x'.repeat(64 * 1024)));
      else res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
    } else if (path === '/containers/web/json') {
      json(res, 200, { Id: '0123456789ab', Name: '/web', Config: { Tty: false }, State: { Status: 'running' } });
    } else if (path === '/containers/web/logs') {
      const how = modes.get('logs');
      // One frame header announcing 4 GB on stdout, then text without a newline.
      const header = Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
      if (how) misbehave(res, how, Buffer.from('y'.repeat(64 * 1024)), header);
      else res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' }).end();
    } else if (path === '/containers/web/restart' && req.method === 'POST') {
      const how = modes.get('restart');
      if (how) misbehave(res, how, Buffer.from('z'.repeat(64 * 1024)));
      else res.writeHead(204).end();
    } else {
      json(res, 404, { message: `page not found: ${path}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    set(route, how) {
      if (how) modes.set(route, how);
      else modes.delete(route);
    },
    written: () => written,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
