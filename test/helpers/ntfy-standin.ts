// An ntfy server stand-in on 127.0.0.1:0, answering as ntfy's documented HTTP protocol does
// (docs.ntfy.sh/publish): a message published by POST /TOPIC (the body is the message; Title,
// Priority, Tags headers) or by POST / with JSON {topic, message, title, priority, tags}; an
// access token as Authorization: Bearer; the answer the message as JSON with id, time,
// event "message"; errors as {code, http, error, link}.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type NtfyMessage = {
  id: string;
  time: number;
  event: 'message';
  topic: string;
  message: string;
  title?: string;
  priority?: number;
  tags?: string[];
};

export type NtfyStandin = {
  url: string;
  messages: NtfyMessage[];
  requests: { path: string; authorization: string | null }[];
  close(): Promise<void>;
};

const PRIORITY_WORDS: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };

export async function startNtfyStandin(options: { token?: string } = {}): Promise<NtfyStandin> {
  const messages: NtfyMessage[] = [];
  const requests: NtfyStandin['requests'] = [];
  const fail = (res: ServerResponse, http: number, code: number, error: string) => {
    res.writeHead(http, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify({ code, http, error, link: 'https://ntfy.sh/docs/publish/' })}\n`);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, authorization: req.headers.authorization ?? null });
      if (req.method !== 'POST' && req.method !== 'PUT') return fail(res, 405, 40501, 'method not allowed');
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return fail(res, 401, 40101, 'unauthorized');
      let message: Omit<NtfyMessage, 'id' | 'time' | 'event'>;
      if (path === '/') {
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return fail(res, 400, 40024, 'invalid request: request body must be message JSON');
        }
        if (typeof json.topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(json.topic))
          return fail(res, 400, 40010, 'invalid request: topic invalid');
        message = {
          topic: json.topic,
          message: typeof json.message === 'string' && json.message ? json.message : 'triggered',
          ...(typeof json.title === 'string' ? { title: json.title } : {}),
          ...(typeof json.priority === 'number' ? { priority: json.priority } : {}),
          ...(Array.isArray(json.tags) ? { tags: json.tags.map(String) } : {}),
        };
      } else {
        const topic = path.slice(1);
        if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic)) return fail(res, 404, 40401, 'page not found');
        const priority = String(req.headers.priority ?? req.headers.p ?? '');
        message = {
          topic,
          message: body || 'triggered',
          ...(req.headers.title ? { title: String(req.headers.title) } : {}),
          ...(priority ? { priority: PRIORITY_WORDS[priority] ?? Number(priority) } : {}),
          ...(req.headers.tags
            ? {
                tags: String(req.headers.tags)
                  .split(',')
                  .map((t) => t.trim()),
              }
            : {}),
        };
      }
      const full: NtfyMessage = {
        id: randomBytes(6).toString('base64url'),
        time: Math.floor(Date.now() / 1000),
        event: 'message',
        ...message,
      };
      messages.push(full);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ ...full, expires: full.time + 43_200 })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, messages, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
