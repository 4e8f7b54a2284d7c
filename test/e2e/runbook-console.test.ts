// Runbooks from the built console in a real terminal (tmux), over the real sshd of the test
// services: a runbook run from its key streams its steps; Esc aborts a long step and nothing is
// left running on the server; a dangerous runbook runs once its id is typed; a console that dies
// mid-run (SIGHUP) offers the run for resuming at its next start; a key bound to a runbook that
// does not exist stops the start with a located error.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFits, cli, ensureBuilt } from '../helpers/built.js';
import { paneOnScreen } from '../helpers/render.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { requireSshd, testServices } from '../helpers/services.js';
import { TmuxSession } from '../helpers/tmux.js';

const ready = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux') && requireSshd();

/** Processes on the server (this machine, another user) whose command line has `pattern`. */
function onServer(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** The text of the box titled `title` (a dialog, a panel), its lines joined. */
function boxText(screen: string, title: string): string {
  return (paneOnScreen(screen, title)?.body ?? [])
    .map((l) => l.trim())
    .join(' ')
    .replace(/ +/g, ' ');
}

describe.runIf(ready)('runbooks in the console, over a real sshd', () => {
  const { ssh } = testServices();
  const marker = `homeops-e2e-rb-${process.pid}-${Date.now().toString(36)}`;
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-rb-'));
  const sessions: TmuxSession[] = [];
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    HOMEOPS_CONFIG: join(home, 'config.yaml'),
    NO_COLOR: undefined,
  };

  beforeAll(() => {
    ensureBuilt();
    mkdirSync(join(home, 'runbooks'), { recursive: true });
    writeFileSync(
      join(home, 'config.yaml'),
      [
        'hosts:',
        '  here: { local: true, address: 127.0.0.1 }',
        '  nas:',
        `    address: ${ssh.host}`,
        `    ssh: { host: ${ssh.host}, port: ${ssh.port}, user: ${ssh.user}, identityFile: ${ssh.privateKeyPath}, knownHosts: ${ssh.knownHostsPath} }`,
        'plan:',
        '  host: here',
        '  groups:',
        '    - { name: all, cores: 1 }',
        'probes:',
        '  gpu: { enabled: false }',
        'keymap: keys.yaml',
        'runbooks:',
        '  dirs: [runbooks]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'keys.yaml'),
      ['extends: default', 'bindings:', '  runbook:stream-test: [Y]', '  runbook:slow-test: [W]', '  runbook:danger-test: [X]', ''].join(
        '\n',
      ),
    );
    writeFileSync(
      join(home, 'runbooks', 'stream.yaml'),
      [
        'id: stream-test',
        'title: Streams lines from the NAS',
        'steps:',
        '  - id: hello',
        '    run: { host: nas, command: "echo hello from $(id -un)", timeout: 30s }',
        '  - id: count',
        '    run: { host: nas, command: "for i in 1 2 3 4; do echo tick $i; sleep 0.6; done", timeout: 30s }',
        '  - id: done',
        '    note: all done',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'runbooks', 'slow.yaml'),
      [
        'id: slow-test',
        'title: A long step on the NAS',
        'steps:',
        '  - id: long',
        `    run: { host: nas, command: "echo started; sleep 300 # ${marker}", timeout: 10m }`,
        '  - id: after',
        '    run: { host: nas, command: "echo after", timeout: 30s }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'runbooks', 'danger.yaml'),
      [
        'id: danger-test',
        'title: Changes a file on the NAS',
        'dangerous: true',
        'steps:',
        '  - id: ask',
        '    confirm: Write the file on the NAS?',
        '  - id: write',
        '    run: { host: nas, command: "echo written by $(id -un)", timeout: 30s }',
        '',
      ].join('\n'),
    );
  }, 180_000);
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });
  afterAll(() => {
    // Anything a failed test left on the server, by its pid.
    for (const pid of onServer(marker)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(home, { recursive: true, force: true });
  });

  const start = async (cols = 120, rows = 40, args = ''): Promise<TmuxSession> => {
    const tmux = await TmuxSession.start({ cols, rows, env, cwd: home, command: `node ${cli}${args ? ` ${args}` : ''}` });
    sessions.push(tmux);
    await tmux.waitFor(/ · \? help/, 10_000);
    return tmux;
  };

  it('a runbook runs from its key: asked, then every step streams into the panel with the other panes live below', async () => {
    const tmux = await start();
    await tmux.sendKeys('Y');
    await tmux.waitFor(/Run stream-test/);
    await tmux.sendKeys('y');
    const streaming = await tmux.waitFor(/▶ 2\/3 count\s+nas\s+running[\s\S]*│ tick 1/, 10_000);
    expect(streaming).toMatch(/✔ 1\/3 hello\s+nas\s+ok/);
    expect(streaming).toMatch(/○ 3\/3 done\s+operator\s+pending/);
    expect(streaming).toMatch(/CPU · /);
    assertFits(streaming, 120, 40);
    const done = await tmux.waitFor(/✔ ok in \d/, 15_000);
    expect(done).toMatch(/✔ 2\/3 count\s+nas\s+ok\s+2\.\ds/);
    await tmux.waitFor(/✔ stream-test: ok in/);
    await tmux.sendKeys('Escape');
    await tmux.waitFor((screen) => !screen.includes('Runbook stream-test'));
    // The history has it.
    await tmux.sendKeys('H');
    await tmux.waitFor(/stream-test\s+ok/);
  });

  it('Esc aborts the running step: the panel says aborted, and nothing is left running on the server', async () => {
    const tmux = await start();
    await tmux.sendKeys('W');
    await tmux.waitFor(/Run slow-test/);
    await tmux.sendKeys('Enter');
    await tmux.waitFor(/│ started/, 10_000);
    expect(await until(() => onServer(marker).length > 0)).toBe(true);
    await tmux.sendKeys('Escape');
    const aborted = await tmux.waitFor(/ABORTED at long/, 10_000);
    expect(aborted).toMatch(/■ 1\/2 long\s+nas\s+aborted/);
    expect(aborted).toMatch(/○ 2\/2 after\s+nas\s+pending/);
    expect(await until(() => onServer(marker).length === 0)).toBe(true);
    // The console is still there; q closes the panel, then quits.
    await tmux.sendKeys('q');
    await tmux.waitFor((screen) => !screen.includes('Runbook slow-test') && / · \? help/.test(screen));
    await tmux.sendKeys('q');
    expect(await tmux.waitForExit(8000)).toBe(0);
  });

  it('a dangerous runbook runs only with its id typed, and its confirm step asks in a dialog', async () => {
    const tmux = await start(80, 24);
    await tmux.sendKeys('X');
    const typed = await tmux.waitFor(/Type danger-test and press/);
    assertFits(typed, 80, 24);
    await tmux.type('danger-tes');
    await tmux.sendKeys('Enter');
    await tmux.waitFor(/type danger-test exactly/);
    await tmux.type('t');
    await tmux.sendKeys('Enter');
    await tmux.waitFor(/Write the file on the NAS\?/, 10_000);
    await tmux.sendKeys('y');
    const done = await tmux.waitFor(/✔ ok in/, 10_000);
    expect(done).toContain(`│ written by ${ssh.user}`);
  });

  it('--read-only refuses a dangerous runbook and says why', async () => {
    const tmux = await start(120, 40, '--read-only');
    await tmux.sendKeys('X');
    const reason = /danger-test is dangerous \(it changes things\) and homeops is in read-only mode .*nothing was run/;
    // The whole dialog, not a capture taken while the terminal was still drawing it.
    const refused = await tmux.waitFor(
      (screen) => screen.includes('danger-test refused') && reason.test(boxText(screen, 'danger-test refused')),
    );
    expect(boxText(refused, 'danger-test refused')).toMatch(reason);
    expect(refused).toContain('READ-ONLY');
  });

  it('a console that dies mid-run (SIGHUP) stops the step; the next start offers to resume from it', async () => {
    const first = await start();
    await first.sendKeys('W');
    await first.waitFor(/Run slow-test/);
    await first.sendKeys('y');
    await first.waitFor(/│ started/, 10_000);
    const pid = first.programPid();
    if (pid === null) throw new Error('no console running');
    process.kill(pid, 'SIGHUP');
    expect(await first.waitForExit(10_000)).toBe(129);
    expect(await until(() => onServer(marker).length === 0)).toBe(true);

    const second = await start();
    const question =
      /of slow-test \(started .*\) was interrupted at step long: SIGHUP: the terminal went away\. Resume it from step long\?/;
    const offer = await second.waitFor(
      (screen) => screen.includes('Interrupted run of slow-test') && question.test(boxText(screen, 'Interrupted run of slow-test')),
      10_000,
    );
    expect(boxText(offer, 'Interrupted run of slow-test')).toMatch(question);
    await second.sendKeys('y');
    await second.waitFor(/Resume slow-test/);
    await second.sendKeys('y');
    const resumed = await second.waitFor(/resumed at step long[\s\S]*│ started/, 10_000);
    expect(resumed).toMatch(/▶ 1\/2 long\s+nas\s+running/);
    await second.sendKeys('Escape');
    await second.waitFor(/ABORTED at long/, 10_000);
    expect(await until(() => onServer(marker).length === 0)).toBe(true);
  });

  it('a key bound to a runbook that does not exist stops the start: FILE:LINE:COL, exit 78', async () => {
    const keys = join(home, 'bad-keys.yaml');
    writeFileSync(keys, 'extends: default\nbindings:\n  runbook:stream-tset: [Z]\n');
    const tmux = await TmuxSession.start({ cols: 120, rows: 40, env, cwd: home, command: `node ${cli} --keymap ${keys}` });
    sessions.push(tmux);
    expect(await tmux.waitForExit(10_000)).toBe(78);
    const screen = (await tmux.capture()).replace(/\n/g, '');
    expect(screen).toContain(`${keys}:3:24 bindings.runbook:stream-tset: no runbook "stream-tset" (did you mean "runbook:stream-test"?)`);
  });
});
