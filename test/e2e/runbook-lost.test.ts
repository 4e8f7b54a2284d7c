// A runbook's connection lost mid-step, in the built console in a real terminal (tmux), over a
// real sshd whose session process is killed while the step runs: the step is interrupted (not
// failed), the console offers to resume it, and before the step runs again the command still
// running on the server is found and, as the operator chooses, stopped: never two at once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, homeEnv, root } from '../helpers/built.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.js';
import { TmuxSession } from '../helpers/tmux.js';

const ready = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux') && sshdAvailable();

function copies(pattern: string): number {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe.runIf(ready)('a runbook whose connection is lost mid-step, in the console', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-lost-'));
  const mark = `homeops-e2e-lost-${process.pid}-${Date.now().toString(36)}`;
  let sshd: Sshd;
  let tmux: TmuxSession | null = null;

  beforeAll(async () => {
    ensureBuilt();
    sshd = await startSshd();
    mkdirSync(join(home, 'runbooks'), { recursive: true });
    writeFileSync(
      join(home, 'config.yaml'),
      [
        'hosts:',
        '  here: { local: true, address: 127.0.0.1 }',
        `  nas: { address: 127.0.0.1, ssh: { port: ${sshd.port}, user: ${sshd.user}, identityFile: ${sshd.clientKey}, knownHosts: ${sshd.knownHosts} } }`,
        'plan: { host: here, groups: [{ name: all, cores: 1 }] }',
        'probes: { gpu: { enabled: false } }',
        `keymap: ${join(home, 'keys.yaml')}`,
        `runbooks: { dirs: [${join(home, 'runbooks')}] }`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(home, 'keys.yaml'), 'extends: default\nbindings:\n  runbook:lost-test: [Y]\n');
    const flag = join(home, 'first-done');
    writeFileSync(
      join(home, 'runbooks', 'lost.yaml'),
      [
        'id: lost-test',
        'title: A long step on the NAS',
        'steps:',
        '  - id: long',
        `    run: { host: nas, command: "echo started; [ -e ${flag} ] && exit 0; touch ${flag}; sleep 300 # ${mark}", timeout: 10m }`,
        '  - id: after',
        '    run: { host: nas, command: "echo after", timeout: 30s }',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await tmux?.kill();
    try {
      execFileSync('pkill', ['-KILL', '-f', mark]);
    } catch {
      // nothing left
    }
    await sshd?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('interrupted, offered for resuming, and the step still running on the NAS stopped before it runs again', async () => {
    const env = homeEnv(home, { HOMEOPS_CONFIG: join(home, 'config.yaml'), NO_COLOR: '1' });
    tmux = await TmuxSession.start({ cols: 140, rows: 44, env, cwd: root, command: `node ${cli}` });
    await tmux.waitFor(/view workstation/, 15_000);
    await tmux.sendKeys('Y');
    await tmux.waitFor(/Run lost-test/, 10_000);
    await tmux.sendKeys('y');
    await tmux.waitFor(/│ started/, 15_000);
    // The session's sshd dies (the server stays up): the connection is lost mid-step.
    sshd.killSessions();
    const offered = await tmux.waitFor(/Interrupted run of lost-test/, 15_000);
    expect(offered).toMatch(/INTERRUPTED at long/);
    expect(offered).toMatch(/↯ 1\/2 long\s+nas\s+interrupted/);
    expect(offered).not.toMatch(/FAILED/);
    // The command goes on on the server.
    expect(copies(`sleep 300 # ${mark}`)).toBe(1);
    await tmux.sendKeys('y');
    // Resuming asks first (the resume dialog), then what to do with the step still running.
    await tmux.waitFor(/Resume lost-test/, 10_000);
    await tmux.sendKeys('y');
    const asked = await tmux.waitFor(/a step is still running/, 15_000);
    expect(asked).toMatch(/step long of run \S+ \(lost-test\) on nas/);
    expect(copies(`sleep 300 # ${mark}`)).toBe(1);
    await tmux.sendKeys('y');
    const done = await tmux.waitFor(/✔ ok in/, 20_000);
    expect(done).toMatch(/resumed at step long/);
    expect(done).toMatch(/stopped step long of run/);
    expect(copies(`sleep 300 # ${mark}`)).toBe(0);
  }, 120_000);
});
