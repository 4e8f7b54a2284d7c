// One DNS query to one server, the way a client asks: UDP, a short timeout, no retry. The
// outcome is told apart as clients experience it: an answer, NXDOMAIN, REFUSED, no answer
// (timeout) or nobody listening (connection refused, the ICMP port-unreachable of a stopped server).
import { Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import type { DnsAnswer, DnsOutcome, DnsRecordType } from '../../model/dns.js';

/** What the server said, as a client experiences it: a reply (of some kind) or none. */
export const REPLIED: ReadonlySet<DnsOutcome> = new Set(['ok', 'nxdomain', 'nodata', 'refused', 'servfail']);
/** Replies a client accepts and stops at (glibc moves on to the next server on REFUSED and SERVFAIL). */
export const ACCEPTED: ReadonlySet<DnsOutcome> = new Set(['ok', 'nxdomain', 'nodata']);

/**
 * Classifies a resolver error code (node:dns / c-ares). `timedOut` says the caller's own timer
 * fired and cancelled the query, which is a timeout whatever code the cancel produced.
 */
export function classifyDnsError(code: string | undefined, timedOut: boolean): DnsOutcome {
  if (timedOut) return 'timeout';
  switch (code) {
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case 'EREFUSED':
      return 'refused';
    case 'ESERVFAIL':
      return 'servfail';
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'conn-refused';
    default:
      return 'error';
  }
}

/** "10.0.10.10:53", "[fd00::1]:53": the form Resolver.setServers takes. */
export function serverSpec(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

export type DnsTarget = { name: string; address: string; port: number };

/** Aborted by the caller (the monitor gave up on this read): not an outcome of the server. */
export class DnsAbortedError extends Error {}

/**
 * Asks `target` for `name`. Resolves with the outcome; rejects only when `signal` aborts.
 * c-ares's own timeout runs long (about twice the value set, measured in
 * reference/real-services.md §3), so our own timer cancels the query at `timeoutMs`.
 */
export async function queryDns(
  target: DnsTarget,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<DnsAnswer> {
  if (signal.aborted) throw new DnsAbortedError('aborted');
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([serverSpec(target.address, target.port)]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    resolver.cancel();
  }, timeoutMs);
  const onAbort = () => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  const base = { server: target.name, name, type };
  try {
    const records =
      type === 'A'
        ? await resolver.resolve4(name)
        : type === 'AAAA'
          ? await resolver.resolve6(name)
          : (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
    return { ...base, outcome: 'ok', latencyMs: performance.now() - started, records };
  } catch (error) {
    if (signal.aborted && !timedOut) throw new DnsAbortedError('aborted');
    const code = (error as NodeJS.ErrnoException).code;
    const outcome = classifyDnsError(code, timedOut);
    return {
      ...base,
      outcome,
      latencyMs: performance.now() - started,
      records: [],
      ...(outcome === 'error' && code ? { detail: code } : {}),
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
