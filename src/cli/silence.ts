// `homeops silence [PANE|HOST|ALERT DURATION|off] [--reason TEXT]`: the silences in force, or
// one set or lifted from a shell (audited; the watcher and the console see it at once).
import { hostKey, isPaneId } from '../alerts/keys.js';
import { addSilence, current, liftSilence, readSilences } from '../alerts/silences.js';
import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { formatDuration } from '../config/units.js';
import { PANE_IDS } from '../model/panes.js';
import { terminalSafe } from '../terminal/terminal-safe.js';
import type { SilenceRequest } from './args.js';

export type SilenceResult = { code: number; stdout: string; stderr: string };

/** What a silence may name, made canonical: a pane, `host:NAME`, or an alert key; null if none. */
export function silenceTarget(word: string, config: Pick<Config, 'hosts'>): string | null {
  if (isPaneId(word)) return word;
  const host = word.startsWith('host:') ? word.slice('host:'.length) : word;
  if (Object.hasOwn(config.hosts, host)) return hostKey(host);
  const match = /^([a-z]+):([a-z][a-z-]*)$/.exec(word);
  if (match && isPaneId(match[1] ?? '') && !word.endsWith('-')) return word;
  return null;
}

function clock(ms: number, now: number): string {
  const d = new Date(ms);
  const time = d.toTimeString().slice(0, 5);
  return d.toDateString() === new Date(now).toDateString() ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

export function silenceCommand(
  request: SilenceRequest,
  config: Pick<Config, 'hosts'>,
  env: Env,
  now = Date.now(),
  demo: string | null = null,
): SilenceResult {
  if (request.action === 'list') {
    const all = current(readSilences(env, demo), now);
    if (all.silences.length === 0 && all.acks.length === 0)
      return { code: 0, stdout: 'no silences or acknowledgements in force\n', stderr: '' };
    const lines = [
      ...all.silences.map(
        (s) =>
          `silenced      ${s.target} until ${clock(s.until, now)} (${formatDuration(s.until - now)} left) by ${s.by}${s.reason ? `: ${s.reason}` : ''}`,
      ),
      ...all.acks.map((a) => `acknowledged  ${a.key} at ${clock(a.at, now)} by ${a.by} (until it resolves)`),
    ];
    return { code: 0, stdout: `${lines.map((l) => terminalSafe(l)).join('\n')}\n`, stderr: '' };
  }
  const target = silenceTarget(request.target, config);
  if (target === null) {
    const hosts = Object.keys(config.hosts).join(', ') || 'none';
    return {
      code: 64,
      stdout: '',
      stderr: `${terminalSafe(`homeops silence: "${request.target}" is not a pane (${PANE_IDS.join(', ')}), a host (${hosts}) or an alert's key (PANE:words, as homeops events and homeops watch show them)`)}\n`,
    };
  }
  if (request.action === 'lift') {
    const lifted = liftSilence(target, { from: 'shell', env, now, demo });
    return lifted
      ? { code: 0, stdout: `${terminalSafe(target)} is no longer silenced\n`, stderr: '' }
      : { code: 1, stdout: '', stderr: `homeops silence: ${terminalSafe(target)} was not silenced\n` };
  }
  const silence = addSilence(target, request.durationMs, request.reason, { from: 'shell', env, now, demo });
  return {
    code: 0,
    stdout: `${terminalSafe(`silenced ${target} until ${clock(silence.until, now)} (${formatDuration(request.durationMs)})${silence.reason ? `: ${silence.reason}` : ''}`)}\n`,
    stderr: '',
  };
}
