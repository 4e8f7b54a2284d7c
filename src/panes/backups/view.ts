// The backups pane drawn: the sets, with the selection and a set's detail while it has the focus.
import { backupsPane } from '../../ui/panes/backups.js';
import { defineView } from '../../ui/panes/index.js';

export const backupsView = defineView('backups', {
  view: ({ ix, focused }) => (focused ? ix.backups : undefined),
  render: (entry, area, view) => backupsPane(entry, area.width, area.height, area.config, view),
});
