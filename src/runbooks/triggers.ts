// Triggers: which runbooks the situation calls for. A runbook's trigger is a condition on the
// services pane (services down, or up) that must have held for a while; the Snapshot says since
// when each service has been down or up, so whether it has held that long is read from the
// Snapshot alone: the same answer in the console, in `homeops status` and in a watcher,
// and no timer of its own. Inside the maintenance window nothing is offered. Pure.
import type { Config } from '../config/schema.js';
import { formatDuration } from '../config/units.js';
import type { Offer } from '../model/offer.js';
import type { ServiceReading, ServicesReading } from '../model/services.js';
import type { TriggerCondition, TriggerSpec } from './schema.js';

export type Triggered = { id: string; title: string; trigger: TriggerSpec };

/** The config's per-runbook changes: another response (or off), another duration. */
export type TriggerOverrides = NonNullable<Config['runbooks']>['triggers'];

/** The services a condition picks, standby ones left out unless it asks for them. */
export function pickServices(services: readonly ServiceReading[], condition: TriggerCondition): ServiceReading[] {
  const pick = condition.services;
  return services.filter(
    (s) =>
      (pick.name === undefined || pick.name.includes(s.name)) &&
      (pick.runsOn === undefined || s.runsOn === pick.runsOn) &&
      (pick.kind === undefined || s.kind === pick.kind) &&
      (pick.priority === undefined || pick.priority.includes(s.priority)) &&
      (pick.standby === undefined ? !s.standby || pick.name !== undefined : s.standby === pick.standby),
  );
}

type Held = { since: number; seen: string };

function names(services: readonly ServiceReading[]): string {
  const list = services.map((s) => s.name);
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
}

/** Since when the condition has held, and what was seen; null when it does not hold now. */
export function conditionHeld(services: readonly ServiceReading[], condition: TriggerCondition): Held | null {
  const picked = pickServices(services, condition);
  if (picked.length === 0) return null;
  const sinceOf = (s: ServiceReading) => {
    const at = condition.state === 'down' ? s.downSince : s.upSince;
    return at === null ? null : Date.parse(at);
  };
  // Down means down and not expected to be (a standby service, the maintenance window).
  const inState = (s: ServiceReading) =>
    s.state === condition.state && (condition.state === 'up' || s.level === 'warn' || s.level === 'crit') && sinceOf(s) !== null;
  const matching = picked.filter(inState);
  if (condition.match === 'all' ? matching.length !== picked.length : matching.length === 0) return null;
  const times = matching.map((s) => sinceOf(s) as number);
  // All of them: it holds since the last one went that way; any: since the first did.
  const since = condition.match === 'all' ? Math.max(...times) : Math.min(...times);
  const word = condition.state === 'down' ? 'down' : 'up';
  const seen =
    condition.match === 'all' && picked.length > 1
      ? `${picked.length} services ${word} (${names(matching)})`
      : `${names(matching)} ${word}`;
  return { since, seen };
}

/**
 * The offers the services reading (the Snapshot's) calls for at `now`: each runbook whose trigger's conditions all hold and
 * have held for its duration, unless the config turns it off, or a runbook offered with it
 * supersedes it. The longest-held first.
 */
export function offersFor(
  reading: ServicesReading | null,
  runbooks: readonly Triggered[],
  overrides: TriggerOverrides | undefined,
  now: number,
): Offer[] {
  if (!reading || reading.maintenance) return [];
  const found: (Offer & { supersedes: readonly string[] })[] = [];
  for (const { id, title, trigger } of runbooks) {
    const override = overrides?.[id];
    const response = override?.response ?? trigger.response;
    if (response === 'off') continue;
    const conditions = Array.isArray(trigger.when) ? trigger.when : [trigger.when];
    const held = conditions.map((c) => conditionHeld(reading.services, c));
    if (held.some((h) => h === null)) continue;
    const since = Math.max(...held.map((h) => (h as Held).since));
    const hold = override?.for ?? trigger.for;
    if (now - since < hold) continue;
    found.push({
      runbook: id,
      title,
      reason: `${trigger.reason}: ${held.map((h) => (h as Held).seen).join('; ')} for ${formatDuration(now - since)}`,
      since: new Date(since).toISOString(),
      response,
      supersedes: trigger.supersedes,
    });
  }
  const superseded = new Set(found.flatMap((o) => o.supersedes));
  return found
    .filter((o) => !superseded.has(o.runbook))
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since) || a.runbook.localeCompare(b.runbook))
    .map(({ supersedes: _, ...offer }) => offer);
}

/** The runbooks of a catalog that have a trigger. */
export function triggeredRunbooks(
  runbooks: readonly { id: string; title: string; trigger?: TriggerSpec | undefined; unavailable?: string | undefined }[],
): Triggered[] {
  return runbooks.flatMap((r) => (r.trigger && !r.unavailable ? [{ id: r.id, title: r.title, trigger: r.trigger }] : []));
}

/** What a Snapshot's offers are made from: its services reading and the time. */
export type OffersOf = (
  snapshot: { readonly panes: { readonly services: { readonly data: ServicesReading | null } } },
  now: number,
) => Offer[];

/**
 * The offers of a catalog's triggered runbooks, as the monitor asks for them (its setOffers),
 * the same in the console, `homeops status` and the watcher; null when no runbook has a trigger.
 */
export function offersOf(runbooks: Parameters<typeof triggeredRunbooks>[0], overrides: TriggerOverrides | undefined): OffersOf | null {
  const triggered = triggeredRunbooks(runbooks);
  if (triggered.length === 0) return null;
  return (snapshot, now) => offersFor(snapshot.panes.services.data, triggered, overrides, now);
}
