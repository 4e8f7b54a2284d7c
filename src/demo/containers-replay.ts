// Replays a scenario's Docker engine (containers.json) through the real containers probe: the
// recorded API answers go through the same parsers, plan mapping and assessment as live ones.
// Format: fixtures/README.md, "Containers (Docker)". Actions are refused with the reason
// (nothing runs in a demo); the logs view shows the recorded lines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/units.js';
import { ActionRefused, type ContainerActions, type ContainerRef } from '../docker/actions.js';
import type { LogLine } from '../docker/frames.js';
import type { EngineInfo } from '../model/containers.js';
import type { DockerAccess } from '../probes/containers/access.js';
import { parseList } from '../probes/containers/parse.js';
import type { ContainersRaw, StatsPair } from '../probes/containers/raw.js';
import { RecordingError } from './http-replay.js';
import type { Scenario } from './scenario.js';

export const DEMO_REASON = 'demo scenario: containers are replayed from a recording, so nothing is restarted, stopped or started';

type Frame = { list?: unknown; inspect?: Record<string, unknown>; stats?: Record<string, unknown> };
type Recording = { engine: EngineInfo; host: string | null; frames: Frame[]; logs: Record<string, [string, string, string][]> };

const TIME = /^\$(date:)?now(?:([+-])(.+))?$/;

/**
 * "$now", "$now-3d" → unix seconds; "$date:now", "$date:now-30s" → an RFC 3339 time: recorded
 * times keep their age however long ago the file was written. Parts of the value that hold no
 * time are returned as they are (the same objects), so a tick copies only what changes; the
 * recording is never written to.
 */
// Parts of a recording found to hold no time to put in: skipped on every later tick (the
// recording is never written to, so what holds no time never will).
const TIMELESS = new WeakSet<object>();

export function substituteTimes(value: unknown, nowMs: number): unknown {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) !== 36 /* $ */) return value;
    const match = TIME.exec(value);
    if (!match) return value;
    const offset = match[3] ? parseDuration(match[3]) : 0;
    if (offset === undefined) return value;
    const at = nowMs + (match[2] === '-' ? -offset : offset);
    return match[1] ? new Date(at).toISOString() : Math.round(at / 1000);
  }
  if (value && typeof value === 'object' && TIMELESS.has(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const replaced = substituteTimes(item, nowMs);
      if (replaced !== item && copy === null) copy = value.slice(0, index);
      if (copy !== null) copy.push(replaced);
    }
    if (copy === null) TIMELESS.add(value);
    return copy ?? value;
  }
  if (value && typeof value === 'object') {
    let copy: Record<string, unknown> | null = null;
    const keys = Object.keys(value);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const item = (value as Record<string, unknown>)[key];
      const replaced = substituteTimes(item, nowMs);
      if (replaced !== item && copy === null) {
        copy = {};
        for (let before = 0; before < index; before++) {
          const earlier = keys[before] as string;
          copy[earlier] = (value as Record<string, unknown>)[earlier];
        }
      }
      if (copy !== null) copy[key] = replaced;
    }
    if (copy === null) TIMELESS.add(value);
    return copy ?? value;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export function loadContainersRecording(file: string): Recording {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!isRecord(parsed) || !Array.isArray(parsed.frames) || parsed.frames.length === 0) {
    throw new RecordingError(`${file}: needs "frames": [ { "list": [...], "inspect": {...}, "stats": {...} }, ... ]`);
  }
  const first = parsed.frames[0] as unknown;
  if (!isRecord(first) || !Array.isArray(first.list))
    throw new RecordingError(`${file}: the first frame needs "list" (GET /containers/json)`);
  const engine = isRecord(parsed.engine) ? parsed.engine : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const logs: Recording['logs'] = {};
  for (const [name, lines] of Object.entries(isRecord(parsed.logs) ? parsed.logs : {})) {
    if (!Array.isArray(lines)) continue;
    logs[name] = lines.filter(
      (l): l is [string, string, string] => Array.isArray(l) && l.length === 3 && l.every((p) => typeof p === 'string'),
    );
  }
  return {
    engine: { version: text(engine.Version), apiVersion: text(engine.ApiVersion), os: text(engine.Os) },
    host: text(parsed.host),
    frames: parsed.frames.filter(isRecord) as Frame[],
    logs,
  };
}

/**
 * The scenario's engine as a DockerAccess (the same shape as the live one), or null when the
 * scenario has no containers.json (the pane is off in that scenario).
 */
export function replayDocker(
  scenario: Scenario,
  config: Pick<Config, 'plan' | 'docker'>,
  options: { now?: () => number } = {},
): DockerAccess | null {
  const file = join(scenario.dir, 'containers.json');
  if (!existsSync(file)) return null;
  const recording = loadContainersRecording(file);
  const now = options.now ?? Date.now;
  const host = recording.host ?? config.docker?.endpoints[0]?.host ?? config.plan.host;
  const label = `demo: ${scenario.name}/containers.json`;
  let next = 0;
  // Frames carry over what they leave out: the list, and each container's inspect.
  let list: unknown = [];
  const inspect: Record<string, unknown> = {};
  let previousStats: Record<string, unknown> = {};
  let current: unknown = [];

  const read = async (): Promise<ContainersRaw> => {
    const frame = recording.frames[next % recording.frames.length] as Frame;
    if (next % recording.frames.length === 0) previousStats = {};
    next++;
    const at = now();
    if (frame.list !== undefined) list = frame.list;
    Object.assign(inspect, frame.inspect ?? {});
    current = substituteTimes(list, at);
    const stats: Record<string, StatsPair> = {};
    const fresh: Record<string, unknown> = {};
    for (const [id, body] of Object.entries(frame.stats ?? {})) {
      const sample = substituteTimes(body, at);
      fresh[id] = sample;
      stats[id] = { current: sample, previous: previousStats[id] ?? null, receivedAt: at };
    }
    previousStats = fresh;
    return {
      endpoints: [
        {
          host,
          label,
          engine: recording.engine,
          readAt: at,
          list: current,
          // A copy: the inspects collected so far go on changing, and what a reading holds may be frozen.
          inspect: { ...(substituteTimes(inspect, at) as Record<string, unknown>) },
          stats,
        },
      ],
    };
  };

  const refuse = (): never => {
    throw new ActionRefused(DEMO_REASON);
  };
  const actions: ContainerActions = {
    refusal: () => DEMO_REASON,
    restart: async () => refuse(),
    stop: async () => refuse(),
    start: async () => refuse(),
    logs: (ref: ContainerRef, o = {}) => recordedLogs(recording, ref, o.tail ?? config.docker?.logLines ?? 200, now(), o.sinceMs),
  };

  return {
    hosts: [host],
    read,
    subscribe: () => () => {},
    actions,
    async containerHealth(name) {
      const entries = parseList(substituteTimes(list, now()));
      return entries.find((e) => e.name === name || e.id === name)?.health ?? null;
    },
    async containerStatus(name) {
      const entry = parseList(substituteTimes(list, now())).find((e) => e.name === name || e.id === name);
      return entry ? { state: entry.state, health: entry.health } : null;
    },
    retryNow() {},
    close() {},
  };
}

async function* recordedLogs(
  recording: Recording,
  ref: ContainerRef,
  tail: number,
  nowMs: number,
  sinceMs?: number,
): AsyncGenerator<LogLine> {
  const entries = parseList(recording.frames[0]?.list ?? []);
  const name = ref.name ?? entries.find((e) => e.id === ref.id || e.id.startsWith(ref.id))?.name ?? ref.id;
  const lines = recording.logs[name] ?? [['stdout', '$date:now', `(no log lines recorded for ${name} in this demo scenario)`]];
  const out: LogLine[] = [];
  for (const [stream, at, text] of lines) {
    const when = substituteTimes(at, nowMs);
    const time = typeof when === 'string' && !when.startsWith('$') ? when : null;
    // As the engine does: with --since, the lines before it are not sent.
    if (sinceMs !== undefined && time !== null && Date.parse(time) < sinceMs) continue;
    out.push({ stream: stream === 'stderr' ? 'stderr' : 'stdout', text, at: time });
  }
  yield* out.slice(-tail);
}
