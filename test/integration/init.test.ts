// `homeops init`, run as a user would: what it writes passes check-config, an existing file is
// never replaced without --force, and then it is kept as a backup.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli } from '../helpers/cli.js';

let home: string;
const userConfig = () => join(home, 'config', 'homeops', 'config.yaml');

beforeAll(() => ensureBuilt(), 120_000);
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'homeops-init-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('homeops init', () => {
  it("writes this machine's config, commented, says what to edit next, and check-config passes on it", async () => {
    const result = await runCli(['init'], { home });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^wrote ${userConfig()}: this machine only: \\d+ cores? × \\d+ threads?, `));
    expect(result.stdout).toMatch(
      /\nnext:\n  1\. plan: the groups are a guess.*\n  2\. hosts: .*\n  3\. dns, vpn, backups: .*\n  4\. homeops check-config\n$/,
    );
    const text = readFileSync(userConfig(), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${join(ROOT, 'docs', 'config.schema.json')}`);
    expect(text).toMatch(/^# Nothing on the network is watched until this file names it/m);
    expect(text).not.toMatch(/10\.0\.10\./);
    // Private: it names commands that are run.
    expect(statSync(userConfig()).mode & 0o777).toBe(0o600);
    const check = await runCli(['check-config'], { home });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`config   ${userConfig()} (user config)`);
    expect(check.stdout).toMatch(/^plan     a guess: /m);
    expect(check.stdout).toMatch(/^profile  local/m);
  });

  it('never replaces a file without --force; with it, keeps the old one as a backup', async () => {
    await runCli(['init'], { home });
    writeFileSync(userConfig(), `${readFileSync(userConfig(), 'utf8')}# my own notes\n`);
    const before = readFileSync(userConfig(), 'utf8');
    const again = await runCli(['init', '--from', 'estate'], { home });
    expect(again.code).toBe(73);
    expect(again.stderr).toBe(`homeops: ${userConfig()} exists; homeops init --force writes a new one and keeps that one as a backup\n`);
    expect(readFileSync(userConfig(), 'utf8')).toBe(before);

    const forced = await runCli(['init', '--from', 'estate', '--force'], { home });
    expect(forced.code, forced.stderr).toBe(0);
    const backups = readdirSync(join(home, 'config', 'homeops')).filter((name) => /^config\.yaml\.\d{8}T\d{6}\.bak$/.test(name));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(home, 'config', 'homeops', backups[0] ?? ''), 'utf8')).toBe(before);
    expect(forced.stdout).toContain('the one before is');
    expect(forced.stdout).toMatch(/1\. change every address under hosts:, dns: and vpn: to your own/);
    const estate = readFileSync(userConfig(), 'utf8');
    expect(estate).toContain('address: 10.0.10.10');
    expect(estate.split('\n')[0]).toBe(`# yaml-language-server: $schema=${join(ROOT, 'docs', 'config.schema.json')}`);
    const check = await runCli(['check-config'], { home });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/and 5 runbooks are valid$/m);
  });

  it('writes where --config says; a bad --from is a usage error', async () => {
    const file = join(home, 'elsewhere', 'homeops.yaml');
    const result = await runCli(['init', '--config', file], { home });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(userConfig())).toBe(false);
    expect((await runCli(['check-config', '--config', file], { home })).code).toBe(0);
    expect(await runCli(['init', '--from', 'nas'], { home })).toMatchObject({
      code: 64,
      stderr: 'homeops: --from takes detect or estate, not "nas" (see homeops --help)\n',
    });
  });
});
