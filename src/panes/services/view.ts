// The services pane drawn, with the last hour of each service's response times where it is wide enough.
import { defineView } from '../../ui/panes/index.js';
import { servicesPane } from '../../ui/panes/services.js';

export const servicesView = defineView('services', {
  view: ({ trends }) => trends,
  render: (entry, area, trends) => servicesPane(entry, area.width, area.height, trends),
});
