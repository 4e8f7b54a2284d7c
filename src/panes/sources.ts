// Every pane kind's source, registered once, in the order the Snapshot and `status` list them.

import type { PANE_IDS } from '../model/panes.js';
import type { PaneData } from '../model/snapshot.js';
import { backupsSource } from './backups/source.js';
import { containersSource } from './containers/source.js';
import { cpuSource } from './cpu/source.js';
import { dnsSource } from './dns/source.js';
import { gpuSource } from './gpu/source.js';
import type { PaneSource } from './kind.js';
import { servicesSource } from './services/source.js';
import { vpnSource } from './vpn/source.js';

export const PANE_SOURCES = [cpuSource, gpuSource, containersSource, dnsSource, vpnSource, backupsSource, servicesSource] as const;

type Sources = typeof PANE_SOURCES;

/** Each registered source's data type, by id. */
type SourcedData = { [S in Sources[number] as S['id']]: S extends PaneSource<string, infer Data> ? Data : never };

// The ids the config loader checks views against (ids.ts) are these, in this order: a pane
// added here and not there, or the other way round, does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type IdsOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends { id: infer Id } ? Id : never };
const idsMatch: Same<IdsOf<Sources>, typeof PANE_IDS> = true;
void idsMatch;
// And each reads what the Snapshot's PaneData (model/snapshot.ts) says it carries.
const dataMatch: Same<SourcedData, PaneData> = true;
void dataMatch;
