import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type GlobalOptions, HELP, parseArgs, type Request, UsageError } from '../../src/cli/args.js';

const defaults: GlobalOptions = { readOnly: false, noColor: false };

function options(request: Request): GlobalOptions {
  if (request.command === 'help' || request.command === 'version' || request.command === 'reset-state')
    throw new Error(`no options on ${request.command}`);
  return request.options;
}

function usageError(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without an error`);
}

describe('parseArgs', () => {
  it('starts the console with no arguments', () => {
    expect(parseArgs([])).toEqual({ command: 'console', options: defaults });
  });

  it('answers --help, -h, --version and -V wherever they are', () => {
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseArgs(['status', '--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseArgs(['-V'])).toEqual({ command: 'version' });
    expect(parseArgs(['--config', 'x.yaml', '-V'])).toEqual({ command: 'version' });
  });

  it('reads --config, --view and --keymap, spaced or with =', () => {
    expect(options(parseArgs(['--config', 'home.yaml', '--view', 'tmux', '--keymap', 'vim']))).toEqual({
      ...defaults,
      config: 'home.yaml',
      view: 'tmux',
      keymap: 'vim',
    });
    expect(options(parseArgs(['--config=home.yaml', '--view=./my view.yaml', '--keymap=~/k.yaml']))).toEqual({
      ...defaults,
      config: 'home.yaml',
      view: './my view.yaml',
      keymap: '~/k.yaml',
    });
    // A value may contain "=".
    expect(options(parseArgs(['--config=a=b.yaml'])).config).toBe('a=b.yaml');
  });

  it('insists on a value for options that take one', () => {
    for (const flag of ['--config', '--view', '--keymap', '--refresh', '--profile']) {
      expect(usageError([flag])).toBe(`${flag} needs a value`);
      expect(usageError([`${flag}=`])).toBe(`${flag} needs a value`);
      expect(usageError([flag, '--read-only'])).toBe(`${flag} needs a value`);
    }
  });

  it('reads --read-only and --no-color', () => {
    expect(options(parseArgs(['--read-only', '--no-color']))).toEqual({ ...defaults, readOnly: true, noColor: true });
  });

  it('takes --demo with or without a scenario', () => {
    expect(DEFAULT_SCENARIO).toBe('healthy');
    expect(options(parseArgs(['--demo'])).demo).toBe('healthy');
    expect(options(parseArgs(['--demo', 'gpu-hot'])).demo).toBe('gpu-hot');
    expect(options(parseArgs(['--demo=gpu-hot'])).demo).toBe('gpu-hot');
    expect(options(parseArgs(['--demo', '--read-only']))).toEqual({ ...defaults, demo: 'healthy', readOnly: true });
    expect(usageError(['--demo='])).toBe('--demo needs a value');
  });

  it('does not take a command after --demo as its scenario', () => {
    expect(parseArgs(['--demo', 'status'])).toEqual({ command: 'status', options: { ...defaults, demo: 'healthy' }, json: false });
    expect(parseArgs(['--demo', 'check-config'])).toEqual({ command: 'check-config', options: { ...defaults, demo: 'healthy' } });
    expect(parseArgs(['--demo', 'gpu-hot', 'status'])).toEqual({
      command: 'status',
      options: { ...defaults, demo: 'gpu-hot' },
      json: false,
    });
  });

  it('parses status with and without --json, options on either side', () => {
    expect(parseArgs(['status'])).toEqual({ command: 'status', options: defaults, json: false });
    expect(parseArgs(['status', '--json'])).toEqual({ command: 'status', options: defaults, json: true });
    expect(parseArgs(['status', '--demo', '--json'])).toEqual({ command: 'status', options: { ...defaults, demo: 'healthy' }, json: true });
    expect(parseArgs(['status', '--json', '--demo', 'gpu-hot'])).toEqual({
      command: 'status',
      options: { ...defaults, demo: 'gpu-hot' },
      json: true,
    });
    expect(parseArgs(['--config', 'c.yaml', 'status', '--json'])).toEqual({
      command: 'status',
      options: { ...defaults, config: 'c.yaml' },
      json: true,
    });
  });

  it('parses check-config', () => {
    expect(parseArgs(['check-config'])).toEqual({ command: 'check-config', options: defaults });
    expect(parseArgs(['check-config', '--keymap', 'vim'])).toEqual({ command: 'check-config', options: { ...defaults, keymap: 'vim' } });
  });

  it('parses init: --from detect or estate, --force', () => {
    expect(parseArgs(['init'])).toEqual({ command: 'init', options: defaults, init: { from: 'detect', force: false } });
    expect(parseArgs(['init', '--from', 'estate', '--force'])).toEqual({
      command: 'init',
      options: defaults,
      init: { from: 'estate', force: true },
    });
    expect(parseArgs(['--config', 'x.yaml', 'init', '--from=detect'])).toEqual({
      command: 'init',
      options: { ...defaults, config: 'x.yaml' },
      init: { from: 'detect', force: false },
    });
    expect(usageError(['init', '--from', 'nas'])).toBe('--from takes detect or estate, not "nas"');
    expect(usageError(['status', '--from', 'estate'])).toBe('--from belongs to `homeops init`');
    expect(usageError(['init', '--dry-run'])).toBe('--dry-run belongs to `homeops runbook`');
    expect(usageError(['init', 'now'])).toBe('unexpected argument "now"');
  });

  it('reads --no-mouse', () => {
    expect(options(parseArgs(['--no-mouse'])).noMouse).toBe(true);
    expect(options(parseArgs(['--demo'])).noMouse).toBeUndefined();
  });

  it('reads --theme dark, light or high-contrast', () => {
    expect(options(parseArgs(['--theme', 'light'])).theme).toBe('light');
    expect(options(parseArgs(['--theme=high-contrast', '--demo'])).theme).toBe('high-contrast');
    expect(usageError(['--theme', 'solarized'])).toBe('--theme: "solarized" is not a theme (use dark, light, high-contrast)');
  });

  it('refuses --json outside status', () => {
    expect(usageError(['--json'])).toBe('--json belongs to `homeops status`, `homeops drill`, `homeops events` or `homeops watch`');
    expect(usageError(['check-config', '--json'])).toBe(
      '--json belongs to `homeops status`, `homeops drill`, `homeops events` or `homeops watch`',
    );
  });

  it('reads --profile local, remote or auto, for every command', () => {
    expect(options(parseArgs(['--profile', 'remote']))).toEqual({ ...defaults, profile: 'remote' });
    expect(options(parseArgs(['--profile=local'])).profile).toBe('local');
    expect(options(parseArgs(['status', '--profile', 'auto', '--json'])).profile).toBe('auto');
    expect(options(parseArgs(['runbook', 'run', 'dns-failover', '--dry-run', '--profile', 'remote'])).profile).toBe('remote');
    expect(options(parseArgs([])).profile).toBeUndefined();
  });

  it.each(['nas', 'Remote', 'laptop'])('refuses --profile %s, naming the profiles', (value) => {
    expect(usageError(['--profile', value])).toBe(`--profile: "${value}" is not a profile (use auto, local, remote)`);
  });

  it('reads --refresh as a duration of at least 250ms', () => {
    expect(options(parseArgs(['--refresh', '2s'])).refreshMs).toBe(2000);
    expect(options(parseArgs(['--refresh=500ms'])).refreshMs).toBe(500);
    expect(options(parseArgs(['--refresh', '1.5s'])).refreshMs).toBe(1500);
    expect(options(parseArgs(['--refresh', '250ms'])).refreshMs).toBe(250);
    expect(options(parseArgs(['--refresh', '1m'])).refreshMs).toBe(60_000);
  });

  it.each(['fast', '2', '100ms', '0s', 'ms', '2 parsecs', '1s!'])('refuses --refresh %s, saying what it wants', (value) => {
    expect(usageError(['--refresh', value])).toBe(`--refresh: "${value}" is not a duration of 250ms or more (e.g. 2s, 500ms)`);
  });

  it('refuses a negative --refresh', () => {
    expect(usageError(['--refresh', '-1s'])).toMatch(/^--refresh/);
    expect(usageError(['--refresh=-1s'])).toMatch(/^--refresh: "-1s" is not a duration/);
  });

  it('refuses unknown options, commands and extra arguments', () => {
    expect(() => parseArgs(['--bogus'])).toThrow(UsageError);
    expect(usageError(['--bogus'])).toBe('unknown option --bogus');
    expect(usageError(['--bogus=1'])).toBe('unknown option --bogus');
    expect(usageError(['-x'])).toBe('unknown option -x');
    expect(usageError(['--demo', '-x'])).toBe('unknown option -x');
    expect(usageError(['stats'])).toBe(
      'unknown command "stats" (commands: status, check-config, runbook, drill, init, watch, events, silence)',
    );
    expect(usageError(['status', 'now'])).toBe('unexpected argument "now"');
    expect(usageError(['status', 'status'])).toBe('unexpected argument "status"');
  });
});

describe('HELP', () => {
  it('mentions every option and command parseArgs accepts', () => {
    for (const word of [
      'status',
      '--json',
      'check-config',
      '--config',
      'HOMEOPS_CONFIG',
      '--view',
      '--keymap',
      '--demo',
      '--read-only',
      '--refresh',
      '--profile',
      'HOMEOPS_HOST_PROFILE',
      '--no-color',
      '--help',
      '--version',
      '-h',
      '-V',
      'init',
      '--from',
      '--force',
      '--theme',
      'high-contrast',
      '--no-mouse',
    ]) {
      expect(HELP, word).toContain(word);
    }
  });
});

describe('watch, events and silence', () => {
  it('parses watch with its own flags', () => {
    expect(parseArgs(['watch'])).toEqual({ command: 'watch', options: defaults, watch: { json: false, printUnit: false, metrics: null } });
    expect(parseArgs(['--demo', 'watch', '--json'])).toEqual({
      command: 'watch',
      options: { ...defaults, demo: 'healthy' },
      watch: { json: true, printUnit: false, metrics: null },
    });
    expect(parseArgs(['watch', '--metrics', '127.0.0.1:9464', '--profile', 'remote'])).toEqual({
      command: 'watch',
      options: { ...defaults, profile: 'remote' },
      watch: { json: false, printUnit: false, metrics: { host: '127.0.0.1', port: 9464 } },
    });
    expect(parseArgs(['watch', '--metrics=[::1]:9100', '--print-systemd-unit'])).toMatchObject({
      watch: { printUnit: true, metrics: { host: '::1', port: 9100 } },
    });
    expect(usageError(['watch', '--metrics', '9464'])).toBe('--metrics: "9464" is not HOST:PORT (e.g. 127.0.0.1:9464)');
    expect(usageError(['watch', '--metrics', 'localhost:70000'])).toBe(
      '--metrics: "localhost:70000" is not HOST:PORT (e.g. 127.0.0.1:9464)',
    );
    expect(usageError(['status', '--metrics', '127.0.0.1:1'])).toBe('--metrics belongs to `homeops watch`');
    expect(usageError(['--print-systemd-unit'])).toBe('--print-systemd-unit belongs to `homeops watch`');
  });

  it('parses events with --since (default 24h) and --json', () => {
    expect(parseArgs(['events'])).toEqual({ command: 'events', options: defaults, json: false, sinceMs: 24 * 3_600_000 });
    // --since is also the console's (where a container's logs start), so it stays in the options.
    expect(parseArgs(['events', '--since', '2h', '--json'])).toEqual({
      command: 'events',
      options: { ...defaults, since: '2h' },
      json: true,
      sinceMs: 7_200_000,
    });
    expect(usageError(['events', '--since', 'yesterday'])).toBe('--since: "yesterday" is not a duration (e.g. 10m, 2h, 7d)');
  });

  it('parses silence: list, set with a duration and a reason, lift with off', () => {
    expect(parseArgs(['silence'])).toEqual({ command: 'silence', options: defaults, silence: { action: 'list' } });
    expect(parseArgs(['silence', 'dns', '2h', '--reason', 'router swap'])).toEqual({
      command: 'silence',
      options: defaults,
      silence: { action: 'set', target: 'dns', durationMs: 7_200_000, reason: 'router swap' },
    });
    expect(parseArgs(['silence', 'dns:FAILOVER', 'off'])).toEqual({
      command: 'silence',
      options: defaults,
      silence: { action: 'lift', target: 'dns:FAILOVER' },
    });
    expect(usageError(['silence', 'dns'])).toBe('silence dns needs a duration (e.g. 2h) or off');
    expect(usageError(['silence', 'dns', '10s'])).toBe('silence: "10s" is not a duration of a minute or more (e.g. 30m, 2h, 1d), nor off');
    expect(usageError(['silence', 'dns', '40d'])).toBe('silence: 40d is longer than 30 days; silence for less, or change the config');
    expect(usageError(['silence', '--reason', 'x'])).toBe(
      '--reason goes with a silence: homeops silence PANE|HOST|ALERT DURATION --reason TEXT',
    );
  });
});
