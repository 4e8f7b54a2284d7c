// The live console: renders the App in the alternate screen and owns every way out.
import { render } from 'ink';
import { App } from '../ui/app.js';
import { profilerFromEnv } from '../ui/profile.js';
import { themeFromEnv } from '../ui/theme.js';
import type { Runtime, Setup } from './compose.js';
import { FrameStream } from './screen.js';
import { enterFullScreen } from './terminal.js';

export async function runConsole(s: Setup, runtime: Runtime, options: { noColor: boolean }): Promise<number> {
  const { monitor } = runtime;
  const env = process.env;
  const theme = options.noColor ? { color: false } : themeFromEnv(env);
  const profiler = profilerFromEnv(env);
  const screen = enterFullScreen();
  const frames = new FrameStream(process.stdout);
  let exitCode = 0;
  let finished = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const finish = (code: number, message?: string) => {
    if (finished) return;
    finished = true;
    exitCode = code;
    monitor.stop();
    frames.close();
    try {
      instance.unmount();
    } catch {
      // already unmounted
    }
    screen.restore();
    if (message) process.stderr.write(`homeops: ${message}\n`);
    // Sessions and connections end after the screen is back (a Pi-hole logout waits at most 1 s).
    void runtime.close().finally(resolveDone);
  };

  const onSignal = (signal: NodeJS.Signals) => finish(signal === 'SIGINT' ? 130 : 128 + (signal === 'SIGHUP' ? 1 : 15));
  const onCrash = (error: unknown) => finish(70, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const instance = render(
    <App
      source={monitor}
      config={s.config}
      views={s.views}
      initialView={s.initialView}
      keymap={s.keymap}
      theme={theme}
      readOnly={s.readOnly}
      profiler={profiler}
      actions={{ quit: () => finish(0), refresh: () => void monitor.refreshNow() }}
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
  monitor.start();
  // A deliberate crash, to check on a given terminal that the screen comes back after one.
  const crashAfter = Number(env.HOMEOPS_TEST_CRASH_MS);
  if (crashAfter > 0) {
    setTimeout(() => {
      throw new Error('deliberate crash (HOMEOPS_TEST_CRASH_MS)');
    }, crashAfter);
  }
  instance.waitUntilExit().then(() => finish(exitCode), (error: unknown) => onCrash(error));
  await done;
  return exitCode;
}
