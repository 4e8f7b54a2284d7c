import type { Config } from '../../config/schema.js';
import { type CommandRunner, ExecError } from '../../hosts/host.js';
import type { GpuReading, ParsedGpus } from '../../model/gpu.js';
import type { Level } from '../../model/status.js';
import { type Alert, type Assessment, assessmentFromAlerts, type Probe, ProbeError } from '../probe.js';
import { APP_FIELDS, BASE_GPU_FIELDS, EXTENDED_GPU_FIELDS, type GpuRaw, isUnknownFieldError, nvidiaSmiFailure, parseGpu } from './parse.js';

type GpuConfig = Config['probes']['gpu'];

/**
 * Reads nvidia-smi on a host. Asks for the newer field set first and falls back to the
 * base set once if the driver rejects it, remembering the answer for later polls.
 */
export function gpuReader(host: CommandRunner, config: GpuConfig): (signal: AbortSignal) => Promise<GpuRaw> {
  let fields: readonly string[] = EXTENDED_GPU_FIELDS;
  const run = async (args: string[], signal: AbortSignal) => {
    try {
      const result = await host.exec([config.command, ...args], { timeoutMs: config.timeout, signal });
      // Over SSH a missing or unusable program is the remote shell's 127 or 126, not an error of
      // the call (nvidia-smi's own exit codes stay below 20, or 255).
      if (result.code === 127) throw new ExecError('not-found', result.stderr);
      if (result.code === 126) throw new ExecError('permission', result.stderr);
      return result;
    } catch (error) {
      if (error instanceof ExecError) {
        if (error.reason === 'not-found')
          throw new ProbeError('off', `${config.command} not found on ${host.name}: no NVIDIA driver installed`);
        if (error.reason === 'permission') throw new ProbeError('down', `${config.command} is not executable on ${host.name}`);
        if (error.reason === 'timeout')
          throw new ProbeError('down', `${config.command} did not answer within ${config.timeout} ms (driver busy or wedged)`);
      }
      throw error;
    }
  };
  return async (signal) => {
    let result = await run([`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], signal);
    if (result.code !== 0 && fields !== BASE_GPU_FIELDS && isUnknownFieldError(result.stdout, result.stderr)) {
      fields = BASE_GPU_FIELDS;
      result = await run([`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'], signal);
    }
    if (result.code !== 0) throw new ProbeError('down', nvidiaSmiFailure(result.stdout, result.stderr));
    const apps = await run([`--query-compute-apps=${APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], signal);
    return { fields, gpuCsv: result.stdout, appsCsv: apps.code === 0 ? apps.stdout : null };
  };
}

const fmt = (value: number | null, digits = 0) => (value === null ? '?' : value.toFixed(digits));

function levelOf(value: number | null, thresholds: { warn: number; crit: number }): Level | null {
  if (value === null) return null;
  return value >= thresholds.crit ? 'crit' : value >= thresholds.warn ? 'warn' : 'ok';
}

/** Each GPU's temperature and VRAM use against the configured thresholds: the one verdict the pane shows and the alerts raise. */
export function judgeGpus(parsed: ParsedGpus, config: GpuConfig): GpuReading {
  return {
    ...parsed,
    gpus: parsed.gpus.map((gpu) => ({
      ...gpu,
      temperatureLevel: levelOf(gpu.temperatureC, config.temperature),
      memoryLevel: levelOf(
        gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB ? (gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100 : null,
        config.memoryPercent,
      ),
    })),
  };
}

export function assessGpu(reading: GpuReading, config: GpuConfig): Assessment {
  const alerts: Alert[] = [];
  for (const gpu of reading.gpus) {
    const label = reading.gpus.length > 1 ? `GPU ${gpu.index}` : 'GPU';
    if (gpu.temperatureC !== null && gpu.temperatureLevel !== null) {
      if (gpu.temperatureLevel === 'crit')
        alerts.push({ level: 'crit', message: `${label} at ${gpu.temperatureC} °C (crit ≥ ${config.temperature.crit})` });
      else if (gpu.temperatureLevel === 'warn')
        alerts.push({ level: 'warn', message: `${label} at ${gpu.temperatureC} °C (warn ≥ ${config.temperature.warn})` });
    }
    if (gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB) {
      const percent = (gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100;
      if (gpu.memoryLevel === 'crit')
        alerts.push({ level: 'crit', message: `${label} VRAM ${percent.toFixed(0)} % used (crit ≥ ${config.memoryPercent.crit})` });
      else if (gpu.memoryLevel === 'warn')
        alerts.push({ level: 'warn', message: `${label} VRAM ${percent.toFixed(0)} % used (warn ≥ ${config.memoryPercent.warn})` });
    }
  }
  const summary = reading.gpus
    .map(
      (gpu) =>
        `${reading.gpus.length > 1 ? `${gpu.index}: ` : ''}${fmt(gpu.utilizationPercent)}% ${fmt(gpu.temperatureC)}°C ${fmt(gpu.memoryUsedMiB !== null ? gpu.memoryUsedMiB / 1024 : null, 1)}/${fmt(gpu.memoryTotalMiB !== null ? gpu.memoryTotalMiB / 1024 : null, 1)} GiB`,
    )
    .join(' · ');
  return assessmentFromAlerts(alerts, summary);
}

export function gpuProbe(read: (signal: AbortSignal) => Promise<GpuRaw>, config: GpuConfig): Probe<GpuRaw, GpuReading> {
  return {
    id: 'gpu',
    intervalMs: config.interval,
    timeoutMs: config.timeout,
    read,
    parse: (raw) => judgeGpus(parseGpu(raw), config),
    assess: (reading) => assessGpu(reading, config),
  };
}
