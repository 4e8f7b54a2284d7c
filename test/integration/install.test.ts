// How homeops gets on the PATH, as the README says: `npm install -g .` and `npx homeops`, each
// tried for real (the global install into a prefix of the test's own, npm offline with an empty
// cache of its own, so that nothing is fetched: installing a folder only links it). And the
// package as `npm pack` would publish it holds everything a run reads: its files alone, copied
// to a folder of their own, run the console's commands.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'homeops-install-'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** npm with an empty cache and config of the test's own, offline: it cannot fetch anything. */
function npmEnv(): NodeJS.ProcessEnv {
  const home = join(work, 'npm-home');
  mkdirSync(home, { recursive: true });
  return {
    // The node that runs the tests first: the launcher starts `node` from PATH.
    PATH: [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: home,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    LANG: 'C.UTF-8',
  };
}

describe('on the PATH', () => {
  it('npm install -g . puts homeops on the PATH, runnable from any folder', async () => {
    const prefix = join(work, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '.'], { cwd: ROOT, env: npmEnv(), timeout: 120_000 });
    const env = { ...npmEnv(), PATH: [join(prefix, 'bin'), npmEnv().PATH].join(delimiter) };
    const elsewhere = mkdtempSync(join(work, 'cwd-'));
    const { stdout } = await run('homeops', ['--version'], { cwd: elsewhere, env });
    expect(stdout).toBe(`homeops ${version}\n`);
    const check = await run('homeops', ['check-config'], {
      cwd: elsewhere,
      env: { ...env, XDG_CONFIG_HOME: join(elsewhere, 'config'), XDG_STATE_HOME: join(elsewhere, 'state') },
    });
    expect(check.stdout).toMatch(/^config   none: the built-in default, this machine only/m);
  }, 180_000);

  it('npx homeops runs it from the project folder without installing', async () => {
    const { stdout } = await run('npx', ['homeops', '--version'], { cwd: ROOT, env: npmEnv(), timeout: 120_000 });
    expect(stdout).toBe(`homeops ${version}\n`);
  }, 180_000);
});

describe('the published package', () => {
  it('holds everything a run reads: its files alone run status, check-config and init', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      env: npmEnv(),
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain('examples/estate.yaml');
    expect(files).toContain('docs/config.schema.json');
    const copy = join(work, 'packed');
    for (const file of [...files, 'package.json']) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const home = mkdtempSync(join(work, 'home-'));
    // The copy's own dist/cli.js, so that every file it reads comes from the copy.
    const packed = async (args: string[]) => {
      try {
        const result = await run(process.execPath, [join(copy, 'dist', 'cli.js'), ...args], {
          cwd: home,
          env: {
            PATH: npmEnv().PATH,
            HOME: home,
            XDG_CONFIG_HOME: join(home, 'config'),
            XDG_STATE_HOME: join(home, 'state'),
            XDG_CACHE_HOME: join(home, 'cache'),
            LANG: 'C.UTF-8',
          },
          timeout: 60_000,
        });
        return { code: 0, ...result };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    };
    const demo = await packed(['status', '--demo', 'healthy']);
    expect(demo.stdout, demo.stderr).toMatch(/^HOMEOPS OK · workstation \(demo healthy\)/);
    const check = await packed(['check-config', '--demo']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`config   ${join(copy, 'examples', 'estate.yaml')} (the reference estate, for the demo)`);
    expect(check.stdout).toMatch(/and 5 runbooks are valid$/m);
    const init = await packed(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect((await packed(['check-config'])).code).toBe(0);
  }, 180_000);
});
