// homeops: the composition root. Parses arguments, loads config, builds the monitor and runs
// the requested command. User-file errors are one line and exit 78; nothing prints a stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP, parseArgs, type Request, UsageError } from './cli/args.js';
import { forgetLauncherEnv } from './cli/launcher-env.js';
import { packageRoot } from './config/paths.js';
import { setupCache, setupCacheDir } from './config/setup-cache.js';
import { UnknownNameError, UserFileError } from './config/user-file-error.js';
import { listScenarios, ScenarioError } from './demo/scenario.js';
import { ProfileError } from './hosts/profile.js';
import { terminalSafe, terminalSafeJson } from './terminal/terminal-safe.js';

const EX_USAGE = 64;
const EX_CONFIG = 78;
/** A file could not be written or removed (sysexits EX_CANTCREAT). */
const EX_CANTCREAT = 73;

/** One line on stderr; a message may quote a file name or a value from outside. */
function sayError(message: string): void {
  process.stderr.write(`${terminalSafe(message)}\n`);
}

/** stdout for a log: a reader that went away (a closed pipe) loses the lines, not the process. */
function writeOut(text: string): void {
  if (process.stdout.writableEnded || process.stdout.destroyed) return;
  process.stdout.write(text);
}
/**
 * Writes what a subcommand produced and returns its exit code; a state directory that is not
 * the user's alone (cache and state are trusted only then) is one line and exit 73.
 */
async function commandOutput(name: string, run: () => { stdout: string; stderr: string; code: number }): Promise<number> {
  try {
    const result = run();
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.code;
  } catch (error) {
    const { PrivatePathError } = await import('./config/private-files.js');
    if (error instanceof PrivatePathError) {
      sayError(`homeops ${name}: ${error.message}`);
      return 73;
    }
    throw error;
  }
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(argv: readonly string[]): Promise<number> {
  forgetLauncherEnv(process.env);
  let request: Request;
  try {
    request = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      sayError(`homeops: ${error.message}${error.pointer ? '' : ' (see homeops --help)'}`);
      return EX_USAGE;
    }
    throw error;
  }
  if (request.command === 'help') {
    process.stdout.write(HELP.replace('SCENARIOS', listScenarios().join(', ') || 'none'));
    return 0;
  }
  if (request.command === 'version') {
    process.stdout.write(`homeops ${version()}\n`);
    return 0;
  }
  if (request.command === 'reset-state') {
    const { appStatePath, resetAppState } = await import('./cli/app-state.js');
    const path = appStatePath(process.env);
    try {
      const had = resetAppState(process.env);
      process.stdout.write(
        terminalSafe(
          had
            ? `homeops: forgot what the console remembered (${path})\n`
            : `homeops: the console remembered nothing (${path} does not exist)\n`,
        ),
      );
      return 0;
    } catch (error) {
      sayError(`homeops: cannot remove ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return EX_CANTCREAT;
    }
  }
  if (request.command === 'init') {
    const { initCommand } = await import('./cli/init.js');
    return initCommand(request.init, request.options, process.env, process.cwd(), {
      out: (text) => process.stdout.write(terminalSafe(text, { newlines: 'lines' })),
      err: (text) => process.stderr.write(terminalSafe(text, { newlines: 'lines' })),
      now: () => new Date(),
    });
  }
  if (request.command === 'runbook') {
    const { runbookCommand, processIo } = await import('./cli/runbook.js');
    try {
      return await runbookCommand(request.runbook, request.options, processIo(process.env, process.cwd()));
    } catch (error) {
      if (error instanceof UserFileError) {
        sayError(error.message);
        return EX_CONFIG;
      }
      throw error;
    }
  }
  if (request.command === 'drill') {
    const { drillCommand } = await import('./cli/drill.js');
    try {
      return await drillCommand(request, request.options, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        env: process.env,
        cwd: process.cwd(),
      });
    } catch (error) {
      if (error instanceof UserFileError) {
        process.stderr.write(`${error.message}\n`);
        return EX_CONFIG;
      }
      if (error instanceof ProfileError) {
        process.stderr.write(`homeops: ${error.message}\n`);
        return EX_USAGE;
      }
      throw error;
    }
  }
  if (request.command === 'events') {
    const { eventsCommand } = await import('./cli/events.js');
    return commandOutput('events', () => eventsCommand(process.env, request.options.demo ?? null, request.sinceMs, request.json));
  }
  if (request.command === 'watch' && request.watch.printUnit) {
    const { unitFor } = await import('./cli/watch.js');
    process.stdout.write(unitFor(request.options, request.watch, { env: process.env, cwd: process.cwd() }));
    return 0;
  }
  // The console's own code (Ink, React, the layout engine's WebAssembly) loads while the
  // config is read and validated: the first frame comes sooner.
  const consoleModule = request.command === 'console' ? import('./cli/console.js') : undefined;
  consoleModule?.catch(() => {});
  try {
    // The console and status start from the cached config while its files are unchanged,
    // without loading the YAML parser or the validators; check-config always reads and
    // validates them.
    const cache = request.command === 'check-config' ? undefined : setupCache(setupCacheDir(process.env));
    const { cachedSetup } = await import('./cli/setup-core.js');
    let s = cache ? cachedSetup(request.options, process.env, process.cwd(), cache) : null;
    if (!s && request.command === 'check-config') {
      const { setup } = await import('./cli/compose.js');
      s = setup(request.options, process.env, process.cwd(), cache);
    } else if (!s) {
      // Read and validated by code that is let go afterwards (cli/detached-load.ts).
      const { detachedSetup } = await import('./cli/detached-load.js');
      s = await detachedSetup(request.options, process.env, process.cwd(), cache);
    }
    // A cache that is not the user's own is not used (the files were read instead): said once.
    const cacheProblem = cache?.problem() ?? null;
    const cacheNote = cacheProblem ? `not using the cache: ${cacheProblem}; the files were read and validated instead` : null;
    if (cacheNote && request.command !== 'console') sayError(`homeops: ${cacheNote}`);
    const { buildRuntime } = await import('./cli/runtime.js');
    if (request.command === 'check-config') {
      const { checkConfigReport } = await import('./cli/check-config.js');
      const { loadRunbooks } = await import('./runbooks/load.js');
      // Runbooks are validated with the config they would run with; a broken one is exit 78.
      const catalog = loadRunbooks({ config: s.config, env: process.env, cwd: process.cwd(), configFile: s.source.path ?? undefined });
      // A keymap binding runbook:<id> must name a runbook of the catalog (exit 78 otherwise).
      const { checkRunbookBindings } = await import('./config/keymaps.js');
      checkRunbookBindings(
        s.keymap,
        catalog.runbooks.map((r) => r.id),
        process.env,
        process.cwd(),
      );
      const report = checkConfigReport(s, process.env, catalog);
      process.stdout.write(report);
      return 0;
    }
    if (request.command === 'status') {
      const { formatStatus, statusExitCode } = await import('./cli/status.js');
      const runtime = buildRuntime(s);
      // The runbooks' triggers say which of them the situation calls for (they read the services).
      // The catalog is the console's (cli/runbook-catalog.ts): from the cache while unchanged.
      if (s.config.services?.list.length) {
        const [{ runbookCatalog }, { offersOf }] = await Promise.all([
          import('./cli/runbook-catalog.js'),
          import('./runbooks/triggers.js'),
        ]);
        const catalog = await runbookCatalog(
          { config: s.config, env: process.env, cwd: process.cwd(), configFile: s.source.path ?? undefined },
          cache,
        );
        runtime.monitor.setOffers(offersOf(catalog.runbooks, s.config.runbooks?.triggers));
      }
      const snapshot = await runtime.monitor.once().finally(() => runtime.close());
      // JSON stays exact: the characters a terminal would act on are written as \u escapes.
      process.stdout.write(request.json ? `${terminalSafeJson(snapshot, 2)}\n` : formatStatus(snapshot));
      return statusExitCode(snapshot);
    }
    if (request.command === 'silence') {
      const { silenceCommand } = await import('./cli/silence.js');
      return commandOutput('silence', () => silenceCommand(request.silence, s.config, process.env, Date.now(), s.scenario?.name ?? null));
    }
    if (request.command === 'watch') {
      const { runWatch, processStopSignal } = await import('./cli/watch.js');
      process.stdout.on('error', () => {});
      return await runWatch(s, buildRuntime(s), request.watch, {
        env: process.env,
        cwd: process.cwd(),
        out: (text) => writeOut(text),
        err: (line) => process.stderr.write(`${line}\n`),
        cache,
        stopSignal: processStopSignal,
      });
    }
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      process.stderr.write('homeops: the console needs a terminal; for scripts use `homeops status` or `homeops status --json`\n');
      return EX_USAGE;
    }
    const { runConsole } = await (consoleModule ?? import('./cli/console.js'));
    return await runConsole(s, buildRuntime(s), {
      noColor: request.options.noColor,
      noMouse: request.options.noMouse,
      since: request.options.since,
      viewAsked: request.options.view !== undefined,
      theme: request.options.theme,
      notes: cacheNote ? [cacheNote] : [],
    });
  } catch (error) {
    if (error instanceof UserFileError) {
      sayError(error.message);
      return EX_CONFIG;
    }
    if (error instanceof ScenarioError || error instanceof ProfileError) {
      sayError(`homeops: ${error.message}`);
      return EX_USAGE;
    }
    // --view nope, --keymap nope: what was typed is wrong, like --demo nope.
    if (error instanceof UnknownNameError) {
      sayError(`homeops: ${error.message}`);
      return EX_USAGE;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Timers of probes still in flight (a hung nvidia-smi) must not keep the process alive.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (error: unknown) => {
    sayError(`homeops: internal error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(70);
  },
);
