// Replays a scenario's DNS answers (dns.json) and Pi-hole API answers (pihole/SERVER.json)
// through the real DNS probe: its reader, the real Pi-hole client, the parsers and assess.
// Formats: fixtures/README.md, "DNS and Pi-hole".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsAnswer, DnsOutcome } from '../model/dns.js';
import { type DnsConfig, type DnsQueryFn, type DnsSources, piholeTargets } from '../probes/dns/probe.js';
import { type HttpRecording, type RecordedAnswer, RecordingError, replayFetch, toRecording } from './http-replay.js';
import type { Scenario } from './scenario.js';

const OUTCOMES: readonly DnsOutcome[] = ['ok', 'nxdomain', 'nodata', 'refused', 'servfail', 'timeout', 'conn-refused', 'error'];

export type RecordedQuery = { outcome: DnsOutcome; latencyMs?: number; records?: string[] };
/** server name (or "*") → query name (or "*") → what happened. */
export type DnsRecording = { servers: Record<string, Record<string, RecordedQuery>> };

function parseDnsRecording(value: unknown, file: string): DnsRecording {
  const servers = (value as { servers?: unknown } | null)?.servers;
  if (!servers || typeof servers !== 'object')
    throw new RecordingError(`${file}: expected { "servers": { SERVER: { NAME: { "outcome": … } } } }`);
  for (const [server, names] of Object.entries(servers)) {
    for (const [name, query] of Object.entries((names ?? {}) as Record<string, unknown>)) {
      const outcome = (query as { outcome?: unknown } | null)?.outcome;
      if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome)) {
        throw new RecordingError(`${file}: servers.${server}.${name}.outcome must be one of ${OUTCOMES.join(', ')}`);
      }
    }
  }
  return value as DnsRecording;
}

/** Answers queries from the recording; a server or name it does not list answers 'error'. */
export function replayDnsQuery(recording: DnsRecording): DnsQueryFn {
  return async (target, name, type, timeoutMs): Promise<DnsAnswer> => {
    const server = recording.servers[target.name] ?? recording.servers['*'];
    const recorded = server?.[name] ?? server?.['*'];
    if (!recorded)
      return { server: target.name, name, type, outcome: 'error', latencyMs: null, records: [], detail: 'not in the demo scenario' };
    const latency = recorded.latencyMs ?? (recorded.outcome === 'timeout' ? timeoutMs : recorded.outcome === 'conn-refused' ? 0.2 : 1);
    return {
      server: target.name,
      name,
      type,
      outcome: recorded.outcome,
      latencyMs: latency,
      records: recorded.outcome === 'ok' ? (recorded.records ?? []) : [],
    };
  };
}

/**
 * A Pi-hole recording that also remembers what the blocking action set, so that the action
 * works in the demo (and its timer runs down).
 */
function piholeFetch(recording: HttpRecording, now: () => number) {
  let set: { blocking: boolean; until: number | null } | null = null;
  const current = (): RecordedAnswer | undefined => {
    if (!set) return undefined;
    if (set.until !== null && now() >= set.until) {
      set = { blocking: !set.blocking, until: null };
    }
    const timer = set.until === null ? null : (set.until - now()) / 1000;
    return { status: 200, body: { blocking: set.blocking ? 'enabled' : 'disabled', timer, took: 0.0003 } };
  };
  return replayFetch(recording, {
    now,
    override: (method, path, body) => {
      if (path !== '/api/dns/blocking') return undefined;
      if (method === 'POST') {
        const request = body as { blocking?: unknown; timer?: unknown } | null;
        if (typeof request?.blocking !== 'boolean') {
          return {
            status: 400,
            body: { error: { key: 'body_error', message: 'No "blocking" boolean in body data', hint: null }, took: 0.0001 },
          };
        }
        const timer = typeof request.timer === 'number' && request.timer > 0 ? request.timer : null;
        set = { blocking: request.blocking, until: timer === null ? null : now() + timer * 1000 };
      }
      return method === 'GET' || method === 'POST' ? current() : undefined;
    },
  });
}

/** The scenario's DNS sources, or null when it has no dns.json (the pane is then off). */
export function replayDnsSources(scenario: Scenario, config: DnsConfig, now: () => number = Date.now): DnsSources | null {
  const file = join(scenario.dir, 'dns.json');
  if (!existsSync(file)) return null;
  const recording = parseDnsRecording(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const fetches = new Map(
    config.servers.flatMap((server) => {
      if (!server.pihole) return [];
      const piholeFile = join(scenario.dir, 'pihole', `${server.name}.json`);
      // A Pi-hole the scenario does not record is one that does not answer.
      const piholeRecording: HttpRecording = existsSync(piholeFile)
        ? toRecording(JSON.parse(readFileSync(piholeFile, 'utf8')) as unknown, piholeFile)
        : { unreachable: 'refused' };
      return [[server.name, piholeFetch(piholeRecording, now)] as const];
    }),
  );
  // No password in the demo (an empty environment): the recordings answer without a session,
  // as a Pi-hole without a password does, and the user's real password is never touched.
  const piholes = config.servers.flatMap((server) => {
    const fetchImpl = fetches.get(server.name);
    // No secret sources at all, so that not even a password file named in the config is read.
    const bare = { ...server, ...(server.pihole ? { pihole: { url: server.pihole.url } } : {}) };
    return fetchImpl ? piholeTargets({ ...config, servers: [bare] }, {}, fetchImpl) : [];
  });
  return { query: replayDnsQuery(recording), piholes };
}
