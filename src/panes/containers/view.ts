// The containers pane drawn: a table with its sort, filter, selection and detail (the selected
// container's last hour in it, where it is wide enough).
import { containersPane } from '../../ui/panes/containers.js';
import { defineView, viewPair } from '../../ui/panes/index.js';

const pair = viewPair<Parameters<typeof containersPane>[4], Parameters<typeof containersPane>[5]>();

export const containersView = defineView('containers', {
  view: ({ ix, trends }) => pair(ix.containers, trends),
  render: (entry, area, view) => containersPane(entry, area.width, area.height, area.config, view.a, view.b),
});
