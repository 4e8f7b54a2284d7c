// The GPU probe end to end on this machine: gpuReader spawns `nvidia-smi` through the local
// host, which finds the fake (test/helpers/fake-nvidia-smi) on PATH.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probesSchema } from '../../src/config/schema.js';
import { execLocal, localHost } from '../../src/hosts/local.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { BASE_GPU_FIELDS, EXTENDED_GPU_FIELDS, parseGpu } from '../../src/probes/gpu/parse.js';
import { assessGpu, gpuProbe, gpuReader, judgeGpus } from '../../src/probes/gpu/probe.js';
import { ProbeError } from '../../src/probes/probe.js';
import { fakeNvidiaSmiEnv, hostWithEnv, isolatedCase, processesMatching } from '../helpers/fake-nvidia-smi.js';

const config = probesSchema.parse({ gpu: { timeout: 300 } }).gpu;
const never = new AbortController().signal;

const cleanup: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(dir);
  return dir;
}

function readerFor(caseName: string, log?: string) {
  return gpuReader(hostWithEnv(fakeNvidiaSmiEnv(caseName, log ? { log } : {})), config);
}

async function readingOf(caseName: string) {
  return judgeGpus(parseGpu(await readerFor(caseName)(never)), config);
}

async function failureOf(promise: Promise<unknown>): Promise<ProbeError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProbeError)) throw new Error(`expected a ProbeError, got ${String(error)}`);
  return error;
}

describe('nvidia-smi on PATH', () => {
  it('is found on the PATH of the environment the command runs with', async () => {
    const result = await execLocal(['nvidia-smi', '--query-gpu=index,name', '--format=csv,noheader,nounits'], {
      timeoutMs: 2000,
      env: { ...fakeNvidiaSmiEnv('dual-595') },
    });
    expect(result).toMatchObject({ code: 0, stdout: '0, NVIDIA GeForce RTX 4090\n1, NVIDIA GeForce RTX 4080\n' });
  });

  it('is found by the plain local host on the console process PATH', async () => {
    const env = fakeNvidiaSmiEnv('rtx4080-595');
    vi.stubEnv('PATH', env.PATH);
    vi.stubEnv('FAKE_NVIDIA_SMI_CASE', env.FAKE_NVIDIA_SMI_CASE);
    const reading = parseGpu(await gpuReader(localHost(), config)(never));
    expect(reading.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 4080']);
  });
});

describe('gpuReader through the local host', () => {
  it('falls back to the base fields on driver 535 and still reads power', async () => {
    const log = join(tempDir('homeops-nvsmi-log-'), 'calls');
    const read = readerFor('rtx4080-535-wsl', log);
    const raw = await read(never);
    expect(raw.fields).toEqual(BASE_GPU_FIELDS);
    const reading = parseGpu(raw);
    expect(reading.gpus[0]).toMatchObject({
      name: 'NVIDIA GeForce RTX 4080',
      driverVersion: '535.86.05',
      powerDrawW: 118.42,
      memoryTotalMiB: 16376,
    });
    expect(reading.processes.map((p) => p.pid)).toEqual([2417, 3088]);
    expect(reading.processMemoryNote).toBe('per-process memory not reported by this driver');

    // The fallback is remembered: the next poll asks for the base fields straight away.
    await read(never);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]);
    const extended = `--query-gpu=${EXTENDED_GPU_FIELDS.join(',')}`;
    const base = `--query-gpu=${BASE_GPU_FIELDS.join(',')}`;
    const apps = '--query-compute-apps=gpu_uuid,pid,process_name,used_gpu_memory';
    expect(calls).toEqual([extended, base, apps, base, apps]);
  });

  it('reads power.draw on driver 595, the figure nvidia-smi itself shows (not the instant reading, 236.9 W)', async () => {
    const raw = await readerFor('rtx4080-595')(never);
    expect(raw.fields).toEqual(EXTENDED_GPU_FIELDS);
    const reading = judgeGpus(parseGpu(raw), config);
    expect(reading.gpus[0]).toMatchObject({ powerDrawW: 212.37, utilizationPercent: 63, temperatureC: 61 });
    expect(reading.processes.map((p) => [p.name, p.usedMemoryMiB])).toEqual([
      ['/usr/local/bin/ollama', 7168],
      ['/opt/central-agent/venv/bin/python3', 2304],
    ]);
    expect(assessGpu(reading, config)).toEqual({ status: 'ok', summary: '63% 61°C 9.6/16.0 GiB', alerts: [] });
  });

  it('reads two GPUs with their processes', async () => {
    const reading = await readingOf('dual-595');
    expect(reading.gpus.map((g) => [g.index, g.name, g.fanPercent, g.powerLimitW])).toEqual([
      [0, 'NVIDIA GeForce RTX 4090', 62, 450],
      [1, 'NVIDIA GeForce RTX 4080', null, null],
    ]);
    expect(reading.processes.map((p) => [p.gpuIndex, p.name])).toEqual([
      [0, '/srv/models/llama, q4_k_m/llama-server'],
      [0, '/usr/bin/python3'],
      [1, '/usr/lib/jellyfin-ffmpeg/ffmpeg'],
    ]);
    expect(assessGpu(reading, config)).toEqual({
      status: 'ok',
      summary: '0: 88% 71°C 19.6/24.0 GiB · 1: 3% 38°C 1.2/16.0 GiB',
      alerts: [],
    });
  });

  it('warns about a hot GPU', async () => {
    const hot = await readingOf('hot-595');
    // The verdict the pane colours the temperature with is the one the alert comes from.
    expect(hot.gpus[0]).toMatchObject({ temperatureLevel: 'warn', memoryLevel: 'ok' });
    const assessment = assessGpu(hot, config);
    expect(assessment.status).toBe('warn');
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'GPU at 84 °C (warn ≥ 80)' }]);
  });

  it("reports a driver that is not loaded as down, in nvidia-smi's own words", async () => {
    const error = await failureOf(readerFor('driver-not-loaded')(never));
    expect(error.status).toBe('down');
    expect(error.message).toBe(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
  });

  it('reports a driver/library version mismatch as down', async () => {
    const error = await failureOf(readerFor('nvml-mismatch')(never));
    expect(error.status).toBe('down');
    expect(error.message).toBe('Failed to initialize NVML: Driver/library version mismatch');
  });

  it('reports a machine without GPUs as down', async () => {
    const error = await failureOf(readerFor('no-devices')(never));
    expect(error).toMatchObject({ status: 'down', message: 'No devices were found' });
  });

  it('reports a missing nvidia-smi as off (no NVIDIA driver here)', async () => {
    const emptyPath = tempDir('homeops-empty-path-');
    const error = await failureOf(gpuReader(hostWithEnv({ PATH: emptyPath }, 'workstation'), config)(never));
    expect(error.status).toBe('off');
    expect(error.message).toBe('nvidia-smi not found on workstation: no NVIDIA driver installed');
  });

  it('gives up on a hung nvidia-smi within its timeout and kills it', async () => {
    const caseDir = isolatedCase('hang');
    cleanup.push(caseDir);
    const started = performance.now();
    const outcome = failureOf(readerFor(caseDir)(never));

    // The hung process exists while the reader waits (so the check below can see one)...
    let seen: number[] = [];
    let settled = false;
    const settle = () => {
      settled = true;
    };
    outcome.then(settle, settle);
    while (seen.length === 0 && !settled) seen = await processesMatching(caseDir);
    expect(seen).toHaveLength(1);

    const error = await outcome;
    const elapsed = performance.now() - started;
    expect(error.status).toBe('down');
    expect(error.message).toBe('nvidia-smi did not answer within 300 ms (driver busy or wedged)');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    // ...and is gone once the reader has given up.
    const leftover = await processesMatching(caseDir);
    for (const pid of leftover) process.kill(pid, 'SIGKILL'); // don't leave an hour-long sleep behind a failure
    expect(leftover).toEqual([]);
  });
});

describe('the GPU probe inside a Monitor', () => {
  async function entryFor(env: Readonly<Record<string, string | undefined>>) {
    const probe = gpuProbe(gpuReader(hostWithEnv(env), config), config);
    const monitor = new Monitor([{ id: 'gpu', probe }], { host: 'workstation', refreshMs: 1000 });
    const snapshot = await monitor.once();
    return { entry: snapshot.panes.gpu, status: snapshot.status };
  }

  it('shows each case with the status a user should see', async () => {
    const ok = await entryFor(fakeNvidiaSmiEnv('rtx4080-595'));
    expect(ok.entry).toMatchObject({ status: 'ok', summary: '63% 61°C 9.6/16.0 GiB', alerts: [] });
    expect(ok.entry.data?.gpus[0]?.powerDrawW).toBe(212.37);
    expect(ok.entry.ageMs).not.toBeNull();

    const hot = await entryFor(fakeNvidiaSmiEnv('hot-595'));
    expect(hot.entry).toMatchObject({ status: 'warn', alerts: [{ level: 'warn', message: 'GPU at 84 °C (warn ≥ 80)' }] });
    expect(hot.status).toBe('warn');

    const down = await entryFor(fakeNvidiaSmiEnv('driver-not-loaded'));
    expect(down.entry).toMatchObject({
      status: 'down',
      data: null,
      error: expect.stringContaining("couldn't communicate with the NVIDIA driver"),
    });
    expect(down.status).toBe('down');

    const off = await entryFor({ PATH: tempDir('homeops-empty-path-') });
    expect(off.entry).toMatchObject({ status: 'off', data: null, summary: 'nvidia-smi not found on local: no NVIDIA driver installed' });
    expect(off.status).toBe('off');
  });
});
