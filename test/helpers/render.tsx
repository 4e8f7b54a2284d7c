// Renders the console's <App> the way src/cli/console.tsx does (Ink in debug mode: one whole
// frame per write) into a fake terminal of any size, with a fake keyboard. (ink-testing-library
// fixes its terminal at 100 columns and cannot resize: it is not used, nor a dependency.)
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { render } from 'ink';
import stringWidth from 'string-width';
import type { GlobalOptions } from '../../src/cli/args.js';
import { buildRuntime, type Setup, setup } from '../../src/cli/compose.js';
import { type Keymap, loadKeymap } from '../../src/config/keymaps.js';
import { packageRoot } from '../../src/config/paths.js';
import type { View } from '../../src/config/views.js';
import { PANE_IDS, type PaneId } from '../../src/model/panes.js';
import type { PaneEntry, Panes, Snapshot } from '../../src/model/snapshot.js';
import type { Status } from '../../src/model/status.js';
import { worst } from '../../src/model/status.js';
import { PANE_RENDERERS } from '../../src/panes/renderers.js';
import type { CpuRaw } from '../../src/probes/cpu/parse.js';
import { cpuProbe } from '../../src/probes/cpu/probe.js';
import { BASE_GPU_FIELDS, EXTENDED_GPU_FIELDS, parseGpu } from '../../src/probes/gpu/parse.js';
import { assessGpu, judgeGpus } from '../../src/probes/gpu/probe.js';
import { FrameStream } from '../../src/terminal/screen.js';
import { App, type AppActions } from '../../src/ui/app.js';
import type { ConsoleIntents, ConsoleStateSource } from '../../src/ui/console-state.js';
import type { SnapshotSource } from '../../src/ui/hooks/use-snapshot.js';
import type { Profiler } from '../../src/ui/profile.js';
import { STATUS_SYMBOL, STATUS_WORD, type Theme } from '../../src/ui/theme.js';

// ---------------------------------------------------------------------------------------------
// The fake terminal.

// Ink colours through chalk, which turns colour off when the test runner's stdout is not a
// terminal. The fake terminal is a colour terminal: whether a frame has colour must depend on
// the App's theme alone, which is what NO_COLOR tests check.
chalk.level = 3;

const CURSOR = /^\x1b\[\?25[hl]$/;
// Every CSI and OSC sequence, as strip-ansi matches them.
const ANSI =
  /[\u001b\u009b][[\]()#;?]*(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007|(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~])/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Terminal cells a line takes, measured as Ink measures it. */
export function cells(line: string): number {
  return stringWidth(stripAnsi(line));
}

/**
 * The terminal: a TTY of a given size that records every byte written to it, and what those
 * bytes draw (the console only ever draws whole rows at absolute positions, src/terminal/screen.ts).
 */
export class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  columns: number;
  rows: number;
  /** Everything written, in order. */
  readonly output: string[] = [];
  /** Rows as the terminal shows them now (plain text), row 1 first. */
  screen: string[] = [];
  /** Rows drawn below the terminal's last row, or wider than it: each would scroll or wrap. */
  readonly problems: string[] = [];

  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.output.push(text);
    this.draw(text);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }

  private readonly cells: string[][] = [];

  /**
   * Applies what the FrameStream writes: cursor moves (absolute row;col, column, up, down,
   * forward, carriage return), erase display, erase line (whole, or from the cursor), SGR
   * (ignored) and text, one cell per column (two for a wide character). `screen` is the rows
   * as plain text.
   */
  private draw(text: string): void {
    const body = text.replace(/\x1b\[\?2026[hl]/g, '');
    let row = 1;
    let col = 1;
    const widthProblem = new Set<number>();
    for (const match of body.matchAll(/\x1b\[([\d;]*)([A-Za-z])|([^\x1b])/gu)) {
      const [, params = '', final, char] = match;
      if (char === '\r') {
        col = 1;
        continue;
      }
      if (char !== undefined) {
        const width = stringWidth(char);
        if (width === 0) continue;
        // A cursor moved below the last row stops at the last row: drawing there overwrites it.
        if (row > this.rows) this.problems.push(`row ${row} drawn in a ${this.columns}x${this.rows} terminal: ${char}…`);
        if (col + width - 1 > this.columns && !widthProblem.has(row)) {
          widthProblem.add(row);
          this.problems.push(`row ${row} is wider than ${this.columns} cells in a ${this.columns}x${this.rows} terminal`);
        }
        const at = Math.min(row, this.rows) - 1;
        while (this.cells.length <= at) this.cells.push([]);
        const line = this.cells[at] as string[];
        while (line.length < col - 1) line.push(' ');
        line[col - 1] = char;
        if (width === 2) line[col] = '';
        col += width;
        continue;
      }
      const numbers = params.split(';').map((n) => (n === '' ? undefined : Number(n)));
      if (final === 'H') {
        row = numbers[0] ?? 1;
        col = numbers[1] ?? 1;
      } else if (final === 'G') {
        col = numbers[0] ?? 1;
      } else if (final === 'B') {
        row = Math.min(this.rows, row + (numbers[0] ?? 1));
      } else if (final === 'A') {
        row = Math.max(1, row - (numbers[0] ?? 1));
      } else if (final === 'C') {
        col = Math.min(this.columns, col + (numbers[0] ?? 1));
      } else if (final === 'J') {
        this.cells.length = 0;
      } else if (final === 'K') {
        const line = this.cells[Math.min(row, this.rows) - 1];
        if (line) line.length = numbers[0] === 2 ? 0 : Math.min(line.length, col - 1);
      }
    }
    this.screen = this.cells.map((line) => line.join(''));
  }
}

/** The console's FrameStream, keeping each frame Ink hands it. */
export class RecordingFrameStream extends FrameStream {
  readonly frames: string[] = [];

  override write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    // Ink writes cursor show/hide on its own; those are not frames.
    if (!CURSOR.test(text)) this.frames.push(text);
    return super.write(chunk, encodingOrCallback, callback);
  }
}

/** Stands in for stdin in raw mode: what is written is read back by Ink on 'readable'. */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private readonly queue: string[] = [];
  rawMode = false;

  write(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }

  read(): string | null {
    return this.queue.shift() ?? null;
  }

  setRawMode(on: boolean): this {
    this.rawMode = on;
    return this;
  }

  setEncoding(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  resume(): this {
    return this;
  }

  pause(): this {
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration: the built-in one, with no user file leaking in from the machine running the tests.

const homes: string[] = [];

/** An empty home directory for config lookups; removed by cleanupHomes(). */
export function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'homeops-component-'));
  homes.push(home);
  return home;
}

export function cleanupHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

export function testEnv(home: string): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
}

/** setup() as the console runs it, with the built-in config, views and keymaps. */
export function testSetup(options: Partial<GlobalOptions> = {}): Setup {
  const home = emptyHome();
  return setup({ readOnly: false, noColor: false, demo: 'healthy', ...options }, testEnv(home), home);
}

/** The index of a view in setup.views, by name. */
export function viewIndex(s: Setup, name: string): number {
  const index = s.views.findIndex((v) => v.name === name);
  if (index < 0) throw new Error(`no view ${name} (have ${s.views.map((v) => v.name).join(', ')})`);
  return index;
}

/** [view, columns, rows] for each view and each size at which one of its tiers fits. */
export function fitCases(views: readonly View[], sizes: readonly (readonly [number, number])[]): [string, number, number][] {
  return views.flatMap((view) =>
    sizes
      .filter(([columns, rows]) => view.tiers.some((t) => columns >= t.minColumns && rows >= t.minRows))
      .map(([columns, rows]): [string, number, number] => [view.name, columns, rows]),
  );
}

export function builtinKeymap(name: 'default' | 'vim'): Keymap {
  const home = emptyHome();
  return loadKeymap(name, testEnv(home), home);
}

// ---------------------------------------------------------------------------------------------
// Snapshots built from the project's fixtures through the real parsers and assessments.

export function fixturePath(...parts: string[]): string {
  return join(packageRoot(), 'fixtures', ...parts);
}

/** A CpuRaw fixture (a sample, or the first of its frames). */
export function cpuRaw(file: string): CpuRaw {
  const parsed = JSON.parse(readFileSync(fixturePath(file), 'utf8')) as CpuRaw | { frames: CpuRaw[] };
  const raw = 'frames' in parsed ? parsed.frames[0] : parsed;
  if (!raw) throw new Error(`${file}: no CPU sample`);
  return raw;
}

/** The CPU pane entry a fresh reading of a CpuRaw fixture gives. */
export function cpuEntry(s: Setup, file: string): Panes['cpu'] {
  const probe = cpuProbe(() => Promise.resolve(cpuRaw(file)), s.config);
  const data = probe.parse(cpuRaw(file));
  const assessment = probe.assess(data, Date.now());
  return { status: assessment.status, ageMs: 800, summary: assessment.summary, alerts: assessment.alerts, data };
}

/** The GPU pane entry a fresh reading of an nvidia-smi case directory gives. */
export function gpuEntry(s: Setup, caseDir: string): Panes['gpu'] {
  const dir = fixturePath('nvidia-smi', caseDir);
  const fields = readFileSync(join(dir, 'fields.txt'), 'utf8')
    .trim()
    .split(',')
    .map((f) => f.trim());
  // Ask as the reader does: the extended set when this driver knows it, else the base set.
  const asked: readonly string[] = EXTENDED_GPU_FIELDS.every((f) => fields.includes(f)) ? EXTENDED_GPU_FIELDS : BASE_GPU_FIELDS;
  const firstFrame = readFileSync(join(dir, 'query-gpu.csv'), 'utf8').split(/^---\s*$/m)[0] ?? '';
  const rows = firstFrame.split('\n').filter((l) => l.trim() !== '');
  const gpuCsv = rows
    .map((row) => {
      const values = row.split(', ');
      return `${asked.map((f) => values[fields.indexOf(f)] ?? '[N/A]').join(', ')}\n`;
    })
    .join('');
  const appsCsv = readFileSync(join(dir, 'query-compute-apps.csv'), 'utf8');
  const data = judgeGpus(parseGpu({ fields: asked, gpuCsv, appsCsv }), s.config.probes.gpu);
  const assessment = assessGpu(data, s.config.probes.gpu);
  return { status: assessment.status, ageMs: 1200, summary: assessment.summary, alerts: assessment.alerts, data };
}

/**
 * The panes of a demo scenario as its first reading gives them, through the real replays,
 * readers, parsers and assessments (the same path as `homeops --demo NAME`).
 */
export async function demoPanes(name: string): Promise<Panes> {
  const runtime = buildRuntime(testSetup({ demo: name }));
  try {
    return (await runtime.monitor.once()).panes;
  } finally {
    await runtime.close();
  }
}

/**
 * A busy estate, the most text the panes show: the 7950X under load, two GPUs, and the
 * containers, DNS, VPN, backups and services of a bad evening (a database unhealthy and a
 * service in a restart loop, the primary DNS down and clients failed over, the VPN stopped, the
 * database backup overdue, the workstation's services unreachable).
 */
export async function busyPanes(s: Setup): Promise<Partial<Panes>> {
  const [containers, dns, vpn, backups, services] = await Promise.all(
    ['db-unhealthy', 'primary-down', 'vpn-down', 'backups-stale', 'primary-failure'].map(demoPanes),
  );
  return {
    ...(services ? { services: services.services } : {}),
    cpu: cpuEntry(s, 'cpu/7950x-busy.json'),
    gpu: gpuEntry(s, 'dual-595'),
    ...(containers ? { containers: containers.containers } : {}),
    ...(dns ? { dns: dns.dns } : {}),
    ...(vpn ? { vpn: vpn.vpn } : {}),
    ...(backups ? { backups: backups.backups } : {}),
  };
}

export function offEntry(summary: string): PaneEntry<never> {
  return { status: 'off', ageMs: null, summary, alerts: [], data: null };
}

export type SnapshotParts = {
  host?: string;
  /** The overall status; default: the worst of the panes'. */
  status?: Snapshot['status'];
  demo?: string | null;
  takenAt?: string;
  self?: Snapshot['self'];
  unreachable?: Snapshot['unreachable'];
  panes?: Partial<Panes>;
  offers?: Snapshot['offers'];
};

/** A Snapshot with the given panes; panes not given are off ("not in this test"). */
export function snapshot(parts: SnapshotParts = {}): Snapshot {
  const panes = Object.fromEntries(PANE_IDS.map((id: PaneId) => [id, parts.panes?.[id] ?? offEntry('not in this test')])) as Panes;
  return {
    version: 1,
    takenAt: parts.takenAt ?? '2026-01-02T03:04:05.000Z',
    host: parts.host ?? 'workstation',
    demo: parts.demo ?? null,
    status: parts.status ?? worst(PANE_IDS.map((id) => panes[id].status)),
    self: parts.self ?? { cpuPercent: 1.5, rssBytes: 96 * 1024 * 1024 },
    unreachable: parts.unreachable ?? [],
    panes,
    offers: parts.offers ?? [],
  };
}

/** A snapshot source the test publishes to by hand. */
export class FakeSource implements SnapshotSource {
  private latest: Snapshot;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  constructor(initial: Snapshot) {
    this.latest = initial;
  }

  current(): Snapshot {
    return this.latest;
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(next: Snapshot): void {
    this.latest = next;
    for (const listener of this.listeners) listener(next);
  }
}

// ---------------------------------------------------------------------------------------------
// The harness.

export type RenderOptions = {
  source: SnapshotSource;
  setup?: Setup;
  columns: number;
  rows: number;
  theme?: Theme;
  keymap?: Keymap;
  /** Index into setup.views, or 'auto'; default: what setup chose. */
  view?: number | 'auto';
  readOnly?: boolean;
  /** The console's state (panels, runs, prompts); default: the App's own, nothing open. */
  console?: ConsoleStateSource;
  /** What the console's keys ask of the application; default: the App's own (none). */
  intents?: ConsoleIntents;
  profiler?: Profiler;
};

export type Rendered = {
  /** The terminal the console draws on (through the console's own FrameStream). */
  terminal: FakeTerminal;
  /** What Ink renders into. */
  stdout: RecordingFrameStream;
  stdin: FakeStdin;
  setup: Setup;
  /** How often the App asked to quit and to refresh. */
  calls: { quit: number; refresh: number };
  /** Every frame written so far, ANSI kept. */
  frames: string[];
  lastFrame(): string;
  /** The last frame with every escape sequence removed. */
  plainFrame(): string;
  /** The last frame's lines, plain. */
  lines(): string[];
  /** Types raw key bytes, one press per argument, and lets Ink read and render after each. */
  press(...keys: string[]): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  waitFor(check: () => boolean, what?: string, timeoutMs?: number): Promise<void>;
  /** Waits until the last plain frame contains the text (or matches the pattern). */
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<void>;
  unmount(): void;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets Ink read pending input (a lone Escape is flushed on the next immediate) and render. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await tick();
  await sleep(0);
}

const mounted: Rendered[] = [];

export function unmountAll(): void {
  for (const r of mounted.splice(0)) r.unmount();
}

export async function renderApp(options: RenderOptions): Promise<Rendered> {
  const s = options.setup ?? testSetup();
  const terminal = new FakeTerminal(options.columns, options.rows);
  const stdout = new RecordingFrameStream(terminal as unknown as NodeJS.WriteStream);
  const stdin = new FakeStdin();
  const calls = { quit: 0, refresh: 0 };
  const actions: AppActions = {
    quit: () => {
      calls.quit++;
    },
    refresh: () => {
      calls.refresh++;
    },
    ...(options.intents ? { intents: options.intents } : {}),
  };
  const instance = render(
    <App
      source={options.source}
      panes={PANE_RENDERERS}
      config={s.config}
      views={s.views}
      initialView={options.view ?? s.initialView}
      keymap={options.keymap ?? s.keymap}
      theme={options.theme ?? { color: true }}
      readOnly={options.readOnly ?? s.readOnly}
      actions={actions}
      {...(options.console ? { console: options.console } : {})}
      {...(options.profiler ? { profiler: options.profiler } : {})}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: new FakeTerminal(options.columns, options.rows) as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  let unmounted = false;
  const lastFrame = () => stdout.frames.at(-1) ?? '';
  const plainFrame = () => stripAnsi(lastFrame());
  const waitFor = async (check: () => boolean, what = 'the condition', timeoutMs = 3000) => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > timeoutMs) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame:\n${plainFrame()}`);
      }
      await sleep(5);
    }
  };
  const rendered: Rendered = {
    terminal,
    stdout,
    stdin,
    setup: s,
    calls,
    frames: stdout.frames,
    lastFrame,
    plainFrame,
    lines: () => plainFrame().split('\n'),
    press: async (...keys) => {
      for (const key of keys) {
        stdin.write(key);
        await settle();
      }
    },
    resize: async (columns, rows) => {
      terminal.columns = columns;
      terminal.rows = rows;
      terminal.emit('resize');
      await settle();
    },
    waitFor,
    waitForText: (text, timeoutMs) =>
      waitFor(
        () => (typeof text === 'string' ? plainFrame().includes(text) : text.test(plainFrame())),
        `"${String(text)}" on screen`,
        timeoutMs,
      ),
    unmount: () => {
      if (unmounted) return;
      unmounted = true;
      stdout.close();
      instance.unmount();
      instance.cleanup();
    },
  };
  mounted.push(rendered);
  await settle();
  return rendered;
}

/** Problems with a frame's size: lines wider than the terminal, more lines than rows − 1. */
export function frameProblems(frame: string, columns: number, rows: number): string[] {
  const lines = frame.split('\n');
  const problems: string[] = [];
  if (lines.length > rows - 1) problems.push(`${lines.length} lines in a ${rows}-row terminal (at most ${rows - 1})`);
  lines.forEach((line, index) => {
    const width = cells(line);
    if (width > columns) problems.push(`line ${index + 1} is ${width} cells wide (terminal ${columns}): ${stripAnsi(line)}`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Reading a frame the way a user reads the screen.

const CORNERS_LEFT = ['╭', '┏'];
const CORNERS_RIGHT = ['╮', '┓'];

export type PaneOnScreen = {
  /** The top border line, with its title and status word. */
  top: string;
  /** The lines inside the borders, plain. */
  body: string[];
  /** The bottom border line (where "↓N more" shows). */
  bottom: string;
  /** True when drawn with the heavy (focused) border. */
  heavy: boolean;
  /** Where its top-left corner is: the frame's line (0 first) and column (in characters, 0 first). */
  row: number;
  column: number;
};

/**
 * The pane whose title starts with `title` (e.g. "CPU", "GPU", "Help"), cut out of a plain
 * frame by its border columns; undefined when no pane has that title.
 */
export function paneOnScreen(plain: string, title: string): PaneOnScreen | undefined {
  const lines = plain.split('\n').map((line) => Array.from(line));
  for (let row = 0; row < lines.length; row++) {
    const chars = lines[row] ?? [];
    const text = chars.join('');
    const at = [` ${title}`, ` ▸ ${title}`]
      .map((t) => text.indexOf(t))
      .filter((i) => i >= 0)
      .sort((a, b) => a - b)[0];
    if (at === undefined) continue;
    // Column (in characters) of the title start: find the corner before it and after it.
    const titleCol = Array.from(text.slice(0, at)).length;
    let left = titleCol;
    while (left >= 0 && !CORNERS_LEFT.includes(chars[left] ?? '')) left--;
    let right = titleCol;
    while (right < chars.length && !CORNERS_RIGHT.includes(chars[right] ?? '')) right++;
    if (left < 0 || right >= chars.length) continue;
    const heavy = chars[left] === '┏';
    const bottomCorner = heavy ? '┗' : '╰';
    const body: string[] = [];
    let end = row + 1;
    for (; end < lines.length; end++) {
      const line = lines[end] ?? [];
      if (line[left] === bottomCorner) break;
      body.push(line.slice(left + 1, right).join(''));
    }
    return {
      top: chars.slice(left, right + 1).join(''),
      body,
      bottom: (lines[end] ?? []).slice(left, right + 1).join(''),
      heavy,
      row,
      column: left,
    };
  }
  return undefined;
}

/** A pane's body as one string with runs of spaces collapsed: wrapped messages read whole. */
export function paneText(plain: string, title: string): string {
  const pane = paneOnScreen(plain, title);
  return pane ? joinLines(pane.body) : '';
}

/** The title each pane's top border starts with. */
export const PANE_TITLES = {
  cpu: 'CPU',
  containers: 'Containers',
  gpu: 'GPU',
  dns: 'DNS',
  vpn: 'VPN',
  backups: 'Backups',
  services: 'Services',
} as const satisfies Record<PaneId, string>;

export type PaneTitle = (typeof PANE_TITLES)[keyof typeof PANE_TITLES];

/** A status as panes and the status bar show it: its symbol and word ("▲ WARN"). */
export function statusWord(status: Status): string {
  return `${STATUS_SYMBOL[status]} ${STATUS_WORD[status]}`;
}

/** The titles of the panes drawn focused (heavy border) in a plain frame. */
export function focusedPanes(plain: string): PaneTitle[] {
  return Object.values(PANE_TITLES).filter((title) => paneOnScreen(plain, title)?.heavy);
}

/** Presses Tab until the pane titled `title` has the focus, as a user does; throws if it never gets it. */
export async function focusPane(app: Rendered, title: PaneTitle): Promise<void> {
  for (let i = 0; i <= Object.keys(PANE_TITLES).length; i++) {
    if (paneOnScreen(app.plainFrame(), title)?.heavy) return;
    await app.press('\t');
  }
  throw new Error(`Tab never focused the ${title} pane; last frame:\n${app.plainFrame()}`);
}

/**
 * Every line of a pane's content, read the way a user reads a pane taller than its box: the
 * lines shown, then Down (scroll.down in the default keymap) one line at a time until the
 * border no longer says "↓N more". The pane must have the focus.
 */
export async function wholePane(app: Rendered, title: string): Promise<string[]> {
  let pane = paneOnScreen(app.plainFrame(), title);
  if (!pane) return [];
  if (!pane.heavy) throw new Error(`wholePane: the ${title} pane does not have the focus`);
  const lines = [...pane.body];
  for (let i = 0; i < 500 && /↓\d+ more/.test(pane?.bottom ?? ''); i++) {
    await app.press('\x1b[B');
    pane = paneOnScreen(app.plainFrame(), title);
    lines.push(pane?.body.at(-1) ?? '');
  }
  return lines;
}

/** Lines as one string with runs of spaces collapsed, as paneText reads a pane's body. */
export function joinLines(lines: readonly string[]): string {
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/ +/g, ' ');
}

/** The status bar: the frame's last line. */
export function statusBar(plain: string): string {
  return plain.split('\n').at(-1) ?? '';
}
