// A small HTTP client over node:http and node:https for the LAN APIs (Pi-hole, Gluetun) and the
// runbooks' HTTP checks. Node's global fetch would do, but it loads undici on first use: about
// 13 MB more resident for a console that makes one small request every few seconds.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  AnswerTooLargeError,
  CrossOriginRedirectError,
  type FetchLike,
  type HttpRequest,
  type HttpResponse,
  safeUrl,
  sameOrigin,
} from './http.js';

const MAX_REDIRECTS = 5;
const MAX_BODY = 8 * 1024 * 1024;

function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

function headerGetter(message: IncomingMessage): HttpResponse['headers'] {
  return {
    get(name) {
      const value = message.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function once(url: URL, init: HttpRequest): Promise<{ message: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
    if (!send) {
      reject(new Error(`unsupported protocol ${url.protocol}`));
      return;
    }
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const req = send(url, { method: init.method ?? 'GET', headers });
    const onAbort = () => req.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (error) => {
      done();
      reject(error);
    });
    req.on('response', (message) => {
      const declared = message.headers['content-length'];
      if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > MAX_BODY) {
        req.destroy(new AnswerTooLargeError(MAX_BODY, Number(declared)));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      message.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy(new AnswerTooLargeError(MAX_BODY, null));
        else chunks.push(chunk);
      });
      message.on('end', () => {
        done();
        resolve({ message, body: Buffer.concat(chunks).toString('utf8') });
      });
      message.on('error', (error) => {
        done();
        reject(error);
      });
    });
    req.end(init.body);
  });
}

/** fetch's subset the clients use: method, headers, a string body, a signal, redirects (see HttpRequest.redirect). */
export const nodeFetch: FetchLike = async (input, init) => {
  let url = new URL(input);
  let request = init;
  for (let hop = 0; ; hop++) {
    const { message, body } = await once(url, request);
    const status = message.statusCode ?? 0;
    const location = message.headers.location;
    const mode = init.redirect ?? 'follow';
    if (mode !== 'manual' && status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      if (mode === 'same-origin' && !sameOrigin(next, url)) throw new CrossOriginRedirectError(safeUrl(next.href));
      url = next;
      // 303, and 301/302 after a POST, continue as GET without a body (as browsers and fetch do).
      if (status === 303 || ((status === 301 || status === 302) && request.method === 'POST')) {
        const { body: _dropped, ...rest } = request;
        request = { ...rest, method: 'GET' };
      }
      continue;
    }
    return { status, ok: status >= 200 && status < 300, headers: headerGetter(message), text: async () => body };
  }
};
