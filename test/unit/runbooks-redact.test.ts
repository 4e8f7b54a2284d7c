// Secrets never reach the audit log or the screen: secret inputs, secret-looking environment
// values, and the secrets the config names; the audit log keeps the tail of long output.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { AuditLog, readHistory, tail } from '../../src/runbooks/audit.js';
import { buildRedactor, looksSecret, Redactor } from '../../src/runbooks/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'homeops-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('which environment variables hold secrets', () => {
  it.each([
    'PGPASSWORD',
    'MYSQL_PWD_PASSWORD',
    'GITHUB_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'API_KEY',
    'GLUETUN_APIKEY',
    'SSH_PASSPHRASE',
    'DB_CREDENTIALS',
    'client_secret',
  ])('%s does', (name) => {
    expect(looksSecret(name)).toBe(true);
  });
  it.each(['HOME', 'PATH', 'HOMEOPS_KEYMAP', 'KEYBOARD_LAYOUT', 'SSH_AUTH_SOCK', 'TOKENIZER_THREADS'])('%s does not', (name) => {
    expect(looksSecret(name)).toBe(false);
  });
});

describe('the redactor', () => {
  it('masks every occurrence, the longest secret first', () => {
    const r = new Redactor(['abc', 'abcdef']);
    expect(r.redact('x abcdef y abc z abcdefabc')).toBe('x *** y *** z ******');
  });

  it('takes secret-looking variables from the environment and the secrets the config names', () => {
    const file = join(dir, 'pihole-password');
    writeFileSync(file, 'from-a-file\nsecond line\n');
    const config = configSchema.parse({
      hosts: { w: { local: true } },
      plan: { host: 'w', groups: [{ name: 'all', cores: 1 }] },
      dns: {
        servers: [
          { name: 'p', address: '10.0.10.10', pihole: { url: 'http://10.0.10.10', passwordEnv: 'PIHOLE_PW_VAR', passwordFile: file } },
        ],
      },
      vpn: { url: 'http://10.0.10.10:8000', apiKeyEnv: 'GLUETUN' },
    });
    const r = buildRedactor({
      config,
      env: { PGPASSWORD: 'pg-secret', MY_TOKEN: 'tok', HOME: '/home/ana', PIHOLE_PW_VAR: 'ph-pass', GLUETUN: 'glu' },
      secrets: ['typed-secret'],
    });
    expect(r.redact('pg-secret ph-pass glu from-a-file typed-secret /home/ana tok')).toBe('*** *** *** *** *** /home/ana tok');
  });
});

describe('the audit log', () => {
  it('appends lines readable by the owner alone, and reads the history newest first', () => {
    const path = join(dir, 'state', 'homeops', 'audit.jsonl');
    const log = new AuditLog(path);
    const base = { user: 'ana', runbook: 'dns-failover' };
    log.append({ event: 'run-start', time: '2026-03-01T10:00:00.000Z', runId: 'r1', machine: 'ws', inputs: {}, ...base });
    log.append({
      event: 'step',
      time: '2026-03-01T10:00:01.000Z',
      runId: 'r1',
      step: 'a',
      phase: 'main',
      kind: 'run',
      host: 'nas',
      command: 'true',
      state: 'failed',
      exitCode: 3,
      durationMs: 5,
      output: '',
      ...base,
    });
    log.append({
      event: 'run-end',
      time: '2026-03-01T10:00:02.000Z',
      runId: 'r1',
      status: 'failed',
      durationMs: 2000,
      failedStep: 'a',
      ...base,
    });
    log.append({ event: 'run-start', time: '2026-03-02T10:00:00.000Z', runId: 'r2', machine: 'ws', inputs: {}, ...base });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(4);
    const history = readHistory({ XDG_STATE_HOME: join(dir, 'state') });
    expect(history.map((h) => [h.runId, h.status, h.failedStep, h.steps])).toEqual([
      ['r2', 'unfinished', null, 0],
      ['r1', 'failed', 'a', 1],
    ]);
    expect(history[1]?.durationMs).toBe(2000);
  });

  it('keeps the last 2 KB of output, cut at a character, marked as cut', () => {
    expect(tail('short')).toBe('short');
    const long = `${'x'.repeat(3000)}é${'y'.repeat(2040)}`;
    const cut = tail(long);
    expect(cut.startsWith('…')).toBe(true);
    expect(Buffer.byteLength(cut.slice(1))).toBeLessThanOrEqual(2048);
    expect(cut.endsWith('y'.repeat(2040))).toBe(true);
    expect(cut).not.toContain('\ufffd');
  });
});
