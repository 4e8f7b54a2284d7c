// The backups pane's source: the backup sets' listings, repositories and WAL archiving.
import { replayBackups } from '../../demo/backups-replay.js';
import { lastDrills } from '../../drills/store.js';
import { backupsProbe, backupsReader } from '../../probes/backups/probe.js';
import { defineSource } from '../kind.js';

const NONE = 'not configured (no backups.sets in the config)';

export const backupsSource = defineSource({
  id: 'backups',
  off: (config) => (config.backups && config.backups.sets.length > 0 ? null : NONE),
  live({ config, hosts, env, overSsh }) {
    const sets = config.backups;
    if (!sets) return { disabled: NONE };
    return {
      probe: backupsProbe(backupsReader(sets, hosts, { env, drills: () => lastDrills(env) }), sets),
      via: sets.sets.map((set) => set.host).filter(overSsh),
    };
  },
  demo({ config }, scenario) {
    const sets = config.backups;
    const read = sets ? replayBackups(scenario, sets) : null;
    return sets && read ? { probe: backupsProbe(read, sets) } : { disabled: `no backups in scenario ${scenario.name}` };
  },
});
