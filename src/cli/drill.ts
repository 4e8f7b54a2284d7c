// `homeops drill [SET]… [--json]`: proves backup sets restorable and records each result in the
// state directory, where the backups pane reads it. Exit 0 every drill restored, 1 a drill
// failed, 64 a set that is unknown or has no drill, 130 stopped (Ctrl-C); config errors are
// thrown as UserFileError to the caller (exit 78).

import { loadConfig } from '../config/load.js';
import type { Env } from '../config/paths.js';
import { formatDuration } from '../config/units.js';
import { suggest } from '../config/user-file.js';
import { drillSet } from '../drills/run.js';
import { chooseProfile, resolveHosts, thisMachine } from '../hosts/profile.js';
import { hostsFromConfig } from '../hosts/registry.js';
import type { DrillRecord } from '../model/drill.js';
import type { GlobalOptions } from './args.js';

export type DrillIo = { out(text: string): void; err(text: string): void; env: Env; cwd: string };

export const DRILL_EXIT = { ok: 0, failed: 1, usage: 64, aborted: 130 } as const;

/** A drill's result as the terminal shows it: a line, then its tables or files. */
export function formatDrill(record: DrillRecord): string {
  const word = record.ok ? 'restorable' : 'DRILL FAILED';
  const lines = [
    `${record.set}: ${word} · ${record.backup ?? 'no backup'} · ${record.ok ? record.summary : (record.error ?? record.summary)} · ${formatDuration(record.durationMs)}`,
  ];
  const width = Math.max(0, ...(record.tables ?? []).map((t) => t.name.length));
  for (const table of record.tables ?? []) lines.push(`  ${table.name.padEnd(width)}  ${table.rows} rows`);
  for (const file of record.files ?? []) lines.push(`  ${file.verdict.padEnd(7)}  ${file.path} (${file.size} bytes)`);
  return `${lines.join('\n')}\n`;
}

export async function drillCommand(request: { sets: string[]; json: boolean }, options: GlobalOptions, io: DrillIo): Promise<number> {
  const { config } = loadConfig(options.config, io.env, io.cwd);
  const all = config.backups?.sets ?? [];
  const drillable = all.filter((s) => s.drill !== undefined);
  for (const name of request.sets) {
    const set = all.find((s) => s.name === name);
    if (!set) {
      const hint = suggest(
        name,
        all.map((s) => s.name),
      );
      io.err(
        `homeops: no backup set "${name}" (${hint ? `did you mean "${hint}"? ` : ''}sets: ${all.map((s) => s.name).join(', ') || 'none'})\n`,
      );
      return DRILL_EXIT.usage;
    }
    if (!set.drill) {
      io.err(`homeops: backup set "${name}" has no drill: in the config; see docs/backups.md, "Drills"\n`);
      return DRILL_EXIT.usage;
    }
  }
  const chosen = request.sets.length
    ? request.sets.map((n) => drillable.find((s) => s.name === n)).filter((s) => s !== undefined)
    : drillable;
  if (!chosen.length) {
    io.err('homeops: no backup set has a drill: in the config; see docs/backups.md, "Drills"\n');
    return DRILL_EXIT.usage;
  }
  const hosts = hostsFromConfig(config, io.env, resolveHosts(config, chooseProfile(options.profile, io.env, config), thisMachine()));
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('stopped by the operator'));
  process.on('SIGINT', onSigint);
  const records: DrillRecord[] = [];
  try {
    for (const set of chosen) {
      const record = await drillSet(set, {
        hosts,
        env: io.env,
        signal: controller.signal,
        ...(request.json ? {} : { onProgress: (line: string) => io.out(`${set.name}: ${line}\n`) }),
      });
      records.push(record);
      if (!request.json) io.out(formatDrill(record));
    }
  } catch (error) {
    if (controller.signal.aborted) {
      io.err('homeops: drill stopped; nothing recorded for the set it was drilling\n');
      return DRILL_EXIT.aborted;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    hosts.closeAll();
  }
  if (request.json) io.out(`${JSON.stringify(records, null, 2)}\n`);
  return records.every((r) => r.ok) ? DRILL_EXIT.ok : DRILL_EXIT.failed;
}
