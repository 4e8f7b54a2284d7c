// The CPU pane drawn: cores and memory against the plan, with what each group's containers use
// and, where it is wide enough, each group's last hour.
import { cpuPane } from '../../ui/panes/cpu.js';
import { defineView, viewPair } from '../../ui/panes/index.js';

const pair = viewPair<Parameters<typeof cpuPane>[4], Parameters<typeof cpuPane>[5]>();

export const cpuView = defineView('cpu', {
  // What each plan group's containers use, from the containers pane's reading; the trends.
  view: ({ snapshot, trends }) => pair(snapshot.panes.containers.data?.groups, trends),
  render: (entry, area, view) => cpuPane(entry, area.width, area.config, entry.host ?? area.host, view.a, view.b),
});
