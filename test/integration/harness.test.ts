// Self-test of the end-to-end harness (test/helpers/tmux.ts) with plain shell programs, so that
// a failing console test can be trusted to be about the console.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { isAlive, TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');

describe.runIf(hasTmux)('tmux harness', () => {
  const sessions: TmuxSession[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'homeops-harness-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const start = async (...args: Parameters<typeof TmuxSession.start>) => {
    const session = await TmuxSession.start(...args);
    sessions.push(session);
    return session;
  };
  afterEach(async () => {
    vi.unstubAllEnvs();
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });

  it('gives the program a terminal of the requested size, without CI in its environment', async () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('CI_JOB_ID', '7');
    const tmux = await start({ cols: 120, rows: 40, env: { HOMEOPS_HARNESS: 'yes' }, cwd: tmpdir() });
    await tmux.typeLine(
      'echo "size=$(tput cols)x$(tput lines) tty=$(tty | cut -c1-8) ci=[${CI-unset}${CI_JOB_ID-}] x=$HOMEOPS_HARNESS pwd=$PWD"',
    );
    const screen = await tmux.waitFor(/^size=.*pwd=.*$/m);
    expect(screen).toContain(`size=120x40 tty=/dev/pts ci=[unset] x=yes pwd=${tmpdir()}`);
    expect(await tmux.size()).toEqual({ cols: 120, rows: 40 });
    expect(screen.split('\n')).toHaveLength(40);
  });

  it('captures plain text with trailing spaces trimmed, and the colours with captureAnsi', async () => {
    const tmux = await start({ cols: 80, rows: 24 });
    await tmux.typeLine(String.raw`printf '\033[1;32mGREEN\033[0m hello-e2e   \n'`);
    const screen = await tmux.waitFor(/^GREEN hello-e2e$/m);
    expect(screen).not.toMatch(/ +$/m);
    expect(screen.split('\n')[0]).toBe(String.raw`$ printf '\033[1;32mGREEN\033[0m hello-e2e   \n'`);
    expect(await tmux.captureAnsi()).toMatch(/\x1b\[1m\x1b\[32mGREEN\x1b\[(0|39)m/);
  });

  it('resizes the pane, and the program sees the new size', async () => {
    const tmux = await start({ cols: 120, rows: 40 });
    await tmux.resize(80, 24);
    expect(await tmux.size()).toEqual({ cols: 80, rows: 24 });
    await tmux.typeLine('stty size');
    await tmux.waitFor(/^24 80$/m);
    await tmux.resize(200, 50);
    await tmux.typeLine('echo cols=$(tput cols)');
    await tmux.waitFor(/^cols=200$/m);
  });

  it('sees a full-screen program enter and leave the alternate screen, and the screen restored after it quits', async () => {
    const file = join(scratch, 'lines.txt');
    writeFileSync(file, Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n'));
    const tmux = await start({ cols: 100, rows: 30, marker: 'BEFORE-MARKER', command: `less ${file}` });
    const pid = await tmux.waitForProgram();
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('less');
    await tmux.waitFor(/^line 29$/m);
    expect(await tmux.alternateScreenActive()).toBe(true);
    expect(await tmux.capture()).not.toContain('BEFORE-MARKER');
    await tmux.sendKeys('G');
    await tmux.waitFor(/^line 200$/m);
    await tmux.sendKeys('q');
    expect(await tmux.waitForExit()).toBe(0);
    const after = await tmux.waitFor(/^\$$/m);
    expect(await tmux.alternateScreenActive()).toBe(false);
    expect(after).toMatch(/^BEFORE-MARKER$/m);
    expect(after).not.toContain('line 200');
    expect(after.trimEnd().split('\n').at(-1)).toBe('$');
    expect(tmux.programPid()).toBeNull();
  });

  it('reads the exit status of the program, and C-c interrupts it', async () => {
    const tmux = await start({ command: 'sh -c "exit 3"' });
    expect(await tmux.waitForExit()).toBe(3);
    await tmux.launch('sleep 100');
    const pid = await tmux.waitForProgram();
    await tmux.sendKeys('C-c');
    expect(await tmux.waitForExit()).toBe(130);
    expect(isAlive(pid)).toBe(false);
  });

  it('delivers each key of sendKeys in its own read', async () => {
    const script = join(scratch, 'keys.mjs');
    writeFileSync(
      script,
      `process.stdin.setRawMode(true);
process.stdout.write('ready\\n');
let n = 0;
process.stdin.on('data', (d) => {
  process.stdout.write('chunk ' + JSON.stringify(d.toString()) + '\\n');
  if (++n === 5) process.exit(0);
});
`,
    );
    const tmux = await start({ command: `node ${script}` });
    await tmux.waitFor(/^ready$/m);
    await tmux.sendKeys('j', 'Tab', 'BTab', 'Escape', '?');
    expect(await tmux.waitForExit()).toBe(0);
    const chunks = (await tmux.capture()).split('\n').filter((line) => line.startsWith('chunk '));
    expect(chunks).toEqual(['chunk "j"', 'chunk "\\t"', 'chunk "\\u001b[Z"', 'chunk "\\u001b"', 'chunk "?"']);
  });

  it('explains a timeout with the last screen', async () => {
    const tmux = await start({ cols: 40, rows: 5 });
    await tmux.typeLine('echo visible-text');
    await tmux.waitFor(/^visible-text$/m);
    await expect(tmux.waitFor(/never-there/, 200)).rejects.toThrow(
      /waitFor \/never-there\/ timed out after 200 ms; last screen:\n[\s\S]*│visible-text/,
    );
  });

  it('kill() ends the server and the program, and removes the socket', async () => {
    const tmux = await start({ command: 'sleep 100' });
    const program = await tmux.waitForProgram();
    const server = Number(await tmux.display('#{pid}'));
    await tmux.kill();
    expect(isAlive(server)).toBe(false);
    expect(isAlive(program)).toBe(false);
    expect(isAlive(tmux.panePid())).toBe(false);
    expect(existsSync(tmux.socket)).toBe(false);
    await expect(tmux.capture()).rejects.toThrow();
  });
});
