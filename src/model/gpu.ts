// The GPU reading: each GPU's figures and the processes using it, as nvidia-smi reports them.
// Plain data, made by src/probes/gpu/.

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

export type GpuReading = { gpus: Gpu[]; processes: GpuProcess[]; processMemoryNote: string | null };
