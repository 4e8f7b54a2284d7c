// Pure parsers for `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` and
// `--query-compute-apps=…`. Field lists differ between driver generations, so the raw
// reading carries the list it was asked with.
import type { Gpu, GpuProcess, ParsedGpus } from '../../model/gpu.js';

/** Fields every driver since the 390 series answers. */
export const BASE_GPU_FIELDS = [
  'index',
  'uuid',
  'name',
  'driver_version',
  'pstate',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'fan.speed',
] as const;

/** Newer drivers also report the instantaneous draw; older ones reject the field (the reader falls back). */
export const EXTENDED_GPU_FIELDS = [...BASE_GPU_FIELDS, 'power.draw.instant'] as const;

export const APP_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory'] as const;

export type GpuRaw = {
  fields: readonly string[];
  gpuCsv: string;
  appsCsv: string | null;
};

export class GpuParseError extends Error {}

const UNAVAILABLE =
  /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset|Not available in WDDM driver model)\]?$/i;

function text(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' || UNAVAILABLE.test(trimmed) ? null : trimmed;
}

function number(value: string | undefined): number | null {
  const t = text(value);
  if (t === null) return null;
  // Without `nounits` values carry units ("95 %", "1474 MiB", "84.24 W"); accept both.
  const match = /^-?\d+(?:\.\d+)?/.exec(t);
  return match ? Number(match[0]) : null;
}

/**
 * Splits one CSV line into exactly `count` values. nvidia-smi separates with ", " and does
 * not quote, so a comma inside a product or process name shows up as extra values: those
 * are joined back into the free-text column.
 */
function splitLine(line: string, count: number, freeTextColumn: number): string[] {
  const parts = line.split(', ');
  if (parts.length <= count) return parts;
  const extra = parts.length - count;
  return [
    ...parts.slice(0, freeTextColumn),
    parts.slice(freeTextColumn, freeTextColumn + extra + 1).join(', '),
    ...parts.slice(freeTextColumn + extra + 1),
  ];
}

function lines(csv: string): string[] {
  return csv
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^No running (compute )?processes found/i.test(l));
}

export function parseGpuCsv(csv: string, fields: readonly string[]): Gpu[] {
  const column = (name: string) => fields.indexOf(name);
  const nameColumn = Math.max(0, column('name'));
  return lines(csv).map((line, lineIndex) => {
    const values = splitLine(line, fields.length, nameColumn);
    if (values.length !== fields.length) {
      throw new GpuParseError(
        `nvidia-smi line ${lineIndex + 1}: expected ${fields.length} values, got ${values.length}: ${line.slice(0, 80)}`,
      );
    }
    const get = (name: string) => {
      const at = column(name);
      return at < 0 ? undefined : values[at];
    };
    const index = number(get('index'));
    const uuid = text(get('uuid'));
    if (index === null || uuid === null) throw new GpuParseError(`nvidia-smi line ${lineIndex + 1}: no GPU index or UUID`);
    return {
      index,
      uuid,
      name: text(get('name')) ?? `GPU ${index}`,
      driverVersion: text(get('driver_version')),
      pstate: text(get('pstate')),
      utilizationPercent: number(get('utilization.gpu')),
      memoryUsedMiB: number(get('memory.used')),
      memoryTotalMiB: number(get('memory.total')),
      temperatureC: number(get('temperature.gpu')),
      // power.draw is the figure nvidia-smi itself shows (on Ampere and newer the one-second
      // average); the instant reading jumps from poll to poll.
      powerDrawW: number(get('power.draw')) ?? number(get('power.draw.instant')),
      powerLimitW: number(get('power.limit')),
      fanPercent: number(get('fan.speed')),
    };
  });
}

export function parseAppsCsv(csv: string, gpus: readonly Gpu[]): { processes: GpuProcess[]; note: string | null } {
  const byUuid = new Map(gpus.map((gpu) => [gpu.uuid, gpu.index]));
  let unavailable = 0;
  const processes = lines(csv).map((line, lineIndex) => {
    const values = splitLine(line, APP_FIELDS.length, 2);
    if (values.length !== APP_FIELDS.length) {
      throw new GpuParseError(`nvidia-smi process line ${lineIndex + 1}: expected ${APP_FIELDS.length} values, got ${values.length}`);
    }
    const [uuid, pidText, name, memory] = values;
    const pid = number(pidText);
    if (pid === null) throw new GpuParseError(`nvidia-smi process line ${lineIndex + 1}: no pid`);
    const usedMemoryMiB = number(memory);
    if (usedMemoryMiB === null) unavailable++;
    const gpuUuid = text(uuid) ?? '';
    return { gpuIndex: byUuid.get(gpuUuid) ?? null, gpuUuid, pid, name: text(name) ?? '?', usedMemoryMiB };
  });
  // Under WSL2 (WDDM) and in some containers the driver does not attribute memory to processes.
  const note = unavailable > 0 && unavailable === processes.length ? 'per-process memory not reported by this driver' : null;
  return { processes, note };
}

export function parseGpu(raw: GpuRaw): ParsedGpus {
  const gpus = parseGpuCsv(raw.gpuCsv, raw.fields);
  if (gpus.length === 0) throw new GpuParseError('nvidia-smi listed no GPUs');
  const apps = raw.appsCsv === null ? { processes: [], note: 'processes not read' } : parseAppsCsv(raw.appsCsv, gpus);
  return { gpus, processes: apps.processes, processMemoryNote: apps.note };
}

/** The first meaningful line of nvidia-smi's own complaint (it prints these on stdout). */
export function nvidiaSmiFailure(stdout: string, stderr: string): string {
  const line = `${stdout}\n${stderr}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? 'nvidia-smi failed without a message';
}

/** True when nvidia-smi rejected a field name (an older driver asked for a newer field). */
export function isUnknownFieldError(stdout: string, stderr: string): boolean {
  return /is not a valid field to query/i.test(`${stdout}\n${stderr}`);
}
