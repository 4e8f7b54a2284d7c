// The services pane drawn.
import { defineView } from '../../ui/panes/index.js';
import { servicesPane } from '../../ui/panes/services.js';

export const servicesView = defineView('services', {
  view: () => undefined,
  render: (entry, area) => servicesPane(entry, area.width, area.height),
});
