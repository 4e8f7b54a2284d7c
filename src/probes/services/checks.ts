// The services probe's reader: each service's check, run from the host the config names (a TCP
// connection made there, over its SSH connection) or from this machine. Every check has its own
// timeout and never throws: what went wrong is part of what it saw.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { ServiceConfig, ServicesConfig } from '../../config/schema.js';
import { ConnectError, type FileOptions } from '../../hosts/host.js';
import type { ContainerStatus } from '../../model/containers.js';
import type { DnsOutcome, DnsRecordType } from '../../model/dns.js';
import { queryDns } from '../dns/query.js';
import { dnsQuery, firstMessage, parseDnsReply } from './dns-tcp.js';
import type { CertificateSeen, CheckFailure, CheckRaw, ServicesRaw } from './types.js';

/** The first 64 KiB of a body are what a keyword is looked for in. */
const BODY_LIMIT = 64 * 1024;

export type Connect = (address: string, port: number, options: FileOptions) => Promise<Duplex>;

/** Where a service's check runs: a way to connect from there, or why it cannot run now. */
export type CheckOrigin = { connect: Connect; remote: boolean } | { unavailable: string };

export type CheckSources = {
  /** Where the check of a service runs (its `from`, or this machine). */
  origin(service: ServiceConfig): CheckOrigin;
  /** Whether a container runs on a host's Docker engine, and its health; null: the engine does not know it. */
  containerStatus?: (host: string, name: string, signal: AbortSignal) => Promise<ContainerStatus | null>;
};

class CheckFailed extends Error {
  constructor(readonly failure: CheckFailure) {
    super(failure.message);
  }
}

function failureOf(error: unknown, timedOut: boolean): CheckFailure {
  if (error instanceof CheckFailed) return error.failure;
  if (timedOut) return { kind: 'timeout', message: 'no answer in time' };
  if (error instanceof ConnectError) {
    // The host the check runs from does not answer: that says nothing of the service.
    if (error.reason === 'origin-down') return { kind: 'not-run', message: `not checked: ${error.message}` };
    return {
      kind: error.reason === 'aborted' ? 'other' : error.reason,
      message: error.reason === 'refused' ? 'connection refused' : error.message,
    };
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: 'connection refused' };
  if (code === 'ECONNRESET') return { kind: 'other', message: 'connection reset' };
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  if (code && /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|ERR_SSL/.test(code)) return { kind: 'tls', message: `TLS: ${message}` };
  return { kind: 'other', message };
}

function certificateOf(socket: TLSSocket): CertificateSeen | undefined {
  const cert: PeerCertificate | undefined = socket.getPeerCertificate();
  if (!cert?.valid_to) return undefined;
  const error = socket.authorizationError;
  return {
    validTo: cert.valid_to,
    ...(typeof cert.subject?.CN === 'string' ? { subject: cert.subject.CN } : {}),
    authorized: socket.authorized,
    ...(error ? { authorizationError: String(error) } : {}),
  };
}

/** A TLS session over a connection; the handshake's errors are the check's. */
function startTls(socket: Duplex, serverName: string, options: { ca?: string | undefined; insecure: boolean }): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    const secure = tlsConnect({
      socket,
      // The name the certificate is verified against (over a given socket it would be
      // "localhost"); SNI only for a name, never an address (RFC 6066 §3).
      host: serverName,
      ...(isIP(serverName) ? {} : { servername: serverName }),
      rejectUnauthorized: !options.insecure,
      ...(options.ca ? { ca: readFileSync(options.ca) } : {}),
    });
    secure.once('secureConnect', () => resolve(secure));
    secure.once('error', (error) => {
      secure.destroy();
      reject(error);
    });
  });
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

async function httpCheck(
  check: Extract<ServiceConfig['check'], { http: unknown }>['http'],
  connect: Connect,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Pick<CheckRaw, 'http' | 'tls'>> {
  const url = new URL(check.url);
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const socket = await connect(hostOf(url), port, { timeoutMs, signal });
  let stream: Duplex = socket;
  let tls: CertificateSeen | undefined;
  try {
    if (https) {
      const secure = await startTls(socket, hostOf(url), { ca: check.ca, insecure: check.insecure });
      tls = certificateOf(secure);
      stream = secure;
    }
    const http = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        method: 'GET',
        host: hostOf(url),
        port,
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host, 'user-agent': 'homeops', accept: '*/*', connection: 'close' },
        createConnection: () => stream,
      });
      const onAbort = () => req.destroy(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      });
      req.once('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          signal.removeEventListener('abort', onAbort);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT) });
          req.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= BODY_LIMIT) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= BODY_LIMIT) finish();
        });
        response.once('end', finish);
        response.once('error', (error) => reject(error));
      });
      req.end();
    });
    return { http, ...(tls ? { tls } : {}) };
  } catch (error) {
    // A failed answer after the handshake still tells the certificate's days.
    if (tls) throw Object.assign(error instanceof Error ? error : new Error(String(error)), { tlsSeen: tls });
    throw error;
  } finally {
    stream.destroy();
    socket.destroy();
  }
}

async function tlsCheck(
  check: Extract<ServiceConfig['check'], { tls: unknown }>['tls'],
  connect: Connect,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Pick<CheckRaw, 'tls'>> {
  const socket = await connect(check.address, check.port, { timeoutMs, signal });
  try {
    const secure = await startTls(socket, check.serverName ?? check.address, { ca: check.ca, insecure: check.insecure });
    const seen = certificateOf(secure);
    secure.destroy();
    if (!seen) throw new CheckFailed({ kind: 'tls', message: 'no certificate shown' });
    return { tls: seen };
  } finally {
    socket.destroy();
  }
}

/** DNS over TCP through a forwarded connection (checks from another host). */
async function dnsOverTcp(
  connect: Connect,
  server: string,
  port: number,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
  signal: AbortSignal,
) {
  const socket = await connect(server, port, { timeoutMs, signal });
  try {
    const id = Math.floor(Math.random() * 0xffff);
    const query = dnsQuery(id, name, type);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(query.length, 0);
    return await new Promise<{ outcome: DnsOutcome; records: string[] }>((resolve, reject) => {
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const message = firstMessage(received);
        if (!message) return;
        try {
          resolve(parseDnsReply(message, id, type));
        } catch (error) {
          reject(error);
        }
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new CheckFailed({ kind: 'other', message: 'the server closed the connection without a reply' })));
      socket.write(Buffer.concat([length, query]));
    });
  } finally {
    socket.destroy();
  }
}

/** Runs one service's check: what it saw, with its time; never throws. */
export async function runCheck(service: ServiceConfig, sources: CheckSources, timeoutMs: number, outer: AbortSignal): Promise<CheckRaw> {
  const at = Date.now();
  const base = { service: service.name, at };
  const origin = sources.origin(service);
  if ('unavailable' in origin) return { ...base, ms: null, failure: { kind: 'not-run', message: origin.unavailable } };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuter = () => controller.abort();
  outer.addEventListener('abort', onOuter, { once: true });
  const signal = controller.signal;
  // Every await below also loses to the timeout, whatever the connection does.
  const deadline = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  deadline.catch(() => {});
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const check = service.check;
  try {
    if ('http' in check)
      return { ...base, ...(await Promise.race([httpCheck(check.http, origin.connect, timeoutMs, signal), deadline])), ms: elapsed() };
    if ('tls' in check)
      return { ...base, ...(await Promise.race([tlsCheck(check.tls, origin.connect, timeoutMs, signal), deadline])), ms: elapsed() };
    if ('tcp' in check) {
      const socket = await Promise.race([origin.connect(check.tcp.address, check.tcp.port, { timeoutMs, signal }), deadline]);
      const ms = elapsed();
      socket.destroy();
      return { ...base, tcp: { connected: true }, ms };
    }
    if ('dns' in check) {
      const { server, port, name, type } = check.dns;
      if (origin.remote) {
        const dns = await Promise.race([dnsOverTcp(origin.connect, server, port, name, type, timeoutMs, signal), deadline]);
        return { ...base, dns, ms: elapsed() };
      }
      // From this machine, as clients ask: UDP.
      const answer = await queryDns({ name: server, address: server, port }, name, type, timeoutMs, signal);
      const answered = answer.outcome !== 'timeout' && answer.outcome !== 'conn-refused' && answer.outcome !== 'error';
      return {
        ...base,
        dns: { outcome: answer.outcome, records: answer.records },
        ms: answered ? Math.round((answer.latencyMs ?? 0) * 10) / 10 : null,
      };
    }
    const host = check.container.host ?? service.runsOn ?? '';
    if (!sources.containerStatus) return { ...base, ms: null, failure: { kind: 'not-run', message: 'no Docker engine is configured' } };
    const status = await Promise.race([sources.containerStatus(host, check.container.name, signal), deadline]);
    return { ...base, container: status ? { health: status.health, state: status.state } : { health: null }, ms: elapsed() };
  } catch (error) {
    const seen = (error as { tlsSeen?: CertificateSeen }).tlsSeen;
    return { ...base, ms: null, failure: failureOf(error, timedOut), ...(seen ? { tls: seen } : {}) };
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuter);
  }
}

/** Every service checked at once. */
export function servicesReader(config: ServicesConfig, sources: CheckSources): (signal: AbortSignal) => Promise<ServicesRaw> {
  return async (signal) => {
    const checks = await Promise.all(config.list.map((service) => runCheck(service, sources, config.timeout, signal)));
    return { at: Date.now(), checks };
  };
}
