// Each service's recent checks, for its response time and error rate over the last 5 and 60
// minutes and for when its current outage began. Kept by the probe between reads; an hour of
// checks every 15 s is 240 per service.
import type { CheckResult, Windowed } from './types.js';

const M5 = 5 * 60_000;
const M60 = 60 * 60_000;

type Sample = { at: number; up: boolean; ms: number | null };

/** The p-th percentile (0..1) of values, nearest rank; null with none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? null;
}

export type ServiceWindows = {
  p95: Windowed;
  errorRate: Windowed;
  checks: { m5: number; m60: number };
  /** When the current run of failures began; null when the newest check passed (or none was judged). */
  downSince: number | null;
  /** When the current run of passing checks began (as far as this console has seen); null after a failure. */
  upSince: number | null;
  /** Checks in a row that failed, newest back. */
  failStreak: number;
  /** A check of it has passed within the hour kept. */
  seenUp: boolean;
};

export class ServiceHistory {
  private readonly samples = new Map<string, Sample[]>();
  /** The first failure of each service's current outage, kept past the hour the samples cover. */
  private readonly outageStart = new Map<string, number>();
  private readonly streak = new Map<string, number>();
  private readonly upStart = new Map<string, number>();

  /** Adds judged checks (in any order); checks that could not run are not the service's doing. */
  record(results: readonly CheckResult[]): void {
    for (const result of [...results].sort((a, b) => a.at - b.at)) {
      if (result.up === null) continue;
      const list = this.samples.get(result.service) ?? [];
      if (list.length > 0 && (list.at(-1)?.at ?? 0) > result.at) continue;
      list.push({ at: result.at, up: result.up, ms: result.ms });
      this.samples.set(result.service, list);
      if (result.up) {
        if (!this.upStart.has(result.service)) this.upStart.set(result.service, result.at);
        this.outageStart.delete(result.service);
        this.streak.set(result.service, 0);
      } else {
        this.upStart.delete(result.service);
        if (!this.outageStart.has(result.service)) this.outageStart.set(result.service, result.at);
        this.streak.set(result.service, (this.streak.get(result.service) ?? 0) + 1);
      }
    }
  }

  /** Drops what is older than an hour before `now`, and services no longer configured. */
  prune(now: number, services: ReadonlySet<string>): void {
    for (const [name, list] of this.samples) {
      if (!services.has(name)) {
        this.samples.delete(name);
        this.outageStart.delete(name);
        this.streak.delete(name);
        this.upStart.delete(name);
        continue;
      }
      const first = list.findIndex((s) => s.at > now - M60);
      if (first < 0) list.length = 0;
      else if (first > 0) list.splice(0, first);
    }
  }

  windows(service: string, now: number): ServiceWindows {
    const list = this.samples.get(service) ?? [];
    const over = (span: number) => list.filter((s) => s.at > now - span);
    const stats = (within: Sample[]) => ({
      p95: percentile(
        within.filter((s) => s.ms !== null).map((s) => s.ms as number),
        0.95,
      ),
      errors: within.length ? within.filter((s) => !s.up).length / within.length : null,
    });
    const m5 = over(M5);
    const m60 = over(M60);
    const a = stats(m5);
    const b = stats(m60);
    return {
      p95: { m5: a.p95, m60: b.p95 },
      errorRate: { m5: a.errors, m60: b.errors },
      checks: { m5: m5.length, m60: m60.length },
      downSince: this.outageStart.get(service) ?? null,
      upSince: this.upStart.get(service) ?? null,
      failStreak: this.streak.get(service) ?? 0,
      seenUp: m60.some((s) => s.up),
    };
  }
}
