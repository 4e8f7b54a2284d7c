// The DNS probe: can the house resolve names, through which server. Every server is asked every
// configured name at once; clients use the first server that answers in DHCP order (config
// order), so failover is active when that is not the first one. Pi-hole's API adds statistics,
// blocking state and whether the secondary serves the same lists as the primary.
import type { Config } from '../../config/schema.js';
import { formatDuration } from '../../config/units.js';
import {
  type ApiFailure,
  type DnsAnswer,
  type DnsReading,
  type DnsRecordType,
  type DnsServerReading,
  type Headline,
  OUTCOME_WORD,
  type PiholeView,
  type ServerHealth,
} from '../../model/dns.js';
import type { PiholeTarget } from '../pihole/blocking.js';
import { PiholeClient, PiholeError } from '../pihole/client.js';
import { gravityDrift } from '../pihole/drift.js';
import type { FetchLike } from '../pihole/http.js';
import { parseBlocking, parseSummary } from '../pihole/parse.js';
import { type Alert, type Assessment, assessmentFromAlerts, type Probe } from '../probe.js';
import { ACCEPTED, type DnsTarget, queryDns, REPLIED } from './query.js';

export type DnsConfig = NonNullable<Config['dns']>;

// ---------------------------------------------------------------- raw (what the reader returns)

/** One Pi-hole API call: the JSON it answered, or why there is none. */
export type ApiResult = { body: unknown } | { error: ApiFailure };
export type PiholeRaw = { server: string; summary: ApiResult; blocking: ApiResult };

export type DnsRaw = {
  /** When the reading was taken (ms since the epoch): ages in the pane count from here. */
  at: number;
  answers: DnsAnswer[];
  piholes: PiholeRaw[];
};

// ---------------------------------------------------------------- reading (what panes render)

// ---------------------------------------------------------------- parse (pure)

function downReason(answers: readonly DnsAnswer[]): string {
  const outcomes = new Set(answers.map((a) => a.outcome));
  if (outcomes.size === 1 && outcomes.has('timeout')) return 'timed out';
  if (outcomes.size === 1 && outcomes.has('conn-refused')) return 'connection refused';
  const detail = answers.find((a) => a.outcome === 'error')?.detail;
  return detail ? `no answer (${detail})` : 'no answer';
}

function serverHealth(answers: readonly DnsAnswer[]): { health: ServerHealth; answering: boolean; why: string | null } {
  const answering = answers.some((a) => ACCEPTED.has(a.outcome));
  if (answers.length > 0 && answers.every((a) => a.outcome === 'ok')) return { health: 'ok', answering, why: null };
  if (!answers.some((a) => REPLIED.has(a.outcome))) return { health: 'down', answering: false, why: downReason(answers) };
  const failed = answers.filter((a) => a.outcome !== 'ok').map((a) => `${a.name} ${OUTCOME_WORD[a.outcome]}`);
  return { health: answering ? 'degraded' : 'failing', answering, why: failed.join(', ') };
}

function piholeView(raw: PiholeRaw | undefined): PiholeView | null {
  if (!raw) return null;
  let error: ApiFailure | null = null;
  const read = <T>(result: ApiResult, parse: (body: unknown) => T): T | null => {
    if ('error' in result) {
      error ??= result.error;
      return null;
    }
    try {
      return parse(result.body);
    } catch (e) {
      error ??= { kind: 'parse', message: e instanceof Error ? e.message : String(e) };
      return null;
    }
  };
  const summary = read(raw.summary, parseSummary);
  const blocking = read(raw.blocking, parseBlocking);
  return { summary, blocking, error };
}

/** Builds the reading from what the servers and Pi-holes answered. Pure. */
export function parseDns(raw: DnsRaw, config: DnsConfig): DnsReading {
  const servers: DnsServerReading[] = config.servers.map((server) => {
    const answers = raw.answers
      .filter((a) => a.server === server.name)
      .map((a) => ({
        ...a,
        local: config.names.some((n) => n.name === a.name && n.local),
      }));
    return {
      name: server.name,
      address: server.address,
      port: server.port,
      ...serverHealth(answers),
      answers,
      pihole: server.pihole
        ? (piholeView(raw.piholes.find((p) => p.server === server.name)) ?? {
            summary: null,
            blocking: null,
            error: { kind: 'unreachable', message: 'not read' },
          })
        : null,
    };
  });
  const inUse = servers.findIndex((s) => s.answering);
  const withPihole = servers.filter((s) => s.pihole !== null).map((s) => ({ name: s.name, summary: s.pihole?.summary ?? null }));
  const reading = {
    at: raw.at,
    servers,
    clientsUse: inUse >= 0 ? (servers[inUse]?.name ?? null) : null,
    failover: inUse > 0,
    drift: gravityDrift(withPihole, config.syncTolerance),
  };
  // The verdict is made here, once: the pane shows it and the assessment raises it.
  return { ...reading, headline: dnsHeadline(reading) };
}

// ---------------------------------------------------------------- assess (pure)

const label = (s: DnsServerReading) => `${s.name} ${s.address}${s.port === 53 ? '' : `:${s.port}`}`;

/** The one line that answers "can the house resolve names, and through which server". */
export function dnsHeadline(reading: Omit<DnsReading, 'headline'>): Headline {
  const total = reading.servers.length;
  if (total === 0) return { tone: 'warn', text: 'no DNS servers configured (dns.servers)' };
  const answering = reading.servers.filter((s) => s.answering).length;
  const used = reading.servers.find((s) => s.name === reading.clientsUse);
  if (!used) {
    const why = reading.servers.map((s) => `${s.name} ${s.why ?? 'no answer'}`).join(', ');
    return { tone: 'crit', text: `NO DNS: no server answers, clients cannot resolve names — ${why}` };
  }
  if (reading.failover) {
    const before = reading.servers
      .slice(0, reading.servers.indexOf(used))
      .map((s) => `${s.name} ${s.why ?? 'not answering'}`)
      .join(', ');
    return { tone: 'warn', text: `FAILOVER: clients use ${label(used)} — ${before}` };
  }
  // NXDOMAIN for every name is an answer clients accept: they stay on a broken server.
  if (used.health !== 'ok')
    return { tone: 'warn', text: `clients use ${label(used)} — but ${used.why ?? used.health} · ${answering}/${total} servers answer` };
  return { tone: 'ok', text: `clients use ${label(used)} · ${answering}/${total} servers answer` };
}

function minutesLeft(seconds: number): string {
  return formatDuration(seconds * 1000);
}

export function assessDns(reading: DnsReading): Assessment {
  const alerts: Alert[] = [];
  const headline = reading.headline;
  // The headline is an alert when clients lost the first server; a server in use that answers
  // some names badly is named by its own alert below.
  if (headline.tone === 'crit' || reading.failover)
    alerts.push({ level: headline.tone === 'crit' ? 'crit' : 'warn', message: headline.text });
  const usedIndex = reading.servers.findIndex((s) => s.name === reading.clientsUse);
  reading.servers.forEach((server, index) => {
    // Servers before the one in use are named by the failover line already.
    const explained = usedIndex < 0 || index < usedIndex;
    if (!explained && server.health !== 'ok') {
      const hint = server.answers.some((a) => a.outcome === 'nxdomain' && a.local)
        ? ' (local record missing?)'
        : server.answers.some((a) => a.outcome === 'refused' || a.outcome === 'servfail')
          ? ' (upstream DNS failing?)'
          : '';
      alerts.push({ level: 'warn', message: `${label(server)}: ${server.why ?? server.health}${hint}` });
    }
    const pihole = server.pihole;
    // A Pi-hole API that fails while its DNS answers is news; while DNS is down it is not.
    if (pihole?.error && server.answering && pihole.error.kind !== 'v5') {
      alerts.push({ level: 'warn', message: `${server.name} Pi-hole: ${pihole.error.message}` });
    }
    if (pihole?.blocking && pihole.blocking.state !== 'enabled') {
      const timer = pihole.blocking.timerSeconds !== null ? ` (${minutesLeft(pihole.blocking.timerSeconds)} left)` : '';
      alerts.push({ level: 'warn', message: `${server.name} Pi-hole: blocking ${pihole.blocking.state}${timer}` });
    }
  });
  for (const drift of reading.drift) {
    if (!drift.inSync) alerts.push({ level: 'warn', message: `${drift.server} out of sync: ${drift.reasons.join('; ')}` });
  }
  const answering = reading.servers.filter((s) => s.answering).length;
  const used = reading.servers[usedIndex];
  const summary = used
    ? `${reading.failover ? 'FAILOVER → ' : ''}${used.name} ${used.address} · ${answering}/${reading.servers.length} answer`
    : reading.servers.length
      ? 'no DNS server answers'
      : 'no DNS servers configured';
  return assessmentFromAlerts(alerts, summary);
}

// ---------------------------------------------------------------- reader (I/O)

export type DnsQueryFn = (
  target: DnsTarget,
  name: string,
  type: DnsRecordType,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<DnsAnswer>;

export type DnsSources = {
  query: DnsQueryFn;
  /** One client per server with a Pi-hole, kept across reads (sessions are reused). */
  piholes: readonly PiholeTarget[];
};

/** The live sources: real queries, and a Pi-hole client per configured Pi-hole. */
export function liveDnsSources(config: DnsConfig, env: Readonly<Record<string, string | undefined>> = process.env): DnsSources {
  return { query: queryDns, piholes: piholeTargets(config, env) };
}

/**
 * Ends the Pi-hole sessions (DELETE /api/auth) so that they do not hold seats until they time
 * out; for when the console quits. Never rejects.
 */
export async function closeDnsSources(sources: DnsSources, signal: AbortSignal = AbortSignal.timeout(1000)): Promise<void> {
  await Promise.all(sources.piholes.map((target) => target.client.logout(signal)));
}

/** A client per server with a Pi-hole; `fetchImpl` replaces the network (the demo's replay). */
export function piholeTargets(
  config: DnsConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  fetchImpl?: FetchLike,
): PiholeTarget[] {
  return config.servers.flatMap((server) =>
    server.pihole
      ? [
          {
            name: server.name,
            client: new PiholeClient({
              url: server.pihole.url,
              password: { env: server.pihole.passwordEnv, file: server.pihole.passwordFile },
              timeoutMs: config.piholeTimeout,
              env,
              ...(fetchImpl ? { fetch: fetchImpl } : {}),
            }),
          },
        ]
      : [],
  );
}

function failure(error: unknown, deadline: AbortSignal, signal: AbortSignal, limitMs: number): ApiFailure {
  if (deadline.aborted && !signal.aborted) return { kind: 'unreachable', message: `no answer within ${formatDuration(limitMs)}` };
  if (error instanceof PiholeError) return { kind: error.kind, message: error.message };
  return { kind: 'bad-answer', message: error instanceof Error ? error.message : String(error) };
}

async function readPihole(target: PiholeTarget, limitMs: number, signal: AbortSignal): Promise<PiholeRaw> {
  // The Pi-hole part has a deadline of its own, so that a slow API never costs the DNS answers.
  const deadline = AbortSignal.timeout(limitMs);
  const combined = AbortSignal.any([signal, deadline]);
  const call = async (fn: () => Promise<unknown>): Promise<ApiResult> => {
    try {
      return { body: await fn() };
    } catch (error) {
      return { error: failure(error, deadline, signal, limitMs) };
    }
  };
  const [summary, blocking] = await Promise.all([
    call(() => target.client.summary(combined)),
    call(() => target.client.blocking(combined)),
  ]);
  return { server: target.name, summary, blocking };
}

export function dnsReader(config: DnsConfig, sources: DnsSources, now: () => number = Date.now): (signal: AbortSignal) => Promise<DnsRaw> {
  const piholeLimit = 2 * config.piholeTimeout;
  return async (signal) => {
    const at = now();
    const queries = config.servers.flatMap((server) =>
      config.names.map((entry) =>
        sources.query({ name: server.name, address: server.address, port: server.port }, entry.name, entry.type, config.timeout, signal),
      ),
    );
    const [answers, piholes] = await Promise.all([
      Promise.all(queries),
      Promise.all(sources.piholes.map((target) => readPihole(target, piholeLimit, signal))),
    ]);
    return { at, answers, piholes };
  };
}

export function dnsProbe(read: (signal: AbortSignal) => Promise<DnsRaw>, config: DnsConfig): Probe<DnsRaw, DnsReading> {
  return {
    id: 'dns',
    intervalMs: config.interval,
    // Queries run together; the Pi-hole calls (login, then two calls) have their own deadline.
    timeoutMs: Math.max(config.timeout, 2 * config.piholeTimeout) + 1000,
    read,
    parse: (raw) => parseDns(raw, config),
    assess: (reading) => assessDns(reading),
  };
}
