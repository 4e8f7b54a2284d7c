// The services probe's words: what a check saw (raw, from the reader or a demo recording), what
// it means (a result), and the reading the pane and triggers use.

import type { CheckKind } from '../../model/services.js';

export type { CheckKind };

/**
 * Why a check got no answer: `timeout` (nothing within the time allowed), `refused` (nothing
 * listens), `unreachable` (no route, the address unknown), `tls` (the handshake failed: an
 * unverifiable certificate), `not-run` (the host it runs from is not reachable: says nothing of
 * the service), `other`.
 */
export type CheckFailure = { kind: 'timeout' | 'refused' | 'unreachable' | 'tls' | 'not-run' | 'other'; message: string };

/** A TLS peer's certificate as the handshake showed it. */
export type CertificateSeen = {
  /** Its notAfter, as the TLS library prints it ("Jan  5 12:00:00 2027 GMT") or ISO. */
  validTo: string;
  subject?: string;
  /** The chain was verified against the trusted authorities. */
  authorized: boolean;
  /** Why it could not be verified, when it was accepted anyway (insecure). */
  authorizationError?: string;
};

/** What one check of one service saw. */
export type CheckRaw = {
  service: string;
  /** When the check started (ms since the epoch). */
  at: number;
  /** Time to the answer (a whole HTTP response, a connect, a handshake, a DNS reply); null without one. */
  ms: number | null;
  http?: { status: number; body: string };
  tcp?: { connected: true };
  tls?: CertificateSeen;
  dns?: { outcome: DnsOutcome; records: string[] };
  /** A container's health (null: no engine knows the container), and whether it runs (absent: as a recording that says only its health, running). */
  container?: { health: ContainerHealth | null; state?: ContainerState };
  failure?: CheckFailure;
};

/** One read: each service's checks since the last (one each live; a demo adds its past). */
export type ServicesRaw = { at: number; checks: CheckRaw[] };

/** What a check means: up, down (with why), or not known (not run). */
export type CheckResult = {
  service: string;
  at: number;
  /** null: not run (the host it runs from is unreachable); says nothing of the service. */
  up: boolean | null;
  ms: number | null;
  /** Why it is not up, in words ("HTTP 502", "timed out after 5s", "keyword \"ok\" not in the body"). */
  why: string | null;
  /** Days until the certificate expires (negative: expired); https and tls checks only. */
  certDaysLeft: number | null;
  /** A short note on a passing check ("no health check", "10.0.10.20"). */
  note: string | null;
};

export type { ServiceReading, ServiceState, ServicesReading, Windowed } from '../../model/services.js';

import type { ContainerHealth, ContainerState } from '../../model/containers.js';
import type { DnsOutcome } from '../../model/dns.js';
