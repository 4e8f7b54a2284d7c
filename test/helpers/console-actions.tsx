// What a test of the console's actions needs beside render.tsx's harness: a hand-driven console
// state, recorded intents, and controllers whose runbooks run on this machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControllerDeps } from '../../src/cli/controller/deps.js';
import { ConsoleController } from '../../src/cli/controller.js';
import type { Config } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import type { PaneId } from '../../src/model/panes.js';
import { loadRunbookFile, type Runbook, type RunbookCatalog } from '../../src/runbooks/load.js';
import { type ConsoleIntents, type ConsoleState, type ConsoleStateSource, INITIAL_CONSOLE_STATE } from '../../src/ui/console-state.js';
import type { Profiler } from '../../src/ui/profile.js';
import { sleep } from './render.js';

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
  const record =
    <K extends keyof ConsoleIntents>(intent: K) =>
    (...args: unknown[]) => {
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
    showTimeline: record('showTimeline'),
    showTrends: record('showTrends'),
    ackAlerts: record('ackAlerts'),
    silenceAlerts: record('silenceAlerts'),
    showRun: record('showRun'),
    abortRun: record('abortRun'),
    closePanel: record('closePanel'),
    containerAction: record('containerAction'),
    openLogs: record('openLogs'),
    openShell: record('openShell'),
    openGroupLogs: record('openGroupLogs'),
    saveLogs: record('saveLogs'),
    cycleLogsSince: record('cycleLogsSince'),
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
  return {
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    XDG_STATE_HOME: join(dir, 'state'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
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

export function testController(
  config: Config,
  catalog: Pick<RunbookCatalog, 'runbooks' | 'get'>,
  overrides: Partial<ControllerDeps> = {},
): TestController {
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
    if (Date.now() - start > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms; state: ${JSON.stringify({ ...state, catalog: undefined }, null, 1).slice(0, 2000)}`,
      );
    await sleep(10);
  }
}
