// The containers reading against the plan: critical when a planned container is unhealthy or
// restarting in a loop; a warning for unplanned ones in trouble, planned ones stopped or
// missing, health checks stuck in "starting", and engines that did not answer this time.
import type { DockerConfig } from '../../config/schema.js';
import { formatBytes, formatDuration } from '../../config/units.js';
import { type ContainerRow, type ContainersReading, UNPLANNED } from '../../model/containers.js';
import { type Alert, type Assessment, assessmentFromAlerts } from '../probe.js';

export type AssessOptions = Pick<DockerConfig, 'startingGrace'>;

function healthDetail(row: ContainerRow): string {
  const streak = row.failingStreak ? ` (${row.failingStreak} failed check${row.failingStreak === 1 ? '' : 's'})` : '';
  const first = row.lastHealthOutput?.split('\n')[0] ?? '';
  // A long check output is cut, at a word where there is one, and says so.
  const output = first ? `: ${first.length > 80 ? cutAtWord(first, 79) : first}` : '';
  return `${streak}${output}`;
}

/** The text cut to at most `max` characters and "…", at the last space if that keeps half of it. */
function cutAtWord(text: string, max: number): string {
  const space = text.lastIndexOf(' ', max);
  const end = space >= max / 2 ? space : max;
  return `${text.slice(0, end).trimEnd()}…`;
}

function restartDetail(row: ContainerRow): string {
  const restarts = (count: number) => `${count} restart${count === 1 ? '' : 's'}`;
  if (row.recentRestarts) return ` (${restarts(row.recentRestarts)} lately)`;
  if (row.restartCount) return ` (${restarts(row.restartCount)})`;
  return '';
}

/** The alerts about one container: the verdict on a row, made here once. */
export function rowAlerts(row: ContainerRow, options: AssessOptions, who: string = row.name): Alert[] {
  const alerts: Alert[] = [];
  const planned = row.group !== UNPLANNED;
  const where = planned ? ` [${row.group}]` : ' (unplanned)';
  if (row.health === 'unhealthy') {
    alerts.push({ level: planned ? 'crit' : 'warn', message: `${who} unhealthy${healthDetail(row)}${where}` });
  }
  if (row.restartLoop) {
    alerts.push({ level: planned ? 'crit' : 'warn', message: `${who} restarting in a loop${restartDetail(row)}${where}` });
  } else if (planned && (row.state === 'exited' || row.state === 'dead' || row.state === 'created')) {
    const how = row.state === 'created' ? 'never started' : `${row.state}${row.exitCode !== null ? ` (code ${row.exitCode})` : ''}`;
    alerts.push({ level: 'warn', message: `${who} ${how}${where}` });
  }
  if (row.planMemoryBytes && row.memoryUsedBytes !== null && row.memoryUsedBytes > row.planMemoryBytes) {
    alerts.push({
      level: 'warn',
      message: `${who} uses ${formatBytes(row.memoryUsedBytes)} of memory, over its planned ${formatBytes(row.planMemoryBytes)}${where}`,
    });
  }
  if (row.health === 'starting' && row.uptimeMs !== null && row.uptimeMs > options.startingGrace) {
    alerts.push({ level: 'warn', message: `${who} health check still starting after ${formatDuration(row.uptimeMs)}${where}` });
  }
  return alerts;
}

/** The worst of a container's alerts, or null: what tables sort problems first by. */
export function rowLevel(row: ContainerRow, options: AssessOptions): ContainerRow['level'] {
  let level: ContainerRow['level'] = null;
  for (const alert of rowAlerts(row, options)) {
    if (alert.level === 'crit') return 'crit';
    if (alert.level === 'warn') level = 'warn';
  }
  return level;
}

export function assessContainers(reading: ContainersReading, options: AssessOptions): Assessment {
  const alerts: Alert[] = [];
  const multi = reading.endpoints.length > 1;
  for (const row of reading.containers) alerts.push(...rowAlerts(row, options, multi ? `${row.host}/${row.name}` : row.name));
  for (const group of reading.groups) {
    if (group.memoryBytes && group.memoryUsedBytes > group.memoryBytes) {
      alerts.push({
        level: 'warn',
        message: `${group.group} containers use ${formatBytes(group.memoryUsedBytes)} of memory, over the group's ${formatBytes(group.memoryBytes)}`,
      });
    }
    for (const name of group.missing) alerts.push({ level: 'warn', message: `${name} [${group.group}] is planned but has no container` });
  }
  for (const endpoint of reading.endpoints) {
    if (endpoint.status !== 'ok')
      alerts.push({
        level: 'warn',
        message: `${endpoint.host}: ${endpoint.error ?? 'no answer'}${endpoint.status === 'stale' ? ` (showing containers from ${formatDuration(endpoint.ageMs)} ago)` : ''}`,
      });
  }
  const c = reading.counts;
  const parts = [`${c.running}/${c.total} running`];
  if (c.unhealthy) parts.push(`${c.unhealthy} unhealthy`);
  if (c.restarting) parts.push(`${c.restarting} restarting`);
  if (c.starting) parts.push(`${c.starting} starting`);
  if (c.exited) parts.push(`${c.exited} exited`);
  if (c.unplanned) parts.push(`${c.unplanned} unplanned`);
  return assessmentFromAlerts(alerts, parts.join(' · '));
}
