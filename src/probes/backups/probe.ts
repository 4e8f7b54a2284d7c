// The backups probe: is every backup set fresh against its schedule, locally and on the NAS,
// and is the database's WAL archiving working. Reader: src/probes/backups/reader.ts; parsing
// and assessment: reading.ts. Docs: docs/backups.md.
import type { BackupsReading } from '../../model/backups.js';
import type { Probe } from '../probe.js';
import { assessBackups, parseBackups } from './reading.js';
import type { BackupsConfig, BackupsRaw } from './types.js';

export { type BackupsHosts, type BackupsReaderOptions, backupsReader } from './reader.js';
export { assessBackups, backupsSummary, parseBackups, stateText } from './reading.js';
export type * from './types.js';

export function backupsProbe(read: (signal: AbortSignal) => Promise<BackupsRaw>, config: BackupsConfig): Probe<BackupsRaw, BackupsReading> {
  return {
    id: 'backups',
    intervalMs: config.interval,
    // Sets and WAL checks run at once, each call within `timeout`; a little more for the stop.
    timeoutMs: config.timeout + 2000,
    read,
    parse: (raw) => parseBackups(raw, config),
    assess: (reading) => assessBackups(reading),
  };
}
