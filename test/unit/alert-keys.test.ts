import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertKey, slug, targetCovers } from '../../src/alerts/keys.js';
import {
  acked,
  addAcks,
  addSilence,
  liftSilence,
  parseSilences,
  readSilences,
  silenceFor,
  silenceReader,
  silencesPath,
} from '../../src/alerts/silences.js';
import { silenceCommand, silenceTarget } from '../../src/cli/silence.js';

describe('alert keys', () => {
  it('stay the same while the figures in the words change', () => {
    expect(alertKey('containers', 'pihole unhealthy (4 failed checks): Health check exceeded timeout (10s)')).toBe(
      alertKey('containers', 'pihole unhealthy (5 failed checks): Health check exceeded timeout (12s)'),
    );
    expect(alertKey('dns', 'FAILOVER: clients use secondary 10.0.10.20 — primary timed out')).toBe(
      'dns:failover-clients-use-secondary-primary-timed-out',
    );
    expect(slug('GPU 0 at 91°C')).toBe('gpu-at-c');
    expect(slug('½ ²')).toBe('alert');
    expect(slug(`${'a'.repeat(30)} ${'b'.repeat(30)}`)).toBe('a'.repeat(30));
  });

  it('are covered by their pane, a key, or the start of one at a word', () => {
    const key = 'dns:failover-clients-use-secondary';
    expect(targetCovers('dns', key)).toBe(true);
    expect(targetCovers('dns:failover', key)).toBe(true);
    expect(targetCovers(key, key)).toBe(true);
    expect(targetCovers('dns:fail', key)).toBe(false);
    expect(targetCovers('vpn', key)).toBe(false);
    expect(targetCovers('host:nas', 'host:nas')).toBe(true);
    expect(targetCovers('host:nas', 'host:nas-two')).toBe(false);
  });

  it('a silence names a pane, a host of the config, or an alert key', () => {
    const config = { hosts: { workstation: { local: true }, nas: { local: false } } } as never;
    expect(silenceTarget('dns', config)).toBe('dns');
    expect(silenceTarget('nas', config)).toBe('host:nas');
    expect(silenceTarget('host:workstation', config)).toBe('host:workstation');
    expect(silenceTarget('dns:failover', config)).toBe('dns:failover');
    expect(silenceTarget('toString', config)).toBeNull();
    expect(silenceTarget('router', config)).toBeNull();
    expect(silenceTarget('dns:', config)).toBeNull();
    expect(silenceTarget('mail:x', config)).toBeNull();
  });
});

describe('silences and acknowledgements', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'homeops-silences-'));
    env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const T = Date.parse('2026-03-01T10:00:00Z');

  it('hold what they cover until they end, are kept private and audited', () => {
    addSilence('dns', 3_600_000, 'router swap', { from: 'shell', env, now: T });
    const all = readSilences(env);
    expect(silenceFor(all, 'dns:failover-x', T + 1000)?.reason).toBe('router swap');
    expect(silenceFor(all, 'vpn:down', T + 1000)).toBeNull();
    expect(silenceFor(all, 'dns:failover-x', T + 3_600_001)).toBeNull();
    expect(statSync(silencesPath(env)).mode & 0o777).toBe(0o600);
    const audit = readFileSync(join(dir, 'state', 'homeops', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; target: string; reason?: string; from: string });
    expect(audit).toMatchObject([{ event: 'silence', target: 'dns', reason: 'router swap', from: 'shell' }]);
    expect(liftSilence('dns', { from: 'console', env, now: T + 2000 })).toBe(true);
    expect(silenceFor(readSilences(env), 'dns:failover-x', T + 3000)).toBeNull();
    expect(liftSilence('dns', { from: 'console', env, now: T + 4000 })).toBe(false);
  });

  it('an acknowledgement covers the alert firing when it was given, not a later one', () => {
    addAcks(['dns:failover'], { from: 'console', env, now: T });
    const all = readSilences(env);
    expect(acked(all, 'dns:failover', T - 60_000, T + 1000)).not.toBeNull();
    expect(acked(all, 'dns:failover', T + 500, T + 1000)).toBeNull();
  });

  it('a file that is not JSON, or a symbolic link, counts as no silence', () => {
    expect(parseSilences('not json')).toEqual({ silences: [], acks: [] });
    expect(parseSilences('{"silences":[{"target":"dns"},{"target":"vpn","at":1,"until":2}],"acks":"x"}')).toEqual({
      silences: [{ target: 'vpn', at: 1, until: 2, by: '?', reason: null }],
      acks: [],
    });
    addSilence('dns', 3_600_000, null, { from: 'shell', env, now: T });
    const problems: string[] = [];
    const read = silenceReader(env, null, (m) => problems.push(m));
    expect(read().silences).toHaveLength(1);
    const path = silencesPath(env);
    rmSync(path);
    writeFileSync(join(dir, 'elsewhere.json'), readFileSync(join(dir, 'state', 'homeops', 'audit.jsonl')));
    symlinkSync(join(dir, 'elsewhere.json'), path);
    expect(read()).toEqual({ silences: [], acks: [] });
    expect(problems[0]).toMatch(/symbolic link/);
  });

  it('homeops silence lists, sets and lifts', () => {
    const config = { hosts: { nas: { local: false } } } as never;
    expect(silenceCommand({ action: 'list' }, config, env, T).stdout).toBe('no silences or acknowledgements in force\n');
    expect(silenceCommand({ action: 'set', target: 'nas', durationMs: 1_800_000, reason: null }, config, env, T).stdout).toMatch(
      /^silenced host:nas until \d\d:\d\d \(30m\)\n$/,
    );
    expect(silenceCommand({ action: 'list' }, config, env, T + 60_000).stdout).toMatch(
      /^silenced +host:nas until \d\d:\d\d \(29m left\) by \S+\n$/,
    );
    expect(silenceCommand({ action: 'lift', target: 'nas' }, config, env, T + 60_000)).toMatchObject({
      code: 0,
      stdout: 'host:nas is no longer silenced\n',
    });
    expect(silenceCommand({ action: 'set', target: 'nope', durationMs: 60_000, reason: null }, config, env, T).code).toBe(64);
    chmodSync(join(dir, 'state', 'homeops'), 0o777);
    expect(() => silenceCommand({ action: 'list' }, config, env, T)).toThrow(/can be written by anyone/);
  });
});
