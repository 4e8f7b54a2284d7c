// Demo scenarios: recorded raw outputs in fixtures/scenarios/NAME/, replayed through the real
// readers' parsers (and, for nvidia-smi, through the real reader too, by a replaying Host).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/paths.js';
import { type CommandRunner, ExecError, type ExecResult } from '../hosts/host.js';
import type { CpuRaw } from '../probes/cpu/parse.js';

export type Scenario = {
  name: string;
  /** Where its recordings are (another scenario's, for one that replays it: `replays:`). */
  dir: string;
  description: string;
  host: string;
  /** A second phase: after `afterMs` the recordings of `scenario` are replayed instead (a recovery). */
  then?: { afterMs: number; scenario: Scenario };
};

/** Overrides a scenario's `then.after` (a demo that recovers sooner, for trying alerts out). */
export const DEMO_AFTER_ENV = 'HOMEOPS_DEMO_AFTER';

export function scenariosDir(): string {
  return join(packageRoot(), 'fixtures', 'scenarios');
}

export function listScenarios(): string[] {
  try {
    return readdirSync(scenariosDir(), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

export class ScenarioError extends Error {}

/** Replays cpu.json: one sample, or frames in turn (so the demo moves). */
export function replayCpuReader(scenario: Scenario): ((signal: AbortSignal) => Promise<CpuRaw>) | null {
  const file = join(scenario.dir, 'cpu.json');
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CpuRaw | { frames: CpuRaw[] };
  const frames = 'frames' in parsed ? parsed.frames : [parsed];
  let next = 0;
  return async () => {
    const frame = frames[next % frames.length];
    next++;
    if (!frame) throw new Error(`${file}: no frames`);
    return frame;
  };
}

function frames(text: string): string[] {
  return text.split(/^---\s*$/m).map((part) => part.replace(/^\n/, ''));
}

/**
 * A Host that answers nvidia-smi calls from a case directory (fixtures/README.md), the way
 * the fake executable in the tests does, without spawning anything.
 */
export function replayNvidiaSmiHost(dir: string, hostName: string): CommandRunner {
  const read = (file: string) => {
    const path = join(dir, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  };
  const counters = new Map<string, number>();
  const nextFrame = (file: string) => {
    const all = frames(read(file) ?? '');
    const index = counters.get(file) ?? 0;
    counters.set(file, index + 1);
    return all[index % all.length] ?? '';
  };
  return {
    name: hostName,
    exec(argv, options): Promise<ExecResult> {
      if (!existsSync(dir)) return Promise.reject(new ExecError('not-found', `${argv[0] ?? 'nvidia-smi'}: command not found`));
      if (existsSync(join(dir, 'hang'))) {
        // A wedged driver: no answer until the caller's timeout kills the call, as with a real process.
        return new Promise((_, reject) => {
          const timer = setTimeout(
            () => reject(new ExecError('timeout', `${argv[0] ?? 'nvidia-smi'}: no answer within ${options.timeoutMs} ms`)),
            options.timeoutMs,
          );
          options.signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(new ExecError('aborted', 'aborted'));
            },
            { once: true },
          );
        });
      }
      const fail = read('fail.txt');
      if (fail !== null)
        return Promise.resolve({ stdout: fail, stderr: '', code: Number(read('exit-code')?.trim() ?? 1) || 1, signal: null });
      const query = argv.find((arg) => arg.startsWith('--query-gpu='));
      if (query) {
        const known = (read('fields.txt') ?? '')
          .trim()
          .split(',')
          .map((f) => f.trim());
        const asked = query.slice('--query-gpu='.length).split(',');
        const unknown = asked.find((field) => !known.includes(field));
        if (unknown)
          return Promise.resolve({ stdout: `Field "${unknown}" is not a valid field to query.\n\n`, stderr: '', code: 2, signal: null });
        const rows = nextFrame('query-gpu.csv')
          .split('\n')
          .filter((l) => l.trim() !== '');
        const out = rows.map((row) => {
          const values = row.split(', ');
          return asked.map((field) => values[known.indexOf(field)] ?? '[N/A]').join(', ');
        });
        return Promise.resolve({ stdout: out.map((l) => `${l}\n`).join(''), stderr: '', code: 0, signal: null });
      }
      if (argv.some((arg) => arg.startsWith('--query-compute-apps='))) {
        return Promise.resolve({ stdout: nextFrame('query-compute-apps.csv'), stderr: '', code: 0, signal: null });
      }
      return Promise.resolve({ stdout: '', stderr: 'unsupported in demo\n', code: 2, signal: null });
    },
  };
}
