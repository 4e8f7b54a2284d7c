// The GPU pane drawn, with the last hour of each GPU's use and temperature where it is wide enough.
import { gpuPane } from '../../ui/panes/gpu.js';
import { defineView } from '../../ui/panes/index.js';

export const gpuView = defineView('gpu', {
  view: ({ trends }) => trends,
  render: (entry, area, trends) => gpuPane(entry, area.width, area.height, area.config, trends),
});
