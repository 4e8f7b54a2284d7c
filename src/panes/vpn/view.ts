// The VPN pane drawn.
import { defineView } from '../../ui/panes/index.js';
import { vpnPane } from '../../ui/panes/vpn.js';

export const vpnView = defineView('vpn', {
  view: () => undefined,
  render: (entry, area) => vpnPane(entry, area.width, area.height, area.config),
});
