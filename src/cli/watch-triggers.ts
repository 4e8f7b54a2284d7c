// The watcher's part in runbook triggers: the Snapshots it records list what the runbooks'
// triggers call for (as the console's and `status`'s do), and the automatic ones are run by a
// reaction (src/alerts/trigger-reaction.ts). Without services to watch no trigger can fire, so
// nothing is loaded then.

import type { Message } from '../alerts/engine.js';
import type { Reaction } from '../alerts/reactions.js';
import type { Env } from '../config/paths.js';
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
  io: { env: Env; cwd: string },
  send: (message: Message) => void,
): Promise<Reaction[]> {
  if (!s.config.services?.list.length) return [];
  const [{ loadRunbooks }, { offersFor, triggeredRunbooks }, { TriggerReaction }] = await Promise.all([
    import('../runbooks/load.js'),
    import('../runbooks/triggers.js'),
    import('../alerts/trigger-reaction.js'),
  ]);
  const catalog = loadRunbooks({ config: s.config, env: io.env, cwd: io.cwd, configFile: s.source.path ?? undefined });
  const triggered = triggeredRunbooks(catalog.runbooks);
  if (triggered.length === 0) return [];
  runtime.monitor.setOffers((snapshot, now) => offersFor(snapshot.panes.services.data, triggered, s.config.runbooks?.triggers, now));
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
