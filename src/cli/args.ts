// Command-line parsing. Pure: argv in, a request or a usage error out.
import { parseDuration } from '../config/units.js';
import { isProfileName, PROFILE_ENV, PROFILES, type ProfileName } from '../hosts/profile.js';
import { isThemeName, THEME_NAMES, type ThemeName } from '../ui/theme.js';

export type GlobalOptions = {
  config?: string;
  view?: string;
  keymap?: string;
  demo?: string;
  readOnly: boolean;
  refreshMs?: number;
  noColor: boolean;
  /** --no-mouse: the terminal keeps the mouse (its own selection); the console takes no clicks. */
  noMouse?: true;
  /** --since: how far back a logs view starts ("10m"), instead of the last lines. */
  since?: string;
  /** dark, light or high-contrast (--theme). */
  theme?: ThemeName;
  /** Where the console runs: local (on the host marked local), remote (every host over SSH), auto. */
  profile?: ProfileName;
};

/** `homeops runbook …`: what to do with which runbook. */
export type RunbookRequest =
  | { action: 'list' }
  | { action: 'show'; id: string }
  | {
      action: 'run';
      id: string;
      dryRun: boolean;
      yes: boolean;
      inputs: string[];
      resume: boolean;
      part: string | null;
      stillRunning: 'kill' | 'wait' | null;
    }
  | { action: 'history'; id?: string; limit: number }
  | { action: 'unlock'; id: string; force: boolean };

export const RUNBOOK_ACTIONS = ['list', 'show', 'run', 'history', 'unlock'] as const;

export const INIT_SOURCES = ['detect', 'estate'] as const;
export type InitSource = (typeof INIT_SOURCES)[number];
/** `homeops init`: where the config it writes comes from; --force replaces a file (kept as a backup). */
export type InitRequest = { from: InitSource; force: boolean };
/** `homeops watch`: headless, or only the systemd unit printed. */
export type WatchRequest = { json: boolean; printUnit: boolean; metrics: { host: string; port: number } | null };

/** `homeops silence`: the silences in force, or one set (a duration) or lifted (`off`). */
export type SilenceRequest =
  | { action: 'list' }
  | { action: 'set'; target: string; durationMs: number; reason: string | null }
  | { action: 'lift'; target: string };

export type Request =
  | { command: 'console'; options: GlobalOptions }
  | { command: 'runbook'; options: GlobalOptions; runbook: RunbookRequest }
  | { command: 'status'; options: GlobalOptions; json: boolean }
  | { command: 'watch'; options: GlobalOptions; watch: WatchRequest }
  | { command: 'events'; options: GlobalOptions; json: boolean; sinceMs: number }
  | { command: 'silence'; options: GlobalOptions; silence: SilenceRequest }
  | { command: 'check-config'; options: GlobalOptions }
  | { command: 'drill'; options: GlobalOptions; sets: string[]; json: boolean }
  | { command: 'init'; options: GlobalOptions; init: InitRequest }
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'reset-state' };

/** A mistake on the command line (exit 64). `pointer`: the message says where to look already. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly pointer = false,
  ) {
    super(message);
  }
}

const COMMANDS = ['status', 'check-config', 'runbook', 'drill', 'init', 'watch', 'events', 'silence'] as const;
export const DEFAULT_SCENARIO = 'healthy';
/** What `homeops events` lists without --since. */
export const DEFAULT_EVENTS_SINCE_MS = 24 * 3_600_000;

const JSON_COMMANDS: readonly string[] = ['status', 'drill', 'events', 'watch'];

/** HOST:PORT for --metrics: an IPv4 address or name, or [IPv6], and a port. */
export function parseListen(text: string): { host: string; port: number } | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

export function parseArgs(argv: readonly string[]): Request {
  const options: GlobalOptions = { readOnly: false, noColor: false };
  let command: (typeof COMMANDS)[number] | undefined;
  let json = false;
  let from: InitSource | undefined;
  let sinceMs: number | null = null;
  let reason: string | null = null;
  const watch: WatchRequest = { json: false, printUnit: false, metrics: null };
  // Flags of one command, with the first flag that set each (for the error message).
  const own: { flag: string; command: string }[] = [];
  const args = [...argv];
  const positionals: string[] = [];
  // Options of `homeops runbook …`, with the first flag that set each (for the error message).
  const rb = {
    dryRun: false,
    yes: false,
    resume: false,
    force: false,
    inputs: [] as string[],
    limit: undefined as number | undefined,
    part: null as string | null,
    stillRunning: null as 'kill' | 'wait' | null,
    seen: [] as string[],
  };
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
      case '--reset-state':
        return { command: 'reset-state' };
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
        else if (next !== undefined && !next.startsWith('-') && !(COMMANDS as readonly string[]).includes(next))
          options.demo = args.shift();
        else options.demo = DEFAULT_SCENARIO;
        break;
      }
      case '--read-only':
        options.readOnly = true;
        break;
      case '--profile': {
        const name = value(flag, inline);
        if (!isProfileName(name)) throw new UsageError(`--profile: "${name}" is not a profile (use ${PROFILES.join(', ')})`);
        options.profile = name;
        break;
      }
      case '--no-color':
        options.noColor = true;
        break;
      case '--no-mouse':
        options.noMouse = true;
        break;
      case '--since': {
        // The console: where a container's logs start; homeops events: how far back it lists.
        const text = value(flag, inline);
        const ms = parseDuration(text);
        if (ms === undefined || ms <= 0) throw new UsageError(`--since: "${text}" is not a duration (e.g. 10m, 2h, 7d)`);
        options.since = text;
        sinceMs = ms;
        break;
      }
      case '--theme': {
        const name = value(flag, inline);
        if (!isThemeName(name)) throw new UsageError(`--theme: "${name}" is not a theme (use ${THEME_NAMES.join(', ')})`);
        options.theme = name;
        break;
      }
      case '--refresh': {
        const text = value(flag, inline);
        const ms = parseDuration(text);
        if (ms === undefined || ms < 250) throw new UsageError(`--refresh: "${text}" is not a duration of 250ms or more (e.g. 2s, 500ms)`);
        options.refreshMs = ms;
        break;
      }
      case '--from': {
        const source = value(flag, inline);
        if (!(INIT_SOURCES as readonly string[]).includes(source))
          throw new UsageError(`--from takes ${INIT_SOURCES.join(' or ')}, not "${source}"`);
        from = source as InitSource;
        break;
      }
      case '--json':
        if (command === undefined || !JSON_COMMANDS.includes(command))
          throw new UsageError('--json belongs to `homeops status`, `homeops drill`, `homeops events` or `homeops watch`');
        json = true;
        break;
      case '--metrics': {
        const text = value(flag, inline);
        const listen = parseListen(text);
        if (!listen) throw new UsageError(`--metrics: "${text}" is not HOST:PORT (e.g. 127.0.0.1:9464)`);
        watch.metrics = listen;
        own.push({ flag, command: 'watch' });
        break;
      }
      case '--print-systemd-unit':
        watch.printUnit = true;
        own.push({ flag, command: 'watch' });
        break;
      case '--reason':
        reason = value(flag, inline);
        own.push({ flag, command: 'silence' });
        break;
      case '--dry-run':
        rb.dryRun = true;
        rb.seen.push(flag);
        break;
      case '-y':
      case '--yes':
        rb.yes = true;
        rb.seen.push(flag);
        break;
      case '--resume':
        rb.resume = true;
        rb.seen.push(flag);
        break;
      case '--still-running': {
        const choice = value(flag, inline);
        if (choice !== 'kill' && choice !== 'wait') throw new UsageError(`--still-running takes kill or wait, not "${choice}"`);
        rb.stillRunning = choice;
        rb.seen.push(flag);
        break;
      }
      case '--input':
        rb.inputs.push(value(flag, inline));
        rb.seen.push(flag);
        break;
      case '--part': {
        const name = value(flag, inline);
        if (rb.part !== null && rb.part !== name) throw new UsageError(`--part given twice (${rb.part}, ${name}); a run runs one part`);
        rb.part = name;
        rb.seen.push(flag);
        break;
      }
      case '--force':
        rb.force = true;
        rb.seen.push(flag);
        break;
      case '--limit': {
        const text = value(flag, inline);
        if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--limit: "${text}" is not a whole number of 1 or more`);
        rb.limit = Number(text);
        rb.seen.push(flag);
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (command === 'runbook' || command === 'drill' || command === 'silence') {
          positionals.push(arg);
          break;
        }
        if (command) throw new UsageError(`unexpected argument "${arg}"`);
        if (!(COMMANDS as readonly string[]).includes(arg))
          throw new UsageError(`unknown command "${arg}" (commands: ${COMMANDS.join(', ')})`);
        command = arg as (typeof COMMANDS)[number];
    }
  }
  for (const { flag, command: owner } of own) {
    if (owner !== command) throw new UsageError(`${flag} belongs to \`homeops ${owner}\``);
  }
  if (command === 'runbook') return { command, options, runbook: runbookRequest(positionals, rb) };
  if (from !== undefined && command !== 'init') throw new UsageError('--from belongs to `homeops init`');
  if (command === 'init') {
    const other = rb.seen.find((f) => f !== '--force');
    if (other) throw new UsageError(`${other} belongs to \`homeops runbook\``);
    return { command, options, init: { from: from ?? 'detect', force: rb.force } };
  }
  const stray = rb.seen[0];
  if (stray) throw new UsageError(`${stray} belongs to \`homeops runbook\``);
  if (command === 'status') return { command, options, json };
  if (command === 'drill') return { command, options, sets: positionals, json };
  if (command === 'watch') return { command, options, watch: { ...watch, json } };
  if (command === 'events') return { command, options, json, sinceMs: sinceMs ?? DEFAULT_EVENTS_SINCE_MS };
  if (command === 'silence') return { command, options, silence: silenceRequest(positionals, reason) };
  if (command === 'check-config') return { command, options };
  return { command: 'console', options };
}

function silenceRequest(positionals: readonly string[], reason: string | null): SilenceRequest {
  const [target, length, extra] = positionals;
  if (target === undefined) {
    if (reason !== null) throw new UsageError('--reason goes with a silence: homeops silence PANE|HOST|ALERT DURATION --reason TEXT');
    return { action: 'list' };
  }
  if (length === undefined) throw new UsageError(`silence ${target} needs a duration (e.g. 2h) or off`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (length === 'off') return { action: 'lift', target };
  const ms = parseDuration(length);
  if (ms === undefined || ms < 60_000)
    throw new UsageError(`silence: "${length}" is not a duration of a minute or more (e.g. 30m, 2h, 1d), nor off`);
  if (ms > 30 * 86_400_000) throw new UsageError(`silence: ${length} is longer than 30 days; silence for less, or change the config`);
  return { action: 'set', target, durationMs: ms, reason };
}

type RunbookFlags = {
  dryRun: boolean;
  yes: boolean;
  resume: boolean;
  force: boolean;
  inputs: string[];
  limit: number | undefined;
  part: string | null;
  stillRunning: 'kill' | 'wait' | null;
  seen: string[];
};

const RUNBOOK_FLAGS: Record<string, RunbookRequest['action']> = {
  '--dry-run': 'run',
  '-y': 'run',
  '--yes': 'run',
  '--resume': 'run',
  '--still-running': 'run',
  '--input': 'run',
  '--part': 'run',
  '--force': 'unlock',
  '--limit': 'history',
};

function runbookRequest(positionals: readonly string[], flags: RunbookFlags): RunbookRequest {
  const [action, id, extra] = positionals;
  if (action === undefined) throw new UsageError(`runbook needs an action: ${RUNBOOK_ACTIONS.join(', ')}`);
  if (!(RUNBOOK_ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`unknown runbook action "${action}" (actions: ${RUNBOOK_ACTIONS.join(', ')})`);
  for (const flag of flags.seen) {
    if (RUNBOOK_FLAGS[flag] !== action) throw new UsageError(`${flag} belongs to \`homeops runbook ${RUNBOOK_FLAGS[flag] ?? 'run'}\``);
  }
  if (action === 'list') {
    if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
    return { action };
  }
  if (action === 'history') {
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    return { action, limit: flags.limit ?? 20, ...(id !== undefined ? { id } : {}) };
  }
  if (id === undefined) throw new UsageError(`runbook ${action} needs a runbook ID: homeops runbook list names them`, true);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  if (action === 'show') return { action, id };
  if (action === 'unlock') return { action, id, force: flags.force };
  if (flags.dryRun && flags.resume) throw new UsageError('--dry-run and --resume do not go together');
  if (flags.part !== null && flags.resume) throw new UsageError('--resume continues the run as it was, part and all: leave out --part');
  return {
    action: 'run',
    id,
    dryRun: flags.dryRun,
    yes: flags.yes,
    inputs: flags.inputs,
    resume: flags.resume,
    part: flags.part,
    stillRunning: flags.stillRunning,
  };
}

export const HELP = `homeops — a terminal console for a home server estate

Usage:
  homeops [options]                 the live console
  homeops status [--json] [options] one snapshot of every pane; exit 0 ok, 1 warn, 2 crit, 3 unknown
  homeops check-config [options]    validate config, views, keymap and runbooks; print the files used
  homeops init [--from detect|estate] [--force]
                                    write a config to start from (~/.config/homeops/config.yaml,
                                    or --config FILE): detect, this machine only (default), or
                                    estate, the reference estate; prints what to edit next;
                                    --force replaces a file, kept as FILE.DATE.bak (73 if it exists)
  homeops runbook list              the runbooks: id, title, dangerous or not, hosts
  homeops runbook show ID           a runbook's inputs and steps
  homeops runbook run ID [--dry-run] [--yes] [--input KEY=VALUE]… [--part NAME] [--resume]
                     [--still-running kill|wait]
                                    run a runbook: exit 0 ok, 1 a step failed, 130 aborted or
                                    interrupted (64 bad input, 73 state directory unusable,
                                    75 already running or a step of an earlier run still
                                    running, 77 refused read-only)
  homeops runbook history [ID] [--limit N]
                                    the last runs and actions, from the audit log
  homeops runbook unlock ID [--force]
                                    clear a stale lock (--force: any lock)
  homeops drill [SET]… [--json]     prove backup sets restorable (every set with drill: in the
                                    config, or those named): the newest dump restored into a
                                    throwaway PostgreSQL, a sample of restic/borg files restored
                                    and compared; exit 0 restorable, 1 a drill failed
  homeops watch [--json] [--metrics HOST:PORT] [options]
                                    the console's monitor without a screen: alerts (sustain,
                                    severity, one per unreachable host), notifications
                                    (alerts.channels), every change recorded in the timeline and
                                    per-minute history (SQLite in the state directory) and said,
                                    one line per event; runs the runbooks whose trigger has
                                    response: auto; exit 0 on SIGTERM (75: one is already
                                    watching, 73: state directory unusable, 69: the metrics
                                    address cannot be served)
  homeops watch --print-systemd-unit
                                    a systemd user unit running this watcher (install: docs/alerts.md)
  homeops events [--since DURATION] [--json]
                                    the timeline, newest first (default the last 24h)
  homeops silence [PANE|HOST|ALERT DURATION|off] [--reason TEXT]
                                    no notification about it for DURATION (e.g. 2h), or off; without
                                    arguments, the silences in force (audited)

Options:
  --config FILE        config file (also HOMEOPS_CONFIG; default
                       $XDG_CONFIG_HOME/homeops/config.yaml, else this machine only:
                       nothing on the network is probed until a config names it)
  --view NAME|FILE     view: workstation, tmux, outage, services, or a file (default: by terminal size)
  --keymap NAME|FILE   keymap: default, vim, or a file
  --demo [SCENARIO]    replay a recorded scenario of the reference estate
                       (examples/estate.yaml) instead of reading this machine
                       (default ${DEFAULT_SCENARIO}; scenarios: SCENARIOS)
  --read-only          refuse every action that changes anything (runbooks, containers, DNS)
  --profile NAME       where this runs: local (on the host marked local), remote (every
                       host over SSH: from the NAS or a laptop) or auto (by hostname and
                       address); also ${PROFILE_ENV} (default: the config's profile)
  --refresh DURATION   redraw interval, e.g. 2s or 500ms (default from config: 2s)
  --theme NAME         dark (default), light (for a light background) or high-contrast;
                       also theme: in the config; T in the console switches
  --no-color           no colour (also NO_COLOR=1, the same thing: bold and reverse
                       video stay); statuses are always words too
  --no-mouse           the console takes no clicks or wheel (also mouse: false in the
                       config); the terminal selects text with the mouse as usual
  --since DURATION     a container's logs in the console start that far back (e.g. 10m,
                       1h) instead of the last docker.logLines lines; 0 there changes it;
                       events: how far back it lists (default 24h)
  --reset-state        forget what the console remembers between starts (the view, the
                       containers' sort and filter, the theme chosen with T, notices seen)
  --dry-run            runbook run: print each step's host and exact command; run nothing
  -y, --yes            runbook run: answer yes to every confirm step
  --input KEY=VALUE    runbook run: an input (repeatable); also HOMEOPS_INPUT_KEY
  --part NAME          runbook run: only that part's steps (runbook show lists the parts)
  --resume             runbook run: continue the interrupted run from its first unfinished step
  --still-running kill|wait
                       runbook run: a step of an earlier run (its connection or runner was
                       lost) still runs on a host: stop it, or wait for it, without asking
  --force              runbook unlock: clear the lock even if its run may be alive;
                       init: replace the config file (the old one is kept as a backup)
  --json               status, drill, events: JSON; watch: one JSON object per event
  --metrics HOST:PORT  watch: serve OpenMetrics for Prometheus at http://HOST:PORT/metrics
  --reason TEXT        silence: why, for the audit log and the timeline
  -h, --help           this help
  -V, --version        the version

Keys (default keymap): ? help · q quit · Tab/Shift-Tab focus · r refresh · 1-9 views · v next view
                       t timeline · p history · a acknowledge · z silence
Errors in a config, view, keymap or runbook file: one line FILE:LINE:COL field: problem, exit 78.
`;
