// A trigger's automatic response (`response: auto`): the runbook an offer names is run without
// anyone at a terminal, by whatever watches the estate without a screen. Once per episode (an
// offer's runbook and since when its condition held): an offer that stays is not run again, one
// that comes back later is. One run at a time, through the runner like any other run, so the
// lock, the audit log and read-only mode apply; its confirm steps are answered yes, and said so
// in the audit log (the user is "NAME via trigger"). A notification says it started and how it
// ended. Nothing here decides whether a runbook is called for: that is the offers' (triggers.ts).

import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Hosts } from '../hosts/registry.js';
import type { Offer } from '../model/offer.js';
import type { RunEvent, RunOutcome } from '../model/runs.js';
import type { RunbookCatalog } from './load.js';
import { currentUser, LockedError } from './lock.js';
import { prepareRun } from './prepare.js';
import { type RunResult, runPlan } from './runner.js';

export type AutoNotice = {
  level: 'info' | 'warn' | 'crit';
  /** started: the run begins; how it ended (ok, failed, aborted, interrupted); refused: not run. */
  state: 'started' | RunOutcome | 'refused';
  runbook: string;
  /** Since when the offer's condition held (ISO): the episode the notice is about. */
  since: string;
  text: string;
};

export type AutoResponseDeps = {
  catalog: Pick<RunbookCatalog, 'get'>;
  config: Config;
  env: Env;
  hosts: Hosts;
  /** Where the house is told (a notification channel); a failure to tell stops nothing. */
  notify: (notice: AutoNotice) => void | Promise<void>;
  readOnly?: boolean;
  /** Why no runbook is run at all (a demo replays recordings): each episode is refused, once. */
  refusal?: string;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
};

export type AutoOutcome = { runbook: string; since: string; result: RunResult | null; error: string | null };

const episode = (offer: Offer) => `${offer.runbook}@${offer.since}`;

export class AutoResponder {
  private readonly handled = new Set<string>();
  private running: Promise<AutoOutcome[]> | null = null;

  constructor(private readonly deps: AutoResponseDeps) {}

  /**
   * Runs what the Snapshot's automatic offers call for and has not been run in this episode;
   * resolves with what was run. While a run goes on, a later Snapshot waits for the next call.
   */
  respond(snapshot: { readonly offers: readonly Offer[] }): Promise<AutoOutcome[]> {
    if (this.running) return Promise.resolve([]);
    const current = new Set(snapshot.offers.map(episode));
    // An episode that ended can come back (a new since): forget the ones no longer offered.
    for (const key of this.handled) if (!current.has(key)) this.handled.delete(key);
    const due = snapshot.offers.filter((o) => o.response === 'auto' && !this.handled.has(episode(o)));
    if (due.length === 0) return Promise.resolve([]);
    for (const offer of due) this.handled.add(episode(offer));
    this.running = this.runAll(due).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async tell(notice: AutoNotice): Promise<void> {
    try {
      await this.deps.notify(notice);
    } catch {
      // The run matters more than the message about it.
    }
  }

  private async runAll(offers: readonly Offer[]): Promise<AutoOutcome[]> {
    const outcomes: AutoOutcome[] = [];
    for (const offer of offers) outcomes.push(await this.runOne(offer));
    return outcomes;
  }

  private async runOne(offer: Offer): Promise<AutoOutcome> {
    const { deps } = this;
    const base = { runbook: offer.runbook, since: offer.since };
    const runbook = deps.catalog.get(offer.runbook);
    if (!runbook || runbook.unavailable || deps.refusal) {
      const error = deps.refusal ?? runbook?.unavailable ?? `no runbook "${offer.runbook}"`;
      await this.tell({ level: 'crit', state: 'refused', ...base, text: `${offer.runbook} was not run automatically: ${error}` });
      return { ...base, result: null, error };
    }
    await this.tell({ level: 'warn', state: 'started', ...base, text: `running ${offer.runbook} automatically: ${offer.reason}` });
    try {
      const plan = prepareRun(runbook, {}, { config: deps.config, env: deps.env });
      const result = await runPlan(plan, {
        config: deps.config,
        hosts: deps.hosts,
        env: deps.env,
        user: `${currentUser(deps.env)} via trigger`,
        // No one to ask: the config asked for this runbook to run by itself.
        confirm: async () => true,
        // A step of an earlier run still running is for a person to judge.
        onOrphan: async () => 'refuse',
        readOnly: deps.readOnly ?? false,
        ...(deps.onEvent ? { onEvent: deps.onEvent } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const failed = result.status === 'failed' ? ` at step ${result.failedStep ?? '?'}${result.message ? `: ${result.message}` : ''}` : '';
      await this.tell({
        level: result.status === 'ok' ? 'info' : 'crit',
        state: result.status,
        ...base,
        text: `${offer.runbook} (run automatically) ${result.status === 'ok' ? 'finished' : result.status}${failed} · run ${result.runId}`,
      });
      return { ...base, result, error: null };
    } catch (error) {
      const text = error instanceof LockedError ? `already running: ${error.message}` : (error as Error).message;
      await this.tell({ level: 'crit', state: 'refused', ...base, text: `${offer.runbook} was not run automatically: ${text}` });
      return { ...base, result: null, error: text };
    }
  }
}
