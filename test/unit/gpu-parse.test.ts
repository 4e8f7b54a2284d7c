import { describe, expect, it } from 'vitest';
import {
  APP_FIELDS,
  BASE_GPU_FIELDS,
  EXTENDED_GPU_FIELDS,
  GpuParseError,
  isUnknownFieldError,
  nvidiaSmiFailure,
  parseAppsCsv,
  parseGpu,
  parseGpuCsv,
} from '../../src/probes/gpu/parse.js';
import { readCase } from '../helpers/fake-nvidia-smi.js';

function firstFrame(caseName: string) {
  const recorded = readCase(caseName);
  return { ...recorded, gpuCsv: recorded.frames[0] ?? '' };
}

describe('fixtures use the field lists the reader asks for', () => {
  it.each(['rtx4080-535-wsl', 'rtx4080-595', 'hot-595', 'dual-595'])('%s has a column for every field in its fields.txt', (caseName) => {
    const { fields, frames } = readCase(caseName);
    for (const frame of frames) {
      // Every line splits into exactly fields.length values once a free-text name is joined back.
      expect(() => parseGpuCsv(frame, fields)).not.toThrow();
    }
  });

  it('the 535 driver knows exactly the base fields, so the reader must fall back', () => {
    expect(readCase('rtx4080-535-wsl').fields).toEqual([...BASE_GPU_FIELDS]);
  });

  it('the 595 drivers know every extended field', () => {
    for (const caseName of ['rtx4080-595', 'hot-595', 'dual-595']) {
      expect(readCase(caseName).fields).toEqual(expect.arrayContaining([...EXTENDED_GPU_FIELDS]));
    }
  });
});

describe('parseGpuCsv', () => {
  it('reads one RTX 4080 on driver 535 under WSL2 (base fields, power.draw only)', () => {
    const { gpuCsv, fields } = firstFrame('rtx4080-535-wsl');
    expect(parseGpuCsv(gpuCsv, fields)).toEqual([
      {
        index: 0,
        uuid: 'GPU-5c1a7e3d-2b84-4f0e-9d61-7a3e0c9b4f12',
        name: 'NVIDIA GeForce RTX 4080',
        driverVersion: '535.86.05',
        pstate: 'P2',
        utilizationPercent: 37,
        memoryUsedMiB: 6144,
        memoryTotalMiB: 16376,
        temperatureC: 56,
        powerDrawW: 118.42,
        powerLimitW: 320,
        fanPercent: 34,
      },
    ]);
  });

  it('takes power.draw, the figure nvidia-smi itself shows (the one-second average on 595), not the instant reading, whatever the column order', () => {
    const { gpuCsv, fields } = firstFrame('rtx4080-595');
    const [gpu] = parseGpuCsv(gpuCsv, fields);
    expect(gpu).toMatchObject({
      name: 'NVIDIA GeForce RTX 4080',
      driverVersion: '595.71.05',
      utilizationPercent: 63,
      powerDrawW: 212.37,
      powerLimitW: 320,
      memoryUsedMiB: 9871,
    });
  });

  it('replays later frames as separate readings', () => {
    const { frames, fields } = readCase('rtx4080-595');
    expect(frames).toHaveLength(2);
    expect(parseGpuCsv(frames[1] ?? '', fields)[0]?.utilizationPercent).toBe(71);
  });

  it('reads two GPUs, turning [N/A] and [Not Supported] into null', () => {
    const { gpuCsv, fields } = firstFrame('dual-595');
    const gpus = parseGpuCsv(gpuCsv, fields);
    expect(gpus.map((g) => [g.index, g.name, g.memoryTotalMiB])).toEqual([
      [0, 'NVIDIA GeForce RTX 4090', 24564],
      [1, 'NVIDIA GeForce RTX 4080', 16376],
    ]);
    expect(gpus[0]).toMatchObject({ fanPercent: 62, powerLimitW: 450, powerDrawW: 391.52 });
    expect(gpus[1]).toMatchObject({ fanPercent: null, powerLimitW: null, powerDrawW: 19.84, pstate: 'P8' });
  });

  it('accepts values with units when nounits was not given', () => {
    const line =
      '0, GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53, NVIDIA GeForce RTX 4080, 595.71.05, P2, 95 %, 12288 MiB, 16376 MiB, 84, 304.61 W, 320.00 W, 78 %';
    expect(parseGpuCsv(line, BASE_GPU_FIELDS)[0]).toMatchObject({
      utilizationPercent: 95,
      memoryUsedMiB: 12288,
      memoryTotalMiB: 16376,
      temperatureC: 84,
      powerDrawW: 304.61,
      powerLimitW: 320,
      fanPercent: 78,
    });
  });

  it('keeps a product name that itself contains ", "', () => {
    const line = '0, GPU-0e7b2c41-9a36-4f1d-b5c8-63d2a8f01e97, Custom Board, Rev 2, 595.71.05, P0, 10, 100, 24564, 40, 50.5, 450.00, 30';
    const [gpu] = parseGpuCsv(line, BASE_GPU_FIELDS);
    expect(gpu).toMatchObject({ name: 'Custom Board, Rev 2', driverVersion: '595.71.05', fanPercent: 30 });
  });

  it('rejects a line with too few values, naming the line', () => {
    expect(() => parseGpuCsv('0, GPU-5c1a7e3d-2b84-4f0e-9d61-7a3e0c9b4f12, NVIDIA GeForce RTX 4080', BASE_GPU_FIELDS)).toThrow(
      new GpuParseError(
        'nvidia-smi line 1: expected 12 values, got 3: 0, GPU-5c1a7e3d-2b84-4f0e-9d61-7a3e0c9b4f12, NVIDIA GeForce RTX 4080',
      ),
    );
  });

  it('rejects a line without an index or UUID', () => {
    const line = '[N/A], [N/A], NVIDIA GeForce RTX 4080, 535.86.05, P2, 37, 6144, 16376, 56, 118.42, 320.00, 34';
    expect(() => parseGpuCsv(line, BASE_GPU_FIELDS)).toThrow(GpuParseError);
  });

  it.each(['driver-not-loaded', 'nvml-mismatch', 'no-devices'])('never mistakes the %s message for a reading', (caseName) => {
    const { fail } = readCase(caseName);
    expect(fail).not.toBeNull();
    expect(() => parseGpuCsv(fail?.stdout ?? '', BASE_GPU_FIELDS)).toThrow(GpuParseError);
  });
});

describe('parseAppsCsv', () => {
  it('reads two compute processes with their memory on driver 595', () => {
    const { gpuCsv, fields, apps } = firstFrame('rtx4080-595');
    const result = parseAppsCsv(apps ?? '', parseGpuCsv(gpuCsv, fields));
    expect(result.note).toBeNull();
    expect(result.processes).toEqual([
      { gpuIndex: 0, gpuUuid: 'GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53', pid: 1842, name: '/usr/local/bin/ollama', usedMemoryMiB: 7168 },
      {
        gpuIndex: 0,
        gpuUuid: 'GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53',
        pid: 2290,
        name: '/opt/central-agent/venv/bin/python3',
        usedMemoryMiB: 2304,
      },
    ]);
  });

  it('explains that WSL2 does not attribute memory to processes', () => {
    const { gpuCsv, fields, apps } = firstFrame('rtx4080-535-wsl');
    const result = parseAppsCsv(apps ?? '', parseGpuCsv(gpuCsv, fields));
    expect(result.processes.map((p) => [p.pid, p.name, p.usedMemoryMiB])).toEqual([
      [2417, '/usr/bin/python3.10', null],
      [3088, '/usr/local/bin/ollama', null],
    ]);
    expect(result.note).toBe('per-process memory not reported by this driver');
  });

  it('assigns processes to the right GPU and keeps a name containing ", "', () => {
    const { gpuCsv, fields, apps } = firstFrame('dual-595');
    const { processes, note } = parseAppsCsv(apps ?? '', parseGpuCsv(gpuCsv, fields));
    expect(note).toBeNull();
    expect(processes.map((p) => [p.gpuIndex, p.pid, p.name, p.usedMemoryMiB])).toEqual([
      [0, 40112, '/srv/models/llama, q4_k_m/llama-server', 18432],
      [0, 40377, '/usr/bin/python3', 1024],
      [1, 5120, '/usr/lib/jellyfin-ffmpeg/ffmpeg', 612],
    ]);
  });

  it('treats "No running processes found" as no processes', () => {
    const gpus = parseGpuCsv(firstFrame('rtx4080-595').gpuCsv, firstFrame('rtx4080-595').fields);
    expect(parseAppsCsv('No running processes found\n', gpus)).toEqual({ processes: [], note: null });
    expect(parseAppsCsv('', gpus)).toEqual({ processes: [], note: null });
  });

  it('leaves a process on an unknown GPU unassigned rather than dropping it', () => {
    const gpus = parseGpuCsv(firstFrame('rtx4080-595').gpuCsv, firstFrame('rtx4080-595').fields);
    const { processes } = parseAppsCsv('GPU-ffffffff-0000-0000-0000-000000000000, 77, /usr/bin/python3, 300 MiB', gpus);
    expect(processes).toEqual([
      { gpuIndex: null, gpuUuid: 'GPU-ffffffff-0000-0000-0000-000000000000', pid: 77, name: '/usr/bin/python3', usedMemoryMiB: 300 },
    ]);
  });

  it('rejects a process line without a pid or with too few values', () => {
    expect(() => parseAppsCsv('GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53, [N/A], /usr/bin/python3, 100', [])).toThrow(GpuParseError);
    expect(() => parseAppsCsv('GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53, 1842', [])).toThrow(GpuParseError);
  });
});

describe('parseGpu', () => {
  it('combines GPUs and processes', () => {
    const { gpuCsv, fields, apps } = firstFrame('dual-595');
    const reading = parseGpu({ fields, gpuCsv, appsCsv: apps });
    expect(reading.gpus).toHaveLength(2);
    expect(reading.processes).toHaveLength(3);
    expect(reading.processMemoryNote).toBeNull();
  });

  it('says when processes could not be read', () => {
    const { gpuCsv, fields } = firstFrame('rtx4080-595');
    expect(parseGpu({ fields, gpuCsv, appsCsv: null })).toMatchObject({ processes: [], processMemoryNote: 'processes not read' });
  });

  it('refuses an answer that lists no GPU', () => {
    expect(() => parseGpu({ fields: EXTENDED_GPU_FIELDS, gpuCsv: '\n', appsCsv: '' })).toThrow(
      new GpuParseError('nvidia-smi listed no GPUs'),
    );
  });
});

describe('nvidia-smi failures', () => {
  it('reports the driver-not-loaded message as nvidia-smi prints it', () => {
    const { fail } = readCase('driver-not-loaded');
    expect(fail?.code).toBe(9);
    expect(nvidiaSmiFailure(fail?.stdout ?? '', '')).toBe(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
  });

  it('reports the first line of a version mismatch, not the library version line', () => {
    const { fail } = readCase('nvml-mismatch');
    expect(fail?.code).toBe(18);
    expect(nvidiaSmiFailure(fail?.stdout ?? '', '')).toBe('Failed to initialize NVML: Driver/library version mismatch');
  });

  it('reports "No devices were found"', () => {
    const { fail } = readCase('no-devices');
    expect(fail?.code).toBe(6);
    expect(nvidiaSmiFailure(fail?.stdout ?? '', '')).toBe('No devices were found');
  });

  it('falls back to stderr, then to a fixed text', () => {
    expect(nvidiaSmiFailure('\n  \n', 'libnvidia-ml.so.1: cannot open shared object file\n')).toBe(
      'libnvidia-ml.so.1: cannot open shared object file',
    );
    expect(nvidiaSmiFailure('', '')).toBe('nvidia-smi failed without a message');
  });

  it('recognises an unknown field only from that complaint', () => {
    expect(isUnknownFieldError('Field "power.draw.instant" is not a valid field to query.\n\n', '')).toBe(true);
    expect(isUnknownFieldError('', 'Field "power.draw.instant" is not a valid field to query.')).toBe(true);
    for (const caseName of ['driver-not-loaded', 'nvml-mismatch', 'no-devices']) {
      expect(isUnknownFieldError(readCase(caseName).fail?.stdout ?? '', '')).toBe(false);
    }
  });

  it('asks for processes with the fields the fixtures record', () => {
    expect([...APP_FIELDS]).toEqual(['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory']);
  });
});
