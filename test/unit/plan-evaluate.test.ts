import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Config, configSchema, type Plan, planSchema } from '../../src/config/schema.js';
import { validateDocument } from '../../src/config/user-file.js';
import { type Filesystem, formatCoreList, type HostReading, type NetInterface } from '../../src/model/cpu.js';
import { assignCores, evaluatePlan } from '../../src/plan/evaluate.js';
import { pushSample, type Sample } from '../../src/plan/sustained.js';
import { physicalCores } from '../../src/plan/topology.js';
import { type CpuRaw, parseCpu } from '../../src/probes/cpu/parse.js';

const root = new URL('../../', import.meta.url);
const config: Config = validateDocument('default.yaml', readFileSync(new URL('examples/estate.yaml', root), 'utf8'), configSchema);
const ignored = config.probes.cpu.ignoreFilesystems;
const GiB = 1024 ** 3;

function readFrames(path: string): CpuRaw[] {
  const parsed = JSON.parse(readFileSync(new URL(`fixtures/${path}`, root), 'utf8')) as CpuRaw | { frames: CpuRaw[] };
  return 'frames' in parsed ? parsed.frames : [parsed];
}

const evaluateFixture = (raw: CpuRaw, cfg: Config = config) =>
  evaluatePlan(cfg.plan, cfg.triggers, parseCpu(raw), [], 0, cfg.probes.cpu.ignoreFilesystems);

const planOf = (groups: unknown[]): Plan => planSchema.parse({ host: 'workstation', groups });

type HostOptions = {
  /** Load per physical core (both threads), or [first, second] thread loads. */
  cores?: (number | [number, number])[];
  memory?: { total: number; used: number };
  filesystems?: Filesystem[];
  network?: NetInterface[];
};

/** A 7950X-shaped reading: thread t and t+16 are core t. */
function workstation(options: HostOptions = {}): HostReading {
  const perCore = options.cores ?? Array.from({ length: 16 }, () => 30);
  const n = perCore.length;
  const loads = new Array<number>(2 * n).fill(0);
  perCore.forEach((value, core) => {
    const [a, b] = typeof value === 'number' ? [value, value] : value;
    loads[core] = a;
    loads[core + n] = b;
  });
  const threads = loads.map((loadPercent, id) => ({ id, loadPercent }));
  const siblings = Object.fromEntries(threads.map((t) => [String(t.id), `${t.id % n},${(t.id % n) + n}`]));
  const memory = options.memory ?? { total: 64 * GiB, used: 32 * GiB };
  return {
    threads,
    cores: physicalCores(
      threads.map((t) => t.id),
      siblings,
    ),
    memory: { totalBytes: memory.total, availableBytes: memory.total - memory.used, usedBytes: memory.used },
    filesystems: options.filesystems ?? [],
    network: options.network ?? [],
    loadAverage: null,
  };
}

const evaluate = (reading: HostReading, history: readonly Sample[] = [], now = 0) =>
  evaluatePlan(config.plan, config.triggers, reading, history, now, ignored);
const group = (view: ReturnType<typeof evaluate>, name: string) => {
  const found = view.groups.find((g) => g.name === name);
  if (!found) throw new Error(`no group ${name}`);
  return found;
};

describe('assignCores', () => {
  it("gives the default plan's groups consecutive cores in plan order", () => {
    expect(Object.fromEntries(assignCores(config.plan))).toEqual({
      system: [0, 1],
      database: [2, 3, 4, 5],
      core: [6, 7, 8, 9],
      specialized: [10, 11, 12, 13],
      burst: [14, 15],
    });
  });

  it('keeps the cores a group names and hands the others the lowest cores nobody named', () => {
    const plan = planOf([
      { name: 'system', cores: 2 },
      { name: 'database', cores: 2, coreIds: [0, 5] },
      { name: 'core', cores: 3 },
      { name: 'burst', cores: 1, coreIds: [2] },
    ]);
    expect(Object.fromEntries(assignCores(plan))).toEqual({
      system: [1, 3],
      database: [0, 5],
      core: [4, 6, 7],
      burst: [2],
    });
  });
});

describe('formatCoreList', () => {
  it('writes runs of cores as ranges', () => {
    expect(formatCoreList([6, 7, 8, 9])).toBe('6-9');
    expect(formatCoreList([5, 0, 1, 3])).toBe('0-1,3,5');
    expect(formatCoreList([])).toBe('–');
  });
});

describe("cores' worth per group", () => {
  it('counts a core whose two threads are both at 100 % as one core, and one busy thread of two as half', () => {
    const cores: (number | [number, number])[] = Array.from({ length: 16 }, () => 0);
    cores[6] = 100;
    cores[7] = [100, 0];
    const view = evaluate(workstation({ cores }));
    expect(view.cores[6]).toMatchObject({ core: 6, threads: [6, 22], used: 1, group: 'core' });
    expect(view.cores[7]?.used).toBe(0.5);
    expect(group(view, 'core').usedCores).toBe(1.5);
    expect(group(view, 'core').percent).toBeCloseTo(37.5);
  });

  it('reports each group against its own cores only', () => {
    const cores = Array.from({ length: 16 }, (_, core) => (core >= 2 && core <= 5 ? 60 : 20));
    const view = evaluate(workstation({ cores }));
    expect(group(view, 'database').usedCores).toBeCloseTo(2.4);
    expect(group(view, 'database').percent).toBeCloseTo(60);
    expect(group(view, 'system').percent).toBeCloseTo(20);
    expect(view.totalPercent).toBeCloseTo((4 * 60 + 12 * 20) / 16);
  });
});

describe('verdicts', () => {
  it('over above the CPU trigger, ok in between, under when the cores sit idle', () => {
    const cores = [50, 50, 90, 95, 92, 99, 30, 30, 30, 30, 5, 2, 1, 0, 40, 40];
    const view = evaluate(workstation({ cores }));
    expect(view.groups.map((g) => [g.name, g.verdict])).toEqual([
      ['system', 'ok'],
      ['database', 'over'],
      ['core', 'ok'],
      ['specialized', 'under'],
      ['burst', 'ok'],
    ]);
    expect(view.alerts).toEqual([{ level: 'warn', message: 'database uses 3.8 of 4 cores (over 80 % of plan)' }]);
  });

  it('a group exactly at the trigger is not over it', () => {
    const view = evaluate(workstation({ cores: Array.from({ length: 16 }, () => 80) }));
    expect(view.groups.every((g) => g.verdict === 'ok')).toBe(true);
    expect(view.alerts).toEqual([]);
  });

  it("a host with the plan's cores has no shortfall", () => {
    expect(evaluate(workstation()).shortfall).toBeNull();
  });
});

describe('a host smaller than the plan (2 cores, 2 threads)', () => {
  const view = evaluateFixture(readFrames('cpu/2core.json')[0] as CpuRaw);

  it('says how many cores the plan has and which groups cannot be measured', () => {
    expect(view.shortfall).toBe('plan has 16 cores, this host 2: database, core, specialized, burst not measurable here');
    expect(view.hostCores).toBe(2);
    expect(view.planCores).toBe(16);
    expect(view.planThreads).toBe(32);
  });

  it('still evaluates the group whose cores are there', () => {
    const system = group(view, 'system');
    expect(system.presentCoreIds).toEqual([0, 1]);
    expect(system.verdict).toBe('ok');
    expect(system.usedCores).toBeGreaterThan(0.3);
    expect(system.usedCores).toBeLessThan(0.5);
    expect(view.groups.filter((g) => g.verdict === 'absent').map((g) => g.name)).toEqual(['database', 'core', 'specialized', 'burst']);
    expect(view.alerts).toEqual([]);
  });

  it('names a group that is only partly there as such when none is wholly absent', () => {
    // 12 cores: burst (14-15) is absent, specialized (10-13) complete.
    const partial = evaluate(workstation({ cores: Array.from({ length: 12 }, () => 30) }));
    expect(partial.shortfall).toBe('plan has 16 cores, this host 12: burst not measurable here');
    // 15 cores: burst has one of its two cores.
    const oneShort = evaluate(workstation({ cores: Array.from({ length: 15 }, () => 30) }));
    expect(group(oneShort, 'burst').presentCoreIds).toEqual([14]);
    expect(oneShort.shortfall).toBe('plan has 16 cores, this host 15: some groups not measurable here');
  });
});

describe('capacity triggers', () => {
  const messages = (view: ReturnType<typeof evaluate>) => view.alerts.map((a) => a.message);

  it('memory: fires above 85 % used, not at it', () => {
    expect(messages(evaluate(workstation({ memory: { total: 100 * GiB, used: 86 * GiB } })))).toEqual([
      'memory 86 % used (trigger > 85 %)',
    ]);
    expect(messages(evaluate(workstation({ memory: { total: 100 * GiB, used: 85 * GiB } })))).toEqual([]);
  });

  it('storage: fires below 20 % free, and skips the filesystem types the config ignores', () => {
    const fs = (mount: string, fsType: string, freePercent: number): Filesystem => ({
      mount,
      device: 'x',
      fsType,
      sizeBytes: 1000 * GiB,
      usedBytes: (100 - freePercent) * 10 * GiB,
      availableBytes: freePercent * 10 * GiB,
    });
    const view = evaluate(
      workstation({
        filesystems: [
          fs('/', 'ext4', 15),
          fs('/mnt/c', '9p', 20),
          fs('/mnt/d', '9p', 19.5),
          fs('/var/lib/docker/overlay2/abc/merged', 'overlay', 5),
          fs('/run/user/1000', 'tmpfs', 1),
        ],
      }),
    );
    expect(ignored).toEqual(expect.arrayContaining(['overlay', 'tmpfs']));
    expect(messages(view)).toEqual(['/ 15 % free (trigger < 20 %)', '/mnt/d 20 % free (trigger < 20 %)']);
    // The same verdict the pane marks the disks with.
    expect(view.triggered.disks).toEqual(['/', '/mnt/d']);
  });

  it('network: fires when either direction passes 70 % of the link speed', () => {
    const net = (iface: string, rxMBps: number | null, txMBps: number | null, speedGbit: number | null): NetInterface => ({
      iface,
      rxBytesPerSec: rxMBps === null ? null : rxMBps * 1e6,
      txBytesPerSec: txMBps === null ? null : txMBps * 1e6,
      speedBitsPerSec: speedGbit === null ? null : speedGbit * 1e9,
    });
    const view = evaluate(
      workstation({
        network: [
          net('eth0', 100, 1000, 10), // 8 Gbit/s out of 10: 80 %
          net('eth1', 87.5, 0, 1), // exactly 70 % of 1 Gbit/s: not over
          net('veth1', 5000, 5000, null), // unknown speed: never judged
          net('eth2', null, null, 1), // no rate yet
        ],
      }),
    );
    expect(messages(view)).toEqual(['eth0 at 80 % of link speed (trigger > 70 %)']);
    expect(view.triggered.links).toEqual(['eth0']);
  });

  it('says what is past its trigger now: the CPU at once (its alert waits for the window), memory', () => {
    const busy = evaluate(workstation({ cores: Array.from({ length: 16 }, () => 90), memory: { total: 100 * GiB, used: 86 * GiB } }));
    expect(busy.triggered).toMatchObject({ cpu: true, memory: true });
    expect(messages(busy)).not.toContain(expect.stringContaining('CPU above'));
    const calm = evaluate(workstation({ cores: Array.from({ length: 16 }, () => 80), memory: { total: 100 * GiB, used: 85 * GiB } }));
    expect(calm.triggered).toEqual({ cpu: false, memory: false, disks: [], links: [] });
  });

  it('sustained CPU: fires only once the whole window has been above 80 %', () => {
    const reading = workstation({ cores: Array.from({ length: 16 }, () => 90) });
    const window = config.triggers.cpu.sustained;
    expect(window).toBe(300_000);
    let history: Sample[] = [];
    let firedAt: number | null = null;
    for (let at = 0; at <= window + 10_000; at += 2_000) {
      history = pushSample(history, { at, value: 90 }, window);
      const view = evaluate(reading, history, at);
      const sustained = view.alerts.filter((a) => a.message.includes('sustained'));
      if (sustained.length && firedAt === null) firedAt = at;
      if (at < window) {
        expect(sustained).toEqual([]);
        expect(view.sustained.aboveForMs).toBe(at);
      }
    }
    expect(firedAt).toBe(window);
    const last = evaluate(reading, history, window + 10_000);
    expect(last.alerts).toContainEqual({ level: 'warn', message: 'CPU above 80 % for 5 min (sustained trigger)' });
  });

  it('sustained CPU: a dip below the threshold starts the window again', () => {
    const window = config.triggers.cpu.sustained;
    let history: Sample[] = [];
    for (let at = 0; at <= window + 60_000; at += 2_000) {
      history = pushSample(history, { at, value: at === 120_000 ? 50 : 95 }, window);
    }
    const view = evaluate(workstation(), history, window + 60_000);
    expect(view.alerts.some((a) => a.message.includes('sustained'))).toBe(false);
    expect(view.sustained.aboveForMs).toBe(window + 60_000 - 122_000);
  });
});

describe('memory plan', () => {
  it("adds up the groups' memory and the reserved memory of the default plan", () => {
    const view = evaluate(workstation({ memory: { total: 64 * GiB, used: 16 * GiB } }));
    expect(view.memory.plannedBytes).toBe((8 + 12 + 20) * GiB);
    expect(view.memory.reservedBytes).toBe((4 + 8 + 8 + 4) * GiB);
    expect(view.memory.percent).toBe(25);
  });
});

describe('recorded 7950X samples against the default plan', () => {
  it('busy: the burst cores are over their plan, everything else inside it, no capacity trigger', () => {
    const view = evaluateFixture(readFrames('cpu/7950x-busy.json')[0] as CpuRaw);
    expect(view.hostCores).toBe(16);
    expect(view.hostThreads).toBe(32);
    expect(view.shortfall).toBeNull();
    expect(view.groups.map((g) => [g.name, g.verdict])).toEqual([
      ['system', 'ok'],
      ['database', 'ok'],
      ['core', 'ok'],
      ['specialized', 'ok'],
      ['burst', 'over'],
    ]);
    expect(view.alerts.map((a) => a.message)).toEqual([expect.stringMatching(/^burst uses 1\.9 of 2 cores/)]);
  });

  it('idle: every group under its plan, no alert', () => {
    const view = evaluateFixture(readFrames('cpu/7950x-idle.json')[0] as CpuRaw);
    expect(view.groups.every((g) => g.verdict === 'under')).toBe(true);
    expect(view.alerts).toEqual([]);
    expect(view.memory.percent).toBeLessThan(40);
  });

  it.each(readFrames('scenarios/healthy/cpu.json').map((raw, index) => [index, raw] as const))(
    'healthy scenario frame %i: every group ok, no trigger',
    (_, raw) => {
      const view = evaluateFixture(raw);
      expect(view.shortfall).toBeNull();
      expect(view.groups.map((g) => g.verdict)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(view.alerts).toEqual([]);
    },
  );

  it.each(readFrames('scenarios/gpu-hot/cpu.json').map((raw, index) => [index, raw] as const))(
    'gpu-hot scenario frame %i: only the core group (cores 6-9) is over, memory below its trigger',
    (_, raw) => {
      const view = evaluateFixture(raw);
      const core = group(view, 'core');
      expect(core.coreIds).toEqual([6, 7, 8, 9]);
      expect(view.cores.filter((c) => c.group === 'core').flatMap((c) => c.threads)).toEqual([6, 22, 7, 23, 8, 24, 9, 25]);
      expect(core.percent).toBeGreaterThanOrEqual(90);
      expect(view.groups.filter((g) => g.verdict === 'over').map((g) => g.name)).toEqual(['core']);
      expect(view.groups.filter((g) => g.name !== 'core').every((g) => g.verdict === 'ok')).toBe(true);
      expect(view.memory.percent).toBeLessThan(config.triggers.memory.percent);
      expect(view.alerts.map((a) => a.message)).toEqual([expect.stringMatching(/^core uses 3\.\d of 4 cores \(over 80 % of plan\)$/)]);
    },
  );

  it("scenario frames follow each other: each frame's previous network reading is the one before it, 2 s earlier", () => {
    for (const name of ['healthy', 'gpu-hot']) {
      const frames = readFrames(`scenarios/${name}/cpu.json`);
      expect(frames.length).toBeGreaterThanOrEqual(3);
      expect(frames.length).toBeLessThanOrEqual(5);
      frames.forEach((frame, index) => {
        expect(frame.netDev.previous).not.toBeNull();
        expect(frame.netDev.current.atMs - (frame.netDev.previous?.atMs ?? 0)).toBe(2000);
        if (index > 0) expect(frame.netDev.previous).toEqual(frames[index - 1]?.netDev.current);
      });
    }
  });
});
