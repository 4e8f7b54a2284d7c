// The built-in default: this machine's config, made from its facts and the reference estate's plan.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { builtinConfig } from '../../src/config/load.js';
import { countCores, hostKey, isLoopbackAddress, type MachineFacts, parseResolvConf } from '../../src/config/machine.js';
import { apportion, guessPlan, machineConfigYaml, machineNotes, sizeText } from '../../src/config/machine-config.js';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile, validateDocument } from '../../src/config/user-file.js';

const GiB = 1024 ** 3;
const estate = readUserFile(estateConfigPath(), configSchema);

const facts = (more: Partial<MachineFacts> = {}): MachineFacts => ({
  name: 'box',
  hostname: 'box.lan',
  cores: 8,
  threadsPerCore: 2,
  memoryBytes: 32 * GiB,
  docker: null,
  nvidiaSmi: null,
  resolvers: ['127.0.0.53'],
  ...more,
});

describe('what this machine is', () => {
  it('reads the nameservers of resolv.conf in order, once each, and nothing else', () => {
    const text =
      '# generated\nsearch lan\nnameserver 127.0.0.53\noptions edns0\n  nameserver 192.0.2.1 # a comment\nnameserver fe80::1%eth0\nnameserver 127.0.0.53\n';
    expect(parseResolvConf(text)).toEqual(['127.0.0.53', '192.0.2.1', 'fe80::1%eth0']);
    expect(parseResolvConf('')).toEqual([]);
  });

  it('tells loopback addresses from the rest', () => {
    for (const address of ['127.0.0.1', '127.0.0.53', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['10.0.10.10', '192.0.2.1', '::', 'fe80::1%lo', '128.0.0.1', '127.example', '1127.0.0.1', '0.0.0.0'])
      expect(isLoopbackAddress(address), address).toBe(false);
  });

  it('makes a host key of any hostname', () => {
    expect(hostKey('ws01.home.lan')).toBe('ws01');
    expect(hostKey('my_box')).toBe('my_box');
    expect(hostKey('-odd name')).toBe('odd-name');
    expect(hostKey('')).toBe('this-machine');
    expect(hostKey('…')).toBe('this-machine');
  });

  it('counts a physical core per distinct thread-sibling list', () => {
    expect(countCores(['0,16', '1,17', '0,16\n', '1,17'])).toBe(2);
    expect(countCores(['0', '1', '2'])).toBe(3);
  });
});

describe('the plan, a guess in the reference proportions', () => {
  it('shares cores out by largest remainders and always hands out exactly the cores there are', () => {
    const weights = estate.plan.groups.map((g) => g.cores);
    expect(weights).toEqual([2, 4, 4, 4, 2]);
    expect(apportion(weights, 16)).toEqual([2, 4, 4, 4, 2]);
    expect(apportion(weights, 8)).toEqual([1, 2, 2, 2, 1]);
    expect(apportion(weights, 32)).toEqual([4, 8, 8, 8, 4]);
    expect(apportion(weights, 2)).toEqual([0, 1, 1, 0, 0]);
    expect(apportion(weights, 1)).toEqual([0, 1, 0, 0, 0]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 512 }),
        (w, total) => {
          const shares = apportion(w, total);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = w.reduce((a, b) => a + b, 0);
          shares.forEach((share, i) => {
            expect(Math.abs(share - ((w[i] ?? 0) / sum) * total)).toBeLessThan(1);
          });
        },
      ),
      { seed: 18, numRuns: 300 },
    );
  });

  it('scales memory by this machine against the reference, and says it is a guess', () => {
    const guess = guessPlan(estate.plan, { cores: 8, memoryBytes: 32 * GiB });
    expect(guess.groups.map((g) => [g.name, g.cores, g.memory])).toEqual([
      ['system', 1, 4 * GiB],
      ['database', 2, 6 * GiB],
      ['core', 2, 10 * GiB],
      ['specialized', 2, undefined],
      ['burst', 1, undefined],
    ]);
    expect(guess.reserved.map((r) => r.memory)).toEqual([2 * GiB, 4 * GiB, 4 * GiB, 2 * GiB]);
    expect(guess.note).toMatch(
      /^a guess: the reference estate's plan \(16 cores, 64\.0 GiB\) scaled to this machine's 8 cores and 32\.0 GiB/,
    );
    // On two cores the groups without a core are left out rather than given one that is not there.
    expect(guessPlan(estate.plan, { cores: 2, memoryBytes: 4 * GiB }).groups.map((g) => g.name)).toEqual(['database', 'core']);
  });

  it('writes sizes a config reads back', () => {
    expect(sizeText(8 * GiB)).toBe('8GiB');
    expect(sizeText(1.25 * GiB)).toBe('1.25GiB');
    expect(sizeText(768 * 1024 ** 2)).toBe('768MiB');
  });
});

describe('the config of this machine', () => {
  const anyFacts = fc.record({
    name: fc.constantFrom('box', 'ws-01', 'a.b_c'),
    hostname: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('evil\nrefresh: 1ms\u2028x')),
    cores: fc.integer({ min: 1, max: 256 }),
    threadsPerCore: fc.integer({ min: 1, max: 8 }),
    memoryBytes: fc.integer({ min: 64 * 1024 ** 2, max: 4096 * GiB }),
    docker: fc.option(
      fc.record({
        via: fc.constantFrom('DOCKER_HOST' as const, 'socket' as const),
        address: fc.constantFrom('unix:///var/run/docker.sock', 'unix:///run/user/1000/docker.sock'),
      }),
      { nil: null },
    ),
    nvidiaSmi: fc.option(fc.constant('/usr/bin/nvidia-smi'), { nil: null }),
    resolvers: fc
      .array(fc.constantFrom('127.0.0.53', '127.0.0.1', '::1', '192.0.2.1', '10.0.10.1', 'fe80::1%eth0', '2001:db8::53'), { maxLength: 4 })
      .map((list) => [...new Set(list)]),
  });

  it('is a valid config for any machine: this machine alone, its cores all planned, no resolver on the network asked', () => {
    fc.assert(
      fc.property(anyFacts, fc.constantFrom('builtin' as const, 'init' as const), (f, purpose) => {
        const text = machineConfigYaml(f, estate.plan, { purpose, schemaPath: '/opt/homeops/docs/config.schema.json' });
        const config = validateDocument('config.yaml', text, configSchema);
        expect(Object.keys(config.hosts)).toEqual([f.name]);
        expect(config.hosts[f.name]?.local).toBe(true);
        expect(config.hosts[f.name]?.address).toBeUndefined();
        expect(config.profile).toBe('local');
        expect(config.plan.threadsPerCore).toBe(f.threadsPerCore);
        expect(config.plan.groups.reduce((sum, g) => sum + g.cores, 0)).toBe(f.cores);
        expect(config.plan.note).toMatch(/^a guess/);
        expect(config.docker?.endpoints.map((e) => e.host) ?? null).toEqual(f.docker ? [f.name] : null);
        expect(config.dns?.servers.map((s) => s.address) ?? []).toEqual(f.resolvers.filter(isLoopbackAddress));
        if (config.dns) expect(config.dns.names.map((n) => n.name)).toEqual(['localhost']);
        expect(config.vpn).toBeUndefined();
        expect(config.backups).toBeUndefined();
        // The resolvers on the network are written for the user to turn on, as comments.
        for (const remote of f.resolvers.filter((r) => !isLoopbackAddress(r)))
          expect(text).toMatch(new RegExp(`^\\s*#.*address: "${remote.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'm'));
        // No address of the reference estate leaks into this machine's config.
        expect(JSON.stringify(parseYaml(text))).not.toMatch(/10\.0\.10\./);
      }),
      { seed: 1818, numRuns: 120 },
    );
  });

  it('a written one starts with the schema modeline and what to edit next; the built-in one is the same config', () => {
    const f = facts({ docker: { via: 'socket', address: 'unix:///var/run/docker.sock' }, resolvers: ['127.0.0.53', '192.0.2.1'] });
    const text = machineConfigYaml(f, estate.plan, { purpose: 'init', schemaPath: '/opt/homeops/docs/config.schema.json' });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=/opt/homeops/docs/config.schema.json');
    expect(text).toMatch(/Next: the plan below is a guess/);
    expect(text).toMatch(/homeops check-config/);
    expect(validateDocument('init.yaml', text, configSchema)).toEqual(builtinConfig(f));
  });

  it("says why a pane is off in this machine's terms", () => {
    const notes = machineNotes(facts({ resolvers: ['192.0.2.1', '192.0.2.2'] }));
    expect(notes.containers).toBe('no Docker engine on this machine (DOCKER_HOST is unset and there is no /var/run/docker.sock)');
    expect(notes.dns).toMatch(
      /^this machine resolves names through 192\.0\.2\.1, 192\.0\.2\.2 \(\/etc\/resolv\.conf\), not asked: they are on the network/,
    );
    expect(notes.vpn).toMatch(/watches this machine only/);
    expect(notes.backups).toMatch(/watches this machine only/);
    const local = machineNotes(
      facts({ docker: { via: 'DOCKER_HOST', address: 'unix:///x.sock' }, resolvers: ['127.0.0.53', '192.0.2.1'] }),
    );
    expect(local.containers).toBeUndefined();
    expect(local.dns).toBeUndefined();
    expect(machineNotes(facts({ resolvers: [] })).dns).toBe('no nameserver in /etc/resolv.conf');
  });
});
