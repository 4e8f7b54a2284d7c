// Every secret the config names is masked (issue 13, point 6): the secret-bearing fields are
// read off the schema, so a new one cannot be forgotten, and each is proven masked on screen
// (a runbook's output as it streams), in `status`, in the audit log and in the cache.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { allFieldPaths, secretFieldPaths } from '../../src/config/secret-fields.js';
import { SECRET_PATHS } from '../../src/config/secret-paths.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';

describe('the secret-bearing fields, from the schema', () => {
  it('SECRET_PATHS (what the redactor reads) is exactly what the schema marks secret', () => {
    const sort = (list: readonly { path: string; kind: string }[]) => [...list].map((f) => `${f.path} ${f.kind}`).sort();
    expect(sort(SECRET_PATHS)).toEqual(sort(secretFieldPaths(configSchema)));
  });

  it('no field with a secret-looking name is left unmarked', () => {
    const marked = new Set(secretFieldPaths(configSchema).map((f) => f.path));
    const looking = allFieldPaths(configSchema).filter((p) =>
      /(password|passphrase|secret|token|api.?key|credential)/i.test(p.split('.').at(-1) ?? ''),
    );
    expect(looking.length).toBeGreaterThan(0);
    expect(looking.filter((p) => !marked.has(p))).toEqual([]);
  });
});

// How to make the config name a secret through each field. Keyed by the field's path: the test
// below fails when a secret field has no entry, so each new one gets proven too.
const VAR = 'HOMEOPS_T_VALUE'; // a name that does not look secret: only the config says it is
const NAMING: Record<string, (file: string) => string> = {
  'dns.servers.*.pihole.passwordEnv': () =>
    `dns: { servers: [{ name: pi, address: 127.0.0.1, port: 9, pihole: { url: "http://127.0.0.1:9", passwordEnv: ${VAR} } }], timeout: 300ms }`,
  'dns.servers.*.pihole.passwordFile': (file) =>
    `dns: { servers: [{ name: pi, address: 127.0.0.1, port: 9, pihole: { url: "http://127.0.0.1:9", passwordFile: "${file}" } }], timeout: 300ms }`,
  'vpn.apiKeyEnv': () => `vpn: { url: "http://127.0.0.1:9", apiKeyEnv: ${VAR}, timeout: 500ms }`,
  'vpn.apiKeyFile': (file) => `vpn: { url: "http://127.0.0.1:9", apiKeyFile: "${file}", timeout: 500ms }`,
  'vpn.passwordEnv': () => `vpn: { url: "http://127.0.0.1:9", username: u, passwordEnv: ${VAR}, timeout: 500ms }`,
  'vpn.passwordFile': (file) => `vpn: { url: "http://127.0.0.1:9", username: u, passwordFile: "${file}", timeout: 500ms }`,
  'backups.sets.*.passwordFile': (file) =>
    `backups: { sets: [{ name: repo, host: here, kind: restic, path: /nonexistent/repo, schedule: 1h, passwordFile: "${file}" }], timeout: 2s }`,
  'backups.sets.*.walArchive.passwordEnv': () =>
    `backups: { sets: [{ name: db, host: here, path: /tmp, schedule: 1h, walArchive: { passwordEnv: ${VAR} } }], timeout: 2s }`,
  'alerts.channels.*.tokenEnv': () =>
    `alerts: { channels: [{ name: hook, type: webhook, url: "http://127.0.0.1:9/hook", tokenEnv: ${VAR} }] }`,
  'alerts.channels.*.tokenFile': (file) =>
    `alerts: { channels: [{ name: phone, type: ntfy, url: "http://127.0.0.1:9", topic: t, tokenFile: "${file}" }] }`,
  'alerts.channels.*.passwordEnv': () =>
    `alerts: { channels: [{ name: mail, type: email, host: 127.0.0.1, port: 9, from: a@b.c, to: [d@e.f], user: u, passwordEnv: ${VAR} }] }`,
  'alerts.channels.*.passwordFile': (file) =>
    `alerts: { channels: [{ name: mail, type: email, host: 127.0.0.1, port: 9, from: a@b.c, to: [d@e.f], user: u, passwordFile: "${file}" }] }`,
};

describe('each secret the config names is masked on screen, in status, in the audit log and in the cache', () => {
  let home: string;
  beforeAll(() => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'homeops-secrets-'));
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('every secret field has a way to name it here', () => {
    expect(Object.keys(NAMING).sort()).toEqual(SECRET_PATHS.map((f) => f.path).sort());
  });

  SECRET_PATHS.forEach(({ path }, index) => {
    it(path, async () => {
      const secret = `Zq9-unmistakable-${index}-v4lue`;
      const dir = join(home, `s${index}`);
      mkdirSync(join(dir, 'config', 'homeops', 'runbooks'), { recursive: true });
      const file = join(dir, 'secret.txt');
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      // A GPU "driver" and a runbook step that say the secret out loud (a source that echoes it).
      const gpu = join(dir, 'gpu.sh');
      writeFileSync(gpu, `#!/bin/sh\necho "driver failed: ${secret}"\nexit 9\n`);
      chmodSync(gpu, 0o755);
      writeFileSync(
        join(dir, 'config', 'homeops', 'config.yaml'),
        [
          'profile: local',
          'hosts: { here: { local: true } }',
          'plan: { host: here, groups: [{ name: all, cores: 1 }] }',
          `probes: { cpu: { enabled: false }, gpu: { command: "${gpu}" } }`,
          (NAMING[path] ?? (() => ''))(file),
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'config', 'homeops', 'runbooks', 'say.yaml'),
        `id: say\ntitle: Say\nsteps:\n  - { id: say, run: { host: here, command: "printf 'step says %s\\\\n' ${secret}" } }\n`,
      );
      const env = { [VAR]: secret };

      const status = await runCli(['status'], { home: dir, env });
      expect(status.stdout).toMatch(/gpu +driver failed: \*\*\*/);
      expect(status.stdout + status.stderr).not.toContain(secret);
      const json = await runCli(['status', '--json'], { home: dir, env });
      expect(json.stdout).not.toContain(secret);

      const run = await runCli(['runbook', 'run', 'say'], { home: dir, env });
      expect(run.stdout).toContain('│ step says ***');
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(readFileSync(join(dir, 'state', 'homeops', 'audit.jsonl'), 'utf8')).not.toContain(secret);

      const cache = join(dir, 'cache', 'homeops');
      const cached = readdirSync(cache).map((f) => readFileSync(join(cache, f), 'utf8'));
      expect(cached.length).toBeGreaterThan(0);
      for (const text of cached) expect(text).not.toContain(secret);
    }, 30_000);
  });
});
