// The services pane drawn, with the last hour of each service's response times where it is
// wide enough, and the selection while it has the focus.
import { defineView, viewPair } from '../../ui/panes/index.js';
import { servicesPane } from '../../ui/panes/services.js';

const pair = viewPair<Parameters<typeof servicesPane>[3], Parameters<typeof servicesPane>[4]>();

export const servicesView = defineView('services', {
  view: ({ ix, focused, trends }) => pair(trends, focused ? ix.services : undefined),
  render: (entry, area, view) => servicesPane(entry, area.width, area.height, view.a, view.b),
});
