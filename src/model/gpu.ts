// The GPU reading: each GPU's figures and the processes using it, as nvidia-smi reports them.
// Plain data, made by src/probes/gpu/, which also judges each GPU's temperature and VRAM.
import type { Level } from './status.js';

export type Gpu = {
  index: number;
  uuid: string;
  name: string;
  driverVersion: string | null;
  pstate: string | null;
  utilizationPercent: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  fanPercent: number | null;
};

export type GpuProcess = { gpuIndex: number | null; gpuUuid: string; pid: number; name: string; usedMemoryMiB: number | null };

/** A GPU with the verdicts on it: temperature and VRAM use against the configured thresholds (null: not reported). */
export type JudgedGpu = Gpu & { temperatureLevel: Level | null; memoryLevel: Level | null };

export type GpuReading = { gpus: JudgedGpu[]; processes: GpuProcess[]; processMemoryNote: string | null };

/** What nvidia-smi's answers say, before the GPUs are judged. */
export type ParsedGpus = Omit<GpuReading, 'gpus'> & { gpus: Gpu[] };
