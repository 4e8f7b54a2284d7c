// Whether a secondary Pi-hole serves the same lists as the primary. Pi-hole has no replication
// of its own (reference/protocols.md §1.7): a sync job copies the primary's gravity to the
// secondary, so a different gravity size, or update times far apart, mean the job stopped.
import { thousands } from '../../config/thousands.js';
import type { Drift, PiholeSummary } from '../../model/dns.js';

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/**
 * Compares one secondary with the primary. Values a side does not report are not compared
 * (an unknown update time is not a difference).
 */
export function compareGravity(
  primary: { name: string; summary: PiholeSummary },
  secondary: { name: string; summary: PiholeSummary },
  toleranceMs: number,
): Drift {
  const reasons: string[] = [];
  const a = primary.summary;
  const b = secondary.summary;
  if (a.gravityDomains !== null && b.gravityDomains !== null && a.gravityDomains !== b.gravityDomains) {
    reasons.push(`gravity ${thousands(b.gravityDomains)} vs ${thousands(a.gravityDomains)} domains`);
  }
  if (a.gravityUpdatedAt !== null && b.gravityUpdatedAt !== null) {
    const gap = b.gravityUpdatedAt - a.gravityUpdatedAt;
    if (Math.abs(gap) > toleranceMs)
      reasons.push(`gravity updated ${span(Math.abs(gap))} ${gap < 0 ? 'before' : 'after'} ${primary.name}'s`);
  }
  return { server: secondary.name, against: primary.name, inSync: reasons.length === 0, reasons };
}

/**
 * Every Pi-hole after the first compared with the first (config order: primary first). Nothing
 * is said about a pair when either side's summary could not be read.
 */
export function gravityDrift(piholes: readonly { name: string; summary: PiholeSummary | null }[], toleranceMs: number): Drift[] {
  const [primary, ...others] = piholes;
  if (!primary?.summary) return [];
  const reference = { name: primary.name, summary: primary.summary };
  return others.flatMap((other) =>
    other.summary ? [compareGravity(reference, { name: other.name, summary: other.summary }, toleranceMs)] : [],
  );
}
