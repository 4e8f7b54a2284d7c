// The DNS reading: what each resolver answered for each name (as clients see it), the Pi-holes'
// figures and blocking, whether the Pi-holes agree, which server clients use now and the one
// line that says whether the house can resolve names. Plain data, made by src/probes/dns/.

export type DnsRecordType = 'A' | 'AAAA' | 'TXT';

export type DnsOutcome =
  | 'ok'
  | 'nxdomain'
  /** The name exists but has no record of this type. */
  | 'nodata'
  | 'refused'
  | 'servfail'
  | 'timeout'
  | 'conn-refused'
  | 'error';

export type DnsAnswer = {
  server: string;
  name: string;
  type: DnsRecordType;
  outcome: DnsOutcome;
  /** Time until the outcome; for a timeout, the time waited. */
  latencyMs: number | null;
  /** The records (A/AAAA addresses, TXT strings joined); empty unless ok. */
  records: string[];
  /** The resolver's own code when the outcome is 'error'. */
  detail?: string;
};

export type PiholeErrorKind =
  /** Pi-hole wants a password and none is configured. */
  | 'auth-needed'
  /** The password was refused (or the session was refused right after logging in). */
  | 'auth-failed'
  /** Pi-hole answered with its error shape (key, message, hint). */
  | 'api'
  /** A Pi-hole v5 server: it has no /api. */
  | 'v5'
  /** No answer: refused, timed out, unreachable. */
  | 'unreachable'
  /** Something answered, but not as Pi-hole v6 does. */
  | 'bad-answer';

export type PiholeSummary = {
  queries: number | null;
  blocked: number | null;
  blockedPercent: number | null;
  gravityDomains: number | null;
  /** Unix time in ms of the last gravity update; null when Pi-hole does not know (0). */
  gravityUpdatedAt: number | null;
  activeClients: number | null;
};

export type BlockingState = 'enabled' | 'disabled' | 'failed' | 'unknown';

export type Blocking = {
  state: BlockingState;
  /** Seconds until the state flips back; null when permanent. */
  timerSeconds: number | null;
};

export type Drift = {
  server: string;
  /** The Pi-hole compared against (the first configured one). */
  against: string;
  inSync: boolean;
  /** Why not, in words ("gravity 150,002 vs 152,337 domains"); empty when in sync or unknown. */
  reasons: string[];
};

/** Why a Pi-hole's figures are missing. */
export type ApiFailure = { kind: PiholeErrorKind | 'parse'; message: string };

/** Each outcome in the words the pane and the alerts use. */
export const OUTCOME_WORD: Record<DnsOutcome, string> = {
  ok: 'ok',
  nxdomain: 'NXDOMAIN',
  nodata: 'no record',
  refused: 'REFUSED',
  servfail: 'SERVFAIL',
  timeout: 'timeout',
  'conn-refused': 'conn refused',
  error: 'error',
};

export type Headline = { tone: 'ok' | 'warn' | 'crit'; text: string };

export type PiholeView = {
  summary: PiholeSummary | null;
  blocking: Blocking | null;
  /** Why summary or blocking is missing (the first failure; both usually fail alike). */
  error: ApiFailure | null;
};

/**
 * ok: every name answered · degraded: clients can use it but some names fail · failing: it
 * replies but refuses or fails every name (clients move on) · down: no reply at all.
 */
export type ServerHealth = 'ok' | 'degraded' | 'failing' | 'down';

/** An answer, and whether the config marks the name as a LAN name (`local: true`). */
export type NameAnswer = DnsAnswer & { local: boolean };

export type DnsServerReading = {
  name: string;
  address: string;
  port: number;
  health: ServerHealth;
  /** Clients can use it: at least one name got an answer a client accepts. */
  answering: boolean;
  /** In words, why it is not ok ("timed out", "connection refused", "example.com REFUSED"). */
  why: string | null;
  answers: NameAnswer[];
  /** null when no Pi-hole is configured for this server. */
  pihole: PiholeView | null;
};

export type DnsReading = {
  at: number;
  servers: DnsServerReading[];
  /** The server clients use now: the first answering one in DHCP order; null = none answers. */
  clientsUse: string | null;
  /** Clients use a server other than the first. */
  failover: boolean;
  drift: Drift[];
  /** The one line that answers "can the house resolve names, and through which server". */
  headline: Headline;
};
