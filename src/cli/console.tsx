// The live console: renders the App in the alternate screen, with the actions controller behind
// it, and owns every way out (a run in progress is stopped and left resumable).
import { spawnSync } from 'node:child_process';
import chalk from 'chalk';
import { render } from 'ink';
import { bellWatch } from '../alerts/bell.js';
import { maintenanceCheck } from '../alerts/maintenance.js';
import { silenceReader } from '../alerts/silences.js';
import { setupCache, setupCacheDir } from '../config/setup-cache.js';
import { boundRunbooks } from '../model/commands.js';
import { PANE_RENDERERS } from '../panes/renderers.js';
import { enterFullScreen } from '../terminal/full-screen.js';
import { FrameStream } from '../terminal/screen.js';
import { terminalSafe } from '../terminal/terminal-safe.js';
import { App, type AppActions } from '../ui/app.js';
import { profilerFromEnv } from '../ui/profile.js';
import { chooseTheme, type ThemeName } from '../ui/theme.js';
import { openAppState } from './app-state.js';
import type { Runtime, Setup } from './compose.js';
import { ConsoleController } from './controller.js';
import { collectEveryMinute } from './memory.js';
import { checkedRunbookCatalog } from './runbook-catalog.js';
import { quickRunbookIds } from './runbook-ids.js';
import { MinuteTrends, recordedHour } from './trend-source.js';
import { readAway, readClosedAt, writeClosedAt } from './while-away.js';

/** The notice of the first start without a config file, by its key in the remembered state. */
const FIRST_RUN_NOTICE = 'builtin-default';
const FIRST_RUN_NOTE =
  'no config file: this machine only, nothing on the network is watched; homeops init writes a config to start from (said once)';

/** `notes`: things to say once in the status bar when the console has started. */
export async function runConsole(
  s: Setup,
  runtime: Runtime,
  options: {
    noColor: boolean;
    noMouse?: boolean | undefined;
    since?: string | undefined;
    viewAsked?: boolean | undefined;
    theme?: ThemeName | undefined;
    notes?: readonly string[];
  },
): Promise<number> {
  const { monitor } = runtime;
  const env = process.env;
  const cwd = process.cwd();
  const runbookOptions = { config: s.config, env, cwd, configFile: s.source.path ?? undefined };
  // What the console remembers of the last start (the view, the containers' order and filter,
  // the theme chosen with T, the notices seen); --view, --theme and the config come first.
  const store = openAppState(env);
  const remembered = store?.read() ?? {};
  const rememberedView = remembered.view === undefined ? -1 : s.views.findIndex((v) => v.name === remembered.view);
  const initialView = !options.viewAsked && s.initialView === 'auto' && rememberedView >= 0 ? rememberedView : s.initialView;
  // The first start without a config file says once what the console watches and how to change it.
  const dismissed = new Set(remembered.dismissed ?? []);
  const firstRun = s.source.kind === 'builtin' && !dismissed.has(FIRST_RUN_NOTICE) && store !== null;
  if (firstRun) store.update({ dismissed: [...dismissed, FIRST_RUN_NOTICE] });
  let controller: ConsoleController;
  // Set once the screen is the console's (below); the controller is made before that.
  const handTerminalRef: { current: (argv: readonly string[], say: string) => { code: number | null; error: string | null } } = {
    current: () => ({ code: null, error: 'the console has not started' }),
  };
  try {
    // A key bound to a runbook that does not exist is a located error (exit 78), found before
    // the screen changes from the files' id lines. The catalog comes from the cache while the
    // runbooks and the config are unchanged; otherwise the runbooks' loader and validator (and
    // the YAML and schema code under them) are loaded for it and let go (cli/runbook-catalog.ts).
    const catalogCache = setupCache(setupCacheDir(env));
    const loadChecked = () => checkedRunbookCatalog(runbookOptions, s.keymap, catalogCache);
    const bound = boundRunbooks(s.keymap);
    if (bound.length) {
      const quick = quickRunbookIds(runbookOptions);
      if (bound.some((id) => !quick.has(id))) await loadChecked();
    }
    const catalog = loadChecked;
    controller = new ConsoleController({
      config: s.config,
      env,
      hosts: runtime.hosts,
      docker: runtime.docker,
      dns: runtime.dns,
      monitor,
      catalog,
      readOnly: s.readOnly,
      demo: s.scenario?.name ?? null,
      notes: [...(options.notes ?? []), ...(firstRun ? [FIRST_RUN_NOTE] : [])],
      ...(options.since ? { logSince: options.since } : {}),
      handTerminal: (argv, say) => handTerminalRef.current(argv, say),
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  // chalk turns all styling off when it sees --no-color on the command line; the theme decides
  // about colour here, so that --no-color and NO_COLOR look the same (reverse video and bold
  // stay, for the selection and the status words).
  if (chalk.level === 0 && process.stdout.isTTY && process.argv.includes('--no-color')) chalk.level = 1;
  const theme = chooseTheme({ flag: options.theme, noColor: options.noColor, env, config: s.config.theme, remembered: remembered.theme });
  const profiler = profilerFromEnv(env);
  // The mouse is the console's unless --no-mouse or the config says not (then the terminal
  // selects text with it as usual; with it on, shift+drag selects in most terminals).
  const mouse = options.noMouse !== true && s.config.mouse;
  const screen = enterFullScreen(1, { mouse });
  const stopCollecting = collectEveryMinute();
  const frames = new FrameStream(process.stdout);
  let exitCode = 0;
  let finished = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const finish = (code: number, message?: string, why = 'the console was closed') => {
    if (finished) return;
    finished = true;
    exitCode = code;
    stopCollecting();
    try {
      writeClosedAt(env, s.scenario?.name ?? null, Date.now());
    } catch {
      // Not noted (a state directory not the user's own): the next start only says nothing of
      // what changed meanwhile; the rest of the console's state is checked where it is used.
    }
    monitor.stop();
    unsubscribeBell();
    trends.unsubscribe();
    frames.close();
    try {
      instance.unmount();
    } catch {
      // already unmounted
    }
    screen.restore();
    if (message) process.stderr.write(`${terminalSafe(`homeops: ${message}`)}\n`);
    // A run in progress is stopped (its remote process too) and left resumable; then sessions
    // and connections end, after the screen is back (a Pi-hole logout waits at most 1 s).
    void controller
      .close(why)
      .then(() => runtime.close())
      .then(() => store?.flush())
      .finally(resolveDone);
  };

  const WHY: Partial<Record<NodeJS.Signals, string>> = {
    SIGHUP: 'SIGHUP: the terminal went away',
    SIGTERM: 'SIGTERM: homeops was told to stop',
    SIGINT: 'SIGINT: homeops was interrupted',
  };
  const onSignal = (signal: NodeJS.Signals) =>
    finish(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15), undefined, WHY[signal]);
  const onCrash = (error: unknown) =>
    finish(70, `internal error: ${error instanceof Error ? error.message : String(error)}`, 'homeops crashed');
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  // r reads everything now: a host or engine waiting out its backoff is tried at once too.
  const refresh = () => {
    runtime.hosts.retryNow();
    runtime.docker?.retryNow();
    void monitor.refreshNow();
  };
  const redraw = () => {
    screen.reassert();
    frames.repaint();
  };
  // A shell in a container: the screen and the keyboard are the shell's until it exits. The
  // console waits in spawnSync, so that nothing here reads the keys typed into the shell; a
  // Ctrl-C or Ctrl-Z meant for the shell (before ssh or docker put the terminal in raw mode)
  // does not stop the console.
  const handTerminal = (argv: readonly string[], say: string): { code: number | null; error: string | null } => {
    const [command, ...args] = argv;
    if (!command || finished) return { code: null, error: 'nothing to run' };
    const ignore = () => {};
    process.removeListener('SIGINT', onSignal);
    process.on('SIGINT', ignore);
    process.on('SIGTSTP', ignore);
    const stdin = process.stdin;
    const raw = stdin.isTTY && stdin.isRaw;
    screen.suspend();
    try {
      if (raw) stdin.setRawMode(false);
      process.stdout.write(`${terminalSafe(`homeops: ${say}`)}\n`);
      const result = spawnSync(command, args, { stdio: 'inherit' });
      return { code: result.status, error: result.error ? result.error.message : null };
    } finally {
      if (raw && stdin.isTTY) stdin.setRawMode(true);
      screen.resume();
      frames.repaint();
      // Signals that came while the shell ran are handled after this returns: still ignored.
      setTimeout(() => {
        process.removeListener('SIGINT', ignore);
        process.removeListener('SIGTSTP', ignore);
        if (!finished) process.on('SIGINT', onSignal);
      }, 200);
    }
  };
  handTerminalRef.current = handTerminal;
  const actions: AppActions = {
    quit: () => finish(0),
    refresh,
    redraw,
    intents: controller.intents,
    themeChosen: (name) => store?.update({ theme: name }),
    remember: (state) => store?.update({ view: state.view ?? '', containers: state.containers }),
  };
  // The sparklines' minutes, kept in memory from this console's own ticks, and the hour before
  // from the watcher's store, read once the first frame is out.
  const trends = new MinuteTrends(monitor);
  const demoName = s.scenario?.name ?? null;
  setTimeout(() => {
    void recordedHour(env, demoName).then((recorded) => {
      if (!finished) trends.seed(recorded, Date.now());
    });
    // What the watcher recorded since this console was last closed, said once.
    void (async () => {
      const closedAt = readClosedAt(env, demoName);
      const away = closedAt === null ? null : await readAway(env, demoName, closedAt);
      if (away && !finished) controller.intents.notify(away.text, away.tone);
    })().catch(() => {
      // Nothing to say is no problem to report: the timeline panel (t) says why it cannot read.
    });
  }, 500).unref();
  const instance = render(
    <App
      source={monitor}
      panes={PANE_RENDERERS}
      config={s.config}
      views={s.views}
      initialView={initialView}
      initialContainers={remembered.containers}
      keymap={s.keymap}
      theme={theme}
      readOnly={s.readOnly}
      profiler={profiler}
      actions={actions}
      console={controller}
      mouse={mouse}
      trends={trends}
    />,
    {
      // Ink renders whole frames into the FrameStream, which puts only changed rows on screen.
      stdout: frames as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: profiler ? ({ renderTime }) => profiler.frame(renderTime) : undefined,
    },
  );
  // A new critical alert rings the terminal's bell (alerts.bell), once, unless silenced.
  const bellRules = s.config.alerts?.bell === false ? null : { severity: s.config.alerts?.severity ?? {} };
  const unsubscribeBell = bellRules
    ? monitor.subscribe(
        bellWatch(
          bellRules,
          silenceReader(env, s.scenario?.name ?? null),
          () => {
            if (!finished) process.stdout.write('\x07');
          },
          maintenanceCheck(s.config.maintenance),
        ),
      )
    : () => {};
  monitor.start();
  // After the first frames: the offer to resume a run that was interrupted (the runbooks are
  // loaded then only if there is one; otherwise when the menu or a runbook key asks).
  setTimeout(() => {
    if (finished) return;
    controller.start();
    // With services to watch, the runbooks' triggers are read soon after the start, so that a
    // situation that calls for one is offered (the banner) without the menu being opened first.
    if (s.config.services?.list.length) {
      void Promise.all([controller.loadCatalog(), import('../runbooks/triggers.js')]).then(([catalog, { offersOf }]) => {
        const offers = offersOf(catalog.runbooks, s.config.runbooks?.triggers);
        if (finished || !offers) return;
        monitor.setOffers(offers);
        monitor.publish();
      });
    }
  }, 250);
  // A deliberate crash, to check on a given terminal that the screen comes back after one.
  const crashAfter = Number(env.HOMEOPS_TEST_CRASH_MS);
  if (crashAfter > 0) {
    setTimeout(() => {
      throw new Error('deliberate crash (HOMEOPS_TEST_CRASH_MS)');
    }, crashAfter);
  }
  instance.waitUntilExit().then(
    () => finish(exitCode),
    (error: unknown) => onCrash(error),
  );
  await done;
  return exitCode;
}
