// Runbook files: every mistake is one line FILE:LINE:COL path: message pointing at the
// offending node; references to inputs, site values and hosts are checked when the file is
// loaded, before anything runs; the built-in runbooks are valid and follow the estate's procedures (docs/runbooks.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { type Config, configSchema } from '../../src/config/schema.js';
import { readUserFile, UserFileError, validateDocument } from '../../src/config/user-file.js';
import { builtinRunbookDir, loadRunbooks } from '../../src/runbooks/load.js';
import { runbookSchema } from '../../src/runbooks/schema.js';

const defaultConfig = readUserFile(estateConfigPath(), configSchema);

const config: Config = configSchema.parse({
  hosts: {
    workstation: { local: true, address: '10.0.10.10' },
    nas: { address: '10.0.10.20', ssh: { user: 'admin' } },
    router: { address: '10.0.10.1' },
  },
  plan: { host: 'workstation', groups: [{ name: 'all', cores: 2 }] },
  runbooks: {
    site: {
      restart: 'systemctl restart pihole-FTL',
      dhcpHost: 'nas',
      viaRouter: 'ssh root@{{hosts.router.address}} reboot',
      usesInput: 'echo {{inputs.db}}',
    },
  },
  backups: { sets: [{ name: 'database', host: 'nas', path: '/volume1/backups/db', glob: '*.dump', schedule: '4h' }] },
});

function errorOf(lines: string[], withConfig: Config | null = config, file = 'book.yaml'): string {
  try {
    validateDocument(file, `${lines.join('\n')}\n`, runbookSchema(withConfig));
  } catch (error) {
    if (error instanceof UserFileError) return error.message;
    throw error;
  }
  throw new Error('expected a UserFileError, but the runbook is valid');
}

const HEAD = ['id: fix-dns', 'title: Fix DNS']; // lines 1-2

/** `LINE:COL` of the first `token` in `line` (1-based), so the expectations say what they point at. */
function at(lineNo: number, line: string, token: string): string {
  const index = line.indexOf(token);
  if (index < 0) throw new Error(`${token} is not in ${line}`);
  return `${lineNo}:${index + 1}`;
}

describe('runbook files: located errors', () => {
  it('accepts a small valid runbook', () => {
    const doc = validateDocument('book.yaml', [...HEAD, 'steps:', '  - id: a', '    note: hello'].join('\n'), runbookSchema(config));
    expect(doc.steps[0]).toMatchObject({ id: 'a', kind: 'note', onFailure: 'stop' });
    expect(doc.dangerous).toBe(false);
  });

  it('a misspelt field: its line and column, with a suggestion', () => {
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    run:', '      host: nas', '      comand: uptime'])).toBe(
      'book.yaml:7:7 steps.0.run.comand: unknown field (did you mean "command"?)',
    );
  });

  it('a step with two kinds, or none', () => {
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    note: hi', '    confirm: sure?'])).toBe(
      'book.yaml:5:11 steps.0.note: a step needs exactly one of run, check, wait, confirm, note (has confirm and note)',
    );
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    title: nothing'])).toMatch(
      /^book\.yaml:4:5 steps\.0: a step needs exactly one of run, check, wait, confirm, note$/,
    );
  });

  it('a run step needs command or argv, not both', () => {
    const line = '    run: { host: nas, command: ls, argv: [ls] }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', line])).toBe(
      `book.yaml:${at(5, line, '[ls]')} steps.0.run.argv: a run step needs exactly one of command (a shell line) or argv (a program and its arguments)`,
    );
  });

  it('step ids are unique across steps and rollback', () => {
    expect(errorOf([...HEAD, 'steps:', '  - { id: a, note: one }', 'rollback:', '  - { id: a, note: two }'])).toBe(
      'book.yaml:6:11 rollback.0.id: step id "a" is used twice (also steps.0)',
    );
  });

  it('parts name main steps, each once; a part is not dangerous unless it or the runbook says so', () => {
    const steps = [
      'steps:',
      '  - { id: check-it, note: one }',
      '  - { id: fix-it, note: two }',
      'rollback:',
      '  - { id: undo, note: three }',
    ];
    const doc = validateDocument(
      'book.yaml',
      [
        ...HEAD,
        'dangerous: true',
        ...steps,
        'parts:',
        '  check:',
        '    title: Only check',
        '    steps: [check-it]',
        '    dangerous: false',
      ].join('\n'),
      runbookSchema(config),
    );
    expect(doc.parts).toEqual({ check: { title: 'Only check', steps: ['check-it'], dangerous: false } });
    const typo = '  check: { title: C, steps: [chek-it] }';
    expect(errorOf([...HEAD, ...steps, 'parts:', typo])).toBe(
      `book.yaml:${at(9, typo, 'chek-it')} parts.check.steps.0: no step "chek-it" in steps (did you mean "check-it"?)`,
    );
    // A rollback step is not a main step: a part runs without rollback.
    const rollback = '  check: { title: C, steps: [undo] }';
    expect(errorOf([...HEAD, ...steps, 'parts:', rollback])).toMatch(
      new RegExp(`^book\\.yaml:${at(9, rollback, 'undo')} parts\\.check\\.steps\\.0: no step "undo" in steps`),
    );
    const twice = '  check: { title: C, steps: [check-it, check-it] }';
    expect(errorOf([...HEAD, ...steps, 'parts:', twice])).toBe(
      `book.yaml:${at(9, twice, ', check-it').replace(/\d+$/, (c) => String(Number(c) + 2))} parts.check.steps.1: step "check-it" is listed twice`,
    );
    expect(errorOf([...HEAD, ...steps, 'parts:', '  check: { title: C, steps: [] }'])).toMatch(/^book\.yaml:9:\d+ parts\.check\.steps: /);
  });

  it('an unknown input reference is an error at its line, with a suggestion', () => {
    expect(
      errorOf([
        ...HEAD,
        'inputs:',
        '  database: { type: string, default: homeops }',
        'steps:',
        '  - id: a',
        '    run:',
        '      host: nas',
        '      command: pg_dump {{inputs.databse}}',
      ]),
    ).toBe('book.yaml:9:16 steps.0.run.command: {{inputs.databse}}: no input "databse" (did you mean "database"?)');
  });

  it('a misspelt template namespace is not silently sent to the shell', () => {
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    note: "{{input.x}}"'])).toBe(
      'book.yaml:5:11 steps.0.note: {{input.x}}: unknown template namespace "input" (use inputs, site or hosts)',
    );
    // Docker's and Go's own templates are left alone.
    expect(() =>
      validateDocument(
        'b.yaml',
        [...HEAD, 'steps:', '  - id: a', '    run: { host: nas, command: "docker ps --format \'{{.Names}} {{json .State}}\'" }'].join('\n'),
        runbookSchema(config),
      ),
    ).not.toThrow();
  });

  it('an unknown site value, host or host address is an error against the config', () => {
    const site = '    run: { host: nas, command: "{{site.restrat}}" }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', site])).toBe(
      `book.yaml:${at(5, site, '"{{')} steps.0.run.command: {{site.restrat}}: no runbooks.site.restrat in the config (did you mean "restart"?)`,
    );
    const typo = '    run: { host: naz, command: uptime }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', typo])).toBe(
      `book.yaml:${at(5, typo, 'naz')} steps.0.run.host: no host "naz" in the config (did you mean "nas"?)`,
    );
    const router = '    run: { host: router, command: uptime }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', router])).toBe(
      `book.yaml:${at(5, router, 'router')} steps.0.run.host: host "router" can run nothing: give it ssh: (or local: true) in the config`,
    );
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    note: "{{hosts.modem.address}}"'])).toBe(
      'book.yaml:5:11 steps.0.note: {{hosts.modem.address}}: no host "modem" in the config (have: workstation, nas, router)',
    );
    const set = '    check: { backup: { set: db } }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', set])).toBe(
      `book.yaml:${at(5, set, 'db }')} steps.0.check.backup.set: no backup set "db" in the config's backups.sets (have: database)`,
    );
  });

  it('a site value naming a host must name one that can run commands; its own references are checked too', () => {
    const withSite = (site: Record<string, string>) => configSchema.parse({ ...config, runbooks: { site } });
    const line = '    run: { host: "{{site.dhcpHost}}", command: uptime }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', line], withSite({ dhcpHost: 'router' }))).toBe(
      `book.yaml:${at(5, line, '"{{')} steps.0.run.host: runbooks.site.dhcpHost: host "router" can run nothing: give it ssh: (or local: true) in the config`,
    );
    const uses = '    run: { host: nas, command: "{{site.usesInput}}" }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', uses])).toBe(
      `book.yaml:${at(5, uses, '"{{')} steps.0.run.command: site value "usesInput" uses {{inputs.db}}: no input "db" in this runbook (none)`,
    );
  });

  it('without a config, only the file itself is checked', () => {
    expect(() =>
      validateDocument(
        'b.yaml',
        [...HEAD, 'steps:', '  - id: a', '    run: { host: anywhere, command: "{{site.whatever}}" }'].join('\n'),
        runbookSchema(null),
      ),
    ).not.toThrow();
  });

  it('inputs: enum values, defaults of the right type, secrets without defaults, valid patterns', () => {
    const input = (line: string) => errorOf([...HEAD, 'inputs:', line, 'steps: [{ id: a, note: x }]']);
    const mode = '  mode: { type: enum }';
    expect(input(mode)).toBe(`book.yaml:${at(4, mode, 'enum')} inputs.mode.type: an enum input needs values: [...]`);
    const count = '  count: { type: integer, default: 2.5 }';
    expect(input(count)).toBe(`book.yaml:${at(4, count, '2.5')} inputs.count.default: the default 2.5 is not a whole number`);
    const ranged = '  count: { type: integer, min: 1, max: 5, default: 9 }';
    expect(input(ranged)).toBe(`book.yaml:${at(4, ranged, '9')} inputs.count.default: the default 9 is more than the maximum 5`);
    const secret = '  pw: { type: string, secret: true, default: hunter2 }';
    expect(input(secret)).toBe(
      `book.yaml:${at(4, secret, 'hunter2')} inputs.pw.default: a secret input cannot have a default (it would be written in the file)`,
    );
    const pattern = '  name: { type: string, pattern: "[a-" }';
    expect(input(pattern)).toMatch(new RegExp(`^book\\.yaml:${at(4, pattern, '"[a-')} inputs\\.name\\.pattern: not a regular expression`));
    expect(input('  2fast: { type: string }')).toMatch(/^book\.yaml:4:3 inputs\.2fast: not a valid name/);
  });

  it('when: names a declared input and a value it can take', () => {
    const is = '  - { id: a, note: x, when: { input: method, is: full } }';
    expect(errorOf([...HEAD, 'inputs:', '  method: { type: enum, values: [pitr, dump], default: pitr }', 'steps:', is])).toBe(
      `book.yaml:${at(6, is, 'full')} steps.0.when.is: input method: "full" is not one of pitr, dump`,
    );
    const input = '  - { id: a, note: x, when: { input: mode, is: x } }';
    expect(errorOf([...HEAD, 'steps:', input])).toBe(`book.yaml:${at(4, input, 'mode')} steps.0.when.input: no input "mode" (have: none)`);
  });

  it('checks: exactly one kind, valid durations, an expected output that is a regular expression', () => {
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    check: { timeout: 2s }'])).toMatch(
      /^book\.yaml:5:12 steps\.0\.check: a check needs exactly one of dns, container, backup, tcp, http, drill$/,
    );
    const wait = '    wait: { check: { tcp: { host: nas, port: 22 } }, timeout: soon }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', wait])).toMatch(
      new RegExp(`^book\\.yaml:${at(5, wait, 'soon')} steps\\.0\\.wait\\.timeout: "soon" is not a duration`),
    );
    const output = '    run: { host: nas, command: ls, expect: { output: "(" } }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', output])).toMatch(
      new RegExp(`^book\\.yaml:${at(5, output, '"("')} steps\\.0\\.run\\.expect\\.output: not a regular expression`),
    );
    const url = '    check: { http: { url: "ftp://x" } }';
    expect(errorOf([...HEAD, 'steps:', '  - id: a', url])).toBe(
      `book.yaml:${at(5, url, '"ftp')} steps.0.check.http.url: "ftp://x" is not an http:// or https:// URL`,
    );
  });

  it("a step host must be one of the runbook's declared hosts", () => {
    const line = '  - { id: a, run: { host: workstation, command: ls } }';
    expect(errorOf([...HEAD, 'hosts: [nas]', 'steps:', line])).toBe(
      `book.yaml:${at(5, line, 'workstation')} steps.0.run.host: host "workstation" is not in this runbook's hosts (nas)`,
    );
  });

  it('a YAML syntax error is located too', () => {
    expect(errorOf([...HEAD, 'steps:', '  - id: a', '    note: x', '  note: y', 'title: again'])).toMatch(/^book\.yaml:\d+:\d+ YAML: /);
  });
});

describe('loading runbook directories', () => {
  const root = mkdtempSync(join(tmpdir(), 'homeops-rb-load-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const env = { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), XDG_STATE_HOME: join(root, 'state') };

  it('the built-ins load against the default config; a user runbook with the same id replaces one', () => {
    const dir = join(root, 'config', 'homeops', 'runbooks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'failback.yaml'), 'id: failback\ntitle: My own failback\nsteps: [{ id: a, note: x }]\n');
    const catalog = loadRunbooks({ config: defaultConfig, env, cwd: root });
    expect(catalog.get('failback')).toMatchObject({ title: 'My own failback', builtin: false });
    expect(catalog.get('dns-failover')?.builtin).toBe(true);
    expect(catalog.runbooks.map((r) => r.id)).toEqual([
      'database-restore',
      'dns-failover',
      'failback',
      'maintenance-window',
      'primary-failover',
    ]);
    rmSync(join(dir, 'failback.yaml'));
  });

  it("two user files with one id: an error at the second one's id", () => {
    const a = join(root, 'a');
    mkdirSync(a, { recursive: true });
    writeFileSync(join(a, '1.yaml'), 'id: mine\ntitle: One\nsteps: [{ id: a, note: x }]\n');
    writeFileSync(join(a, '2.yaml'), '# again\nid: mine\ntitle: Two\nsteps: [{ id: a, note: x }]\n');
    const withDirs = configSchema.parse({ ...defaultConfig, runbooks: { ...defaultConfig.runbooks, dirs: [a] } });
    expect(() => loadRunbooks({ config: withDirs, env, cwd: root })).toThrow(
      `${join(a, '2.yaml')}:2:5 id: runbook "mine" is also defined in ${join(a, '1.yaml')}`,
    );
  });

  it('a user runbook that does not fit the config is an error; a built-in one is listed as unavailable', () => {
    const minimal = configSchema.parse({
      hosts: { desktop: { local: true } },
      plan: { host: 'desktop', groups: [{ name: 'all', cores: 1 }] },
    });
    const catalog = loadRunbooks({ config: minimal, env, cwd: root });
    const failover = catalog.get('dns-failover');
    expect(failover?.unavailable).toMatch(
      new RegExp(
        `^${join(builtinRunbookDir(), 'dns-failover.yaml')}:\\d+:\\d+ steps\\.0\\.check\\.dns\\.server: \\{\\{hosts\\.workstation\\.address\\}\\}: no host "workstation"`,
      ),
    );
    const b = join(root, 'b');
    mkdirSync(b, { recursive: true });
    const line = '  - { id: a, run: { host: nas, command: uptime } }';
    writeFileSync(join(b, 'mine.yaml'), `id: mine\ntitle: Mine\nsteps:\n${line}\n`);
    const withDirs = configSchema.parse({ ...minimal, runbooks: { dirs: [b] } });
    expect(() => loadRunbooks({ config: withDirs, env, cwd: root })).toThrow(
      `${join(b, 'mine.yaml')}:${at(4, line, 'nas')} steps.0.run.host: no host "nas" in the config (have: desktop)`,
    );
  });

  it('a runbooks.dirs entry that is not a directory: located in the config file', () => {
    const file = join(root, 'config.yaml');
    writeFileSync(
      file,
      'hosts:\n  desktop: { local: true }\nplan:\n  host: desktop\n  groups: [{ name: all, cores: 1 }]\nrunbooks:\n  dirs:\n    - ./missing\n',
    );
    const cfg = readUserFile(file, configSchema);
    expect(() => loadRunbooks({ config: cfg, env, cwd: root, configFile: file })).toThrow(
      `${file}:8:7 runbooks.dirs.0: no such directory: ${join(root, 'missing')}`,
    );
  });
});

describe('the built-in runbooks (the estate procedures)', () => {
  const catalog = loadRunbooks({ config: defaultConfig, env: { HOME: '/nonexistent' }, cwd: '/' });
  const steps = (id: string) => catalog.get(id)?.steps.map((s) => s.id) ?? [];

  it('are all available with the built-in config, and every one that changes things is dangerous', () => {
    for (const runbook of catalog.runbooks) {
      expect(runbook.unavailable, runbook.id).toBeUndefined();
      // Each of them changes something (DHCP, services, the database, packages): refused in read-only mode.
      expect(
        runbook.steps.some((s) => s.kind === 'run'),
        runbook.id,
      ).toBe(true);
      expect(runbook.dangerous, runbook.id).toBe(true);
    }
  });

  it('dns-failover: verify the primary is down, check the NAS, ask, point DHCP at the NAS, monitor, investigate, document', () => {
    const r = catalog.get('dns-failover');
    expect(steps('dns-failover')).toEqual([
      'primary-down',
      'backup-answers',
      'approve',
      'dhcp-to-backup',
      'dhcp-now',
      'backup-still-answers',
      'monitor-clients',
      'investigate',
      'document',
    ]);
    expect(r?.steps[0]?.check?.dns).toMatchObject({ server: '{{hosts.workstation.address}}', expect: 'failing' });
    expect(r?.steps[1]?.check?.dns).toMatchObject({ server: '{{hosts.nas.address}}', expect: 'answering' });
    // How DHCP changes is the site's: the runbook only calls it.
    expect(r?.steps[3]?.run).toMatchObject({ host: '{{site.dhcpHost}}', command: '{{site.dhcpDnsToBackup}}' });
    expect(r?.rollback.map((s) => s.run?.command)).toEqual(['{{site.dhcpDnsToPrimary}}']);
  });

  it('primary-failover: health check failing for 60 s, then DNS to the NAS, backup services on the NAS, notify', () => {
    const r = catalog.get('primary-failover');
    expect(r?.steps[0]?.wait).toMatchObject({ holdFor: 60_000, check: { http: { expect: 'failing' } } });
    expect(steps('primary-failover')).toEqual([
      'primary-unhealthy',
      'backup-dns-answers',
      'approve',
      'dhcp-to-backup',
      'start-backup-services',
      'backup-services-healthy',
      'backup-services-status',
      'notify',
    ]);
    expect(r?.steps.find((s) => s.id === 'start-backup-services')?.run).toMatchObject({
      host: 'nas',
      command: '{{site.nasStartBackupServices}}',
    });
    expect(defaultConfig.runbooks?.site.nasStartBackupServices).toMatch(/synopkg start .*docker compose up -d/s);
  });

  it('database-restore: stop apps, keep the corrupted copy, restore, replay WAL, verify, restart, monitor', () => {
    expect(steps('database-restore')).toEqual([
      'backups-present',
      'approve',
      'stop-apps',
      'backup-corrupted',
      'restore-base-backup',
      'replay-wal',
      'start-database',
      'restore-dump',
      'verify',
      'database-healthy',
      'start-apps',
      'monitor',
    ]);
    const site = defaultConfig.runbooks?.site ?? {};
    expect(site.dbRestoreDump).toContain('pg_restore');
    expect(site.dbReplayWal).toMatch(/restore_command.*recovery\.signal/s);
    expect(site.dbVerify).toContain('pg_amcheck');
  });

  it('maintenance-window: in the window, a fresh backup first, then updates, VACUUM ANALYZE, log rotation, backup verification', () => {
    expect(steps('maintenance-window')).toEqual([
      'in-window',
      'backup-fresh',
      'approve',
      'system-updates',
      'database-maintenance',
      'log-rotation',
      'config-backup-fresh',
      'app-backup-fresh',
      'database-backup-fresh',
      'verify-backup',
      'database-drill',
      'database-healthy',
      'dns-answers',
    ]);
    const site = defaultConfig.runbooks?.site ?? {};
    expect(site.dbMaintenance).toMatch(/vacuumdb .*--analyze/);
    expect(site.maintenanceWindowCheck).toMatch(/date \+%u.*= 7/);
  });
});
