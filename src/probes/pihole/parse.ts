// Pure readers of Pi-hole v6 API answers (reference/protocols.md §1). Key sets vary between
// FTL versions, so every field is read defensively: a missing or odd value becomes null.
import type { Blocking, BlockingState, PiholeSummary } from '../../model/dns.js';

/** Pi-hole's uniform error body: {"error":{"key","message","hint"},"took"}. */
export type PiholeApiError = { key: string; message: string; hint: string | null };

/** The session object of POST/GET /api/auth. */
export type PiholeSession = { valid: boolean; sid: string | null; validity: number | null; totp: boolean; message: string | null };

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export class PiholeParseError extends Error {}

/** GET /api/stats/summary → the numbers the pane shows. */
export function parseSummary(body: unknown): PiholeSummary {
  const root = record(body);
  const queries = record(root?.queries);
  const gravity = record(root?.gravity);
  if (!root || (!queries && !gravity)) throw new PiholeParseError('summary has neither queries nor gravity');
  const total = count(queries?.total);
  const blocked = count(queries?.blocked);
  // percent_blocked is a float32 on the wire ("13.2405366897583"); derive it when missing.
  const percent = count(queries?.percent_blocked) ?? (total && blocked !== null ? (blocked / total) * 100 : null);
  const lastUpdate = count(gravity?.last_update);
  return {
    queries: total,
    blocked,
    blockedPercent: percent,
    gravityDomains: count(gravity?.domains_being_blocked),
    gravityUpdatedAt: lastUpdate ? lastUpdate * 1000 : null,
    activeClients: count(record(root.clients)?.active),
  };
}

const BLOCKING_STATES: readonly BlockingState[] = ['enabled', 'disabled', 'failed', 'unknown'];

/** GET or POST /api/dns/blocking → state and timer. */
export function parseBlocking(body: unknown): Blocking {
  const root = record(body);
  const state = text(root?.blocking);
  if (state === null) throw new PiholeParseError('no "blocking" in the answer');
  const timer = typeof root?.timer === 'number' && root.timer > 0 ? root.timer : null;
  return { state: (BLOCKING_STATES as readonly string[]).includes(state) ? (state as BlockingState) : 'unknown', timerSeconds: timer };
}

/** The uniform error shape, or null when the body is not one. A hint may be text, an object or null. */
export function parseApiError(body: unknown): PiholeApiError | null {
  const error = record(record(body)?.error);
  const key = text(error?.key);
  const message = text(error?.message);
  if (!error || key === null || message === null) return null;
  const hint =
    error.hint === null || error.hint === undefined ? null : typeof error.hint === 'string' ? error.hint : JSON.stringify(error.hint);
  return { key, message, hint };
}

/** The session object of /api/auth, or null when the body has none. */
export function parseSession(body: unknown): PiholeSession | null {
  const session = record(record(body)?.session);
  if (!session || typeof session.valid !== 'boolean') return null;
  return {
    valid: session.valid,
    sid: text(session.sid),
    validity: typeof session.validity === 'number' ? session.validity : null,
    totp: session.totp === true,
    message: text(session.message),
  };
}

/**
 * True when a v6 server answered a v5 URL (/admin/api.php): 400 with the hint that the API
 * moved to /api. This is how a v6 server tells itself apart from a v5 one.
 */
export function isV6AnswerToV5Url(status: number, body: unknown): boolean {
  const error = parseApiError(body);
  return status === 400 && error !== null && /hosted at .*\/api, not .*\/admin\/api/i.test(error.hint ?? '');
}

/**
 * True when /admin/api.php answered as Pi-hole v5 does: 200 with `[]` (no or wrong token), the
 * summary object, or {"FTLnotrunning":true}.
 */
export function isV5Answer(status: number, body: unknown): boolean {
  if (status !== 200) return false;
  if (Array.isArray(body)) return body.length === 0;
  const root = record(body);
  return root !== null && ('domains_being_blocked' in root || 'FTLnotrunning' in root || 'dns_queries_today' in root);
}
