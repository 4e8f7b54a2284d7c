// Pure parsers for the Docker Engine API answers the containers probe reads: the container
// list (GET /containers/json, with `Health` from API 1.52, from the Status text before), one
// container's inspect (GET /containers/{id}/json) and stats (stats.ts).
import { type ContainerHealth, type ContainerState, HEALTHS, type HealthCheckResult, STATES } from '../../model/containers.js';
import { num, obj, str, time } from './json.js';

export class DockerParseError extends Error {}

export type ListEntry = {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  /** The engine's human text: `Up 3 days (healthy)`, `Exited (3) 5 minutes ago`. */
  statusText: string;
  /** From the `Health` field (API ≥ 1.52), else from the Status text. */
  health: ContainerHealth;
  /** Only API ≥ 1.52 sends it in the list; older engines need an inspect. */
  failingStreak: number | null;
  /** The exit code in `Exited (3) …` / `Restarting (1) …`. */
  exitCode: number | null;
  labels: Record<string, string>;
  networks: string[];
  createdAt: number | null;
};

/** `Up 3 days (healthy)` → healthy; `(unhealthy)`, `(health: starting)`; otherwise none. */
export function healthFromStatus(status: string): ContainerHealth {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!match) return 'none';
  return match[1] === 'health: starting' ? 'starting' : (match[1] as 'healthy' | 'unhealthy');
}

export function exitCodeFromStatus(status: string): number | null {
  const match = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  return match?.[1] !== undefined ? Number(match[1]) : null;
}

function stateOf(value: unknown): ContainerState {
  const text = str(value);
  return text && (STATES as readonly string[]).includes(text) ? (text as ContainerState) : 'unknown';
}

function healthWord(value: unknown): ContainerHealth | null {
  const text = str(value);
  return text && (HEALTHS as readonly string[]).includes(text) ? (text as ContainerHealth) : null;
}

function labelsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(obj(value) ?? {})) if (typeof v === 'string') out[key] = v;
  return out;
}

export function parseListEntry(value: unknown): ListEntry | null {
  const o = obj(value);
  const id = str(o?.Id);
  if (!o || !id) return null;
  const names = Array.isArray(o.Names) ? o.Names.filter((n): n is string => typeof n === 'string') : [];
  // Legacy links add names like /web/db; the container's own name is the one with one slash.
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? id.slice(0, 12);
  const statusText = str(o.Status) ?? '';
  const state = stateOf(o.State);
  const health = obj(o.Health);
  const fromField = healthWord(health?.Status);
  const networks = Object.keys(obj(obj(o.NetworkSettings)?.Networks) ?? {});
  const mode = str(obj(o.HostConfig)?.NetworkMode);
  return {
    id,
    name: own.replace(/^\//, ''),
    image: str(o.Image) ?? '',
    state,
    statusText,
    health: fromField ?? healthFromStatus(statusText),
    failingStreak: fromField ? num(health?.FailingStreak) : null,
    exitCode: exitCodeFromStatus(statusText),
    labels: labelsOf(o.Labels),
    networks: networks.length ? networks.sort() : mode ? [mode] : [],
    createdAt: num(o.Created),
  };
}

/** GET /containers/json?all=1 → entries; anything but an array is a broken answer. */
export function parseList(body: unknown): ListEntry[] {
  if (!Array.isArray(body))
    throw new DockerParseError(`unexpected answer to GET /containers/json: ${JSON.stringify(body)?.slice(0, 120) ?? String(body)}`);
  return body.map(parseListEntry).filter((e): e is ListEntry => e !== null);
}

const listsParsed = new WeakMap<object, readonly ListEntry[]>();

/**
 * parseList once per answer: the same answer (an unchanged list the engine gave back as the
 * same value) gives the same entries, shared, never to be changed.
 */
export function parseListOnce(body: unknown): readonly ListEntry[] {
  if (!Array.isArray(body)) return parseList(body);
  let entries = listsParsed.get(body);
  if (!entries) {
    entries = parseList(body);
    listsParsed.set(body, entries);
  }
  return entries;
}

export type InspectInfo = {
  id: string;
  name: string;
  restartCount: number | null;
  restartPolicy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  oomKilled: boolean;
  /** The engine's State.Status (running, exited, …). */
  state: ContainerState;
  /** The engine's error for the last start (a missing binary, a bad mount). */
  error: string | null;
  health: { status: ContainerHealth; failingStreak: number | null; log: HealthCheckResult[] } | null;
  tty: boolean;
  /** HostConfig.Memory: the container's memory limit, when it has one. */
  memoryLimitBytes: number | null;
};

const MAX_OUTPUT = 500;

export function parseInspect(body: unknown): InspectInfo | null {
  const o = obj(body);
  const id = str(o?.Id);
  if (!o || !id) return null;
  const state = obj(o.State);
  const health = obj(state?.Health);
  const log = Array.isArray(health?.Log) ? health.Log : [];
  const hostConfig = obj(o.HostConfig);
  const memory = num(hostConfig?.Memory);
  return {
    id,
    name: (str(o.Name) ?? '').replace(/^\//, ''),
    restartCount: num(o.RestartCount),
    restartPolicy: str(obj(hostConfig?.RestartPolicy)?.Name) || null,
    startedAt: time(state?.StartedAt),
    finishedAt: time(state?.FinishedAt),
    exitCode: num(state?.ExitCode),
    oomKilled: state?.OOMKilled === true,
    state: stateOf(state?.Status),
    error: str(state?.Error) || null,
    health: health
      ? {
          status: healthWord(health.Status) ?? 'none',
          failingStreak: num(health.FailingStreak),
          log: log.map((entry): HealthCheckResult => {
            const e = obj(entry);
            const output = str(e?.Output) ?? '';
            return {
              start: time(e?.Start),
              end: time(e?.End),
              exitCode: num(e?.ExitCode),
              output: output.length > MAX_OUTPUT ? `${output.slice(0, MAX_OUTPUT)}…` : output,
            };
          }),
        }
      : null,
    tty: obj(o.Config)?.Tty === true,
    memoryLimitBytes: memory && memory > 0 ? memory : null,
  };
}
