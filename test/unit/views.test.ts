import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserFileError } from '../../src/config/user-file.js';
import { UnknownNameError } from '../../src/config/user-file-error.js';
import type { LayoutNode } from '../../src/config/views.js';
import { BUILTIN_VIEWS, loadView, loadViews } from '../../src/config/views.js';
import { PANE_IDS } from '../../src/model/panes.js';

let home: string;
let env: { HOME: string; XDG_CONFIG_HOME: string };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'homeops-views-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(home, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function errorOf(nameOrFile: string): UserFileError {
  try {
    loadView(nameOrFile, env, home);
  } catch (error) {
    if (error instanceof UserFileError) return error;
    throw error;
  }
  throw new Error(`${nameOrFile} loaded without an error`);
}

function expectOneLine(error: UserFileError, path: string) {
  expect(error.message).not.toContain('\n');
  expect(error.message.startsWith(`${path}:${error.line}:${error.col} `)).toBe(true);
}

function panesOf(node: LayoutNode): string[] {
  return 'pane' in node ? [node.pane] : node.children.flatMap(panesOf);
}

const validView = (name: string) => [
  `name: ${name}`,
  'tiers:',
  '  - name: only',
  '    minColumns: 60',
  '    minRows: 16',
  '    layout:',
  '      row:',
  '        - { pane: cpu, size: 2 }',
  '        - { pane: gpu }',
];

describe('built-in views', () => {
  it.each(BUILTIN_VIEWS)('%s loads, orders its tiers largest first and shows only known panes', (name) => {
    const view = loadView(name, env, home);
    expect(view.name).toBe(name);
    expect(view.file).toMatch(new RegExp(`views[/\\\\]${name}\\.yaml$`));
    expect(view.description).not.toBe('');
    expect(view.tiers.length).toBeGreaterThan(0);
    view.tiers.forEach((tier, index) => {
      const previous = view.tiers[index - 1];
      if (previous) {
        expect(tier.minColumns).toBeLessThanOrEqual(previous.minColumns);
        expect(tier.minRows).toBeLessThanOrEqual(previous.minRows);
      }
      for (const pane of panesOf(tier.layout)) expect(PANE_IDS).toContain(pane);
    });
  });

  it('workstation and tmux are chosen by size; outage only when asked for', () => {
    const [workstation, tmux, outage] = loadViews(BUILTIN_VIEWS, env, home);
    expect(workstation?.auto).toBe(true);
    expect(tmux?.auto).toBe(true);
    expect(outage?.auto).toBe(false);
  });

  it('the tmux view fits an 80x24 tmux pane', () => {
    const tmux = loadView('tmux', env, home);
    expect(tmux.tiers.some((t) => t.minColumns <= 80 && t.minRows <= 24)).toBe(true);
  });

  it('says which views exist when asked for one that does not', () => {
    // A name that names nothing is the caller's to place (a usage error on the command line, a
    // located error in the config), so it is not a file's error.
    expect(() => loadView('dashboard', env, home)).toThrow(UnknownNameError);
    expect(() => loadView('dashboard', env, home)).toThrow(
      'no view "dashboard" (built in: workstation, tmux, outage, services; or give a file path)',
    );
  });
});

describe('user view files', () => {
  it('loads a valid file by path, filling in defaults', () => {
    const path = file('mine.yaml', validView('mine'));
    const view = loadView(path, env, home);
    expect(view).toMatchObject({ name: 'mine', auto: false, description: '', file: path });
    expect(view.tiers[0]?.layout).toEqual({
      direction: 'row',
      size: 1,
      fixed: null,
      children: [
        { pane: 'cpu', size: 2, fixed: null },
        { pane: 'gpu', size: 1, fixed: null },
      ],
    });
  });

  it('prefers a view of the same name in $XDG_CONFIG_HOME/homeops/views over the built-in', () => {
    const dir = join(home, '.config', 'homeops', 'views');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tmux.yaml'), `${validView('tmux').join('\n')}\n`);
    const view = loadView('tmux', env, home);
    expect(view.file).toBe(join(dir, 'tmux.yaml'));
    expect(view.tiers.map((t) => t.name)).toEqual(['only']);
  });

  it('reports an unknown pane id at the pane, naming the panes there are', () => {
    const path = file('pane.yaml', [
      'name: mine',
      'tiers:',
      '  - name: only',
      '    minColumns: 60',
      '    minRows: 16',
      '    layout:',
      '      row:',
      '        - { pane: cpu }',
      '        - { pane: disks }',
    ]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.line).toBe(9);
    expect(error.message).toContain('tiers.0.layout.row.1.pane');
    expect(error.message).toMatch(/cpu.*gpu/);
    expect(error.message).not.toContain('Invalid input');
  });

  it('reports an unknown pane id in a one-pane layout at the pane', () => {
    const path = file('single.yaml', [
      'name: mine',
      'tiers:',
      '  - name: only',
      '    minColumns: 60',
      '    minRows: 16',
      '    layout: { pane: network }',
    ]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.line).toBe(6);
    expect(error.message).toContain('tiers.0.layout.pane');
    expect(error.message).toMatch(/cpu.*gpu/);
  });

  it('reports tiers out of order at the later tier', () => {
    const path = file('order.yaml', [
      'name: mine',
      'tiers:',
      '  - name: small',
      '    minColumns: 60',
      '    minRows: 16',
      '    layout: { pane: cpu }',
      '  - name: big',
      '    minColumns: 120',
      '    minRows: 40',
      '    layout: { pane: gpu }',
    ]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.message).toBe(`${path}:7:5 tiers.1: tier "big" needs more room than "small" before it: order tiers largest first`);
  });

  it('reports bad YAML at the line where it goes wrong', () => {
    const path = file('broken.yaml', [
      'name: mine',
      'description: fine so far',
      'tiers:',
      '  - name: only',
      '    minColumns: 60',
      '    minRows: 16 layout: x',
      '    layout: { pane: cpu }',
    ]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.message).toMatch(/^\S+:6:\d+ YAML: \S/);
  });

  it('reports a duplicate key at the second one', () => {
    const path = file('dup.yaml', ['name: mine', 'description: one', 'name: again', ...validView('x').slice(1)]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/YAML: .*unique/i);
  });

  it('reports a misspelt field with the right spelling', () => {
    const path = file('typo.yaml', [
      'name: mine',
      'tiers:',
      '  - name: only',
      '    minColums: 60',
      '    minRows: 16',
      '    layout: { pane: cpu }',
    ]);
    const error = errorOf(path);
    expectOneLine(error, path);
    expect(error.message).toBe(`${path}:4:5 tiers.0.minColums: unknown field (did you mean "minColumns"?)`);
  });

  it('reports a bad name and a tier too small to draw', () => {
    const name = errorOf(file('name.yaml', validView('My View')));
    expect(name.message).toMatch(/:1:7 name: use lowercase letters, digits and "-"$/);
    const tiny = errorOf(
      file(
        'tiny.yaml',
        validView('tiny').map((l) => l.replace('minRows: 16', 'minRows: 2')),
      ),
    );
    expect(tiny.line).toBe(5);
    expect(tiny.message).toContain('tiers.0.minRows');
  });

  it('reports a file that does not exist', () => {
    const path = join(home, 'nope.yaml');
    expect(errorOf(path).message).toBe(`${path}:1:1 cannot read: no such file`);
  });
});
