// The DNS pane drawn, with the last hour of each server's latency where it is wide enough.
import { dnsPane } from '../../ui/panes/dns.js';
import { defineView } from '../../ui/panes/index.js';

export const dnsView = defineView('dns', {
  view: ({ trends }) => trends,
  render: (entry, area, trends) => dnsPane(entry, area.width, area.height, area.config, trends),
});
