// The demo's replaying nvidia-smi host against fixtures/README.md and against the fake
// executable the integration tests put on PATH: the demo must answer as that fake does.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probesSchema } from '../../src/config/schema.js';
import { listScenarios, replayCpuReader, replayNvidiaSmiHost, ScenarioError, scenariosDir } from '../../src/demo/scenario.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { type CommandRunner, ExecError, type ExecOptions, type ExecResult } from '../../src/hosts/host.js';
import { execLocal } from '../../src/hosts/local.js';
import { APP_FIELDS, BASE_GPU_FIELDS, EXTENDED_GPU_FIELDS, parseGpu } from '../../src/probes/gpu/parse.js';
import { gpuReader } from '../../src/probes/gpu/probe.js';
import { ProbeError } from '../../src/probes/probe.js';
import { casePath, fakeNvidiaSmiEnv } from '../helpers/fake-nvidia-smi.js';

const config = probesSchema.parse({ gpu: { timeout: 300 } }).gpu;
const options: ExecOptions = { timeoutMs: 2000 };
const never = new AbortController().signal;
const FORMAT = '--format=csv,noheader,nounits';

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

const replay = (caseName: string) => replayNvidiaSmiHost(casePath(caseName), 'workstation');
const fieldsOf = (caseName: string) =>
  readFileSync(join(casePath(caseName), 'fields.txt'), 'utf8')
    .trim()
    .split(',');

/** A host that records every argv it is asked to run. */
function recording(host: CommandRunner): { host: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    host: {
      name: host.name,
      exec: (argv, opts) => {
        calls.push([...argv]);
        return host.exec(argv, opts);
      },
    },
  };
}

async function probeFailure(promise: Promise<unknown>): Promise<ProbeError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProbeError)) throw new Error(`expected a ProbeError, got ${String(error)}`);
  return error;
}

async function execFailure(promise: Promise<ExecResult>): Promise<ExecError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ExecError)) throw new Error(`expected an ExecError, got ${String(error)}`);
  return error;
}

describe('replayNvidiaSmiHost answers as fixtures/README.md says', () => {
  it('prints the asked columns in the asked order', async () => {
    const host = replay('dual-595');
    expect(await host.exec(['nvidia-smi', '--query-gpu=index,name', FORMAT], options)).toEqual({
      stdout: '0, NVIDIA GeForce RTX 4090\n1, NVIDIA GeForce RTX 4080\n',
      stderr: '',
      code: 0,
      signal: null,
    });
    const reversed = await replay('dual-595').exec(['nvidia-smi', '--query-gpu=temperature.gpu,name,index', FORMAT], options);
    expect(reversed.stdout).toBe('71, NVIDIA GeForce RTX 4090, 0\n38, NVIDIA GeForce RTX 4080, 1\n');
    // Whatever the recorded column order (hot-595 has name before uuid).
    const hot = await replay('hot-595').exec(['nvidia-smi', '--query-gpu=uuid,utilization.gpu,temperature.gpu', FORMAT], options);
    expect(hot.stdout).toBe('GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53, 95, 84\n');
  });

  it('refuses a field the driver does not know, exactly as nvidia-smi does', async () => {
    const result = await replay('rtx4080-535-wsl').exec(['nvidia-smi', `--query-gpu=${EXTENDED_GPU_FIELDS.join(',')}`, FORMAT], options);
    expect(result).toEqual({ stdout: 'Field "power.draw.instant" is not a valid field to query.\n\n', stderr: '', code: 2, signal: null });
  });

  it('answers the compute-apps query from its file, and nothing when there are none', async () => {
    const result = await replay('hot-595').exec(['nvidia-smi', `--query-compute-apps=${APP_FIELDS.join(',')}`, FORMAT], options);
    expect(result).toMatchObject({ code: 0, stdout: 'GPU-a3f09b6e-71c2-4d58-8e0f-2c6b9d417e53, 1842, /usr/local/bin/ollama, 11520\n' });
  });

  it('cycles through frames separated by ---, each query on its own count', async () => {
    const host = replay('rtx4080-595');
    const ask = async () => (await host.exec(['nvidia-smi', '--query-gpu=utilization.gpu', FORMAT], options)).stdout;
    expect([await ask(), await ask(), await ask(), await ask()]).toEqual(['63\n', '71\n', '63\n', '71\n']);
    const scenario = replayNvidiaSmiHost(join(scenariosDir(), 'gpu-hot', 'nvidia-smi'), 'workstation');
    const temps: string[] = [];
    for (let i = 0; i < 4; i++)
      temps.push((await scenario.exec(['nvidia-smi', '--query-gpu=utilization.gpu,temperature.gpu', FORMAT], options)).stdout);
    expect(temps).toEqual(['95, 84\n', '97, 84\n', '94, 85\n', '95, 84\n']);
  });

  it.each([
    ['driver-not-loaded', 9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."],
    ['no-devices', 6, 'No devices were found'],
    ['nvml-mismatch', 18, 'Failed to initialize NVML: Driver/library version mismatch'],
  ])('%s prints fail.txt and exits with exit-code on every call', async (caseName, code, first) => {
    const host = replay(caseName);
    const fail = readFileSync(join(casePath(caseName), 'fail.txt'), 'utf8');
    for (const argv of [
      ['nvidia-smi', '--query-gpu=index', FORMAT],
      ['nvidia-smi', `--query-compute-apps=${APP_FIELDS.join(',')}`, FORMAT],
    ]) {
      const result = await host.exec(argv, options);
      expect(result).toMatchObject({ stdout: fail, code });
      expect(result.stdout.startsWith(first)).toBe(true);
    }
  });

  it('says the command is not found when the case directory does not exist (no driver)', async () => {
    const error = await execFailure(
      replayNvidiaSmiHost(join(tmpdir(), 'homeops-no-such-case'), 'nas').exec(['nvidia-smi', '--query-gpu=index', FORMAT], options),
    );
    expect(error.reason).toBe('not-found');
  });

  it('hangs on `hang` until the caller aborts', async () => {
    const controller = new AbortController();
    const pending = replay('hang').exec(['nvidia-smi', '--query-gpu=index', FORMAT], { timeoutMs: 60_000, signal: controller.signal });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    controller.abort();
    expect((await execFailure(pending)).reason).toBe('aborted');
  });

  it('gives up on `hang` after timeoutMs, as a spawned nvidia-smi is killed', async () => {
    // The fake on PATH, run by the local host, is killed at timeoutMs: the demo must not hang longer.
    const outcome = (promise: Promise<unknown>) =>
      Promise.race([
        promise.then(
          () => 'answered',
          (e: unknown) =>
            e instanceof ExecError ? `ExecError ${e.reason}` : e instanceof ProbeError ? `ProbeError ${e.status}: ${e.message}` : String(e),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still hanging after 1s'), 1000)),
      ]);
    expect(await outcome(replay('hang').exec(['nvidia-smi', '--query-gpu=index', FORMAT], { timeoutMs: 100 }))).toBe('ExecError timeout');
    expect(await outcome(gpuReader(replay('hang'), config)(never))).toBe(
      'ProbeError down: nvidia-smi did not answer within 300 ms (driver busy or wedged)',
    );
  });
});

describe('replayNvidiaSmiHost answers as the fake nvidia-smi does', () => {
  const queries = (caseName: string): string[][] => {
    const base = [
      ['nvidia-smi', '--query-gpu=index,name', FORMAT],
      ['nvidia-smi', '--query-gpu=name,bogus.field', FORMAT],
      ['nvidia-smi', `--query-gpu=${BASE_GPU_FIELDS.join(',')}`, FORMAT],
      ['nvidia-smi', `--query-gpu=${EXTENDED_GPU_FIELDS.join(',')}`, FORMAT],
      ['nvidia-smi', `--query-compute-apps=${APP_FIELDS.join(',')}`, FORMAT],
    ];
    try {
      return [...base, ['nvidia-smi', `--query-gpu=${[...fieldsOf(caseName)].reverse().join(',')}`, FORMAT]];
    } catch {
      return base;
    }
  };

  it.each(['rtx4080-535-wsl', 'rtx4080-595', 'hot-595', 'dual-595', 'driver-not-loaded', 'no-devices', 'nvml-mismatch'])(
    '%s: same stdout and exit code on the first call',
    async (caseName) => {
      for (const argv of queries(caseName)) {
        const fake = await execLocal(argv, { timeoutMs: 5000, env: { ...fakeNvidiaSmiEnv(caseName) } });
        const demo = await replay(caseName).exec(argv, options);
        expect({ stdout: demo.stdout, code: demo.code }, `${caseName}: ${argv.join(' ')}`).toEqual({
          stdout: fake.stdout,
          code: fake.code,
        });
      }
    },
  );
});

describe('the real gpuReader over the replaying host', () => {
  it('falls back to the base fields on the 535 driver, once, and remembers', async () => {
    const { host, calls } = recording(replay('rtx4080-535-wsl'));
    const read = gpuReader(host, config);
    const raw = await read(never);
    expect(raw.fields).toEqual(BASE_GPU_FIELDS);
    const reading = parseGpu(raw);
    expect(reading.gpus).toHaveLength(1);
    expect(reading.gpus[0]).toMatchObject({
      name: 'NVIDIA GeForce RTX 4080',
      driverVersion: '535.86.05',
      utilizationPercent: 37,
      temperatureC: 56,
      powerDrawW: 118.42,
    });
    expect(reading.processes.map((p) => p.pid)).toEqual([2417, 3088]);
    expect(reading.processMemoryNote).toBe('per-process memory not reported by this driver');
    expect(calls.map((argv) => argv[1]?.split('=')[0])).toEqual(['--query-gpu', '--query-gpu', '--query-compute-apps']);
    expect(calls[0]?.[1]).toContain('power.draw.instant');
    expect(calls[1]?.[1]).toBe(`--query-gpu=${BASE_GPU_FIELDS.join(',')}`);
    calls.length = 0;
    await read(never);
    expect(calls[0]?.[1]).toBe(`--query-gpu=${BASE_GPU_FIELDS.join(',')}`);
    expect(calls).toHaveLength(2);
  });

  it('shows power.draw on driver 595, the figure nvidia-smi itself shows, not the instant reading', async () => {
    const raw = await gpuReader(replay('rtx4080-595'), config)(never);
    expect(raw.fields).toEqual(EXTENDED_GPU_FIELDS);
    expect(parseGpu(raw).gpus[0]).toMatchObject({ utilizationPercent: 63, powerDrawW: 212.37, memoryUsedMiB: 9871 });
  });

  it('reads both GPUs and their processes, names with ", " included', async () => {
    const reading = parseGpu(await gpuReader(replay('dual-595'), config)(never));
    expect(reading.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 4080']);
    expect(reading.processes.map((p) => [p.gpuIndex, p.name])).toEqual([
      [0, '/srv/models/llama, q4_k_m/llama-server'],
      [0, '/usr/bin/python3'],
      [1, '/usr/lib/jellyfin-ffmpeg/ffmpeg'],
    ]);
  });

  it('reports a failing driver as down with nvidia-smi’s own words', async () => {
    const error = await probeFailure(gpuReader(replay('driver-not-loaded'), config)(never));
    expect(error.status).toBe('down');
    expect(error.message).toBe(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
    expect((await probeFailure(gpuReader(replay('no-devices'), config)(never))).message).toBe('No devices were found');
  });

  it('reports a machine without the driver as off, not down', async () => {
    const error = await probeFailure(gpuReader(replayNvidiaSmiHost(join(tmpdir(), 'homeops-no-such-case'), 'nas'), config)(never));
    expect(error.status).toBe('off');
    expect(error.message).toBe('nvidia-smi not found on nas: no NVIDIA driver installed');
  });

  it('gives up on a hung driver when aborted', async () => {
    const controller = new AbortController();
    const pending = gpuReader(replay('hang'), config)(controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
  });
});

describe('scenarios', () => {
  it('lists the recorded scenarios', () => {
    expect(listScenarios()).toEqual(expect.arrayContaining(['gpu-hot', 'healthy']));
  });

  it('loads a scenario’s description and host', () => {
    const scenario = loadScenario('gpu-hot');
    expect(scenario).toMatchObject({ name: 'gpu-hot', host: 'workstation', dir: join(scenariosDir(), 'gpu-hot') });
    expect(scenario.description).toContain('95 %');
  });

  it('refuses an unknown scenario or a path, naming the ones there are', () => {
    for (const name of ['nope', '../healthy', 'Healthy', '']) {
      expect(() => loadScenario(name)).toThrow(ScenarioError);
    }
    expect(() => loadScenario('nope')).toThrow(/^no demo scenario "nope" \(have: .*gpu-hot.*healthy/);
  });

  it('replays cpu.json: one sample, or frames in turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-scenario-'));
    temp.push(dir);
    const sample = (load: number) => ({
      load: { cpus: [{ load }, { load: load / 2 }] },
      mem: { total: 64e9, available: 40e9 },
      fsSize: [],
      netDev: { previous: null, current: { text: '', atMs: 0 } },
      linkSpeedMbps: {},
      siblings: { '0': '0-1', '1': '0-1' },
    });
    mkdirSync(join(dir, 'one'));
    writeFileSync(join(dir, 'one', 'cpu.json'), JSON.stringify(sample(10)));
    const one = replayCpuReader({ name: 'one', dir: join(dir, 'one'), description: '', host: 'w' });
    expect(one).not.toBeNull();
    expect(await one?.(never)).toEqual(sample(10));
    expect(await one?.(never)).toEqual(sample(10));

    mkdirSync(join(dir, 'many'));
    writeFileSync(join(dir, 'many', 'cpu.json'), JSON.stringify({ frames: [sample(10), sample(80)] }));
    const many = replayCpuReader({ name: 'many', dir: join(dir, 'many'), description: '', host: 'w' });
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) loads.push((await many?.(never))?.load.cpus[0]?.load ?? -1);
    expect(loads).toEqual([10, 80, 10]);

    expect(replayCpuReader({ name: 'none', dir, description: '', host: 'w' })).toBeNull();
  });
});
