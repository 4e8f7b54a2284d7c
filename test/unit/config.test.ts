import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// ajv comes with conf (a dependency); only the tests use it, to hold the published schema to a
// real JSON Schema validator.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  BLOCK_END,
  BLOCK_START,
  buildConfigJsonSchema,
  checkGenerated,
  DURATION_PATTERN,
  ROOT,
  renderConfigDoc,
  SCHEMA_FILE,
  SIZE_PATTERN,
} from '../../scripts/gen-schema.js';
import { loadConfig } from '../../src/config/load.js';
import { type Env, estateConfigPath, resolveConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { parseDuration, parseSize } from '../../src/config/units.js';
import { readUserFile, UserFileError, validateDocument } from '../../src/config/user-file.js';
import { assignCores } from '../../src/plan/evaluate.js';

const GiB = 1024 ** 3;
const DEFAULT_YAML = readFileSync(estateConfigPath(), 'utf8');

// A small user config; the expected line:col below count from it.
const BASE = [
  'hosts:', //                                              1
  '  desktop: { local: true, address: 192.168.1.5 }', //    2
  'plan:', //                                               3
  '  host: desktop', //                                     4
  '  groups:', //                                           5
  '    - { name: system, cores: 2, memory: 8GiB }', //      6
  '    - { name: apps, cores: 6 }', //                      7
  '',
].join('\n');

/** Replaces text that must be there, so a changed fixture fails loudly instead of testing nothing. */
function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

function errorOf(text: string, file = 'config.yaml'): string {
  try {
    validateDocument(file, text, configSchema);
  } catch (error) {
    if (error instanceof UserFileError) return error.message;
    throw error;
  }
  throw new Error('expected a UserFileError, but the config is valid');
}

describe('the built-in default config (the reference estate)', () => {
  const config = readUserFile(estateConfigPath(), configSchema);

  it('validates', () => {
    expect(() => validateDocument('default.yaml', DEFAULT_YAML, configSchema)).not.toThrow();
  });

  it('plans 16 physical cores of 2 threads on the workstation', () => {
    expect(config.plan.host).toBe('workstation');
    expect(config.hosts.workstation?.local).toBe(true);
    expect(config.plan.threadsPerCore).toBe(2);
    expect(config.plan.groups.reduce((sum, g) => sum + g.cores, 0)).toBe(16);
  });

  it('has the groups system 2, database 4, core 4, specialized 4, burst 2, in that order', () => {
    expect(config.plan.groups.map((g) => [g.name, g.cores])).toEqual([
      ['system', 2],
      ['database', 4],
      ['core', 4],
      ['specialized', 4],
      ['burst', 2],
    ]);
  });

  it('takes cores in order: system 0-1, database 2-5, core 6-9, specialized 10-13, burst 14-15', () => {
    expect(Object.fromEntries(assignCores(config.plan))).toEqual({
      system: [0, 1],
      database: [2, 3, 4, 5],
      core: [6, 7, 8, 9],
      specialized: [10, 11, 12, 13],
      burst: [14, 15],
    });
  });

  it('has the memory plan: groups and reserved add up to the 64 GB of the workstation', () => {
    const memory = Object.fromEntries(config.plan.groups.map((g) => [g.name, g.memory]));
    expect(memory).toEqual({ system: 8 * GiB, database: 12 * GiB, core: 20 * GiB, specialized: undefined, burst: undefined });
    const database = config.plan.groups.find((g) => g.name === 'database');
    expect(database?.containers).toEqual([
      { name: 'postgres', memory: 8 * GiB },
      { name: 'redis', memory: 2 * GiB },
      { name: 'timescaledb', memory: 2 * GiB },
    ]);
    expect(config.plan.reserved.map((r) => [r.name, r.memory / GiB])).toEqual([
      ['container-overhead', 4],
      ['file-cache', 8],
      ['gpu-shared', 8],
      ['reserve', 4],
    ]);
    const planned =
      config.plan.groups.reduce((sum, g) => sum + (g.memory ?? 0), 0) + config.plan.reserved.reduce((sum, r) => sum + r.memory, 0);
    expect(planned).toBe(64 * GiB);
  });

  it('has the capacity triggers 80 / 85 / 20 / 70 and a 5 minute CPU window', () => {
    expect(config.triggers).toEqual({
      cpu: { percent: 80, sustained: 300_000 },
      memory: { percent: 85 },
      storage: { freePercent: 20 },
      network: { percent: 70 },
    });
  });

  it('refreshes every 2000 ms and reads the probes on their intervals', () => {
    expect(config.refresh).toBe(2000);
    expect(config.probes.cpu).toMatchObject({ enabled: true, interval: 2000, timeout: 1500, disksInterval: 30_000 });
    expect(config.probes.gpu).toMatchObject({
      enabled: true,
      interval: 5000,
      timeout: 4000,
      command: 'nvidia-smi',
      temperature: { warn: 80, crit: 90 },
      memoryPercent: { warn: 90, crit: 98 },
    });
    expect([config.view, config.keymap, config.readOnly]).toEqual(['auto', 'default', false]);
  });

  it('names secrets by environment variable, never by value', () => {
    expect(config.dns?.servers.map((s) => s.pihole?.passwordEnv)).toEqual([
      'HOMEOPS_PIHOLE_PASSWORD',
      'HOMEOPS_PIHOLE_PASSWORD',
      undefined,
    ]);
    expect(config.vpn?.apiKeyEnv).toBe('HOMEOPS_GLUETUN_API_KEY');
    expect(DEFAULT_YAML).not.toMatch(/password:|apiKey:/i);
  });

  it('a config of only hosts and plan gets the same defaults as the estate', () => {
    const minimal = validateDocument('config.yaml', BASE, configSchema);
    expect(minimal.refresh).toBe(config.refresh);
    expect(minimal.triggers).toEqual(config.triggers);
    expect(minimal.probes).toEqual(config.probes);
    expect(minimal.views).toEqual(['workstation', 'tmux', 'outage', 'services']);
    expect([minimal.docker, minimal.dns, minimal.vpn, minimal.backups, minimal.runbooks]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('error lines: FILE:LINE:COL path: message', () => {
  it('the base config used below is valid', () => {
    expect(validateDocument('config.yaml', BASE, configSchema).plan.groups).toHaveLength(2);
  });

  describe('YAML syntax', () => {
    it('points at the offending token', () => {
      expect(errorOf(`${BASE}view: auto: tmux\n`)).toBe('config.yaml:8:7 YAML: Nested mappings are not allowed in compact mappings');
    });

    it('points at a tab used for indentation', () => {
      expect(errorOf(`refresh: 2s\n\tview: auto\n${BASE}`)).toBe('config.yaml:2:1 YAML: Tabs are not allowed as indentation');
    });

    it('points at the second of two equal keys', () => {
      expect(errorOf(`${BASE}hosts:\n  nas: {}\n`)).toBe('config.yaml:8:1 YAML: Map keys must be unique');
    });

    it('reports an unclosed bracket where the file ends', () => {
      expect(errorOf(`${BASE}refresh: [2s\n`)).toBe(
        'config.yaml:9:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      );
    });
  });

  describe('wrong type points at the value', () => {
    it('top level', () => {
      expect(errorOf(`readOnly: maybe\n${BASE}`)).toBe('config.yaml:1:11 readOnly: expected boolean, received string');
    });

    it('inside a flow map of a host', () => {
      expect(errorOf(edit(BASE, 'local: true', 'local: yes please'))).toBe(
        'config.yaml:2:21 hosts.desktop.local: expected boolean, received string',
      );
    });

    it('a number written as a word', () => {
      expect(errorOf(edit(BASE, '  host: desktop\n', '  host: desktop\n  threadsPerCore: two\n'))).toBe(
        'config.yaml:5:19 plan.threadsPerCore: expected number, received string',
      );
    });

    it('out of range', () => {
      expect(errorOf(`triggers:\n  cpu: { percent: 180 }\n${BASE}`)).toBe(
        'config.yaml:2:19 triggers.cpu.percent: Too big: expected number to be <=100',
      );
    });

    it('a file that is not a map', () => {
      expect(errorOf('just text\n')).toBe('config.yaml:1:1 expected object, received string');
    });
  });

  describe('unknown keys', () => {
    it('suggests the likely key at the top level', () => {
      expect(errorOf(`refesh: 2s\n${BASE}`)).toBe('config.yaml:1:1 refesh: unknown field (did you mean "refresh"?)');
    });

    it('suggests inside a list item', () => {
      expect(errorOf(edit(BASE, '{ name: apps, cores: 6 }', '{ name: apps, core: 6 }'))).toBe(
        'config.yaml:7:21 plan.groups.1.core: unknown field (did you mean "cores"?)',
      );
    });

    it('suggests inside a host (a record value)', () => {
      expect(errorOf(edit(BASE, 'local: true,', 'local: true, sssh: {},'))).toBe(
        'config.yaml:2:27 hosts.desktop.sssh: unknown field (did you mean "ssh"?)',
      );
    });

    it('lists the known keys when nothing is close', () => {
      expect(errorOf(`${BASE}whatever: 1\n`)).toBe(
        'config.yaml:8:1 whatever: unknown field (known: refresh, view, views, keymap, readOnly, theme, mouse, profile, hosts, plan, triggers, probes, docker, dns, vpn, backups, services, maintenance, runbooks, alerts, store)',
      );
    });

    it('reports the misspelling, not the key it makes look missing', () => {
      expect(errorOf(edit(BASE, '  host: desktop', '  hst: desktop'))).toBe(
        'config.yaml:4:3 plan.hst: unknown field (did you mean "host"?)',
      );
    });
  });

  describe('missing required fields are reported at the parent', () => {
    it('a field of a list item', () => {
      expect(errorOf(edit(BASE, '{ name: apps, cores: 6 }', '{ name: apps }'))).toBe(
        'config.yaml:7:7 plan.groups.1.cores: is required (number)',
      );
    });

    it('a field of a block map', () => {
      expect(errorOf(edit(BASE, '  host: desktop\n', ''))).toBe('config.yaml:4:3 plan.host: is required (string)');
    });

    it('a whole section', () => {
      expect(errorOf('hosts: {}\n')).toBe('config.yaml:1:1 plan: is required (object)');
    });

    it('an empty file', () => {
      expect(errorOf('')).toBe('config.yaml:1:1 hosts: is required (record)');
    });
  });

  describe('units', () => {
    it('a duration that does not parse', () => {
      expect(errorOf(`refresh: 2 sec\n${BASE}`)).toBe('config.yaml:1:10 refresh: "2 sec" is not a duration (use e.g. 500ms, 2s, 5m, 1h)');
    });

    it('a negative duration in milliseconds', () => {
      expect(errorOf(`refresh: -5\n${BASE}`)).toMatch(/^config\.yaml:1:10 refresh: /);
    });

    it('a size that does not parse', () => {
      expect(errorOf(edit(BASE, '8GiB', '8 gigs'))).toBe(
        'config.yaml:6:41 plan.groups.0.memory: "8 gigs" is not a size (use e.g. 8GiB, 512MiB, 2TB)',
      );
    });

    it('accepts the forms the docs show', () => {
      const text = edit(`refresh: 1m 30s\nprobes:\n  cpu: { interval: 1500, timeout: 1.5s }\n${BASE}`, '8GiB', '512 MB');
      const config = validateDocument('config.yaml', text, configSchema);
      expect([config.refresh, config.probes.cpu.interval, config.probes.cpu.timeout, config.plan.groups[0]?.memory]).toEqual([
        90_000, 1500, 1500, 512e6,
      ]);
    });
  });

  describe('cross-field checks', () => {
    it('plan.host must name a host', () => {
      expect(errorOf(edit(BASE, 'host: desktop', 'host: workstation'))).toBe(
        'config.yaml:4:9 plan.host: no host "workstation" in hosts (have: desktop)',
      );
    });

    it('plan.host is not satisfied by an inherited property name', () => {
      expect(errorOf(edit(BASE, 'host: desktop', 'host: toString'))).toBe(
        'config.yaml:4:9 plan.host: no host "toString" in hosts (have: desktop)',
      );
    });

    it('group names are unique', () => {
      expect(errorOf(edit(BASE, 'name: apps', 'name: system'))).toBe(
        'config.yaml:7:15 plan.groups.1.name: group "system" is defined twice',
      );
    });

    it('coreIds lists as many cores as cores says', () => {
      expect(errorOf(edit(BASE, '{ name: apps, cores: 6 }', '{ name: apps, cores: 6, coreIds: [2, 3, 4] }'))).toBe(
        'config.yaml:7:40 plan.groups.1.coreIds: lists 3 cores but cores is 6',
      );
    });

    it('no core is owned by two groups', () => {
      const text = edit(
        edit(BASE, 'cores: 2,', 'cores: 2, coreIds: [0, 1],'),
        '{ name: apps, cores: 6 }',
        '{ name: apps, cores: 6, coreIds: [1, 2, 3, 4, 5, 6] }',
      );
      expect(errorOf(text)).toBe('config.yaml:7:41 plan.groups.1.coreIds.0: core 1 is already owned by group "system"');
    });

    it('dns servers and backup sets must name hosts', () => {
      expect(errorOf(`${BASE}dns:\n  servers:\n    - { name: nas, address: 10.0.0.2, host: nas }\n`)).toBe(
        'config.yaml:10:45 dns.servers.0.host: no host "nas" in hosts',
      );
      expect(errorOf(`${BASE}backups:\n  sets:\n    - { name: db, host: nas, path: /b, schedule: 4h }\n`)).toBe(
        'config.yaml:10:25 backups.sets.0.host: no host "nas" in hosts',
      );
    });

    it('host names are checked, and the error points at the key', () => {
      expect(errorOf(edit(BASE, '  desktop:', '  my desktop:'))).toBe(
        'config.yaml:2:3 hosts.my desktop: not a valid name (use letters, digits, ".", "_" or "-")',
      );
    });
  });

  describe('files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'homeops-config-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a missing file', () => {
      const file = join(dir, 'nope.yaml');
      expect(() => readUserFile(file, configSchema)).toThrow(new UserFileError(file, 1, 1, '', 'cannot read: no such file'));
      expect(() => readUserFile(file, configSchema)).toThrow(`${file}:1:1 cannot read: no such file`);
    });

    it('a directory', () => {
      expect(() => readUserFile(dir, configSchema)).toThrow(`${dir}:1:1 cannot read: is a directory`);
    });

    it('the error carries its parts for callers', () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, `readOnly: maybe\n${BASE}`);
      try {
        readUserFile(file, configSchema);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(UserFileError);
        const e = error as UserFileError;
        expect([e.file, e.line, e.col, e.field, e.problem]).toEqual([file, 1, 11, 'readOnly', 'expected boolean, received string']);
        expect(e.message).toBe(`${file}:1:11 readOnly: expected boolean, received string`);
      }
    });

    it('loadConfig reports a missing --config file', () => {
      expect(() => loadConfig('missing.yaml', {}, dir)).toThrow(`${join(dir, 'missing.yaml')}:1:1 cannot read: no such file`);
    });
  });
});

describe('resolveConfigPath: --config, then HOMEOPS_CONFIG, then the user file, then the built-in', () => {
  let dir: string;
  let xdg: string;
  let userFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeops-paths-'));
    xdg = join(dir, 'xdg');
    userFile = join(xdg, 'homeops', 'config.yaml');
    mkdirSync(dirname(userFile), { recursive: true });
    writeFileSync(userFile, BASE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cwd = '/srv/somewhere';

  it('the flag wins, resolved against the working directory', () => {
    const env: Env = { XDG_CONFIG_HOME: xdg, HOMEOPS_CONFIG: '/etc/homeops.yaml' };
    expect(resolveConfigPath('mine.yaml', env, cwd)).toEqual({ kind: 'flag', path: '/srv/somewhere/mine.yaml' });
    expect(resolveConfigPath('/abs/mine.yaml', env, cwd)).toEqual({ kind: 'flag', path: '/abs/mine.yaml' });
  });

  it('the flag and HOMEOPS_CONFIG expand ~ from HOME', () => {
    expect(resolveConfigPath('~/homeops.yaml', { HOME: '/home/ana' }, cwd)).toEqual({ kind: 'flag', path: '/home/ana/homeops.yaml' });
    expect(resolveConfigPath(undefined, { HOME: '/home/ana', HOMEOPS_CONFIG: '~/h.yaml' }, cwd)).toEqual({
      kind: 'env',
      path: '/home/ana/h.yaml',
    });
  });

  it('then HOMEOPS_CONFIG, even when the user file exists', () => {
    expect(resolveConfigPath(undefined, { XDG_CONFIG_HOME: xdg, HOMEOPS_CONFIG: 'rel.yaml' }, cwd)).toEqual({
      kind: 'env',
      path: '/srv/somewhere/rel.yaml',
    });
  });

  it('an empty HOMEOPS_CONFIG counts as unset', () => {
    expect(resolveConfigPath(undefined, { XDG_CONFIG_HOME: xdg, HOMEOPS_CONFIG: '' }, cwd)).toEqual({ kind: 'user', path: userFile });
  });

  it('then $XDG_CONFIG_HOME/homeops/config.yaml when it exists', () => {
    expect(resolveConfigPath(undefined, { XDG_CONFIG_HOME: xdg }, cwd)).toEqual({ kind: 'user', path: userFile });
  });

  it('then ~/.config/homeops/config.yaml when XDG_CONFIG_HOME is unset', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.config', 'homeops'), { recursive: true });
    writeFileSync(join(home, '.config', 'homeops', 'config.yaml'), BASE);
    expect(resolveConfigPath(undefined, { HOME: home }, cwd)).toEqual({
      kind: 'user',
      path: join(home, '.config', 'homeops', 'config.yaml'),
    });
  });

  it('else the built-in default, which is no file', () => {
    const source = resolveConfigPath(undefined, { XDG_CONFIG_HOME: join(dir, 'empty'), HOME: join(dir, 'empty') }, cwd);
    expect(source).toEqual({ kind: 'builtin', path: null });
  });

  it('a demo without a config named runs on the reference estate, even with a user config', () => {
    expect(resolveConfigPath(undefined, { XDG_CONFIG_HOME: xdg }, cwd, { demo: true })).toEqual({ kind: 'demo', path: estateConfigPath() });
    expect(estateConfigPath()).toBe(join(ROOT, 'examples', 'estate.yaml'));
    expect(resolveConfigPath('mine.yaml', {}, cwd, { demo: true })).toEqual({ kind: 'flag', path: join(cwd, 'mine.yaml') });
  });

  it('loadConfig reads the file it resolved, with no merging of the built-in', () => {
    const loaded = loadConfig(undefined, { XDG_CONFIG_HOME: xdg }, cwd);
    expect(loaded.source.kind).toBe('user');
    expect(Object.keys(loaded.config.hosts)).toEqual(['desktop']);
    expect(loaded.config.dns).toBeUndefined();
  });
});

describe('generated files', () => {
  it('docs/config.schema.json and the default config in docs/config.md are up to date (npm run schema)', () => {
    expect(checkGenerated()).toEqual([]);
  });

  it('the reference estate points editors at the published schema', () => {
    const first = DEFAULT_YAML.split('\n')[0] ?? '';
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(resolve(dirname(estateConfigPath()), match?.[1] ?? '')).toBe(join(ROOT, SCHEMA_FILE));
  });

  it('renderConfigDoc replaces only the marked block, and again gives the same text', () => {
    const doc = `# Title\n\nbefore\n${BLOCK_START}\nold\n${BLOCK_END}\nafter\n`;
    const once = renderConfigDoc(doc, 'a: 1\n');
    expect(once).toBe(`# Title\n\nbefore\n${BLOCK_START}\n\`\`\`yaml\na: 1\n\`\`\`\n${BLOCK_END}\nafter\n`);
    expect(renderConfigDoc(once, 'a: 1\n')).toBe(once);
    expect(renderConfigDoc(doc, 'a: "```"')).toContain('````yaml\na: "```"\n````\n');
    expect(() => renderConfigDoc('# no markers\n', 'a: 1\n')).toThrow(/default-config:start/);
  });

  it('the docs include the reference estate verbatim', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
    expect(doc).toContain(`${BLOCK_START}\n\`\`\`yaml\n${DEFAULT_YAML}`);
  });

  describe('the JSON Schema, checked by a real validator', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(buildConfigJsonSchema());
    const errors = (text: string): string[] => {
      validate(parseYaml(text));
      return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
    };

    it('accepts the built-in config and the small one', () => {
      expect(errors(DEFAULT_YAML)).toEqual([]);
      expect(errors(BASE)).toEqual([]);
    });

    it('accepts capitalised names, as the validator does', () => {
      const text = edit(edit(BASE, '  desktop:', '  Desktop:'), 'host: desktop', 'host: Desktop');
      expect(errors(text)).toEqual([]);
      expect(() => validateDocument('config.yaml', text, configSchema)).not.toThrow();
    });

    it('rejects what the validator rejects: unknown keys, bad durations and sizes, wrong types', () => {
      expect(errors(`refesh: 2s\n${BASE}`)).toContain(' must NOT have additional properties');
      expect(errors(`refresh: 2 sec\n${BASE}`).join('\n')).toMatch(/^\/refresh must match pattern/m);
      expect(errors(edit(BASE, '8GiB', '8 gigs')).join('\n')).toMatch(/^\/plan\/groups\/0\/memory must match pattern/m);
      expect(errors(`readOnly: maybe\n${BASE}`)).toContain('/readOnly must be boolean');
      expect(errors('hosts: {}\n')).toContain(" must have required property 'plan'");
    });
  });

  it('the duration and size patterns accept exactly what the parsers accept', () => {
    const durations = [
      '2s',
      '500ms',
      '1.5m',
      '1h30m',
      '1h 30m',
      ' 2s ',
      '5 m',
      '7d',
      '0s',
      '1d2h',
      '2',
      '',
      '2 sec',
      '1m30',
      '2S',
      'ms',
      '-1s',
      '1.s',
      '.5s',
    ];
    const sizes = [
      '8GiB',
      '8 GB',
      '512M',
      '1.5TiB',
      '8',
      '8b',
      '8 gib',
      '0.5k',
      ' 8 GiB ',
      '',
      'GiB',
      '8 gigs',
      '-1',
      '8ib',
      '8 KIB',
      '8kB',
      '1e3',
      '.5G',
    ];
    const durationPattern = new RegExp(DURATION_PATTERN);
    const sizePattern = new RegExp(SIZE_PATTERN);
    for (const text of durations) expect([text, durationPattern.test(text)]).toEqual([text, parseDuration(text) !== undefined]);
    for (const text of sizes) expect([text, sizePattern.test(text)]).toEqual([text, parseSize(text) !== undefined]);
  });
});
