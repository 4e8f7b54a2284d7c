// `homeops watch`: the monitor, config and Snapshot of the console, headless. One watcher per
// state directory holds the lock (the timeline has one writer); it says one line per event on
// stdout (a service's journal), and on SIGTERM, SIGINT or SIGHUP records that it stopped, closes
// the database and its connections and exits 0.
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ALERT_STATE_KEY, AlertStep, rulesFrom } from '../alerts/alert-step.js';
import { stateWord } from '../alerts/channels/payload.js';
import type { Message } from '../alerts/engine.js';
import { maintenanceCheck } from '../alerts/maintenance.js';
import type { Reaction } from '../alerts/reactions.js';
import { silenceReader } from '../alerts/silences.js';
import type { Env } from '../config/paths.js';
import { packageRoot } from '../config/paths.js';
import { PrivatePathError } from '../config/private-files.js';
import type { SetupCache } from '../config/setup-cache.js';
import { formatBytes } from '../config/units.js';
import type { TimelineEvent } from '../model/timeline.js';
import { auditLogPath } from '../runbooks/audit.js';
import { acquireLockAt, currentUser, type HeldLock, LockedError, thisMachine } from '../runbooks/lock.js';
import { buildRedactor } from '../runbooks/redact.js';
import { checkStateDir, stateDir } from '../runbooks/state-dir.js';
import { storePath } from '../store/db.js';
import { HistoryStep } from '../store/history-step.js';
import { Recorder } from '../store/recorder.js';
import { terminalSafe, terminalSafeJson } from '../terminal/terminal-safe.js';
import type { GlobalOptions, WatchRequest } from './args.js';
import type { Runtime } from './runtime.js';
import type { Setup } from './setup-core.js';
import { systemdUnit } from './systemd-unit.js';
import { triggerReactions } from './watch-triggers.js';
import { Watcher } from './watcher.js';

export const WATCH_EXIT = { ok: 0, unavailable: 69, state: 73, locked: 75 } as const;

export type WatchIo = {
  env: Env;
  cwd: string;
  out(text: string): void;
  /** One line on stderr (without its newline). */
  err(line: string): void;
  /** Resolves with the signal's name when the watcher should stop. */
  stopSignal(): Promise<string>;
  /** Where the validated runbooks are kept between starts (config/setup-cache.ts); none: read each start. */
  cache?: SetupCache | undefined;
};

/** One event as a log line: time, kind, state (and severity), then the words. */
export function eventLine(event: TimelineEvent): string {
  const time = new Date(event.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return terminalSafe(`${time} ${event.kind} ${event.state}${event.severity ? ` ${event.severity}` : ''} ${event.text}`);
}

/** The unit for this watcher: the options it was started with, files made absolute. */
export function unitFor(options: GlobalOptions, request: WatchRequest, io: Pick<WatchIo, 'cwd' | 'env'>): string {
  const args: string[] = [];
  const config = options.config ?? io.env.HOMEOPS_CONFIG;
  if (config) args.push('--config', resolve(io.cwd, config));
  if (options.profile) args.push('--profile', options.profile);
  if (options.demo) args.push('--demo', options.demo);
  if (request.metrics)
    args.push(
      '--metrics',
      `${request.metrics.host.includes(':') ? `[${request.metrics.host}]` : request.metrics.host}:${request.metrics.port}`,
    );
  return systemdUnit({
    binary: join(packageRoot(), 'dist', 'cli.js'),
    nodeDir: dirname(process.execPath),
    args,
    docs: join(packageRoot(), 'docs', 'alerts.md'),
  });
}

/** What other parts of homeops hand the watcher: reactions of their own (besides a trigger's
 *  automatic response, always there) and the maintenance window (nothing is notified while it holds). */
export type WatchOptions = { reactions?: readonly Reaction[]; maintenance?: (now: number) => string | null };

export async function runWatch(
  s: Setup,
  runtime: Runtime,
  request: WatchRequest,
  io: WatchIo,
  options: WatchOptions = {},
): Promise<number> {
  const demo = s.scenario?.name ?? null;
  // The runbooks' triggers: offers in the Snapshot, the automatic ones run by a reaction whose
  // messages go to the channels (made below). A broken runbook file stops the start (exit 78).
  let deliver: (message: Message) => void = () => {};
  let reactions: Reaction[];
  try {
    reactions = [...(await triggerReactions(s, runtime, io, (message) => deliver(message))), ...(options.reactions ?? [])];
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let lock: HeldLock;
  let recorder: Recorder;
  try {
    checkStateDir(io.env, null, true);
    const runId = `watch-${process.pid}-${Date.now().toString(36)}`;
    lock = acquireLockAt(
      join(stateDir(io.env), demo ? 'watch-demo.lock' : 'watch.lock'),
      'homeops watch',
      runId,
      thisMachine(),
      currentUser(io.env),
    );
  } catch (error) {
    await runtime.close();
    if (error instanceof LockedError) {
      const info = error.verdict.info;
      io.err(
        `homeops watch: another watcher records ${demo ? 'the demo timeline' : 'this timeline'} already${info ? ` (pid ${info.pid} on ${info.host} since ${info.startedAt})` : ''}; one at a time`,
      );
      return WATCH_EXIT.locked;
    }
    if (error instanceof PrivatePathError) {
      io.err(`homeops watch: ${error.message}`);
      return WATCH_EXIT.state;
    }
    throw error;
  }
  try {
    recorder = new Recorder(storePath(io.env, demo));
  } catch (error) {
    lock.release();
    await runtime.close();
    if (error instanceof PrivatePathError) {
      io.err(`homeops watch: ${error.message}`);
      return WATCH_EXIT.state;
    }
    throw error;
  }
  const say = (event: TimelineEvent) => io.out(`${request.json ? terminalSafeJson(event) : eventLine(event)}\n`);
  // Secrets are masked in what is said and sent, a demo's too (a channel's token in its error).
  const redactor = buildRedactor({ env: io.env, config: s.config });
  const redact = (text: string) => runtime.redact(redactor.redact(text));
  const channels = s.config.alerts?.channels ?? [];
  let watcher: Watcher | null = null;
  // The notifier's code, and each channel's, is loaded only when channels are configured.
  const notifier = channels.length
    ? new (await import('../alerts/notifier.js')).Notifier(channels, {
        env: io.env,
        source: s.scenario?.host ?? hostname(),
        host: (name) => runtime.hosts.get(name),
        redact,
        onResult: (d) => {
          const what = `${stateWord(d.message)} ${d.message.severity} ${d.message.title}`;
          if (d.ok)
            watcher?.tell({
              at: Date.now(),
              kind: 'notify',
              subject: d.channel,
              state: 'sent',
              severity: d.message.severity,
              text: `${d.channel} (${d.type}): ${what}`,
            });
          else
            watcher?.note({
              at: Date.now(),
              kind: 'notify',
              subject: d.channel,
              state: 'failed',
              severity: d.message.severity,
              text: `${d.channel} (${d.type}) could not send "${what}"${d.attempts > 1 ? ` after ${d.attempts} tries` : ''}: ${d.error ?? '?'}`,
            });
        },
      })
    : null;
  deliver = (message) => notifier?.send(message);
  // The maintenance window in the config (a test may give its own).
  const maintenance = options.maintenance ?? maintenanceCheck(s.config.maintenance);
  const alerts = new AlertStep({
    rules: rulesFrom(s.config.alerts),
    saved: recorder.meta(ALERT_STATE_KEY),
    paneHosts: () => runtime.monitor.waitsOn(),
    silences: silenceReader(io.env, demo, (problem) => io.err(`homeops watch: silences not read: ${terminalSafe(problem)}`)),
    maintenance,
    send: (message) => notifier?.send(message),
  });
  const history = new HistoryStep(recorder, s.config.store?.history ?? 7 * 86_400_000);
  watcher = new Watcher({
    keepEventsMs: s.config.store?.timeline ?? 30 * 86_400_000,
    recorder,
    auditLog: demo ? null : auditLogPath(io.env),
    steps: [alerts, history],
    reactions,
    say,
    warn: (message) => io.err(`homeops watch: ${terminalSafe(message)}`),
    redact,
    maintenance,
  });
  let metrics: { address: string; close(): Promise<void> } | null = null;
  if (request.metrics) {
    const { startMetricsServer } = await import('../metrics/server.js');
    try {
      metrics = await startMetricsServer(request.metrics, () => ({
        snapshot: runtime.monitor.current(),
        config: s.config,
        firing: alerts.firing(),
        storeBytes: recorder.sizeBytes(),
      }));
    } catch (error) {
      io.err(`homeops watch: cannot serve metrics on ${request.metrics.host}:${request.metrics.port}: ${(error as Error).message}`);
      notifier?.close();
      recorder.close();
      lock.release();
      await runtime.close();
      return WATCH_EXIT.unavailable;
    }
  }
  const host = s.scenario?.host ?? hostname();
  const started = Date.now();
  watcher.note({
    at: started,
    kind: 'watch',
    subject: host,
    state: 'started',
    severity: null,
    text: `watcher started on ${host} (${s.placement.profile} profile${demo ? `, demo ${demo}` : ''}); ${channels.length ? `channels ${channels.map((c) => `${c.name} (${c.type})`).join(', ')}` : 'no channels'}; timeline ${recorder.path} (${formatBytes(recorder.sizeBytes())})${metrics ? `; metrics at http://${metrics.address}/metrics` : ''}`,
  });
  const { monitor } = runtime;
  const unsubscribe = monitor.subscribe((snapshot) => watcher.tick(snapshot));
  monitor.start();
  const signal = await io.stopSignal();
  unsubscribe();
  monitor.stop();
  // A run a trigger started is stopped (it stays resumable) and its end recorded.
  await watcher.close();
  await metrics?.close();
  try {
    history.close();
  } catch (error) {
    io.err(`homeops watch: the last minute of history was not written: ${terminalSafe((error as Error).message)}`);
  }
  // Messages on their way get a few seconds; then what is still trying is given up.
  await notifier?.settle(5000);
  notifier?.close();
  watcher.note({
    at: Date.now(),
    kind: 'watch',
    subject: host,
    state: 'stopped',
    severity: null,
    text: `watcher stopped by ${signal} after ${Math.round((Date.now() - started) / 1000)}s`,
  });
  recorder.close();
  lock.release();
  await runtime.close();
  return WATCH_EXIT.ok;
}

/** The process's stop signals, once: SIGTERM (systemd), SIGINT (Ctrl-C), SIGHUP. */
export function processStopSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals) => {
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, stop);
      resolveSignal(signal);
    };
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, stop);
  });
}
