// The logs panel: one container's logs or a group's, streamed from the engines; the "since" key
// goes further back; the lines kept can be saved to a private file in the state directory. One
// stream at a time: opening another, a run or another panel stops it.
import { join } from 'node:path';
import { writePrivate } from '../../config/private-files.js';
import { parseDuration } from '../../config/units.js';
import { checkStateDir, stateDir } from '../../runbooks/state-dir.js';
import type { ContainerTarget } from '../../ui/console-state.js';
import { type LogsSource, LogsStream } from '../logs-stream.js';
import type { ConsoleBoard } from './board.js';
import { type ControllerDeps, errorText } from './deps.js';
import type { ConsoleGuard } from './guard.js';

/** The "since" steps of a logs view, in the order its key goes through them, then back to the last lines. */
const LOG_SINCE_STEPS = ['1m', '5m', '15m', '1h', '1d'];

export type LogsServiceDeps = Pick<ControllerDeps, 'env' | 'docker' | 'logLines' | 'logSince' | 'publishMs'> & {
  now: () => number;
  board: ConsoleBoard;
  guard: ConsoleGuard;
};

export class LogsService {
  private logs: LogsStream | null = null;

  constructor(private readonly deps: LogsServiceDeps) {}

  open(target: ContainerTarget): void {
    this.start({ targets: [target], group: null, since: this.initialSince() });
  }

  openGroup(group: string, targets: readonly ContainerTarget[]): void {
    if (targets.length === 0) {
      this.deps.board.say(`no containers in group ${group}`, 'warn');
      return;
    }
    this.start({ targets, group, since: this.initialSince() });
  }

  /** The next "since" of the open logs (the last lines, 1m, 5m, 15m, 1h, 1d back): the stream starts over from there. */
  cycleSince(): void {
    const open = this.logs;
    if (!open) return;
    // The next step further back than now (a --since of 2m goes on to 5m); after 1d, the last lines.
    const current = open.source.since ? (parseDuration(open.source.since.label) ?? 0) : -1;
    const label = LOG_SINCE_STEPS.find((step) => step !== '' && (parseDuration(step) ?? 0) > current) ?? '';
    const ms = label ? parseDuration(label) : undefined;
    this.start({ ...open.source, since: label && ms !== undefined ? { label, ms: this.deps.now() - ms } : null });
    this.deps.board.say(label ? `logs since ${label} ago` : 'the last lines of the logs', 'plain');
  }

  /** Writes the lines the logs panel keeps to a private file in the state directory, and says where. */
  save(): void {
    const open = this.logs;
    if (!open) return;
    const say = (text: string, tone: 'ok' | 'plain' | 'warn') => this.deps.board.say(text, tone);
    const lines = open.snapshot();
    if (lines.length === 0) {
      say('no log lines to save', 'plain');
      return;
    }
    const name = (open.source.group ? `group-${open.source.group}` : (open.source.targets[0]?.name ?? 'logs')).replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
    const stamp = new Date(this.deps.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    try {
      checkStateDir(this.deps.env, 'logs', true);
      const path = join(stateDir(this.deps.env), 'logs', `${name}-${stamp}.log`);
      const text = lines.map((l) => `${l.at ?? '-'} ${l.stream}${l.source ? ` ${l.source}` : ''} ${l.text}\n`).join('');
      writePrivate(path, text);
      const dropped = open.droppedCount ? ` (${open.droppedCount} older lines were dropped before)` : '';
      say(`saved ${lines.length} line${lines.length === 1 ? '' : 's'} to ${path}${dropped}`, 'ok');
    } catch (error) {
      say(`logs not saved: ${errorText(error)}`, 'warn');
    }
  }

  /** Stops the stream, if one is open (its panel stays until replaced). */
  close(): void {
    if (!this.logs) return;
    this.logs.stop();
    this.logs = null;
  }

  /** --since, as the logs start when opened. */
  private initialSince(): LogsSource['since'] {
    const label = this.deps.logSince;
    const ms = label ? parseDuration(label) : undefined;
    return label && ms !== undefined ? { label, ms: this.deps.now() - ms } : null;
  }

  private start(source: LogsSource): void {
    const docker = this.deps.docker;
    if (!docker) {
      this.deps.board.say('no Docker engine configured (docker.endpoints)', 'warn');
      return;
    }
    if (this.deps.guard.waits('panel')) return;
    this.close();
    let stream: LogsStream | null = null;
    stream = new LogsStream(source, {
      actions: docker.actions,
      keep: this.deps.logLines ?? 5000,
      publishMs: this.deps.publishMs ?? 80,
      publish: (panel) => {
        // A stream replaced or closed publishes nothing more.
        if (stream !== null && this.logs !== stream) return;
        this.deps.board.set({ panel });
      },
    });
    this.logs = stream;
  }
}
