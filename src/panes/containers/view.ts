// The containers pane drawn: a table with its sort, filter, selection and detail.
import { containersPane } from '../../ui/panes/containers.js';
import { defineView } from '../../ui/panes/index.js';

export const containersView = defineView('containers', {
  view: ({ ix }) => ix.containers,
  render: (entry, area, view) => containersPane(entry, area.width, area.height, area.config, view),
});
