// The DNS pane drawn.
import { dnsPane } from '../../ui/panes/dns.js';
import { defineView } from '../../ui/panes/index.js';

export const dnsView = defineView('dns', {
  view: () => undefined,
  render: (entry, area) => dnsPane(entry, area.width, area.height, area.config),
});
