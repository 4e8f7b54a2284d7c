// `runbook:<id>` bindings: checked against the runbooks found, located like every keymap error;
// the built-in keymaps bind the new commands without tmux prefixes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quickRunbookIds } from '../../src/cli/runbook-ids.js';
import { checkRunbookBindings, loadKeymap } from '../../src/config/keymaps.js';
import { TMUX_PREFIXES } from '../../src/config/keys.js';
import { UserFileError } from '../../src/config/user-file.js';
import { boundRunbooks, COMMAND_NAMES, describeCommand, isCommand, runbookOf } from '../../src/model/commands.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { testSetup } from '../helpers/render.js';

let home: string;
let env: { HOME: string; XDG_CONFIG_HOME: string };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'homeops-keymap-rb-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(home, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function errorOf(fn: () => unknown): UserFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserFileError) return error;
    throw error;
  }
  throw new Error('no error');
}

const RUNBOOKS = ['dns-failover', 'failback', 'database-restore', 'maintenance-window', 'primary-failover'];

describe('runbook commands', () => {
  it('runbook:<id> is a command; its id follows the runbook id rules', () => {
    expect(isCommand('runbook:dns-failover')).toBe(true);
    expect(runbookOf('runbook:dns-failover')).toBe('dns-failover');
    expect(runbookOf('runbook:')).toBeNull();
    expect(runbookOf('runbook:bad id')).toBeNull();
    expect(runbookOf('runbooks')).toBeNull();
    expect(describeCommand('runbook:failback', new Map([['failback', 'Fail back to the workstation']]))).toBe(
      'Run runbook failback: Fail back to the workstation',
    );
    expect(describeCommand('runbooks')).toMatch(/runbook menu/);
  });

  it('binds a runbook by id, and an id no runbook has is an error at its binding with a suggestion', () => {
    const path = file('mine.yaml', ['extends: default', 'bindings:', '  runbook:failback: [K]', '  runbook:dns-failovr: [ctrl+o]']);
    const loose = loadKeymap(path, env, home);
    expect(loose.byKey.get('K')).toBe('runbook:failback');
    expect(boundRunbooks(loose).sort()).toEqual(['dns-failover', 'dns-failovr', 'failback']);
    const error = errorOf(() => loadKeymap(path, env, home, { runbooks: RUNBOOKS }));
    expect(error.message).toBe(
      `${path}:4:24 bindings.runbook:dns-failovr: no runbook "dns-failovr" (did you mean "runbook:dns-failover"?) (runbooks: ${RUNBOOKS.join(', ')})`,
    );
    const checked = errorOf(() => checkRunbookBindings(loose, RUNBOOKS, env, home));
    expect(checked.message).toBe(error.message);
    expect(() => checkRunbookBindings(loadKeymap('default', env, home), RUNBOOKS, env, home)).not.toThrow();
  });

  it('a malformed runbook id is an error too, with or without the runbooks known', () => {
    const path = file('bad.yaml', ['bindings:', '  "runbook:no way": [x]']);
    expect(errorOf(() => loadKeymap(path, env, home)).message).toMatch(
      /^.*bad\.yaml:2:\d+ bindings\.runbook:no way: "runbook:no way": a runbook id is letters, digits/,
    );
  });

  it('a runbook binding may not take a key another command has', () => {
    const path = file('clash.yaml', ['extends: default', 'bindings:', '  runbook:failback: [b]']);
    expect(errorOf(() => loadKeymap(path, env, home)).message).toMatch(
      /clash\.yaml:3:\d+ bindings\.runbook:failback: key "b" is also bound to runbooks \(inherited\)/,
    );
  });

  it('the quick id scan finds the ids the full load finds', () => {
    const s = testSetup();
    const options = { config: s.config, env, cwd: home };
    expect([...quickRunbookIds(options)].sort()).toEqual(
      loadRunbooks(options)
        .runbooks.map((r) => r.id)
        .sort(),
    );
    const dir = join(home, '.config', 'homeops', 'runbooks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mine.yml'), 'id: "my-check"   # quoted\ntitle: mine\nsteps:\n  - id: a\n    note: hi\n');
    expect(quickRunbookIds(options).has('my-check')).toBe(true);
  });
});

describe('built-in keymaps and the new commands', () => {
  it('default binds the runbook menu, history, the dry run, dns-failover, container and DNS actions; vim adds G', () => {
    const keymap = loadKeymap('default', env, home);
    const expected: Record<string, string> = {
      b: 'runbooks',
      H: 'runbook.history',
      d: 'runbook.dry-run',
      F: 'runbook:dns-failover',
      enter: 'select',
      y: 'confirm.yes',
      n: 'confirm.no',
      '/': 'filter',
      s: 'sort',
      'ctrl+r': 'container.restart',
      S: 'container.stop',
      U: 'container.start',
      L: 'container.logs',
      D: 'dns.disable-blocking',
      'ctrl+e': 'dns.enable-blocking',
      E: 'container.shell',
      'meta+l': 'container.group-logs',
      end: 'scroll.bottom',
    };
    for (const [key, command] of Object.entries(expected)) expect(keymap.byKey.get(key), key).toBe(command);
    for (const command of COMMAND_NAMES) expect(keymap.bindings.get(command)?.length, command).toBeGreaterThan(0);
    for (const prefix of TMUX_PREFIXES) expect(keymap.byKey.get(prefix)).toBeUndefined();
    const vim = loadKeymap('vim', env, home);
    expect(vim.byKey.get('G')).toBe('scroll.bottom');
    expect(vim.byKey.get('b')).toBe('runbooks');
    for (const prefix of TMUX_PREFIXES) expect(vim.byKey.get(prefix)).toBeUndefined();
  });
});
