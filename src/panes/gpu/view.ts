// The GPU pane drawn.
import { gpuPane } from '../../ui/panes/gpu.js';
import { defineView } from '../../ui/panes/index.js';

export const gpuView = defineView('gpu', {
  view: () => undefined,
  render: (entry, area) => gpuPane(entry, area.width, area.height, area.config),
});
