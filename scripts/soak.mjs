// npm run bench -- --soak MINUTES [--soak-mode demo|live|both] [--json FILE] [--node-options OPTS]
//
// Hours, not minutes: the console left open in tmux (120x40), as on a monitor all day. Samples
// the console's resident memory and CPU once a minute for MINUTES (default 30), in the demo
// (--demo healthy) and live (this machine's CPU pane and the test Docker engine's containers,
// loopback only), and reports each minute and the growth: RSS after the first 5 minutes against
// the end (goal: under 2 MB in all), and the least-squares slope per hour. The two runs go side
// by side, each in its own private tmux server. Method and figures: docs/performance.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const COLS = 120;
const ROWS = 40;
const SETTLE_MINUTES = 5;
const GOAL_GROWTH_MB = 2;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const TICK = 100; // clock ticks per second (USER_HZ) on Linux

function procStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ticks: Number(fields[11]) + Number(fields[12]) };
}

function rssKB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

function alive(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The test engine's socket (scripts/services.sh), or null. */
function engineSocket() {
  const host = process.env.DOCKER_HOST ?? `unix://${process.env.HOMEOPS_SVC_DIR ?? '/tmp/homeops-svc'}/docker/docker.sock`;
  const path = host.replace(/^unix:\/\//, '');
  return host.startsWith('unix://') && existsSync(path) ? path : null;
}

function liveConfig(dir, socket) {
  const file = join(dir, 'soak.yaml');
  writeFileSync(
    file,
    [
      'refresh: 2s',
      'profile: local',
      'hosts:',
      '  workstation: { address: 127.0.0.1, local: true }',
      'plan:',
      '  host: workstation',
      '  groups: [{ name: system, cores: 1, memory: 1GiB }]',
      'probes:',
      '  gpu: { enabled: false }',
      ...(socket
        ? ['docker:', `  endpoints: [{ host: workstation, socket: "unix://${socket}" }]`, '  interval: 2s', '  statsInterval: 2s']
        : []),
      '',
    ].join('\n'),
  );
  return file;
}

/** The console's own last word on its memory (HOMEOPS_PROFILE writes it once a minute), in MB. */
function lastMemory(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{"memory"')) continue;
    const m = JSON.parse(lines[i]).memory;
    const mb = (n) => n / 1024 / 1024;
    return { heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers) };
  }
  return null;
}

async function soakOne(name, argv, minutes, env) {
  const socket = `/tmp/homeops-soak-${process.pid}-${name}.sock`;
  const profile = `/tmp/homeops-soak-${process.pid}-${name}.jsonl`;
  rmSync(profile, { force: true });
  const tmux = (...args) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });
  tmux(
    'new-session',
    '-d',
    '-s',
    'soak',
    '-x',
    String(COLS),
    '-y',
    String(ROWS),
    '--',
    'env',
    '-u',
    'CI',
    `HOMEOPS_PROFILE=${profile}`,
    ...argv,
  );
  tmux('set-option', '-g', 'status', 'off');
  const pid = Number(tmux('display-message', '-p', '-t', 'soak', '#{pane_pid}').trim());
  const samples = [];
  try {
    await sleep(5_000);
    let last = { at: performance.now(), ticks: procStat(pid).ticks };
    for (let minute = 1; minute <= minutes; minute++) {
      await sleep(60_000);
      if (!alive(pid))
        throw new Error(`${name}: the console exited after ${minute - 1} minutes:\n${tmux('capture-pane', '-p', '-t', 'soak')}`);
      const now = { at: performance.now(), ticks: procStat(pid).ticks };
      const cpu = ((now.ticks - last.ticks) / TICK / ((now.at - last.at) / 1000)) * 100;
      last = now;
      const heap = lastMemory(profile);
      samples.push({ minute, rssMB: rssKB(pid) / 1024, cpuPercent: cpu, ...(heap ?? {}) });
      const inside = heap
        ? ` (V8 heap ${heap.heapUsedMB.toFixed(1)} used of ${heap.heapTotalMB.toFixed(1)} MB, outside it ${heap.externalMB.toFixed(1)} MB)`
        : '';
      process.stderr.write(`  ${name} minute ${minute}: RSS ${(rssKB(pid) / 1024).toFixed(1)} MB${inside}, CPU ${cpu.toFixed(2)} %\n`);
    }
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // gone
    }
    rmSync(socket, { force: true });
    rmSync(profile, { force: true });
  }
  const after = samples.filter((s) => s.minute >= SETTLE_MINUTES);
  const growth = after.length ? after.at(-1).rssMB - after[0].rssMB : 0;
  return {
    name,
    minutes,
    samples,
    rssAtSettleMB: after[0]?.rssMB ?? null,
    rssEndMB: samples.at(-1)?.rssMB ?? null,
    rssPeakMB: Math.max(...samples.map((s) => s.rssMB)),
    growthAfterSettleMB: growth,
    slopeMBPerHour:
      slope(
        after.map((s) => s.minute),
        after.map((s) => s.rssMB),
      ) * 60,
    cpuMeanPercent: samples.reduce((a, s) => a + s.cpuPercent, 0) / Math.max(1, samples.length),
    cpuSlopePerHour:
      slope(
        after.map((s) => s.minute),
        after.map((s) => s.cpuPercent),
      ) * 60,
    heapUsedGrowthMB: after.length && after[0].heapUsedMB !== undefined ? after.at(-1).heapUsedMB - after[0].heapUsedMB : null,
    heapTotalGrowthMB: after.length && after[0].heapTotalMB !== undefined ? after.at(-1).heapTotalMB - after[0].heapTotalMB : null,
    goalMet: growth < GOAL_GROWTH_MB,
  };
}

export async function soak({ root, minutes, mode, json, nodeOptions }) {
  const cli = join(root, 'dist', 'cli.js');
  // As a user starts it (the launcher picks the options), or with exactly the options given.
  const start = (args) =>
    nodeOptions === undefined ? [cli, ...args] : [process.execPath, ...nodeOptions.split(/\s+/).filter(Boolean), cli, ...args];
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  delete env.TMUX;
  const dir = mkdtempSync(join(tmpdir(), 'homeops-soak-'));
  // Its own state and cache, so that nothing of the operator's is touched.
  Object.assign(env, {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CACHE_HOME: join(dir, 'cache'),
  });
  delete env.HOMEOPS_CONFIG;
  const runs = [];
  if (mode === 'demo' || mode === 'both') runs.push(['demo', start(['--demo', 'healthy'])]);
  if (mode === 'live' || mode === 'both') {
    const socket = engineSocket();
    if (!socket)
      process.stderr.write("soak: no test Docker engine (scripts/services.sh up): the live run shows this machine's CPU pane only\n");
    runs.push(['live', start(['--config', liveConfig(dir, socket)])]);
  }
  process.stderr.write(`soak: ${runs.map((r) => r[0]).join(' and ')} for ${minutes} minutes each, side by side; a sample a minute\n`);
  try {
    const results = await Promise.all(runs.map(([name, argv]) => soakOne(name, argv, minutes, env)));
    for (const r of results) {
      process.stdout.write(
        `${r.name}: ${r.minutes} min · RSS ${r.rssAtSettleMB?.toFixed(1)} MB at ${SETTLE_MINUTES} min → ${r.rssEndMB?.toFixed(1)} MB at the end ` +
          `(growth ${r.growthAfterSettleMB.toFixed(2)} MB, goal < ${GOAL_GROWTH_MB} MB: ${r.goalMet ? 'met' : 'MISSED'}) · slope ${r.slopeMBPerHour.toFixed(2)} MB/h · ` +
          `peak ${r.rssPeakMB.toFixed(1)} MB · V8 heap used ${r.heapUsedGrowthMB === null ? '?' : `${r.heapUsedGrowthMB >= 0 ? '+' : ''}${r.heapUsedGrowthMB.toFixed(2)}`} MB, ` +
          `its size ${r.heapTotalGrowthMB === null ? '?' : `${r.heapTotalGrowthMB >= 0 ? '+' : ''}${r.heapTotalGrowthMB.toFixed(2)}`} MB · CPU ${r.cpuMeanPercent.toFixed(2)} % (slope ${r.cpuSlopePerHour.toFixed(3)} %/h)\n`,
      );
    }
    if (json) writeFileSync(json, `${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
    return results.every((r) => r.goalMet) ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
