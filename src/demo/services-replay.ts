// Replays a scenario's services (services.json): what each service's check saw, over the last
// hour and then at every read, through the real services probe (judge, history, reading and
// assessment). Format: fixtures/README.md, "Services".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServicesConfig } from '../config/schema.js';
import { parseDuration } from '../config/units.js';
import { checkKind } from '../probes/services/reading.js';
import type { CheckKind, CheckRaw, ServicesRaw } from '../probes/services/types.js';
import { RecordingError } from './http-replay.js';
import type { Scenario } from './scenario.js';

/** What a check saw: the fields of a live check's raw result (types.ts). */
export type Saw = Pick<CheckRaw, 'http' | 'tcp' | 'tls' | 'dns' | 'container' | 'failure'>;

export type RecordedService = {
  saw?: Saw;
  /** Response times drawn from this range (ms); a failure without an answer has none. */
  ms?: number | [number, number];
  /** Down since this long before the demo started (a duration): every check since sees `saw`. */
  down?: { since: string; saw: Saw };
  /** One check in `every` sees `saw` (an intermittent error). */
  failing?: { every: number; saw: Saw };
};

export type ServicesRecording = {
  /** How far back the recording's checks reach at the first read, and how often they ran. */
  history?: { span: string; every: string };
  /** Per check kind, what a service the recording does not name saw. */
  defaults?: Partial<Record<CheckKind, RecordedService>>;
  services?: Record<string, RecordedService>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkSaw(value: unknown, where: string): void {
  if (!isRecord(value))
    throw new RecordingError(`${where} must be an object of what the check saw (http, tcp, tls, dns, container or failure)`);
  const known = ['http', 'tcp', 'tls', 'dns', 'container', 'failure'];
  for (const key of Object.keys(value))
    if (!known.includes(key)) throw new RecordingError(`${where}.${key}: not something a check sees (${known.join(', ')})`);
}

function checkService(value: unknown, where: string): void {
  if (!isRecord(value)) throw new RecordingError(`${where} must be an object`);
  if (value.saw !== undefined) checkSaw(value.saw, `${where}.saw`);
  for (const key of ['down', 'failing'] as const) {
    const part = value[key];
    if (part === undefined) continue;
    if (!isRecord(part)) throw new RecordingError(`${where}.${key} must be an object`);
    checkSaw(part.saw, `${where}.${key}.saw`);
  }
  const down = value.down as { since?: unknown } | undefined;
  if (down && (typeof down.since !== 'string' || parseDuration(down.since) === undefined))
    throw new RecordingError(`${where}.down.since must be a duration such as "3m12s"`);
  const failing = value.failing as { every?: unknown } | undefined;
  if (failing && !(typeof failing.every === 'number' && failing.every >= 1))
    throw new RecordingError(`${where}.failing.every must be a number of checks, 1 or more`);
}

export function parseServicesRecording(value: unknown, file: string): ServicesRecording {
  if (!isRecord(value)) throw new RecordingError(`${file}: expected an object`);
  const history = value.history;
  if (
    history !== undefined &&
    (!isRecord(history) ||
      typeof history.span !== 'string' ||
      typeof history.every !== 'string' ||
      !(parseDuration(history.span) !== undefined && (parseDuration(history.every) ?? 0) > 0))
  ) {
    throw new RecordingError(`${file}: history must be { "span": DURATION, "every": DURATION }`);
  }
  for (const [kind, recorded] of Object.entries(isRecord(value.defaults) ? value.defaults : {}))
    checkService(recorded, `${file}: defaults.${kind}`);
  for (const [name, recorded] of Object.entries(isRecord(value.services) ? value.services : {}))
    checkService(recorded, `${file}: services.${name}`);
  return value as ServicesRecording;
}

/** A time in the recording: "$now+5d", "$now-2h" or a date, as of `now`. */
function timeText(text: string, now: number): string {
  const match = /^\$now(?:([+-])(.+))?$/.exec(text);
  if (!match) return text;
  const offset = match[2] ? (parseDuration(match[2]) ?? 0) : 0;
  return new Date(now + (match[1] === '-' ? -offset : offset)).toISOString();
}

/** A response time within the range, the same for the same check every time (the demo is repeatable). */
function msFor(range: RecordedService['ms'], name: string, index: number): number {
  if (range === undefined) return 12;
  if (typeof range === 'number') return range;
  let hash = 2166136261;
  for (const char of `${name}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return Math.round((range[0] + (hash / 0xffffffff) * (range[1] - range[0])) * 10) / 10;
}

/** The reader for a scenario; null when it has no services.json. */
export function replayServices(
  scenario: Scenario,
  config: ServicesConfig,
  now: () => number = Date.now,
): ((signal: AbortSignal) => Promise<ServicesRaw>) | null {
  const file = join(scenario.dir, 'services.json');
  if (!existsSync(file)) return null;
  const recording = parseServicesRecording(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const span = parseDuration(recording.history?.span ?? '0s') ?? 0;
  const every = parseDuration(recording.history?.every ?? '15s') ?? 15_000;
  let started: number | null = null;
  let count = 0;

  const sample = (name: string, recorded: RecordedService, at: number): CheckRaw => {
    const index = Math.floor(at / every);
    const downSince = recorded.down ? (started ?? at) - (parseDuration(recorded.down.since) ?? 0) : null;
    const saw =
      downSince !== null && at >= downSince && recorded.down
        ? recorded.down.saw
        : recorded.failing && index % recorded.failing.every === 0
          ? recorded.failing.saw
          : (recorded.saw ?? {});
    const answered = !saw.failure;
    const tls = saw.tls ? { ...saw.tls, validTo: timeText(saw.tls.validTo, at) } : undefined;
    return { service: name, at, ms: answered ? msFor(recorded.ms, name, index) : null, ...saw, ...(tls ? { tls } : {}) };
  };

  return async () => {
    const at = now();
    started ??= at;
    // The first read brings the recorded past; every later one, one check per service.
    const times = count++ === 0 && span > 0 ? Array.from({ length: Math.floor(span / every) + 1 }, (_, k) => at - span + k * every) : [at];
    const checks = config.list.flatMap((service) => {
      const recorded = recording.services?.[service.name] ?? recording.defaults?.[checkKind(service)];
      if (!recorded)
        return [{ service: service.name, at, ms: null, failure: { kind: 'not-run' as const, message: 'not in the demo scenario' } }];
      // A recorded outage began with a failed check at its very start.
      const since = recorded.down && times.length > 1 ? at - (parseDuration(recorded.down.since) ?? 0) : null;
      const own =
        since !== null && since > (times[0] ?? at) ? [...times.filter((t) => t < since), since, ...times.filter((t) => t > since)] : times;
      return own.map((time) => sample(service.name, recorded, time));
    });
    return { at, checks };
  };
}
