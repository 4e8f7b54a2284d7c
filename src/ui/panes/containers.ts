// The containers pane: one row per container. (A first version: a fuller table follows.)
import type { Config } from '../../config/schema.js';
import type { PaneEntry } from '../../monitor/snapshot.js';
import type { ContainersReading } from '../../probes/containers/types.js';
import { pad, truncate, type Line } from '../text.js';
import { stateLines, type PaneContent } from './common.js';

export function containersPane(entry: PaneEntry<ContainersReading>, width: number, _height: number, _config: Config): PaneContent {
  const lines: Line[] = [...stateLines(entry, width)];
  const reading = entry.data;
  if (reading) {
    for (const row of reading.containers) {
      const tone = row.health === 'unhealthy' || row.restartLoop ? 'crit' : row.state === 'running' ? 'plain' : 'warn';
      lines.push([{ text: truncate(`${pad(row.name, 20)} ${pad(row.group, 12)} ${pad(row.state, 10)} ${row.health}`, width), tone }]);
    }
  }
  return { title: 'Containers', lines };
}
