// What the containers reader hands the parser: the engine's own answers, as recorded JSON, so
// that the live reader and the demo's recordings go through the same parsers.
import type { EngineInfo } from '../../model/containers.js';

/** Two stats answers of one container: the newest, and the one before it (ours, or null). */
export type StatsPair = {
  /** GET /containers/{id}/stats answer (one-shot, or with the engine's own precpu_stats). */
  current: unknown;
  previous: unknown;
  /** When we received `current` (ms since the epoch). */
  receivedAt: number;
};

export type EndpointRaw = {
  host: string;
  label: string;
  engine: EngineInfo | null;
  /** When the list was read (ms since the epoch). */
  readAt: number;
  /** GET /containers/json?all=1 */
  list: unknown;
  /** Container id → GET /containers/{id}/json */
  inspect: Record<string, unknown>;
  /** Container id → its stats samples (running containers only). */
  stats: Record<string, StatsPair>;
  /**
   * Set when this endpoint failed this time: `list` and the rest are its last good answers
   * (then `readAt` says how old they are), or empty when it never answered.
   */
  failure?: { status: 'off' | 'down'; message: string } | undefined;
};

export type ContainersRaw = { endpoints: EndpointRaw[] };
