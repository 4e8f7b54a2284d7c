// Every command a key can be bound to, with the words the help overlay shows.

export const COMMANDS = {
  quit: 'Quit the console',
  help: 'Show or hide this help',
  close: 'Close the help or a dialog',
  'focus.next': 'Focus the next pane',
  'focus.prev': 'Focus the previous pane',
  refresh: 'Read every source now',
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
  'scroll.down': 'Scroll the focused pane down',
  'scroll.up': 'Scroll the focused pane up',
  'page.down': 'Scroll the focused pane a page down',
  'page.up': 'Scroll the focused pane a page up',
  'scroll.top': 'Scroll the focused pane to the top',
} as const;

export type Command = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as Command[];

export function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMANDS, name);
}
