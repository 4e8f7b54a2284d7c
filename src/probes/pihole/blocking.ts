// The "disable blocking for N minutes / enable again" action on every configured Pi-hole at
// once: both must change together, or clients get different answers depending on which server
// they ask. Each server's outcome is reported; one failing does not stop the others.

import type { Blocking } from '../../model/dns.js';
import { type PiholeClient, PiholeError } from './client.js';
import { parseBlocking } from './parse.js';

export type BlockingRequest = { enabled: false; forMs: number } | { enabled: true };

export type BlockingOutcome = { server: string; ok: true; blocking: Blocking } | { server: string; ok: false; error: string };

export type PiholeTarget = { name: string; client: PiholeClient };

export async function setBlockingEverywhere(
  targets: readonly PiholeTarget[],
  request: BlockingRequest,
  signal: AbortSignal,
): Promise<BlockingOutcome[]> {
  // Pi-hole takes whole seconds; a disable of "0" would be permanent, so at least one second.
  const timer = request.enabled ? null : Math.max(1, Math.round(request.forMs / 1000));
  return Promise.all(
    targets.map(async ({ name, client }): Promise<BlockingOutcome> => {
      try {
        return { server: name, ok: true, blocking: parseBlocking(await client.setBlocking(request.enabled, timer, signal)) };
      } catch (error) {
        return { server: name, ok: false, error: error instanceof PiholeError || error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.round(seconds)} s`;
}

/** One line for the console's message area: what happened on each server. */
export function describeBlockingOutcomes(outcomes: readonly BlockingOutcome[]): string {
  if (outcomes.length === 0) return 'no Pi-hole configured (dns.servers[].pihole)';
  return outcomes
    .map((o) => {
      if (!o.ok) return `${o.server}: failed — ${o.error}`;
      const timer = o.blocking.timerSeconds !== null ? ` for ${minutes(o.blocking.timerSeconds)}` : '';
      return `${o.server}: blocking ${o.blocking.state}${timer}`;
    })
    .join(' · ');
}
