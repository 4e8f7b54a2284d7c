// `homeops runbook …` as a user or a script runs it: the built binary, a temp HOME and XDG
// directories, a config whose NAS is a real sshd on loopback. Exit codes 0/1/130, 64 for bad
// input, 75 when already running, 77 when read-only refuses, 78 for a broken runbook file.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cli, ensureBuilt, root } from '../helpers/built.js';
import { type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.js';

type Result = { code: number | null; stdout: string; stderr: string };

let home: string;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-rb-cli-'));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** Runs the binary; `during` may act on the child while it runs (send it a signal). */
function homeops(
  args: string[],
  options: { env?: Record<string, string>; during?: (child: ReturnType<typeof spawn>, output: () => string) => void } = {},
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: home, env: environment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end();
    options.during?.(child, () => stdout);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The reference estate, whose hosts and site values the built-in runbooks were written for. */
const onEstate = (args: string[], options: Parameters<typeof homeops>[1] = {}) =>
  homeops(args, { ...options, env: { HOMEOPS_CONFIG: join(root, 'examples', 'estate.yaml'), ...options.env } });

describe('with the reference estate', () => {
  it('list: every built-in runbook with its title, danger and hosts', async () => {
    const result = await onEstate(['runbook', 'list']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TITLE +DANGEROUS +HOSTS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'database-restore',
      'dns-failover',
      'failback',
      'maintenance-window',
      'primary-failover',
    ]);
    expect(result.stdout).toMatch(/^dns-failover +DNS failover to the NAS +yes +workstation, nas$/m);
  });

  it('show: inputs and steps, with the site values the steps call', async () => {
    const result = await onEstate(['runbook', 'show', 'database-restore']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^database-restore · Restore the database from backup\ndangerous: yes \(refused in read-only mode\)\n/);
    expect(result.stdout).toMatch(/^ {2}method +one of pitr\|dump +default pitr/m);
    expect(result.stdout).toMatch(/^ {2}6\. replay-wal +run on workstation +\(when method is "pitr"\)$/m);
    expect(result.stdout).toMatch(/^ {5}site\.dbReplayWal = printf "restore_command/m);
  });

  it("run --dry-run: each step's host and exact command; nothing is contacted, locked or logged", async () => {
    const started = Date.now();
    const result = await onEstate(['runbook', 'run', 'dns-failover', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.stdout).toMatch(/^ {2}4\. dhcp-to-backup +run +nas \(ssh admin@10\.0\.10\.20\)$/m);
    expect(result.stdout).toContain("$ ssh -o BatchMode=yes root@10.0.10.1 \"uci set dhcp.lan.dhcp_option='6,10.0.10.20,10.0.10.1'");
    expect(existsSync(join(home, 'state', 'homeops', 'audit.jsonl'))).toBe(false);
    expect(existsSync(join(home, 'state', 'homeops', 'locks'))).toBe(false);
  });

  it('--read-only refuses a dangerous runbook and says why; its dry run is still shown', async () => {
    const refused = await onEstate(['runbook', 'run', 'maintenance-window', '--read-only', '--yes']);
    expect(refused.code).toBe(77);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'homeops: maintenance-window is dangerous (it changes things) and homeops was started with --read-only; nothing was run\n',
    );
    const dry = await onEstate(['runbook', 'run', 'maintenance-window', '--read-only', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'note: maintenance-window is dangerous and homeops was started with --read-only: a real run would be refused',
    );
  });

  it("--part: show lists the parts; a part's dry run has only its steps; an unknown part is exit 64 with the parts there are", async () => {
    const shown = await onEstate(['runbook', 'show', 'maintenance-window']);
    expect(shown.stdout).toMatch(
      /parts \(run alone with --part NAME\):\n  verify-backups  Verify the backups \(not dangerous\)\n     steps: config-backup-fresh, app-backup-fresh, database-backup-fresh, verify-backup, database-drill\n/,
    );
    const dry = await onEstate(['runbook', 'run', 'maintenance-window', '--part', 'verify-backups', '--read-only', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^maintenance-window --part verify-backups · Monthly maintenance window: Verify the backups\n/);
    expect(dry.stdout).toMatch(/ 4\. verify-backup +run/);
    expect(dry.stdout).not.toContain('system-updates');
    expect(dry.stdout).not.toContain('a real run would be refused');
    const unknown = await onEstate(['runbook', 'run', 'maintenance-window', '--part', 'verify', '--dry-run']);
    expect(unknown).toMatchObject({ code: 64, stderr: 'homeops: maintenance-window has no part "verify" (parts: verify-backups)\n' });
  });

  it('bad input: one line, exit 64', async () => {
    const result = await onEstate(['runbook', 'run', 'database-restore', '--dry-run', '--input', 'method=full']);
    expect(result).toMatchObject({ code: 64, stdout: '', stderr: 'homeops: input method: "full" is not one of pitr, dump\n' });
    const unknown = await onEstate(['runbook', 'run', 'database-restore', '--input', 'databse=x']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe('homeops: database-restore has no input "databse" (inputs: database, method, targetTime)\n');
  });

  it('an unknown runbook or action: exit 64 with what exists', async () => {
    expect(await onEstate(['runbook', 'run', 'dns-failvoer'])).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(
        /^homeops: no runbook "dns-failvoer" \(did you mean "dns-failover"\? have: database-restore, dns-failover/,
      ),
    });
    expect(await onEstate(['runbook', 'launch', 'x'])).toMatchObject({
      code: 64,
      stderr: 'homeops: unknown runbook action "launch" (actions: list, show, run, history, unlock) (see homeops --help)\n',
    });
    expect(await onEstate(['runbook', 'list', '--dry-run'])).toMatchObject({
      code: 64,
      stderr: 'homeops: --dry-run belongs to `homeops runbook run` (see homeops --help)\n',
    });
  });

  it('history of an id no runbook has says so (64); of a runbook never run, that it has no runs yet (0)', async () => {
    expect(await onEstate(['runbook', 'history', 'dns-failvoer'])).toMatchObject({
      code: 64,
      stdout: '',
      stderr: expect.stringMatching(
        /^homeops: no runbook "dns-failvoer" \(did you mean "dns-failover"\? have: database-restore, dns-failover/,
      ),
    });
    expect(await onEstate(['runbook', 'history', 'failback'])).toMatchObject({
      code: 0,
      stdout: 'no runs of failback in the audit log yet\n',
    });
  });

  it('run without an id says so once, pointing at the list', async () => {
    expect(await onEstate(['runbook', 'run'])).toMatchObject({
      code: 64,
      stderr: 'homeops: runbook run needs a runbook ID: homeops runbook list names them\n',
    });
  });

  it('check-config validates the runbooks too', async () => {
    const result = await onEstate(['check-config']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`runbooks ${join(root, 'runbooks')} (built-in)`);
    expect(result.stdout).toMatch(/^ok: .* and 5 runbooks are valid$/m);
  });
});

describe.runIf(sshdAvailable())('against a real sshd', () => {
  let sshd: Sshd;
  let configFile: string;
  let books: string;
  const work = () => join(home, 'work');

  beforeAll(async () => {
    sshd = await startSshd();
    books = join(home, 'books');
    mkdirSync(books, { recursive: true });
    mkdirSync(work(), { recursive: true });
    configFile = join(home, 'estate.yaml');
    writeFileSync(
      configFile,
      [
        'hosts:',
        '  nas:',
        '    address: 127.0.0.1',
        `    ssh: { host: 127.0.0.1, port: ${sshd.port}, user: ${sshd.user}, identityFile: ${sshd.clientKey}, knownHosts: ${sshd.knownHosts} }`,
        '  here: { local: true, address: 127.0.0.1 }',
        'plan:',
        '  host: here',
        '  groups: [{ name: all, cores: 1 }]',
        'runbooks:',
        '  dirs: [./books]',
        '  site:',
        '    greet: echo "hello from {{hosts.nas.address}}"',
        '',
      ].join('\n'),
    );
    const write = (name: string, lines: string[]) => writeFileSync(join(books, `${name}.yaml`), `${lines.join('\n')}\n`);
    write('hello', [
      'id: hello',
      'title: Say hello',
      'steps:',
      '  - { id: greet, run: { host: nas, command: "{{site.greet}}" } }',
      '  - { id: done, note: All good }',
    ]);
    write('breaks', [
      'id: breaks',
      'title: Breaks',
      'dangerous: true',
      'steps:',
      '  - { id: first, run: { host: nas, command: "echo first" } }',
      '  - { id: broken, run: { host: nas, command: "echo oops >&2; exit 5" } }',
      `  - { id: after, run: { host: nas, command: "touch ${join(work(), 'after')}" } }`,
      'rollback:',
      '  - { id: undo, run: { host: nas, command: "echo undoing" } }',
    ]);
    write('create', [
      'id: create',
      'title: Create a file',
      'steps:',
      `  - { id: touch, run: { host: nas, command: "touch ${join(work(), 'created')}" } }`,
    ]);
    write('ask', [
      'id: ask',
      'title: Asks first',
      'steps:',
      '  - { id: sure, confirm: Really? }',
      `  - { id: act, run: { host: nas, command: "echo acted" } }`,
    ]);
    write('long', [
      'id: long',
      'title: Takes long',
      'inputs:',
      '  marker: { type: integer }',
      'steps:',
      '  - { id: wait, run: { host: nas, command: "echo started; sleep {{inputs.marker}}" } }',
      '  - { id: after, note: never }',
    ]);
    write('gate', [
      'id: gate',
      'title: Waits at a gate',
      'steps:',
      '  - { id: before, run: { host: nas, command: "echo before" } }',
      `  - { id: wait-for-gate, run: { host: nas, command: "echo waiting; while [ ! -f ${join(work(), 'gate-open')} ]; do sleep 0.2; done; echo through the gate" } }`,
    ]);
    for (const where of ['here', 'nas']) {
      // The first run sleeps (and is killed there); a later one finds the flag and is quick.
      write(`stuck-${where}`, [
        `id: stuck-${where}`,
        'title: Gets stuck',
        'steps:',
        `  - { id: stuck, run: { host: ${where}, command: "echo started; [ -e ${join(work(), `stuck-${where}`)} ] && exit 0; touch ${join(work(), `stuck-${where}`)}; sleep 30 # homeops-stuck-${process.pid}-${where}" } }`,
      ]);
    }
    write('steps3', [
      'id: steps3',
      'title: Three steps',
      'steps:',
      ...['one', 'two', 'three'].map((s) => `  - { id: ${s}, run: { host: nas, command: "echo ${s} >> ${join(work(), 'steps3.log')}" } }`),
    ]);
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  const rb = (...args: string[]) => ['runbook', ...args, '--config', configFile];

  it('runs on the NAS: progress per step with its state and time; exit 0', async () => {
    const result = await homeops(rb('run', 'hello'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^hello · Say hello · run \d{8}T\d{6}Z-hello-[0-9a-f]{4}\n/);
    expect(result.stdout).toContain('[1/2] greet · nas · echo "hello from 127.0.0.1"\n      │ hello from 127.0.0.1\n      ok · ');
    expect(result.stdout).toMatch(/ {6}ok · \d+(ms|\.\ds|s) · exit 0\n\[2\/2\] done · operator · All good/);
    expect(result.stdout).toMatch(/\nhello: ok in \d+(ms|\.\ds|s)\n$/);
  });

  it('a failing step: exit 1, later steps not run, rollback run, the failure said plainly', async () => {
    const result = await homeops(rb('run', 'breaks'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\[2\/3\] broken · nas · echo oops >&2; exit 5\n {6}│ oops\n {6}FAILED · \d+ms · exit 5 \(expected 0\)\n/,
    );
    expect(result.stdout).toMatch(/rollback after broken failed:\n\[R1\/1\] undo · nas · echo undoing\n {6}│ undoing\n {6}ok/);
    expect(result.stdout).toMatch(/breaks: FAILED at broken after .* — broken: exit 5 \(expected 0\)\n$/);
    expect(existsSync(join(work(), 'after'))).toBe(false);
  });

  it('--dry-run runs nothing: the file the step would create is not created', async () => {
    const result = await homeops(rb('run', 'create', '--dry-run'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`1. touch  run     nas (ssh ${sshd.user}@127.0.0.1:${sshd.port})`);
    expect(result.stdout).toContain(`$ touch ${join(work(), 'created')}`);
    expect(existsSync(join(work(), 'created'))).toBe(false);
    expect((await homeops(rb('run', 'create'))).code).toBe(0);
    expect(existsSync(join(work(), 'created'))).toBe(true);
  });

  it('a confirm step without a terminal and without --yes fails the run with a clear message; --yes answers it', async () => {
    const result = await homeops(rb('run', 'ask'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\[1\/2\] sure · operator · Really\?\n {6}FAILED · \d+ms · a confirm step needs an answer, and there is no terminal to ask: run homeops in a terminal, or pass --yes to answer yes\n/,
    );
    expect(result.stdout).not.toContain('acted');
    const yes = await homeops(rb('run', 'ask', '--yes'));
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('? Really? → yes (--yes)');
    expect(yes.stdout).toContain('│ acted');
  });

  it('Ctrl-C (SIGINT) stops the running step on the NAS for real and exits 130', async () => {
    const seconds = 50 + Math.floor(Math.random() * 900);
    const marker = `sleep ${seconds}`;
    const result = await homeops(rb('run', 'long', '--input', `marker=${seconds}`), {
      during: (child, output) => {
        const poll = setInterval(() => {
          if (output().includes('│ started')) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('homeops: aborting: stopping the running step');
    expect(result.stdout).toMatch(/ABORTED · .* · aborted by the operator; the command was stopped/);
    expect(result.stdout).toMatch(/long: ABORTED after .*; continue it with: homeops runbook run long --resume\n$/);
    const left = () => {
      try {
        return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    const end = Date.now() + 4000;
    while (left() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(left()).toBe('');
  });

  it('a hang-up (the SSH session to the console dropped) stops the step and leaves the run to resume', async () => {
    const result = await homeops(rb('run', 'gate'), {
      during: (child, output) => {
        const poll = setInterval(() => {
          if (output().includes('│ waiting')) {
            clearInterval(poll);
            child.kill('SIGHUP');
          }
        }, 50);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(
      /gate: INTERRUPTED after .* — SIGHUP: the terminal went away; continue it with: homeops runbook run gate --resume\n$/,
    );
    expect(result.stdout).not.toContain('│ through the gate');
    writeFileSync(join(work(), 'gate-open'), '');
    const resumed = await homeops(rb('run', 'gate', '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`run ${/run (\S+)/.exec(result.stdout)?.[1]}\nresuming at step wait-for-gate (done before: before)\n`);
    expect(resumed.stdout).toContain('│ through the gate');
  });

  it('a second run while the first holds the lock: exit 75, since when and by whom', async () => {
    let second: Result | undefined;
    const first = await homeops(rb('run', 'long', '--input', 'marker=2'), {
      during: (_child, output) => {
        const poll = setInterval(() => {
          if (output().includes('│ started')) {
            clearInterval(poll);
            void homeops(rb('run', 'long', '--input', 'marker=1')).then((r) => (second = r));
          }
        }, 50);
      },
    });
    expect(first.code).toBe(0);
    expect(second?.code).toBe(75);
    expect(second?.stderr).toMatch(
      new RegExp(
        `^homeops: long is already running since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(pid \\d+, host ${hostname()}, user \\S+, run \\S+\\)\\n$`,
      ),
    );
  });

  // Locally and over SSH: the runner killed with SIGKILL leaves its step's command running; a
  // later run never starts it again beside it.
  it.each(['here', 'nas'])(
    'the runner killed mid-step (%s): the next run finds the step still running and runs nothing beside it; --still-running kill stops it first',
    async (where) => {
      const mark = `homeops-stuck-${process.pid}-${where}`;
      const running = () => {
        try {
          return execFileSync('pgrep', ['-f', `sleep 30 # ${mark}`], { encoding: 'utf8' })
            .split('\n')
            .filter(Boolean).length;
        } catch {
          return 0;
        }
      };
      // Whatever happens, nothing of this test is left running for the tests after it.
      onTestFinished(() => {
        try {
          execFileSync('pkill', ['-KILL', '-f', `sleep 30 # ${mark}`]);
        } catch {
          // nothing left
        }
      });
      const first = await homeops(rb('run', `stuck-${where}`), {
        during: (child, output) => {
          const poll = setInterval(() => {
            if (output().includes('│ started')) {
              clearInterval(poll);
              child.kill('SIGKILL');
            }
          }, 50);
        },
      });
      expect(first.code).toBeNull();
      expect(running()).toBe(1);
      // No terminal, no --still-running: refused, exit 75, and still one copy.
      const second = await homeops(rb('run', `stuck-${where}`));
      expect(second.code, second.stdout).toBe(75);
      expect(second.stderr).toMatch(
        new RegExp(
          `homeops: step stuck of run \\S+ \\(stuck-${where}\\) on ${where}, (process \\d+ )?since .* is still running; nothing was run .*--still-running kill\\|wait`,
        ),
      );
      expect(running()).toBe(1);
      // --still-running kill: stopped first, then the step runs (quick now), exit 0.
      const third = await homeops(rb('run', `stuck-${where}`, '--still-running', 'kill'));
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toMatch(/is still running: stopping it \(--still-running kill\)/);
      expect(running()).toBe(0);
    },
  );

  it('unlock: a stale lock is cleared; a live one only with --force', async () => {
    const locks = join(home, 'state', 'homeops', 'locks');
    mkdirSync(locks, { recursive: true });
    const lock = (pid: number) =>
      writeFileSync(
        join(locks, 'hello.lock'),
        JSON.stringify({ pid, host: hostname(), user: 'ana', startedAt: new Date().toISOString(), runId: 'r-1' }),
      );
    lock(999_999);
    const stale = await homeops(rb('unlock', 'hello'));
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/^hello: cleared a stale lock since .* \(pid 999999, host .*\): process 999999 is gone\n$/);
    lock(process.pid);
    const live = await homeops(rb('unlock', 'hello'));
    expect(live.code).toBe(75);
    expect(live.stderr).toMatch(/^hello is running since .*; not unlocking/);
    expect(existsSync(join(locks, 'hello.lock'))).toBe(true);
    expect((await homeops(rb('unlock', 'hello', '--force'))).code).toBe(0);
    expect(existsSync(join(locks, 'hello.lock'))).toBe(false);
  });

  it('--resume continues an interrupted run from its first unfinished step', async () => {
    writeFileSync(join(work(), 'steps3.log'), 'one\n');
    const runs = join(home, 'state', 'homeops', 'runs');
    mkdirSync(runs, { recursive: true });
    const runId = '20260301T020000Z-steps3-dead';
    const step = (id: string, state: string) => ({ id, state, exitCode: state === 'ok' ? 0 : null, startedAt: null, durationMs: null });
    writeFileSync(
      join(runs, `${runId}.json`),
      JSON.stringify({
        version: 1,
        runId,
        runbook: 'steps3',
        title: 'Three steps',
        file: join(books, 'steps3.yaml'),
        pid: 999_999,
        host: hostname(),
        user: 'ana',
        startedAt: new Date(Date.now() - 5000).toISOString(),
        updatedAt: new Date(Date.now() - 4000).toISOString(),
        status: 'running',
        phase: 'main',
        inputs: {},
        secretInputs: [],
        steps: [step('one', 'ok'), step('two', 'running'), step('three', 'pending')],
        rollback: [],
        resumed: 0,
      }),
    );
    const result = await homeops(rb('run', 'steps3', '--resume'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`steps3 · Three steps · run ${runId}\nresuming at step two (done before: one)\n[2/3] two`);
    expect(readFileSync(join(work(), 'steps3.log'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect((await homeops(rb('run', 'steps3', '--resume'))).stderr).toBe('homeops: no interrupted or aborted run of steps3 to resume\n');
  });

  it('without --resume and without a terminal, an interrupted run is named and a new run starts', async () => {
    const runs = join(home, 'state', 'homeops', 'runs');
    const runId = '20260301T030000Z-hello-dead';
    writeFileSync(
      join(runs, `${runId}.json`),
      JSON.stringify({
        version: 1,
        runId,
        runbook: 'hello',
        title: 'Say hello',
        file: join(books, 'hello.yaml'),
        pid: 999_999,
        host: hostname(),
        user: 'ana',
        startedAt: new Date(Date.now() - 5000).toISOString(),
        updatedAt: new Date(Date.now() - 4000).toISOString(),
        status: 'running',
        phase: 'main',
        inputs: {},
        secretInputs: [],
        steps: [
          { id: 'greet', state: 'running', exitCode: null, startedAt: null, durationMs: null },
          { id: 'done', state: 'pending', exitCode: null, startedAt: null, durationMs: null },
        ],
        rollback: [],
        resumed: 0,
      }),
    );
    const result = await homeops(rb('run', 'hello'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^note: run ${runId} of hello \\(started .* by ana\\) was interrupted at step greet: process 999999 died during the run; starting a new run`,
      ),
    );
    expect(JSON.parse(readFileSync(join(runs, `${runId}.json`), 'utf8')).status).toBe('abandoned');
  });

  it('history: the last runs from the audit log, newest first', async () => {
    const result = await homeops(rb('history', '--limit', '3'));
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED +RUNBOOK OR ACTION +STATUS +DURATION +USER +ID$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +hello +ok /);
    const breaks = await homeops(rb('history', 'breaks'));
    expect(breaks.stdout).toMatch(/ breaks +failed at broken +\S+ /);
  });

  it('a broken user runbook: one line FILE:LINE:COL, exit 78', async () => {
    const file = join(books, 'zz-broken.yaml');
    writeFileSync(file, 'id: broken\ntitle: Broken\nsteps:\n  - id: a\n    run: { host: nas, command: "echo {{inputs.who}}" }\n');
    try {
      const result = await homeops(rb('list'));
      expect(result.code).toBe(78);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${file}:5:32 steps.0.run.command: {{inputs.who}}: no input "who" (have: none)\n`);
    } finally {
      rmSync(file);
    }
  });

  it('readOnly: true in the config refuses dangerous runbooks, naming the file', async () => {
    const readOnly = join(home, 'read-only.yaml');
    writeFileSync(readOnly, `${readFileSync(configFile, 'utf8')}readOnly: true\n`);
    const result = await homeops(['runbook', 'run', 'breaks', '--config', readOnly]);
    expect(result.code).toBe(77);
    expect(result.stderr).toBe(
      `homeops: breaks is dangerous (it changes things) and the config says readOnly: true (${readOnly}); nothing was run\n`,
    );
    expect((await homeops(['runbook', 'run', 'hello', '--config', readOnly])).code).toBe(0);
  });
});
