// Pi-hole blocking switched on every configured Pi-hole at once, as an action (perform.ts): what
// it is called in the log, the question asked first, and its result (partial when some Pi-holes
// changed and some did not).
import { formatDuration } from '../config/units.js';
import {
  type BlockingOutcome,
  type BlockingRequest,
  describeBlockingOutcomes,
  type PiholeTarget,
  setBlockingEverywhere,
} from '../probes/pihole/blocking.js';
import type { ActionSpec } from './perform.js';

export type SetBlocking = (targets: readonly PiholeTarget[], request: BlockingRequest, signal: AbortSignal) => Promise<BlockingOutcome[]>;

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : formatDuration(ms);
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

export function blockingAction(
  targets: readonly PiholeTarget[],
  request: BlockingRequest,
  setBlocking: SetBlocking = setBlockingEverywhere,
): ActionSpec {
  const names = listWords(targets.map((t) => t.name)) || 'the Pi-holes';
  const enable = request.enabled;
  return {
    action: 'pihole.blocking',
    target: targets.map((t) => t.name).join(', '),
    what: enable ? `Enable blocking on ${names}` : `Disable blocking on ${names} for ${minutes(request.forMs)}`,
    cannot: () => (targets.length === 0 ? 'no Pi-hole configured (dns.servers[].pihole)' : null),
    confirm: {
      title: `${enable ? 'Enable' : 'Disable'} blocking · Pi-hole`,
      question: enable ? `Enable blocking on ${names} again?` : `Disable blocking on ${names} for ${minutes(request.forMs)}?`,
      yes: enable ? 'Enable' : 'Disable',
      danger: !enable,
    },
    async run(signal) {
      const outcomes = await setBlocking(targets, request, signal);
      const failed = outcomes.filter((o) => !o.ok).length;
      return {
        result: failed === 0 ? 'ok' : failed === outcomes.length ? 'failed' : 'partial',
        changed: failed < outcomes.length,
        message: describeBlockingOutcomes(outcomes),
      };
    },
  };
}
