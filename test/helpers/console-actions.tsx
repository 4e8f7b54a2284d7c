// Renders the console's <App> with an actions controller (or a hand-driven console state) in the
// fake terminal of render.tsx, and builds controllers whose runbooks run on this machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink';
import type { Setup } from '../../src/cli/compose.js';
import { ConsoleController, type ControllerDeps } from '../../src/cli/controller.js';
import type { Keymap } from '../../src/config/keymaps.js';
import type { Config } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import type { PaneId } from '../../src/monitor/snapshot.js';
import { loadRunbookFile, type Runbook, type RunbookCatalog } from '../../src/runbooks/load.js';
import { App, type AppActions } from '../../src/ui/app.js';
import {
  INITIAL_CONSOLE_STATE,
  type ConsoleIntents,
  type ConsoleState,
  type ConsoleStateSource,
} from '../../src/ui/console-state.js';
import type { SnapshotSource } from '../../src/ui/hooks/use-snapshot.js';
import type { Profiler } from '../../src/ui/profile.js';
import type { Theme } from '../../src/ui/theme.js';
import { FakeStdin, FakeTerminal, RecordingFrameStream, sleep, stripAnsi, testSetup } from './render.js';

/** Console state the test sets by hand. */
export class ManualConsole implements ConsoleStateSource {
  private state: ConsoleState;
  private readonly listeners = new Set<(state: ConsoleState) => void>();

  constructor(initial: Partial<ConsoleState> = {}) {
    this.state = { ...INITIAL_CONSOLE_STATE, ...initial };
  }

  current(): ConsoleState {
    return this.state;
  }

  subscribe(listener: (state: ConsoleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(patch: Partial<ConsoleState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

export type IntentCall = { intent: keyof ConsoleIntents; args: unknown[] };

/** Intents that only record how they were called. */
export function recordingIntents(): { intents: ConsoleIntents; calls: IntentCall[] } {
  const calls: IntentCall[] = [];
  const record = <K extends keyof ConsoleIntents>(intent: K) => (...args: unknown[]) => {
    calls.push({ intent, args });
  };
  const intents: ConsoleIntents = {
    answer: record('answer'),
    // Not recorded: the menu asks for it every time it opens.
    loadRunbooks: () => {},
    runRunbook: record('runRunbook'),
    dryRun: record('dryRun'),
    verifyBackups: record('verifyBackups'),
    showHistory: record('showHistory'),
    showRun: record('showRun'),
    abortRun: record('abortRun'),
    closePanel: record('closePanel'),
    containerAction: record('containerAction'),
    openLogs: record('openLogs'),
    setBlocking: record('setBlocking'),
    notify: record('notify'),
  };
  return { intents, calls };
}

/** A Profiler that counts how often each pane's content was built. */
export function countingProfiler(): Profiler & { builds: Map<string, number> } {
  const builds = new Map<string, number>();
  return {
    builds,
    time(pane, build) {
      builds.set(pane, (builds.get(pane) ?? 0) + 1);
      return build();
    },
    frame() {},
  };
}

export type ConsoleRenderOptions = {
  source: SnapshotSource;
  setup?: Setup;
  columns: number;
  rows: number;
  keymap?: Keymap;
  readOnly?: boolean;
  theme?: Theme;
  console?: ConsoleStateSource;
  intents?: ConsoleIntents;
  profiler?: Profiler;
  view?: number | 'auto';
};

export type ConsoleRendered = {
  terminal: FakeTerminal;
  stdin: FakeStdin;
  calls: { quit: number; refresh: number };
  frames: string[];
  plainFrame(): string;
  lines(): string[];
  /** Types raw key bytes, one press per argument, and lets Ink read and render them. */
  press(...keys: string[]): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<void>;
  waitFor(check: () => boolean, what?: string, timeoutMs?: number): Promise<void>;
  unmount(): void;
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await tick();
  await sleep(0);
}

const mounted: ConsoleRendered[] = [];

export function unmountConsoles(): void {
  for (const r of mounted.splice(0)) r.unmount();
}

export async function renderConsole(options: ConsoleRenderOptions): Promise<ConsoleRendered> {
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
  const plainFrame = () => stripAnsi(stdout.frames.at(-1) ?? '');
  const waitFor = async (check: () => boolean, what = 'the condition', timeoutMs = 3000) => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame:\n${plainFrame()}`);
      await sleep(5);
    }
  };
  const rendered: ConsoleRendered = {
    terminal,
    stdin,
    calls,
    frames: stdout.frames,
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
      waitFor(() => (typeof text === 'string' ? plainFrame().includes(text) : text.test(plainFrame())), `"${String(text)}" on screen`, timeoutMs),
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

// ---------------------------------------------------------------------------------------------
// Controllers with runbooks that run on this machine.

const dirs: string[] = [];

export function cleanupDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A private state directory (audit log, locks, run state) for one test. */
export function stateEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-actions-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'home'), { recursive: true });
  return { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home', '.config'), XDG_STATE_HOME: join(dir, 'state'), PATH: process.env.PATH ?? '/usr/bin:/bin' };
}

/** Runbooks from YAML texts (id → body lines after `id:`), checked against the config. */
export function catalogOf(config: Config, books: Record<string, string[]>): Pick<RunbookCatalog, 'runbooks' | 'get'> {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-books-'));
  dirs.push(dir);
  const runbooks: Runbook[] = Object.entries(books).map(([id, lines]) => {
    const file = join(dir, `${id}.yaml`);
    writeFileSync(file, [`id: ${id}`, ...lines, ''].join('\n'));
    return loadRunbookFile(file, config, false);
  });
  return { runbooks, get: (id) => runbooks.find((r) => r.id === id) };
}

export type TestController = { controller: ConsoleController; nudges: PaneId[]; env: Record<string, string> };

export function testController(config: Config, catalog: Pick<RunbookCatalog, 'runbooks' | 'get'>, overrides: Partial<ControllerDeps> = {}): TestController {
  const env = (overrides.env as Record<string, string> | undefined) ?? stateEnv();
  const nudges: PaneId[] = [];
  const controller = new ConsoleController({
    config,
    env,
    hosts: hostsFromConfig(config, env),
    docker: null,
    dns: null,
    monitor: { nudge: (id) => nudges.push(id) },
    catalog,
    readOnly: false,
    demo: null,
    publishMs: 10,
    findInterrupted: () => [],
    ...overrides,
  });
  return { controller, nudges, env };
}

/** Resolves once the controller's state satisfies `check`. */
export async function until(source: ConsoleStateSource, check: (state: ConsoleState) => boolean, timeoutMs = 5000): Promise<ConsoleState> {
  const start = Date.now();
  for (;;) {
    const state = source.current();
    if (check(state)) return state;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms; state: ${JSON.stringify({ ...state, catalog: undefined }, null, 1).slice(0, 2000)}`);
    await sleep(10);
  }
}
