import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_KEYMAPS, isLogsCommand, loadKeymap } from '../../src/config/keymaps.js';
import { TMUX_PREFIXES } from '../../src/config/keys.js';
import { UserFileError } from '../../src/config/user-file.js';
import { UnknownNameError } from '../../src/config/user-file-error.js';
import { COMMAND_NAMES } from '../../src/model/commands.js';

let home: string;
let env: { HOME: string; XDG_CONFIG_HOME: string };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'homeops-keymaps-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Writes a keymap file in the temp dir and returns its path. */
function file(name: string, lines: string[]): string {
  const path = join(home, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const load = (nameOrFile: string) => loadKeymap(nameOrFile, env, home);

function errorOf(nameOrFile: string): UserFileError {
  try {
    load(nameOrFile);
  } catch (error) {
    if (error instanceof UserFileError) return error;
    throw error;
  }
  throw new Error(`${nameOrFile} loaded without an error`);
}

function expectOneLine(error: UserFileError) {
  expect(error.message).not.toContain('\n');
  expect(error.message).toMatch(/^\S+:\d+:\d+ /);
}

describe('built-in keymaps', () => {
  it('default binds every command, each key to one command', () => {
    const keymap = load('default');
    expect(keymap.name).toBe('default');
    expect(keymap.files).toHaveLength(1);
    expect(keymap.files[0]).toMatch(/keymaps[/\\]default\.yaml$/);
    for (const command of COMMAND_NAMES) expect(keymap.bindings.get(command)?.length, command).toBeGreaterThan(0);
    expect(keymap.byKey.get('q')).toBe('quit');
    expect(keymap.byKey.get('ctrl+c')).toBe('quit');
    expect(keymap.byKey.get('?')).toBe('help');
    expect(keymap.byKey.get('shift+tab')).toBe('focus.prev');
    expect(keymap.byKey.get('V')).toBe('view.auto');
    expect(keymap.byKey.get('v')).toBe('view.next');
    expect(keymap.byKey.get('j')).toBeUndefined();
  });

  it('vim inherits default and adds j/k, h/l, g and ctrl+f/ctrl+u', () => {
    const keymap = load('vim');
    expect(keymap.name).toBe('vim');
    expect(keymap.files.map((f) => f.split(/[/\\]/).pop())).toEqual(['default.yaml', 'vim.yaml']);
    expect(keymap.byKey.get('j')).toBe('scroll.down');
    expect(keymap.byKey.get('k')).toBe('scroll.up');
    expect(keymap.byKey.get('down')).toBe('scroll.down');
    expect(keymap.byKey.get('l')).toBe('focus.next');
    expect(keymap.byKey.get('h')).toBe('focus.prev');
    expect(keymap.byKey.get('g')).toBe('scroll.top');
    expect(keymap.byKey.get('ctrl+f')).toBe('page.down');
    expect(keymap.byKey.get('ctrl+u')).toBe('page.up');
    // Inherited untouched.
    expect(keymap.byKey.get('q')).toBe('quit');
    expect(keymap.byKey.get('?')).toBe('help');
    expect(keymap.bindings.get('refresh')).toEqual(['r']);
  });

  it.each(BUILTIN_KEYMAPS)('%s binds no tmux prefix, so it works inside tmux', (name) => {
    const keymap = load(name);
    for (const prefix of TMUX_PREFIXES) {
      expect(keymap.byKey.get(prefix), `${name} binds ${prefix}`).toBeUndefined();
    }
  });

  it.each(BUILTIN_KEYMAPS)(
    "%s binds no key twice (the logs view's own keys apart, and none of those over a key that works in the logs)",
    (name) => {
      const keymap = load(name);
      const entries = [...keymap.bindings.entries()];
      const logs = entries.filter(([command]) => isLogsCommand(command)).flatMap(([, keys]) => keys);
      const rest = entries.filter(([command]) => !isLogsCommand(command)).flatMap(([, keys]) => keys);
      expect(new Set(rest).size).toBe(rest.length);
      expect(new Set(logs).size).toBe(logs.length);
      expect(keymap.byKey.size).toBe(rest.length);
      expect(keymap.logsByKey.size).toBe(logs.length);
      const inLogs = [
        'quit',
        'help',
        'close',
        'filter',
        'scroll.up',
        'scroll.down',
        'page.up',
        'page.down',
        'scroll.top',
        'scroll.bottom',
        'redraw',
      ] as const;
      for (const command of inLogs)
        for (const key of keymap.bindings.get(command) ?? []) expect(keymap.logsByKey.has(key), `${name}: ${key}`).toBe(false);
    },
  );

  it("a logs key over a key that still works in the logs is an error; over a pane's key it is not", () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-keymap-logs-'));
    try {
      const clash = join(dir, 'clash.yaml');
      writeFileSync(clash, 'extends: default\nbindings:\n  logs.follow: [q]\n');
      expect(() => loadKeymap(clash, {}, dir)).toThrow(/key "q" is also bound to quit/);
      const fine = join(dir, 'fine.yaml');
      writeFileSync(fine, 'extends: default\nbindings:\n  logs.follow: [S]\n');
      const keymap = loadKeymap(fine, {}, dir);
      expect(keymap.byKey.get('S')).toBe('container.stop');
      expect(keymap.logsByKey.get('S')).toBe('logs.follow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which keymaps exist when asked for one that does not (a usage error on the command line)', () => {
    expect(() => load('emacs')).toThrow(
      new UnknownNameError('keymap', 'emacs', 'no keymap "emacs" (built in: default, vim; or give a file path)'),
    );
  });
});

describe('a user keymap extending vim', () => {
  it('rebinds, normalises key names and replaces (not merges) a command’s keys', () => {
    const path = file('mine.yaml', ['name: mine', 'extends: vim', 'bindings:', '  refresh: [R, alt+r]', '  focus.next: Tab']);
    const keymap = load(path);
    expect(keymap.name).toBe('mine');
    expect(keymap.files.at(-1)).toBe(path);
    expect(keymap.bindings.get('refresh')).toEqual(['R', 'meta+r']);
    expect(keymap.byKey.get('r')).toBeUndefined();
    expect(keymap.byKey.get('R')).toBe('refresh');
    expect(keymap.bindings.get('focus.next')).toEqual(['tab']);
    expect(keymap.byKey.get('l')).toBeUndefined();
    expect(keymap.byKey.get('j')).toBe('scroll.down');
  });

  it('is found by name in $XDG_CONFIG_HOME/homeops/keymaps', () => {
    mkdirSync(join(home, '.config', 'homeops', 'keymaps'), { recursive: true });
    writeFileSync(join(home, '.config', 'homeops', 'keymaps', 'mine.yaml'), 'extends: vim\nbindings:\n  refresh: [R]\n');
    const keymap = load('mine');
    expect(keymap.byKey.get('R')).toBe('refresh');
    expect(keymap.byKey.get('j')).toBe('scroll.down');
  });

  it('unbinds a command with `command: null`, freeing its keys for another', () => {
    const path = file('unbind.yaml', ['extends: vim', 'bindings:', '  scroll.down: null', '  help: [j, "?"]']);
    const keymap = load(path);
    expect(keymap.bindings.get('scroll.down')).toEqual([]);
    expect(keymap.byKey.get('down')).toBeUndefined();
    expect(keymap.byKey.get('j')).toBe('help');
  });

  it('reports an unknown command at its line with a suggestion', () => {
    const path = file('typo.yaml', ['# my keys', 'extends: vim', 'bindings:', '  refresh: [R]', '  focus.nxt: [x]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.message).toMatch(
      new RegExp(
        `^${escapeRegExp(path)}:5:\\d+ bindings\\.focus\\.nxt: unknown command "focus\\.nxt" \\(did you mean "focus\\.next"\\?\\)$`,
      ),
    );
  });

  it('reports an unknown command with no likely spelling without a guess', () => {
    const path = file('foo.yaml', ['extends: vim', 'bindings:', '  foo: [x]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)}:3:\\d+ bindings\\.foo: unknown command "foo"`));
  });

  it('reports a bad key name at the key, saying what is wrong', () => {
    const path = file('badkey.yaml', ['extends: vim', 'bindings:', '  refresh: [r, S-Tab]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)}:3:16 bindings\\.refresh\\.1: "S-Tab": unknown key "S-Tab"`));

    const shifted = errorOf(file('shift.yaml', ['extends: vim', 'bindings:', '  refresh: shift+r']));
    expect(shifted.message).toContain('bindings.refresh: "shift+r": write shift+r as "R"');
    expect(shifted.line).toBe(3);
  });

  it('reports a key already bound by the keymap it extends at the user’s line', () => {
    const path = file('conflict.yaml', ['extends: vim', 'bindings:', '  refresh: [R]', '  help: [j]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.file).toBe(path);
    expect(error.line).toBe(4);
    expect(error.message).toContain('bindings.help: key "j" is also bound to scroll.down (inherited); unbind one of them');
  });

  it('reports one key bound to two of the user’s own commands', () => {
    const path = file('twice.yaml', ['extends: default', 'bindings:', '  refresh: [x]', '  help: [x]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.file).toBe(path);
    expect([3, 4]).toContain(error.line);
    expect(error.message).toMatch(/key "x" is also bound to (refresh|help); unbind one of them$/);
  });

  it('refuses ctrl+c for anything but quit', () => {
    const path = file('ctrlc.yaml', ['extends: vim', 'bindings:', '  refresh: ctrl+c']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)}:3:\\d+ bindings\\.refresh: ctrl\\+c always quits; bind another key$`));
    // ctrl+C is the same key.
    expect(errorOf(file('ctrlc2.yaml', ['bindings:', '  help: [Ctrl+C]'])).message).toContain('ctrl+c always quits');
  });

  it('reports extending a keymap that does not exist, in the user’s file at the extends line', () => {
    const path = file('missing.yaml', ['name: mine', 'extends: nowhere', 'bindings:', '  refresh: [R]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.file).toBe(path);
    expect(error.message).toContain('extends: no keymap "nowhere" (built in: default, vim; or give a file path)');
    expect(error.line).toBe(2);
  });

  it('reports keymaps that extend each other in a circle, naming the files', () => {
    const a = file('a.yaml', ['extends: ./b.yaml', 'bindings:', '  refresh: [R]']);
    const b = file('b.yaml', ['extends: ./a.yaml']);
    const error = errorOf(a);
    expectOneLine(error);
    expect(error.message).toContain('extends: keymaps extend each other in a circle');
    expect(error.message).toContain(a);
    expect(error.message).toContain(b);
    const self = file('self.yaml', ['extends: ./self.yaml']);
    expect(errorOf(self).message).toContain('in a circle');
  });

  it('reports an unknown top-level field with a suggestion', () => {
    const path = file('field.yaml', ['extend: vim', 'bindings:', '  refresh: [R]']);
    const error = errorOf(path);
    expectOneLine(error);
    expect(error.message).toBe(`${path}:1:1 extend: unknown field (did you mean "extends"?)`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
