// The CPU pane drawn: cores and memory against the plan, with what each group's containers use.
import { cpuPane } from '../../ui/panes/cpu.js';
import { defineView } from '../../ui/panes/index.js';

export const cpuView = defineView('cpu', {
  // What each plan group's containers use, from the containers pane's reading.
  view: ({ snapshot }) => snapshot.panes.containers.data?.groups,
  render: (entry, area, groups) => cpuPane(entry, area.width, area.config, entry.host ?? area.host, groups),
});
