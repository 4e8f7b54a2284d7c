// `homeops runbook …` on the command line: actions, ids and the options that belong to each.
import { describe, expect, it } from 'vitest';
import { HELP, parseArgs, UsageError } from '../../src/cli/args.js';

const defaults = { readOnly: false, noColor: false };

function usageError(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without an error`);
}

describe('homeops runbook', () => {
  it('list, show, history and unlock', () => {
    expect(parseArgs(['runbook', 'list'])).toEqual({ command: 'runbook', options: defaults, runbook: { action: 'list' } });
    expect(parseArgs(['runbook', 'show', 'dns-failover'])).toEqual({
      command: 'runbook',
      options: defaults,
      runbook: { action: 'show', id: 'dns-failover' },
    });
    expect(parseArgs(['runbook', 'history'])).toMatchObject({ runbook: { action: 'history', limit: 20 } });
    expect(parseArgs(['runbook', 'history', 'failback', '--limit', '5'])).toMatchObject({
      runbook: { action: 'history', id: 'failback', limit: 5 },
    });
    expect(parseArgs(['runbook', 'unlock', 'failback', '--force'])).toMatchObject({
      runbook: { action: 'unlock', id: 'failback', force: true },
    });
  });

  it('run with its options in any order, global options too', () => {
    expect(
      parseArgs([
        '--read-only',
        'runbook',
        'run',
        'database-restore',
        '--dry-run',
        '--input',
        'method=dump',
        '--input=database=ledger',
        '-y',
        '--config',
        'c.yaml',
      ]),
    ).toEqual({
      command: 'runbook',
      options: { ...defaults, readOnly: true, config: 'c.yaml' },
      runbook: {
        action: 'run',
        id: 'database-restore',
        dryRun: true,
        yes: true,
        inputs: ['method=dump', 'database=ledger'],
        resume: false,
        part: null,
        stillRunning: null,
      },
    });
    expect(parseArgs(['runbook', 'run', 'x', '--resume'])).toMatchObject({ runbook: { resume: true, dryRun: false } });
    expect(parseArgs(['runbook', 'run', 'maintenance-window', '--part', 'verify-backups'])).toMatchObject({
      runbook: { part: 'verify-backups', dryRun: false },
    });
    expect(parseArgs(['runbook', 'run', 'maintenance-window', '--part=verify-backups', '--dry-run'])).toMatchObject({
      runbook: { part: 'verify-backups', dryRun: true },
    });
    // What to do with a step of an earlier run still running: kill or wait, nothing else.
    expect(parseArgs(['runbook', 'run', 'x', '--still-running', 'kill'])).toMatchObject({ runbook: { stillRunning: 'kill' } });
    expect(parseArgs(['runbook', 'run', 'x', '--still-running=wait'])).toMatchObject({ runbook: { stillRunning: 'wait' } });
    expect(() => parseArgs(['runbook', 'run', 'x', '--still-running', 'ignore'])).toThrow(
      '--still-running takes kill or wait, not "ignore"',
    );
    // A negative number is a value, not an option.
    expect(parseArgs(['runbook', 'run', 'x', '--input', 'offset=-1'])).toMatchObject({ runbook: { inputs: ['offset=-1'] } });
  });

  it('says what is missing or misplaced', () => {
    expect(usageError(['runbook'])).toBe('runbook needs an action: list, show, run, history, unlock');
    expect(usageError(['runbook', 'start', 'x'])).toBe('unknown runbook action "start" (actions: list, show, run, history, unlock)');
    expect(usageError(['runbook', 'run'])).toBe('runbook run needs a runbook ID: homeops runbook list names them');
    expect(usageError(['runbook', 'show', 'a', 'b'])).toBe('unexpected argument "b"');
    expect(usageError(['runbook', 'list', 'x'])).toBe('unexpected argument "x"');
    expect(usageError(['runbook', 'show', 'a', '--yes'])).toBe('--yes belongs to `homeops runbook run`');
    expect(usageError(['runbook', 'run', 'a', '--force'])).toBe('--force belongs to `homeops runbook unlock`');
    expect(usageError(['status', '--dry-run'])).toBe('--dry-run belongs to `homeops runbook`');
    expect(usageError(['runbook', 'run', 'a', '--input'])).toBe('--input needs a value');
    expect(usageError(['runbook', 'history', '--limit', 'all'])).toBe('--limit: "all" is not a whole number of 1 or more');
    expect(usageError(['runbook', 'run', 'a', '--dry-run', '--resume'])).toBe('--dry-run and --resume do not go together');
    expect(usageError(['runbook', 'run', 'a', '--part'])).toBe('--part needs a value');
    expect(usageError(['runbook', 'show', 'a', '--part', 'p'])).toBe('--part belongs to `homeops runbook run`');
    expect(usageError(['runbook', 'run', 'a', '--part', 'p', '--part', 'q'])).toBe('--part given twice (p, q); a run runs one part');
    expect(usageError(['runbook', 'run', 'a', '--part', 'p', '--resume'])).toBe(
      '--resume continues the run as it was, part and all: leave out --part',
    );
  });

  it('the help mentions every runbook action and option, and the exit codes', () => {
    for (const word of [
      'homeops runbook list',
      'homeops runbook show ID',
      'homeops runbook run ID',
      '--dry-run',
      '--yes',
      '--input KEY=VALUE',
      '--part NAME',
      '--resume',
      'homeops runbook history',
      '--limit',
      'homeops runbook unlock ID',
      '--force',
      '130 aborted',
      '75 already running',
      '77 refused read-only',
    ]) {
      expect(HELP, word).toContain(word);
    }
  });
});
