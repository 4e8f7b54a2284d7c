// End-to-end harness: a program in a real terminal, driven the way a person drives it.
//
// Each session has its own tmux server on a private socket (never the user's tmux) and one pane
// running an interactive `bash --norc --noprofile`. The command under test is typed into that
// shell, so the pane outlives the program: after it quits the test can still read the screen
// (was it restored? is the prompt back?) and the program's exit status (bash's PROMPT_COMMAND
// appends `$?` to a status file before every prompt).
//
// The shell and everything in it runs without CI and CI_* in its environment: Ink renders
// nothing interactive when it believes it is in CI, and CI=true is set for the tests themselves.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type TmuxStartOptions = {
  cols?: number;
  rows?: number;
  /** Typed into the shell once the prompt is there, then Enter. */
  command?: string;
  /** Echoed by the shell before `command` (e.g. to check later that the screen was restored). */
  marker?: string;
  /** Added to (or, with undefined, removed from) the pane's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** How long to wait for the shell's first prompt. */
  timeoutMs?: number;
};

export type ScreenPredicate = RegExp | ((screen: string) => boolean);

/** Variables that make a program think it runs in CI (the `is-in-ci` rules Ink uses), under vitest, or inside tmux already. */
function isScrubbed(name: string, value: string): boolean {
  if (name === 'CI' || name === 'CONTINUOUS_INTEGRATION' || name.startsWith('CI_')) return true;
  if (name === 'TMUX' || name === 'TMUX_PANE') return true;
  // The test runner's own markers: the program under test is not running under vitest.
  return name === 'VITEST' || name.startsWith('VITEST_') || (name === 'NODE_ENV' && value === 'test');
}

let counter = 0;
const live = new Set<TmuxSession>();

// A test that dies before its afterEach must not leave a tmux server (and the program in it) behind.
process.once('exit', () => {
  for (const session of live) {
    try {
      execFileSync('tmux', ['-S', session.socket, 'kill-server'], { stdio: 'ignore', timeout: 2_000 });
    } catch {
      // Already gone.
    }
    rmSync(session.socket, { force: true });
    rmSync(session.statusFile, { force: true });
  }
});

export class TmuxSession {
  readonly socket: string;
  readonly statusFile: string;
  private target = '';
  private serverPid = 0;
  private shellPid = 0;
  private promptsBeforeCommand = 0;
  private killed = false;

  private constructor(private readonly env: NodeJS.ProcessEnv) {
    counter += 1;
    this.socket = `/tmp/homeops-tmux-${process.pid}-${counter}.sock`;
    this.statusFile = `${this.socket}.status`;
  }

  /** Starts a tmux server with a cols×rows pane running bash; types `marker` and `command` if given. */
  static async start(options: TmuxStartOptions = {}): Promise<TmuxSession> {
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !isScrubbed(name, value)) env[name] = value;
    if (!env.LC_ALL && !env.LC_CTYPE && !env.LANG) env.LANG = 'C.UTF-8';
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const session = new TmuxSession(env);
    live.add(session);
    rmSync(session.statusFile, { force: true });
    env.PS1 = '$ ';
    env.PROMPT_COMMAND = `echo $? >> ${session.statusFile}`;
    env.HISTFILE = '/dev/null';

    const shell = ['env', '-u', 'CI', 'bash', '--norc', '--noprofile'];
    const args = ['new-session', '-d', '-s', 'homeops', '-x', String(cols), '-y', String(rows)];
    if (options.cwd) args.push('-c', options.cwd);
    await session.tmux(...args, '--', ...shell);
    try {
      // No status line (the pane is the whole window); panes stay after their process exits.
      await session.tmux('set-option', '-g', 'status', 'off', ';', 'set-option', '-gw', 'remain-on-exit', 'on');
      const [target, serverPid, shellPid] = (await session.display('#{pane_id} #{pid} #{pane_pid}')).split(' ');
      session.target = target ?? '';
      session.serverPid = Number(serverPid);
      session.shellPid = Number(shellPid);
      await session.waitFor(() => session.promptCount() >= 1, options.timeoutMs ?? 5_000);
      if (options.marker !== undefined) {
        await session.typeLine(`echo ${options.marker}`);
        await session.waitFor(() => session.promptCount() >= 2, 5_000);
      }
      if (options.command !== undefined) await session.launch(options.command);
    } catch (error) {
      await session.kill();
      throw error;
    }
    return session;
  }

  /** Runs a tmux command against this session's server; resolves with its stdout. */
  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { env: this.env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  /** A tmux format (`#{...}`) evaluated for this pane. */
  async display(format: string): Promise<string> {
    return (await this.tmux('display-message', '-p', ...(this.target ? ['-t', this.target] : []), format)).replace(/\n$/, '');
  }

  /** Types `command` into the shell and presses Enter; the exit status is then `waitForExit()`'s. */
  async launch(command: string): Promise<void> {
    this.promptsBeforeCommand = this.promptCount();
    await this.typeLine(command);
  }

  /** The visible screen as plain text, one line per row, trailing spaces trimmed. */
  async capture(): Promise<string> {
    const text = await this.tmux('capture-pane', '-p', '-t', this.target);
    return text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
  }

  /** The visible screen with its SGR escapes (colours, bold, inverse). */
  async captureAnsi(): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-e', '-t', this.target)).replace(/\n$/, '');
  }

  /**
   * Polls the screen (~30 ms) until it matches; resolves with that screen. A function predicate
   * gets the screen too and may look at anything else (it is called on every poll). On timeout
   * it throws with the last screen in the message.
   */
  async waitFor(what: ScreenPredicate, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.capture();
      if (typeof what === 'function' ? what(screen) : what.test(screen)) return screen;
      if (Date.now() >= deadline) break;
      await sleep(30);
    }
    const label = typeof what === 'function' ? 'condition' : String(what);
    throw new Error(`waitFor ${label} timed out after ${timeoutMs} ms; last screen:\n${frame(screen)}`);
  }

  /** Sends tmux key names (`q`, `Tab`, `BTab`, `Escape`, `C-c`, `Up`, `?`), each in its own send-keys call, ~40 ms apart. */
  async sendKeys(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.tmux('send-keys', '-t', this.target, key);
      await sleep(40);
    }
  }

  /** Sends several tmux key names in one send-keys call: they reach the program in one read, as keys typed fast over SSH do. */
  async sendBurst(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, ...keys);
    await sleep(40);
  }

  /** Types text literally (no key-name lookup). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, '-l', text);
    await sleep(40);
  }

  async typeLine(text: string): Promise<void> {
    await this.type(text);
    await this.sendKeys('Enter');
  }

  /**
   * Resizes the window and waits until the pane's terminal really is cols×rows: tmux updates its
   * own idea of the size at once but sets the pty's size (and so sends SIGWINCH) a little later.
   */
  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.target, '-x', String(cols), '-y', String(rows));
    const tty = await this.display('#{pane_tty}');
    const deadline = Date.now() + 2_000;
    let size = '';
    for (;;) {
      const pane = await this.display('#{pane_width}x#{pane_height}');
      const { stdout } = await run('stty', ['-F', tty, 'size']);
      const [ptyRows, ptyCols] = stdout.trim().split(' ');
      size = `tmux ${pane}, pty ${ptyCols}x${ptyRows}`;
      if (pane === `${cols}x${rows}` && `${ptyCols}x${ptyRows}` === `${cols}x${rows}`) return;
      if (Date.now() >= deadline) break;
      await sleep(10);
    }
    throw new Error(`resize to ${cols}x${rows} left the pane at ${size}`);
  }

  async size(): Promise<{ cols: number; rows: number }> {
    const [cols, rows] = (await this.display('#{pane_width} #{pane_height}')).split(' ').map(Number);
    return { cols: cols ?? 0, rows: rows ?? 0 };
  }

  async cursor(): Promise<{ x: number; y: number }> {
    const [x, y] = (await this.display('#{cursor_x} #{cursor_y}')).split(' ').map(Number);
    return { x: x ?? 0, y: y ?? 0 };
  }

  /** The pane, as tmux commands name it with -t. */
  tmuxTarget(): string {
    return this.target;
  }

  /** Whether the program in the pane has switched to the alternate screen. */
  async alternateScreenActive(): Promise<boolean> {
    return (await this.display('#{alternate_on}')) === '1';
  }

  /** The pane's process: the bash shell. */
  panePid(): number {
    return this.shellPid;
  }

  /** The program the shell is running (its first live child), or null at the prompt. */
  programPid(): number | null {
    return childrenOf(this.shellPid)[0] ?? null;
  }

  async waitForProgram(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pid = this.programPid();
      if (pid !== null) return pid;
      if (Date.now() >= deadline)
        throw new Error(`no program started in the pane within ${timeoutMs} ms; screen:\n${frame(await this.capture())}`);
      await sleep(10);
    }
  }

  /** Waits until the launched command has finished and the shell prompts again; its exit status. */
  async waitForExit(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.promptCount() <= this.promptsBeforeCommand) {
      if (Date.now() >= deadline)
        throw new Error(`the program did not exit within ${timeoutMs} ms; screen:\n${frame(await this.capture())}`);
      await sleep(20);
    }
    return this.exitStatus() ?? -1;
  }

  /** `$?` at the shell's latest prompt (the last command's exit status), null before any prompt. */
  exitStatus(): number | null {
    const lines = this.statusLines();
    const last = lines[lines.length - 1];
    return last === undefined ? null : Number(last);
  }

  /** Whether the pane's own process (the shell) has exited, and with what status (remain-on-exit is on). */
  async paneDead(): Promise<{ dead: boolean; status: number | null }> {
    const [dead, status] = (await this.display('#{pane_dead} #{pane_dead_status}')).split(' ');
    return { dead: dead === '1', status: dead === '1' && status ? Number(status) : null };
  }

  /** Kills the tmux server, waits until it is gone, and ends anything of the pane that outlived it. */
  async kill(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    live.delete(this);
    const leftovers = this.shellPid ? [this.shellPid, ...descendantsOf(this.shellPid)] : [];
    try {
      await this.tmux('kill-server');
    } catch {
      // Already gone.
    }
    const deadline = Date.now() + 5_000;
    while (this.serverPid && isAlive(this.serverPid) && Date.now() < deadline) await sleep(20);
    if (this.serverPid && isAlive(this.serverPid)) process.kill(this.serverPid, 'SIGKILL');
    // The pane's processes get SIGHUP from the server; whatever ignored it goes now.
    const hupDeadline = Date.now() + 1_000;
    while (leftovers.some(isAlive) && Date.now() < hupDeadline) await sleep(20);
    for (const pid of leftovers.filter(isAlive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    rmSync(this.socket, { force: true });
    rmSync(this.statusFile, { force: true });
  }

  private statusLines(): string[] {
    if (!existsSync(this.statusFile)) return [];
    return readFileSync(this.statusFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  private promptCount(): number {
    return this.statusLines().length;
  }
}

/** The screen framed for an error message, so that blank rows and trailing text are visible. */
function frame(screen: string): string {
  return screen
    .split('\n')
    .map((line) => `│${line}`)
    .join('\n');
}

type ProcStat = { pid: number; ppid: number; state: string; start: number };

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields after it start at the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]), start: Number(rest[19]) };
  } catch {
    return null;
  }
}

/** Alive and not a zombie (PID 1 on these machines reaps orphans only every ~1.5 s). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Live children of `pid`, oldest first. */
export function childrenOf(pid: number): number[] {
  return allProcesses()
    .filter((p) => p.ppid === pid && p.state !== 'Z' && p.state !== 'X')
    .sort((a, b) => a.start - b.start || a.pid - b.pid)
    .map((p) => p.pid);
}

export function descendantsOf(pid: number): number[] {
  const processes = allProcesses();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const p of processes) {
      if (p.ppid === parent && p.state !== 'Z') {
        out.push(p.pid);
        queue.push(p.pid);
      }
    }
  }
  return out;
}
