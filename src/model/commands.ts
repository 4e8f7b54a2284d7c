// Every command a key can be bound to, with the words the help overlay shows. Besides these,
// `runbook:<id>` runs the runbook with that id (checked against the runbooks found at start).

export const COMMANDS = {
  quit: 'Quit the console (in a panel or the menu: close it)',
  help: 'Show or hide this help',
  close: 'Close the help, a dialog, the menu or a panel; abort a run',
  select: "Run the picked runbook; open a container's or backup's detail",
  'confirm.yes': 'Answer yes in a dialog',
  'confirm.no': 'Answer no in a dialog',
  'focus.next': 'Focus the next pane',
  'focus.prev': 'Focus the previous pane',
  refresh: 'Read every source now',
  redraw: 'Draw the whole screen again (after something else wrote on it)',
  'theme.next': 'The next theme: dark, light, high-contrast',
  'view.next': 'Switch to the next view',
  'view.auto': 'Choose the view by terminal size again',
  'view.1': 'Switch to view 1',
  'view.2': 'Switch to view 2',
  'view.3': 'Switch to view 3',
  'view.4': 'Switch to view 4',
  'view.5': 'Switch to view 5',
  'view.6': 'Switch to view 6',
  'view.7': 'Switch to view 7',
  'view.8': 'Switch to view 8',
  'view.9': 'Switch to view 9',
  'scroll.down': 'Scroll down, or the next row or menu entry',
  'scroll.up': 'Scroll up, or the previous row or menu entry',
  'page.down': 'A page down',
  'page.up': 'A page up',
  'scroll.top': 'To the top',
  'scroll.bottom': 'To the bottom (a logs view follows new lines again)',
  filter: 'Filter the containers, search the logs: type, enter keeps it',
  sort: 'Sort the containers by the next column',
  'sort.previous': 'Sort the containers by the previous column',
  'sort.reverse': "Reverse the containers' order",
  'sort.name': 'Sort the containers by name (again: reversed)',
  'sort.group': 'Sort the containers by plan group (again: reversed)',
  'sort.state': 'Sort by state, the troubled first (again: reversed)',
  'sort.health': 'Sort by health, the unhealthy first (again: reversed)',
  'sort.cpu': 'Sort by CPU, the busiest first (again: reversed)',
  'sort.memory': 'Sort by memory, the largest first (again: reversed)',
  'sort.restarts': 'Sort by restarts, the most first (again: reversed)',
  'sort.uptime': 'Sort by uptime, the newest first (again: reversed)',
  'sort.problems': 'Containers in trouble first (the default), or not',
  'container.restart': 'Restart the selected container (asks first)',
  'container.stop': 'Stop the selected container (asks first)',
  'container.start': 'Start the selected container (asks first)',
  'container.logs': "The selected container's logs, following new lines",
  'container.shell': 'A shell in the selected container (asks first)',
  'container.group-logs': "The merged logs of the selected container's plan group",
  'logs.follow': 'In the logs: follow new lines, or hold the view',
  'logs.timestamps': 'In the logs: timestamps on or off',
  'logs.wrap': 'In the logs: wrap long lines, or cut them',
  'logs.next': 'In the logs: the next (newer) match',
  'logs.previous': 'In the logs: the previous (older) match',
  'logs.save': 'In the logs: save the lines kept to a file',
  'logs.since': 'In the logs: start 1m, 5m, 15m, 1h, 1d back, or last lines',
  'dns.disable-blocking': 'Disable blocking on every Pi-hole for a while (asks first)',
  'dns.enable-blocking': 'Enable blocking on every Pi-hole again (asks first)',
  'backups.verify': "Verify backups: maintenance runbook's verify-backups part",
  runbooks: 'The runbook menu: run one, its dry run, the history',
  'runbook.dry-run': "In the menu: each step's host and exact command, nothing run",
  'runbook.history': 'The runs of runbooks, from the audit log',
  'offer.run': 'Run the runbook the banner offers (asks first)',
  timeline: 'The timeline: what changed while nobody looked',
  trends: "The focused pane's history: last hour, day and week",
  'alerts.ack': "Acknowledge the focused pane's alerts (no reminders)",
  'alerts.silence': 'Silence the focused pane or one of its alerts (asks)',
} as const;

export type StaticCommand = keyof typeof COMMANDS;
export type RunbookCommand = `runbook:${string}`;
export type Command = StaticCommand | RunbookCommand;

/** The fixed commands, in the order help lists them. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as StaticCommand[];

export const RUNBOOK_PREFIX = 'runbook:';

/** A runbook id as the runbook schema allows it. */
const RUNBOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isStaticCommand(name: string): name is StaticCommand {
  return Object.hasOwn(COMMANDS, name);
}

/** The runbook id of a `runbook:<id>` command, or null for any other command. */
export function runbookOf(command: string): string | null {
  if (!command.startsWith(RUNBOOK_PREFIX)) return null;
  const id = command.slice(RUNBOOK_PREFIX.length);
  return RUNBOOK_ID.test(id) ? id : null;
}

export function isCommand(name: string): name is Command {
  return isStaticCommand(name) || runbookOf(name) !== null;
}

/** The runbook ids that `runbook:<id>` bindings name. */
export function boundRunbooks(keymap: { bindings: ReadonlyMap<string, unknown> }): string[] {
  const ids: string[] = [];
  for (const command of keymap.bindings.keys()) {
    const id = runbookOf(command);
    if (id !== null) ids.push(id);
  }
  return ids;
}

/** What help says a command does. */
export function describeCommand(command: Command, runbookTitles?: ReadonlyMap<string, string>): string {
  const id = runbookOf(command);
  if (id === null) return COMMANDS[command as StaticCommand] ?? command;
  const title = runbookTitles?.get(id);
  return `Run runbook ${id}${title ? `: ${title}` : ''}`;
}
