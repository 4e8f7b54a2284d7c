// What a check saw, judged against what the config expects of the service: pure, so that live
// checks and demo recordings are read alike.
import type { ServiceConfig } from '../../config/schema.js';
import { formatDuration } from '../../config/units.js';
import type { CheckRaw, CheckResult } from './types.js';

const DAY_MS = 86_400_000;

/** Days from `at` until the certificate's notAfter; null when the date cannot be read. */
export function daysLeft(validTo: string, at: number): number | null {
  const end = Date.parse(validTo);
  return Number.isFinite(end) ? (end - at) / DAY_MS : null;
}

function statusExpected(check: { status?: number | readonly number[] | undefined }, status: number): boolean {
  if (check.status === undefined) return status >= 200 && status < 400;
  return typeof check.status === 'number' ? status === check.status : check.status.includes(status);
}

function expectedStatusText(check: { status?: number | readonly number[] | undefined }): string {
  if (check.status === undefined) return '2xx or 3xx';
  return typeof check.status === 'number' ? String(check.status) : check.status.join(' or ');
}

/** A check's failure in words: what the operator reads in the pane. */
function failureText(raw: CheckRaw, timeoutMs: number): string {
  const failure = raw.failure;
  if (!failure) return 'no answer';
  if (failure.kind === 'timeout') return `no answer within ${formatDuration(timeoutMs)}`;
  if (failure.kind === 'refused') return 'connection refused';
  return failure.message;
}

export function judgeCheck(raw: CheckRaw, service: ServiceConfig, timeoutMs: number): CheckResult {
  const base = { service: raw.service, at: raw.at, ms: raw.ms };
  const done = (up: boolean | null, why: string | null, extra: Partial<Pick<CheckResult, 'certDaysLeft' | 'note'>> = {}): CheckResult => ({
    ...base,
    up,
    why,
    certDaysLeft: extra.certDaysLeft ?? null,
    note: extra.note ?? null,
  });
  if (raw.failure?.kind === 'not-run') return done(null, raw.failure.message);
  const cert = raw.tls ? daysLeft(raw.tls.validTo, raw.at) : null;
  const certNote =
    raw.tls && !raw.tls.authorized
      ? `certificate not verified${raw.tls.authorizationError ? ` (${raw.tls.authorizationError})` : ''}`
      : null;
  const check = service.check;
  if ('http' in check) {
    if (!raw.http) return done(false, failureText(raw, timeoutMs), { certDaysLeft: cert });
    const { status, body } = raw.http;
    if (!statusExpected(check.http, status))
      return done(false, `HTTP ${status} (expected ${expectedStatusText(check.http)})`, { certDaysLeft: cert });
    if (check.http.keyword !== undefined && !body.includes(check.http.keyword))
      return done(false, `HTTP ${status} without "${check.http.keyword}" in the body`, { certDaysLeft: cert });
    return done(true, null, { certDaysLeft: cert, note: certNote ?? `HTTP ${status}` });
  }
  if ('tls' in check) {
    if (!raw.tls) return done(false, failureText(raw, timeoutMs));
    if (cert !== null && cert <= 0) return done(false, `certificate expired ${formatDuration(-cert * DAY_MS)} ago`, { certDaysLeft: cert });
    return done(true, null, { certDaysLeft: cert, note: certNote ?? raw.tls.subject ?? null });
  }
  if ('tcp' in check) return raw.tcp ? done(true, null, { note: 'connected' }) : done(false, failureText(raw, timeoutMs));
  if ('dns' in check) {
    const dns = raw.dns;
    if (!dns) return done(false, failureText(raw, timeoutMs));
    if (dns.outcome === 'ok') return done(true, null, { note: dns.records.slice(0, 2).join(' ') || 'answered' });
    const words: Record<string, string> = {
      nxdomain: `${check.dns.name}: no such name (NXDOMAIN)`,
      nodata: `${check.dns.name}: no ${check.dns.type} record`,
      refused: 'REFUSED',
      servfail: 'SERVFAIL',
      timeout: `no answer within ${formatDuration(timeoutMs)}`,
      'conn-refused': 'connection refused (nothing listens)',
    };
    return done(false, words[dns.outcome] ?? raw.failure?.message ?? 'DNS error');
  }
  const container = raw.container;
  if (!container) return done(false, failureText(raw, timeoutMs));
  if (container.health === null) return done(false, `no container ${check.container.name}`);
  // A stopped container keeps the last health its check gave: not running is down whatever it says.
  if (container.state !== undefined && container.state !== 'running') return done(false, `container ${container.state}, not running`);
  switch (container.health) {
    case 'healthy':
      return done(true, null, { note: 'healthy' });
    case 'none':
      return done(true, null, { note: 'running, no health check' });
    case 'starting':
      return done(false, 'health check still starting');
    default:
      return done(false, 'unhealthy');
  }
}
