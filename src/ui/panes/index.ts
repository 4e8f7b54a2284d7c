import type { Config } from '../../config/schema.js';
import type { PaneEntry, PaneId, Panes } from '../../monitor/snapshot.js';
import { backupsPane } from './backups.js';
import type { BackupsView } from './backups-view.js';
import type { PaneContent } from './common.js';
import { containersPane } from './containers.js';
import type { ContainerGroupUsage } from '../../probes/containers/types.js';
import type { ContainersView } from './containers-view.js';
import { cpuPane } from './cpu.js';
import { dnsPane } from './dns.js';
import { gpuPane } from './gpu.js';
import { vpnPane } from './vpn.js';

/** What the App keeps for a pane besides the Snapshot: the containers table's sort, filter and selection. */
export type PaneViewState = {
  containers?: ContainersView | undefined;
  /** The backups pane's selection and detail, while it has the focus. */
  backups?: BackupsView | undefined;
  /** What each plan group's containers use, from the containers pane's reading (for the CPU pane). */
  containerGroups?: readonly ContainerGroupUsage[] | undefined;
};

/** Builds a pane's content lines for the space it has. */
export function paneContent<K extends PaneId>(id: K, entry: Panes[K], width: number, height: number, config: Config, host: string, view: PaneViewState = {}): PaneContent {
  switch (id) {
    case 'cpu':
      return cpuPane(entry as PaneEntry<Panes['cpu']['data'] & object>, width, config, entry.host ?? host, view.containerGroups);
    case 'gpu':
      return gpuPane(entry as PaneEntry<Panes['gpu']['data'] & object>, width, height, config);
    case 'containers':
      return containersPane(entry as PaneEntry<Panes['containers']['data'] & object>, width, height, config, view.containers);
    case 'dns':
      return dnsPane(entry as PaneEntry<Panes['dns']['data'] & object>, width, height, config);
    case 'vpn':
      return vpnPane(entry as PaneEntry<Panes['vpn']['data'] & object>, width, height, config);
    case 'backups':
      return backupsPane(entry as PaneEntry<Panes['backups']['data'] & object>, width, height, config, view.backups);
    default:
      return { title: id, lines: [] };
  }
}
