// Every pane kind's view, by id: how the console draws it. A pane without one does not compile.
import type { PaneRenderers } from '../ui/panes/index.js';
import { backupsView } from './backups/view.js';
import { containersView } from './containers/view.js';
import { cpuView } from './cpu/view.js';
import { dnsView } from './dns/view.js';
import { gpuView } from './gpu/view.js';
import { servicesView } from './services/view.js';
import { vpnView } from './vpn/view.js';

export const PANE_RENDERERS: PaneRenderers = {
  cpu: cpuView,
  gpu: gpuView,
  containers: containersView,
  dns: dnsView,
  vpn: vpnView,
  backups: backupsView,
  services: servicesView,
};
