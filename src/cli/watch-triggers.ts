// The watcher's part in runbook triggers: the Snapshots it records list what the runbooks'
// triggers call for (as the console's and `status`'s do), and the automatic ones are run by a
// reaction (src/alerts/trigger-reaction.ts). Without services to watch no trigger can fire, so
// nothing is loaded then.

import type { Message } from '../alerts/engine.js';
import type { Reaction } from '../alerts/reactions.js';
import type { Env } from '../config/paths.js';
import type { SetupCache } from '../config/setup-cache.js';
import type { Runtime } from './runtime.js';
import type { Setup } from './setup-core.js';

/** A demo replays recordings: its triggers are recorded as refused, never run. */
const DEMO_REFUSAL = 'a demo scenario replays recordings, so no runbook runs against the estate';

/**
 * Sets the monitor's offers and returns the reaction that runs the automatic ones; none when
 * no runbook has a trigger. A broken runbook file throws its located error (exit 78).
 */
export async function triggerReactions(
  s: Setup,
  runtime: Runtime,
  io: { env: Env; cwd: string; cache?: SetupCache | undefined },
  send: (message: Message) => void,
): Promise<Reaction[]> {
  if (!s.config.services?.list.length) return [];
  const [{ runbookCatalog }, { offersOf }, { TriggerReaction }] = await Promise.all([
    import('./runbook-catalog.js'),
    import('../runbooks/triggers.js'),
    import('../alerts/trigger-reaction.js'),
  ]);
  // The console's catalog (cli/runbook-catalog.ts): from the setup cache while the files are
  // unchanged, so that the watcher, which runs for weeks, does not keep the validators loaded.
  const catalog = await runbookCatalog({ config: s.config, env: io.env, cwd: io.cwd, configFile: s.source.path ?? undefined }, io.cache);
  const offers = offersOf(catalog.runbooks, s.config.runbooks?.triggers);
  if (!offers) return [];
  runtime.monitor.setOffers(offers);
  return [
    new TriggerReaction({
      catalog,
      config: s.config,
      env: io.env,
      hosts: runtime.hosts,
      readOnly: s.readOnly,
      send,
      ...(s.scenario ? { refusal: DEMO_REFUSAL } : {}),
    }),
  ];
}
