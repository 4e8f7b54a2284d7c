// The engine's frequent GETs (list, inspects, stats) on our own kept-alive connections: the
// response parser on every way an answer can be cut into pieces, and the pool against a local
// HTTP server on a unix socket (reuse, limits, deadlines, aborts, connections the server drops,
// the engine's error answers). The stats kept between reads are cut down without changing a figure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine, localTarget, withQuery } from '../../src/docker/engine.js';
import { EngineError } from '../../src/docker/errors.js';
import { GetPool, isTimeout, ResponseParser } from '../../src/docker/http-get.js';
import { parseStats, statsEssentials, usageOf } from '../../src/probes/containers/stats.js';

/** Feeds `text` to a parser in pieces of `size` bytes; the body once complete. */
function parseInPieces(text: string | Buffer, size: number): { parser: ResponseParser; complete: boolean } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parser = new ResponseParser();
  let complete = false;
  for (let at = 0; at < bytes.length && !complete; at += size) {
    // A fresh copy each time, overwritten afterwards: the parser must keep copies.
    const piece = Buffer.from(bytes.subarray(at, at + size));
    complete = parser.push(piece);
    piece.fill(0x78);
  }
  return { parser, complete };
}

describe('response parser', () => {
  const body = JSON.stringify({ read: '2026-01-01T00:00:00Z', name: 'café', list: Array.from({ length: 50 }, (_, i) => i) });
  const length = `HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const chunks = [body.slice(0, 7), body.slice(7, 40), body.slice(40)];
  const chunked = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`;

  it.each([1, 2, 3, 7, 64, 100_000])('Content-Length and chunked answers in pieces of %i bytes', (size) => {
    for (const answer of [length, chunked]) {
      const { parser, complete } = parseInPieces(answer, size);
      expect(complete).toBe(true);
      expect(parser.status).toBe(200);
      expect(parser.reusable).toBe(true);
      expect(parser.extra).toBe(false);
      expect(parser.body.toString('utf8')).toBe(body);
    }
  });

  it('trailers, chunk extensions, an interim 100 and an empty answer', () => {
    const withTrailer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n';
    expect(parseInPieces(withTrailer, 5).parser.body.toString()).toBe('abc');
    const interim = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}';
    const p = parseInPieces(interim, 4).parser;
    expect([p.status, p.body.toString()]).toEqual([404, '{}']);
    const empty = parseInPieces('HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n', 3);
    expect([empty.complete, empty.parser.status, empty.parser.body.length]).toEqual([true, 204, 0]);
    expect(parseInPieces('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 100).complete).toBe(true);
  });

  it('an answer without a length runs until the connection closes, and ends it', () => {
    const { parser, complete } = parseInPieces('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome text', 4);
    expect(complete).toBe(false);
    expect(parser.end()).toBe(true);
    expect(parser.body.toString()).toBe('some text');
    expect(parser.reusable).toBe(false);
  });

  it('Connection: close, HTTP/1.0 and bytes after the answer make the connection unusable', () => {
    expect(parseInPieces('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx', 100).parser.reusable).toBe(false);
    expect(parseInPieces('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', 100).parser.reusable).toBe(false);
    expect(parseInPieces('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx', 100).parser.reusable).toBe(true);
    expect(parseInPieces('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy', 100).parser.extra).toBe(true);
  });

  it('a cut-short answer is not complete; garbage is an error', () => {
    const cut = parseInPieces(length.slice(0, -5), 10);
    expect(cut.complete).toBe(false);
    expect(cut.parser.end()).toBe(false);
    expect(() => parseInPieces('SSH-2.0-OpenSSH\r\n\r\n', 100)).toThrow(/other than HTTP/);
    expect(() => parseInPieces('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 100)).toThrow(/malformed chunk/);
    expect(() => parseInPieces('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY', 100)).toThrow(/malformed chunk/);
  });

  it('a body over its limit is refused: from a Content-Length of 10^12 before any allocation, or as a chunked or until-close body passes it', () => {
    const huge = new ResponseParser('/containers/json?all=true');
    expect(() => huge.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n'))).toThrow(
      'the answer to /containers/json would be 1000000000000 bytes (Content-Length), over the 8 MB read from an engine; not read',
    );
    const small = (text: string) => {
      const parser = new ResponseParser('/events', 16);
      return () => parser.push(Buffer.from(text));
    };
    expect(small('HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n0123456789abcdef')()).toBe(true);
    expect(small('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nX\r\n')).toThrow(/reading stopped/);
    expect(small('HTTP/1.0 200 OK\r\n\r\n0123456789abcdefX')).toThrow(/reading stopped/);
  });
});

describe('query strings', () => {
  it('as docker-modem builds them: values as they are, objects as JSON', () => {
    expect(withQuery('/containers/json', {})).toBe('/containers/json');
    expect(withQuery('/containers/x/stats', { stream: false, 'one-shot': true })).toBe('/containers/x/stats?stream=false&one-shot=true');
    expect(withQuery('/events', { filters: { type: ['container'] }, since: undefined })).toBe(
      `/events?filters=${encodeURIComponent('{"type":["container"]}')}`,
    );
  });
});

describe('the pool against a local server', () => {
  let dir: string;
  let socket: string;
  let server: Server;
  let connections = 0;
  let active = 0;
  let mostActive = 0;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'homeops-http-'));
    socket = join(dir, 'engine.sock');
    server = createServer((req, res) => {
      active++;
      mostActive = Math.max(mostActive, active);
      res.on('close', () => active--);
      handler(req, res);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });

  afterEach(() => {
    connections = 0;
    mostActive = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  it('reuses one kept-alive connection for requests one after another', async () => {
    handler = (req, res) => json(res, 200, { path: req.url, host: req.headers.host });
    const pool = new GetPool({ path: socket }, 'docker', 8);
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await pool.get(`/containers/${i}/json?all=true`, { timeoutMs: 2000 });
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body.toString())).toEqual({ path: `/containers/${i}/json?all=true`, host: 'docker' });
      }
      expect(connections).toBe(1);
    } finally {
      pool.destroy();
    }
  });

  it('keeps to maxSockets; the requests beyond wait their turn', async () => {
    handler = (req, res) => setTimeout(() => json(res, 200, req.url), 40);
    const pool = new GetPool({ path: socket }, 'docker', 3);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.get(`/${i}`, { timeoutMs: 5000 })));
      expect(answers.map((a) => JSON.parse(a.body.toString()))).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
      expect(mostActive).toBe(3);
      expect(connections).toBe(3);
    } finally {
      pool.destroy();
    }
  });

  it('reads a large chunked answer whole', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => ({ Id: `id-${i}`, Names: [`/name-${i}`], Status: 'Up 3 days (healthy)' }));
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const text = JSON.stringify(big);
      // Written in odd pieces: each becomes a chunk.
      for (let at = 0; at < text.length; at += 7777) res.write(text.slice(at, at + 7777));
      res.end();
    };
    const pool = new GetPool({ path: socket }, 'docker', 2);
    try {
      const answer = await pool.get('/containers/json', { timeoutMs: 5000 });
      expect(JSON.parse(answer.body.toString())).toEqual(big);
    } finally {
      pool.destroy();
    }
  });

  it("a deadline that passes is a timeout; the caller's abort is not; neither leaves anything behind", async () => {
    handler = () => {}; // never answers
    const pool = new GetPool({ path: socket }, 'docker', 2);
    try {
      const timedOut = await pool.get('/slow', { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(isTimeout(timedOut)).toBe(true);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const aborted = await pool.get('/slow', { timeoutMs: 5000, signal: controller.signal }).catch((e: unknown) => e);
      expect(aborted).toMatchObject({ name: 'AbortError' });
      expect(isTimeout(aborted)).toBe(false);
      // Already aborted: not even sent.
      await expect(pool.get('/slow', { timeoutMs: 5000, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      // Waiting for a free connection counts too.
      const blocked = new GetPool({ path: socket }, 'docker', 1);
      const first = blocked.get('/slow', { timeoutMs: 300 }).catch(() => null);
      await expect(blocked.get('/slow', { timeoutMs: 100 })).rejects.toSatisfy(isTimeout);
      await first;
      blocked.destroy();
    } finally {
      pool.destroy();
    }
  });

  it('a kept-alive connection the server dropped is replaced without an error', async () => {
    handler = (req, res) => json(res, 200, req.url);
    const pool = new GetPool({ path: socket }, 'docker', 4);
    try {
      expect((await pool.get('/a', { timeoutMs: 2000 })).status).toBe(200);
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 50));
      expect(JSON.parse((await pool.get('/b', { timeoutMs: 2000 })).body.toString())).toBe('/b');
      expect(connections).toBe(2);
    } finally {
      pool.destroy();
    }
  });

  it('an answer that runs until the server closes the connection, and one cut short', async () => {
    const raw = join(dir, 'raw.sock');
    let reply = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"until":"close"}';
    let accepted = 0;
    const rawServer = createNetServer((sock) => {
      accepted++;
      sock.once('data', () => sock.end(reply));
    });
    await new Promise<void>((resolve) => rawServer.listen(raw, resolve));
    const pool = new GetPool({ path: raw }, 'docker', 2);
    try {
      for (let i = 0; i < 2; i++)
        expect(JSON.parse((await pool.get('/x', { timeoutMs: 2000 })).body.toString())).toEqual({ until: 'close' });
      expect(accepted).toBe(2);
      reply = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"cut":';
      await expect(pool.get('/x', { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      pool.destroy();
      await new Promise<void>((resolve) => rawServer.close(() => resolve()));
    }
  });

  it("through the engine: JSON, the engine's error answers, and no socket at all", async () => {
    handler = (req, res) => {
      if (req.url === '/containers/missing/json') json(res, 404, { message: 'No such container: missing' });
      else if (req.url === '/text') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('not json');
      } else json(res, 200, { url: req.url });
    };
    const engine = new DockerEngine(localTarget('ws', `unix://${socket}`, {}));
    try {
      expect(await engine.getJson('/containers/json', { all: true }, { timeoutMs: 2000 })).toEqual({ url: '/containers/json?all=true' });
      expect(await engine.getJson('/text', {}, { timeoutMs: 2000 })).toBe('not json');
      const missing = await engine.getJson('/containers/missing/json', {}, { timeoutMs: 2000 }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(EngineError);
      expect(missing).toMatchObject({ kind: 'api', statusCode: 404, message: 'No such container: missing (HTTP 404)' });
      handler = () => {};
      await expect(engine.getJson('/slow', {}, { timeoutMs: 100 })).rejects.toMatchObject({
        kind: 'timeout',
        message: `Docker engine at unix://${socket} did not answer within 100 ms`,
      });
    } finally {
      engine.close();
    }
    const nowhere = new DockerEngine(localTarget('ws', `unix://${join(dir, 'none.sock')}`, {}));
    try {
      await expect(nowhere.getJson('/version', {}, { timeoutMs: 2000 })).rejects.toMatchObject({
        kind: 'no-engine',
        message: `no Docker engine at unix://${join(dir, 'none.sock')} (no such socket)`,
      });
    } finally {
      nowhere.close();
    }
  });
});

describe('stats kept between reads', () => {
  const fixture = (name: string): unknown =>
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'docker', name), 'utf8'));

  it.each(['stats-cgroup-v1-oneshot-a.json', 'stats-cgroup-v1-oneshot-b.json', 'stats-cgroup-v2-stream.json', 'stats-stopped.json'])(
    '%s: the same figures from the cut-down answer',
    (name) => {
      const full = fixture(name);
      const kept = statsEssentials(full);
      expect(JSON.stringify(kept).length).toBeLessThan(JSON.stringify(full).length);
      const a = parseStats(full);
      const b = parseStats(kept);
      expect(b === null).toBe(a === null);
      if (!a || !b) return;
      expect({ ...b, memory: b.memory && { ...b.memory, stats: null } }).toEqual({
        ...a,
        memory: a.memory && { ...a.memory, stats: null },
      });
      expect(usageOf(b, null)).toEqual(usageOf(a, null));
    },
  );

  it('two cut-down one-shot samples give the CPU figure the full ones give', () => {
    const a = fixture('stats-cgroup-v1-oneshot-a.json');
    const b = fixture('stats-cgroup-v1-oneshot-b.json');
    const full = usageOf(parseStats(b)!, parseStats(a));
    expect(full.cpuPercent).not.toBeNull();
    expect(usageOf(parseStats(statsEssentials(b))!, parseStats(statsEssentials(a)))).toEqual(full);
  });

  it('anything that is not an answer is kept as it is', () => {
    expect(statsEssentials(null)).toBeNull();
    expect(statsEssentials('text')).toBe('text');
  });
});
