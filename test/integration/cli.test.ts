// The built `homeops` binary, run as a user or a script would run it: exit codes, what goes
// to stdout and stderr, and the one-line errors for broken user files.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { cli, ensureBuilt, root } from '../helpers/built.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const EX_USAGE = 64;
const EX_CONFIG = 78;

let home: string;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-cli-'));
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

type Result = { code: number | null; stdout: string; stderr: string };

/** Runs the binary with a clean environment: a temp HOME, no CI, no HOMEOPS_CONFIG. */
function homeops(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    LANG: 'C.UTF-8',
    ...extraEnv,
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function userFile(name: string, lines: string[]): string {
  const path = join(home, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The contract for any broken user file: one line FILE:LINE:COL path: message, exit 78, no stack. */
function expectUserFileError(result: Result, file: string) {
  expect(result.code, result.stderr).toBe(EX_CONFIG);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]?.startsWith(`${file}:`), lines[0]).toBe(true);
  expect(lines[0]?.slice(file.length)).toMatch(/^:\d+:\d+ \S+: \S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('homeops --help and --version', () => {
  it('--help mentions every option and command of the interface that exists', async () => {
    const result = await homeops(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const word of [
      'homeops status',
      '--json',
      'homeops check-config',
      '--config FILE',
      'HOMEOPS_CONFIG',
      '--view NAME|FILE',
      '--keymap NAME|FILE',
      '--demo [SCENARIO]',
      '--read-only',
      '--refresh DURATION',
      '--no-color',
      '--help',
      '--version',
    ]) {
      expect(result.stdout, word).toContain(word);
    }
    // The scenarios that exist, the Nagios exit codes and the exit code of a broken file.
    expect(result.stdout).toMatch(/scenarios: .*gpu-hot.*healthy/);
    expect(result.stdout).toContain('0 ok, 1 warn, 2 crit, 3 unknown');
    expect(result.stdout).toContain('exit 78');
    // Commands of the contract that the binary accepts must be in the help too.
    const runbook = await homeops(['runbook', 'list']);
    if (!/unknown command "runbook"/.test(runbook.stderr)) expect(result.stdout).toContain('homeops runbook');
  });

  it('-h is --help', async () => {
    expect((await homeops(['-h'])).stdout).toBe((await homeops(['--help'])).stdout);
  });

  it('--version prints the package version', async () => {
    const result = await homeops(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`homeops ${pkg.version}\n`);
    expect((await homeops(['-V'])).stdout).toBe(`homeops ${pkg.version}\n`);
  });
});

describe('homeops status', () => {
  it('exits 0 on the healthy demo with an OK headline', async () => {
    const result = await homeops(['status', '--demo', 'healthy']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^HOMEOPS OK · workstation \(demo healthy\) · \d{4}-\d\d-\d\dT/);
    expect(result.stdout).toMatch(/^ok\s+gpu\s+14% 46°C 5\.2\/16\.0 GiB$/m);
  });

  it('takes the scenario from --demo before the command too', async () => {
    const result = await homeops(['--demo', 'status']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(demo healthy)');
  });

  it('exits 1 (WARNING) on the gpu-hot demo, with the GPU WARN line and why', async () => {
    const result = await homeops(['status', '--demo', 'gpu-hot']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^HOMEOPS WARNING · workstation \(demo gpu-hot\)/);
    expect(result.stdout).toMatch(/^WARN\s+gpu\s+95% 84°C 14\.1\/16\.0 GiB$/m);
    expect(result.stdout).toMatch(/^\s+WARN GPU at 84 °C \(warn ≥ 80\)$/m);
  });

  it("the bad day: primary-failure has the workstation's services down against their budgets, and offers primary-failover", async () => {
    const result = await homeops(['status', '--demo', 'primary-failure']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^WARN\s+services\s+1\/13 up · dns-primary DOWN \(\+11\)$/m);
    expect(result.stdout).toMatch(/^\s+WARN auth down 3m12s of 5m: no answer within 5s \(priority 1: past half its recovery budget\)$/m);
    expect(result.stdout).toMatch(
      /^OFFER  primary-failover: the workstation's health checks fail: 8 services down \(dns-primary, auth, health and 5 more\) for 3m12s \(since \d\d:\d\d:\d\d\) · run: homeops runbook run primary-failover$/m,
    );
    // It includes the DNS failover, which is not offered on its own beside it.
    expect(result.stdout).not.toMatch(/^OFFER  dns-failover/m);
    const json = JSON.parse((await homeops(['status', '--json', '--demo', 'primary-failure'])).stdout) as Pick<
      Snapshot,
      'offers' | 'panes'
    >;
    expect(json.offers.map((o) => [o.runbook, o.response])).toEqual([['primary-failover', 'offer']]);
    expect(json.panes.services.data?.services.find((s) => s.name === 'auth')).toMatchObject({
      state: 'down',
      priority: 1,
      budgetMs: 300_000,
      level: 'warn',
    });
  });

  it('services-degraded: the gateway slow and erroring, a certificate 5 days from expiry; nothing offered', async () => {
    const result = await homeops(['status', '--json', '--demo', 'services-degraded']);
    expect(result.code, result.stderr).toBe(1);
    const json = JSON.parse(result.stdout) as Pick<Snapshot, 'offers' | 'panes'>;
    expect(json.offers).toEqual([]);
    const gateway = json.panes.services.data?.services.find((s) => s.name === 'api-gateway');
    expect(gateway?.p95.m5).toBeGreaterThan(500);
    expect(gateway?.errorRate.m5).toBeGreaterThan(0.05);
    expect(json.panes.services.alerts.map((a) => a.message)).toEqual([
      expect.stringMatching(/^auth certificate expires in (4d|5d|1\d\dh)/),
      expect.stringMatching(/^api-gateway slow: p95 (\d+ms|\d(\.\d)?s) over 5m \(above 500ms\)$/),
      expect.stringMatching(/^api-gateway erroring: \d+% of checks failed over 5m \(\d+ checks\)$/),
    ]);
  });

  it('prints the Snapshot as JSON with --json', async () => {
    const result = await homeops(['status', '--json', '--demo', 'gpu-hot']);
    expect(result.code, result.stderr).toBe(1);
    const snapshot = JSON.parse(result.stdout) as {
      version: number;
      demo: string | null;
      host: string;
      status: string;
      panes: { gpu: { status: string; data: { gpus: { utilizationPercent: number; temperatureC: number; name: string }[] } } };
    };
    expect(snapshot).toMatchObject({ version: 1, demo: 'gpu-hot', host: 'workstation' });
    expect(snapshot.panes.gpu.status).toBe('warn');
    expect(snapshot.panes.gpu.data.gpus[0]).toMatchObject({ utilizationPercent: 95, temperatureC: 84, name: 'NVIDIA GeForce RTX 4080' });
  });

  it("--view nope and --keymap nope are usage errors (64) like --demo nope; named in the config they are the config's error (78), located", async () => {
    for (const args of [
      ['--view', 'nope'],
      ['status', '--view', 'nope'],
      ['check-config', '--view=nope'],
    ]) {
      const result = await homeops(args);
      expect(result, args.join(' ')).toMatchObject({
        code: EX_USAGE,
        stdout: '',
        stderr: 'homeops: no view "nope" (built in: workstation, tmux, outage, services; or give a file path)\n',
      });
    }
    expect(await homeops(['check-config', '--keymap', 'nope'])).toMatchObject({
      code: EX_USAGE,
      stderr: 'homeops: no keymap "nope" (built in: default, vim; or give a file path)\n',
    });
    const estate = readFileSync(join(root, 'examples', 'estate.yaml'), 'utf8');
    const viewed = userFile('view-nope.yaml', [estate.replace(/^view: auto.*$/m, 'view: nope')]);
    const line = estate.split('\n').findIndex((l) => l.startsWith('view: ')) + 1;
    expect(await homeops(['check-config', '--config', viewed])).toMatchObject({
      code: EX_CONFIG,
      stderr: `${viewed}:${line}:7 view: no view "nope" (built in: workstation, tmux, outage, services; or give a file path)\n`,
    });
    const listed = userFile('views-nope.yaml', [estate.replace(/^view: auto.*$/m, 'view: auto\nviews: [workstation, nope]')]);
    expect(await homeops(['status', '--config', listed])).toMatchObject({
      code: EX_CONFIG,
      stderr: `${listed}:${line + 1}:22 views.1: no view "nope" (built in: workstation, tmux, outage, services; or give a file path)\n`,
    });
  });

  it('check-config says where the profile came from, and "asked for" only when it was', async () => {
    const estate = join(root, 'examples', 'estate.yaml');
    expect((await homeops(['check-config', '--config', estate])).stdout).toMatch(/^profile  local\s+profile local \(from the config\)$/m);
    expect((await homeops(['check-config', '--config', estate, '--profile', 'local'])).stdout).toMatch(
      /^profile  local\s+profile local \(--profile\)$/m,
    );
    expect((await homeops(['check-config', '--config', estate], { HOMEOPS_HOST_PROFILE: 'local' })).stdout).toMatch(
      /^profile  local\s+profile local \(HOMEOPS_HOST_PROFILE\)$/m,
    );
    expect((await homeops(['check-config', '--config', estate])).stdout).not.toContain('asked for');
  });

  it('says which scenarios exist when asked for one that does not', async () => {
    const result = await homeops(['status', '--demo', 'nope']);
    expect(result.code).toBe(EX_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'homeops: no demo scenario "nope" (have: backups-stale, db-unhealthy, gpu-hot, healthy, primary-down, primary-down-recovers, primary-failure, services-degraded, vpn-down)\n',
    );
  });
});

describe('homeops check-config', () => {
  it('prints the config, views and keymap it resolved and exits 0', async () => {
    const result = await homeops(['check-config']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `config   none: the built-in default, this machine only (homeops init writes ${join(home, 'config', 'homeops', 'config.yaml')})`,
    );
    expect(result.stdout).toMatch(
      /^plan     a guess: the reference estate's plan \(16 cores, 64\.0 GiB\) scaled to this machine's \d+ cores? and /m,
    );
    expect(result.stdout).toMatch(/^profile  local\s+the built-in default: this machine only/m);
    for (const view of ['workstation', 'tmux', 'outage']) {
      expect(result.stdout).toMatch(new RegExp(`^view \\d\\s+${view}\\s+${join(root, 'views', `${view}.yaml`)}$`, 'm'));
    }
    expect(result.stdout).toMatch(new RegExp(`^keymap\\s+default\\s+${join(root, 'keymaps', 'default.yaml')}$`, 'm'));
    expect(result.stdout).toContain(`state    ${join(home, 'state', 'homeops')}`);
    expect(result.stdout).toMatch(/^ok: /m);
  });

  it('notes a runbooks.triggers entry that changes nothing, and triggers that cannot fire without services', async () => {
    const copy = join(home, 'triggers.yaml');
    const base = readFileSync(join(root, 'examples', 'estate.yaml'), 'utf8');
    writeFileSync(copy, base.replace('  triggers: {}', '  triggers: { dns-failovr: { response: auto } }'));
    expect((await homeops(['check-config', '--config', copy])).stdout).toContain(
      'note     runbooks.triggers.dns-failovr: no runbook "dns-failovr" has a trigger; this changes nothing\n',
    );
    // Without the services section the built-in triggers have nothing to watch.
    writeFileSync(copy, base.replace(/\nservices:\n(  .*\n)+/, '\n'));
    const bare = await homeops(['check-config', '--config', copy]);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain(
      'note     no services in the config: the triggers of dns-failover, failback, primary-failover never offer anything\n',
    );
  });

  it('names where the config came from: --config, HOMEOPS_CONFIG, the user’s file, or the reference estate for a demo', async () => {
    expect((await homeops(['check-config', '--demo'])).stdout).toContain(
      `config   ${join(root, 'examples', 'estate.yaml')} (the reference estate, for the demo)`,
    );
    const copy = join(home, 'copy.yaml');
    copyFileSync(join(root, 'examples', 'estate.yaml'), copy);
    expect((await homeops(['check-config', '--config', copy])).stdout).toContain(`config   ${copy} (--config)`);
    expect((await homeops(['check-config'], { HOMEOPS_CONFIG: copy })).stdout).toContain(`config   ${copy} (HOMEOPS_CONFIG)`);
    const user = join(home, 'config', 'homeops', 'config.yaml');
    mkdirSync(join(home, 'config', 'homeops'), { recursive: true });
    copyFileSync(copy, user);
    try {
      expect((await homeops(['check-config'])).stdout).toContain(`config   ${user} (user config)`);
    } finally {
      rmSync(user);
    }
  });

  it('shows the keymap chain a keymap extends', async () => {
    const result = await homeops(['check-config', '--keymap', 'vim']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${join(root, 'keymaps', 'default.yaml')} → ${join(root, 'keymaps', 'vim.yaml')}`);
  });
});

describe('broken user files', () => {
  it('a broken config via --config: one line, exit 78, for every command', async () => {
    const file = userFile('bad-config.yaml', ['# my estate', 'refresh: fast']);
    for (const args of [['check-config'], ['status'], ['status', '--json', '--demo'], []]) {
      const result = await homeops([...args, '--config', file]);
      expectUserFileError(result, file);
      expect(result.stderr).toBe(`${file}:2:10 refresh: "fast" is not a duration (use e.g. 500ms, 2s, 5m, 1h)\n`);
    }
  });

  it('a broken config via HOMEOPS_CONFIG: one line, exit 78', async () => {
    const file = userFile('typo-config.yaml', ['probes:', '  gpu:', '    timout: 3s']);
    const result = await homeops(['status', '--demo'], { HOMEOPS_CONFIG: file });
    expectUserFileError(result, file);
    expect(result.stderr).toBe(`${file}:3:5 probes.gpu.timout: unknown field (did you mean "timeout"?)\n`);
  });

  it('a config that is not valid YAML: one line at the line that breaks, exit 78', async () => {
    const file = userFile('bad-yaml.yaml', ['refresh: 2s', 'view: auto', 'refresh: 3s', 'readOnly: false']);
    const result = await homeops(['check-config', '--config', file]);
    expect(result.code).toBe(EX_CONFIG);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1 YAML: .*unique`, 'i'));
  });

  it('a config file that is not there: one line, exit 78', async () => {
    const file = join(home, 'missing.yaml');
    const result = await homeops(['check-config', '--config', file]);
    expect(result.code).toBe(EX_CONFIG);
    expect(result.stderr).toBe(`${file}:1:1 cannot read: no such file\n`);
  });

  it('a bad view file via --view: one line, exit 78', async () => {
    const file = userFile('bad-view.yaml', [
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
    const result = await homeops(['check-config', '--view', file]);
    expectUserFileError(result, file);
    expect(result.stderr).toBe(`${file}:7:5 tiers.1: tier "big" needs more room than "small" before it: order tiers largest first\n`);
  });

  it('a bad keymap via --keymap: one line, exit 78', async () => {
    const file = userFile('bad-keymap.yaml', ['extends: vim', 'bindings:', '  refresh: [R]', '  focus.nxt: [x]']);
    const result = await homeops(['status', '--demo', '--keymap', file]);
    expectUserFileError(result, file);
    expect(result.stderr).toMatch(/:4:\d+ bindings\.focus\.nxt: unknown command "focus\.nxt" \(did you mean "focus\.next"\?\)\n$/);
  });

  it('a keymap binding a key the keymap it extends already uses: one line at the user’s line', async () => {
    const file = userFile('conflict-keymap.yaml', ['extends: vim', 'bindings:', '  help: [j]']);
    const result = await homeops(['check-config', '--keymap', file]);
    expectUserFileError(result, file);
    expect(result.stderr).toMatch(/:3:\d+ bindings\.help: key "j" is also bound to scroll\.down \(inherited\); unbind one of them\n$/);
  });
});

describe('usage errors and the console', () => {
  it('an unknown option exits 64 with one line pointing at --help', async () => {
    const result = await homeops(['--bogus']);
    expect(result.code).toBe(EX_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('homeops: unknown option --bogus (see homeops --help)\n');
  });

  it('a bad --refresh exits 64', async () => {
    const result = await homeops(['--refresh', 'fast']);
    expect(result.code).toBe(EX_USAGE);
    expect(result.stderr).toContain('--refresh');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses to start the console without a terminal, pointing at homeops status', async () => {
    const result = await homeops(['--demo']);
    expect(result.code).toBe(EX_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('homeops status');
    // Nothing of the full-screen mode leaked onto a pipe.
    expect(result.stdout + result.stderr).not.toContain('\x1b[');
  });

  it('refuses when only stdin is not a terminal (output to a terminal, input from a file)', async () => {
    // script(1) gives the binary a pseudo-terminal for its output; stdin comes from /dev/null.
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    const result = await new Promise<Result>((done, fail) => {
      const child = spawn('script', ['-qec', `${quote(process.execPath)} ${quote(cli)} --demo < /dev/null`, '/dev/null'], {
        cwd: home,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, 'config'), TERM: 'xterm-256color' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr: '' });
      });
    });
    expect(result.code).toBe(EX_USAGE);
    expect(result.stdout.trim()).toBe('homeops: the console needs a terminal; for scripts use `homeops status` or `homeops status --json`');
    // It said so on a normal screen, without entering the alternate screen first.
    expect(result.stdout).not.toContain('\x1b[?1049h');
  });
});
