// The containers probe: any reader of ContainersRaw (the live engines of src/probes/containers/access.ts,
// or a demo recording), the pure reading builder, restart-loop history, and the assessment.
import type { Config, DockerConfig } from '../../config/schema.js';
import type { ContainerRow, ContainersReading } from '../../model/containers.js';
import type { Probe } from '../probe.js';
import { assessContainers, rowLevel } from './assess.js';
import type { ContainersRaw } from './raw.js';
import { buildReading } from './reading.js';

/** The docker section's defaults, for a config without one. */
/** The docker section's defaults (what the schema gives for `docker: {}`; a test holds them equal). */
export const DEFAULT_DOCKER: DockerConfig = {
  endpoints: [],
  interval: 2000,
  timeout: 3000,
  statsInterval: 2000,
  startingGrace: 120_000,
  restartLoop: { restarts: 3, window: 600_000 },
  stopTimeout: 10_000,
  logLines: 200,
};

type Seen = { at: number; count: number };

/**
 * Counts restarts per container over the configured window from the RestartCount of each
 * reading, and marks a loop: restarting now, or `restarts` or more within the window.
 * Only the changes of the count are kept (and the one in force when the window opens): a
 * sample every two seconds for ten minutes was thousands of objects that told nothing new.
 */
export function restartTracker(loop: DockerConfig['restartLoop']) {
  const history = new Map<string, Seen[]>();
  return (rows: readonly ContainerRow[], now: number): ContainerRow[] => {
    const alive = new Set(rows.map((r) => `${r.host}/${r.id}`));
    for (const key of history.keys()) if (!alive.has(key)) history.delete(key);
    return rows.map((row) => {
      if (row.restartCount === null) return row;
      const key = `${row.host}/${row.id}`;
      let changes = history.get(key);
      if (changes === undefined) {
        changes = [];
        history.set(key, changes);
      }
      const last = changes[changes.length - 1];
      if (last === undefined || last.count !== row.restartCount) changes.push({ at: now, count: row.restartCount });
      // The first change stays while the next is still older than the window: it is the count
      // in force when the window opened.
      while (changes.length > 1 && now - (changes[1] as Seen).at > loop.window) changes.shift();
      const first = changes[0] as Seen;
      const recent = Math.max(0, row.restartCount - first.count);
      return { ...row, recentRestarts: recent, restartLoop: row.restartLoop || recent >= loop.restarts };
    });
  };
}

export function containersProbe(
  read: (signal: AbortSignal) => Promise<ContainersRaw>,
  config: Pick<Config, 'plan' | 'docker' | 'triggers'>,
  now: () => number = Date.now,
): Probe<ContainersRaw, ContainersReading> {
  const docker = config.docker ?? DEFAULT_DOCKER;
  const track = restartTracker(docker.restartLoop);
  return {
    id: 'containers',
    intervalMs: docker.interval,
    timeoutMs: docker.timeout,
    read,
    parse(raw) {
      const at = now();
      const reading = buildReading(raw, { plan: config.plan, triggers: config.triggers, threadsPerCore: config.plan.threadsPerCore }, at);
      const containers = track(reading.containers, at).map((row) => {
        const level = rowLevel(row, docker);
        return level === row.level ? row : { ...row, level };
      });
      return { ...reading, containers };
    },
    assess: (reading) => assessContainers(reading, docker),
  };
}
