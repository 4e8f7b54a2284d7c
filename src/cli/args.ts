// Command-line parsing. Pure: argv in, a request or a usage error out.
import { parseDuration } from '../config/units.js';

export type GlobalOptions = {
  config?: string;
  view?: string;
  keymap?: string;
  demo?: string;
  readOnly: boolean;
  refreshMs?: number;
  noColor: boolean;
};

export type Request =
  | { command: 'console'; options: GlobalOptions }
  | { command: 'status'; options: GlobalOptions; json: boolean }
  | { command: 'check-config'; options: GlobalOptions }
  | { command: 'help' }
  | { command: 'version' };

export class UsageError extends Error {}

const COMMANDS = ['status', 'check-config'] as const;
export const DEFAULT_SCENARIO = 'healthy';

export function parseArgs(argv: readonly string[]): Request {
  const options: GlobalOptions = { readOnly: false, noColor: false };
  let command: (typeof COMMANDS)[number] | undefined;
  let json = false;
  const args = [...argv];
  const value = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) {
      if (inline === '') throw new UsageError(`${flag} needs a value`);
      return inline;
    }
    const next = args.shift();
    if (next === undefined || next.startsWith('-')) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  while (args.length) {
    const arg = args.shift() ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    switch (flag) {
      case '-h':
      case '--help':
        return { command: 'help' };
      case '-V':
      case '--version':
        return { command: 'version' };
      case '--config':
        options.config = value(flag, inline);
        break;
      case '--view':
        options.view = value(flag, inline);
        break;
      case '--keymap':
        options.keymap = value(flag, inline);
        break;
      case '--demo': {
        // The scenario is optional: `--demo`, `--demo gpu-hot`, `--demo=gpu-hot`.
        const next = args[0];
        if (inline !== undefined) options.demo = value(flag, inline);
        else if (next !== undefined && !next.startsWith('-') && !(COMMANDS as readonly string[]).includes(next)) options.demo = args.shift();
        else options.demo = DEFAULT_SCENARIO;
        break;
      }
      case '--read-only':
        options.readOnly = true;
        break;
      case '--no-color':
        options.noColor = true;
        break;
      case '--refresh': {
        const text = value(flag, inline);
        const ms = parseDuration(text);
        if (ms === undefined || ms < 250) throw new UsageError(`--refresh: "${text}" is not a duration of 250ms or more (e.g. 2s, 500ms)`);
        options.refreshMs = ms;
        break;
      }
      case '--json':
        if (command !== 'status') throw new UsageError('--json belongs to `homeops status`');
        json = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (command) throw new UsageError(`unexpected argument "${arg}"`);
        if (!(COMMANDS as readonly string[]).includes(arg)) throw new UsageError(`unknown command "${arg}" (commands: ${COMMANDS.join(', ')})`);
        command = arg as (typeof COMMANDS)[number];
    }
  }
  if (command === 'status') return { command, options, json };
  if (command === 'check-config') return { command, options };
  return { command: 'console', options };
}

export const HELP = `homeops — a terminal console for a home server estate

Usage:
  homeops [options]                 the live console
  homeops status [--json] [options] one snapshot of every pane; exit 0 ok, 1 warn, 2 crit, 3 unknown
  homeops check-config [options]    validate config, views and keymap; print the files used

Options:
  --config FILE        config file (also HOMEOPS_CONFIG; default
                       $XDG_CONFIG_HOME/homeops/config.yaml, else the built-in estate)
  --view NAME|FILE     view: workstation, tmux, outage, or a file (default: by terminal size)
  --keymap NAME|FILE   keymap: default, vim, or a file
  --demo [SCENARIO]    replay a recorded scenario instead of reading this machine
                       (default ${DEFAULT_SCENARIO}; scenarios: SCENARIOS)
  --read-only          refuse every action that changes anything
  --refresh DURATION   redraw interval, e.g. 2s or 500ms (default from config: 2s)
  --no-color           no colour (also NO_COLOR=1); statuses are always words too
  -h, --help           this help
  -V, --version        the version

Keys (default keymap): ? help · q quit · Tab/Shift-Tab focus · r refresh · 1-9 views · v next view
Errors in a config, view or keymap file: one line FILE:LINE:COL field: problem, exit 78.
`;
