// The panes the Snapshot has, in the order `status` lists them. Only names: the user's view files
// are checked against this list by code that must not load the panes themselves (the config
// loader); src/panes/sources.ts holds the same ids, in the same order, or does not compile.
export const PANE_IDS = ['cpu', 'gpu', 'containers', 'dns', 'vpn', 'backups', 'services'] as const;

export type PaneId = (typeof PANE_IDS)[number];
