#!/usr/bin/env node
// npm run bench [-- --seconds N --warmup N --only homeops|htop|btop|containers --json FILE --first-frame REGEX --starts N
//                   --skip-containers]
// npm run bench -- --soak MINUTES [--soak-mode demo|live|both]   (the soak: scripts/soak.mjs)
//
// Runs the built console (`node dist/cli.js --demo healthy`), `htop -d 20` and `btop` (update_ms
// 2000) one after the other in a private tmux server at 120x40, the same way the end-to-end tests
// do, and measures each: time to first frame, CPU (own, and own + children) averaged over
// --seconds after --warmup, peak and final RSS, bytes written to the terminal per minute, and,
// for the console, each pane's render time from HOMEOPS_PROFILE. Method: docs/performance.md.
//
// Containers: the time to build the containers pane's frame for 200 containers (in-process,
// through the pane function), and the console's CPU with 50 real containers shown: 50 busybox
// containers on the test engine (scripts/services.sh up), the console against that engine for
// the same window, with the engine's own extra CPU (dockerd, containerd, the containers' shims)
// beside it. --skip-containers leaves the engine run out.
//
// The watcher: `homeops watch --demo healthy` measured like the console (CPU, RSS) beside it; and
// its database's growth per day (scripts/store-growth.ts: the history step fed the demo's
// Snapshot for 9 simulated days into a real SQLite file).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.bench'); // raw files of the last run (git-ignored)
const COLS = 120;
const ROWS = 40;
// The goals on the runtime users have (Node 24): docs/performance.md. A first start (no cached
// setup) may take longer to its first frame; everything else is the same cold or warm.
const GOALS = { cpuPercent: 0.3, rssMB: 72, firstFrameMs: 200, firstFrameColdMs: 250, tmuxBytesPerMinute: 50_000 };

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    only: { type: 'string' },
    json: { type: 'string' },
    'first-frame': { type: 'string', default: 'refresh' },
    starts: { type: 'string', default: '5' },
    'skip-containers': { type: 'boolean', default: false },
    containers: { type: 'string', default: '200' },
    keys: { type: 'string', default: '80' },
    'node-options': { type: 'string' },
    soak: { type: 'string' },
    'soak-mode': { type: 'string', default: 'both' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  process.stdout.write(`usage: npm run bench -- [--seconds N] [--warmup N] [--only homeops|htop|btop|containers] [--json FILE]
                        [--first-frame REGEX] [--starts N] [--skip-containers] [--containers N]
  --seconds N          measure CPU, RSS and output over N seconds (default 60)
  --warmup N           after a warm-up of N seconds (default 10)
  --only NAME          measure only homeops (its views and the watcher), homeops-watch (the watcher
                       and its store), htop, btop, store (the database's growth) or the containers figures
  --json FILE          also write the figures as JSON
  --first-frame REGEX  what on screen means the console's first frame (default: refresh, in its status bar)
  --starts N           starts for the first-frame median (default 5; the last one is measured on)
  --skip-containers    leave out the run against real containers (it needs the test Docker engine:
                       scripts/services.sh up, or DOCKER_HOST naming a unix socket)
  --containers N       containers started for that run (default 200)
  --keys N             keys pressed in that run after the CPU window, for the key latency (default 80)
  --node-options OPTS  run the console as \`node OPTS dist/cli.js\` (OPTS may be "") instead of through
                       its launcher, which picks the options for the runtime (scripts/node-flags.mjs)
  --soak MINUTES       only the soak: the console left open MINUTES (e.g. 30), its RSS and CPU sampled
                       each minute, demo and live side by side; the growth after 5 minutes (goal < 2 MB)
  --soak-mode MODE     demo, live or both (default both)
`);
  process.exit(0);
}
if (opts.soak !== undefined) {
  const minutes = Number(opts.soak);
  if (!(minutes >= 6)) fail('--soak takes minutes, at least 6 (the first 5 are the settling time)');
  if (!['demo', 'live', 'both'].includes(opts['soak-mode'])) fail('--soak-mode takes demo, live or both');
  const { soak } = await import('./soak.mjs');
  process.exit(await soak({ root, minutes, mode: opts['soak-mode'], json: opts.json, nodeOptions: opts['node-options'] }));
}
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const starts = Math.max(1, Math.floor(Number(opts.starts)));
if (!(seconds > 0) || !(warmup >= 0) || !Number.isFinite(starts)) fail('--seconds, --warmup and --starts take numbers');

// The console as a user starts it: the binary, whose launcher runs the `node` found on PATH (the
// one running the bench) with the options for its version; or with --node-options, node with
// exactly those options.
const cli = join(root, 'dist', 'cli.js');
function consoleCommand(args) {
  if (opts['node-options'] !== undefined) return [process.execPath, ...opts['node-options'].split(/\s+/).filter(Boolean), cli, ...args];
  return [`PATH=${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, cli, ...args];
}

const targets = [
  {
    // Warm: the setup cache filled beforehand, as on every start after the first.
    name: 'homeops',
    console: true,
    cache: 'warm',
    label: 'homeops --demo healthy',
    command: consoleCommand(['--demo', 'healthy']),
    firstFrame: new RegExp(opts['first-frame']),
    needs: 'npm run build',
  },
  {
    // Cold: every start with an empty setup cache, as the first start after an install, an
    // upgrade or a change to a config file: the files are read and validated.
    name: 'homeops-cold',
    console: true,
    cache: 'cold',
    label: 'homeops, first start',
    command: consoleCommand(['--demo', 'healthy']),
    firstFrame: new RegExp(opts['first-frame']),
    needs: 'npm run build',
  },
  {
    // The same console in the tmux view (a pane left open all day, or a laptop over a slow
    // link): what matters there is the bytes written to the terminal.
    name: 'homeops-tmux',
    console: true,
    cache: 'warm',
    label: 'homeops --view tmux',
    command: consoleCommand(['--demo', 'healthy', '--view', 'tmux']),
    firstFrame: new RegExp(opts['first-frame']),
    needs: 'npm run build',
  },
  {
    // The watcher as a service runs it: no screen, the same monitor, writing its store (a
    // private state directory) and a line per event.
    name: 'homeops-watch',
    label: 'homeops watch',
    command: consoleCommand(['watch', '--demo', 'healthy']),
    firstFrame: /watch started/,
    starts: 1,
    state: true,
    needs: 'npm run build',
  },
  { name: 'htop', label: 'htop -d 20', command: ['htop', '-d', '20'], firstFrame: /F10Quit/, needs: 'apt-get install -y htop' },
  { name: 'btop', label: 'btop (update_ms 2000)', command: ['btop'], firstFrame: /¹cpu/, needs: 'apt-get install -y btop' },
].filter((t) => !opts.only || t.name === opts.only || (opts.only === 'homeops' && t.name.startsWith('homeops-')));
const containersWanted = !opts.only || opts.only === 'containers';
const storeWanted = !opts.only || opts.only === 'store' || opts.only === 'homeops-watch';
if (targets.length === 0 && !containersWanted && !storeWanted)
  fail(`--only: "${opts.only}" is not one of homeops, homeops-watch, htop, btop, containers, store`);
const benchContainers = Math.floor(Number(opts.containers));
const benchKeys = Math.floor(Number(opts.keys));
if (!(benchKeys >= 0)) fail('--keys takes a number');
if (!(benchContainers >= 1 && benchContainers <= 500)) fail('--containers takes a number from 1 to 500');

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const have = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// ------------------------------------------------------------------ /proc
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return {
      pid,
      state: f[0],
      ppid: Number(f[1]),
      utime: Number(f[11]),
      stime: Number(f[12]),
      cutime: Number(f[13]),
      cstime: Number(f[14]),
    };
  } catch {
    return null;
  }
}

function statusKB(pid, key) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const alive = (pid) => {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
};

function descendants(pid) {
  const all = [];
  for (const name of readdirSync('/proc'))
    if (/^\d+$/.test(name)) {
      const s = stat(Number(name));
      if (s) all.push(s);
    }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const s of all)
      if (s.ppid === parent) {
        out.push(s);
        queue.push(s.pid);
      }
  }
  return out;
}

/**
 * CPU ticks of the program: `own` = its utime+stime; `all` adds its reaped children (cutime+cstime)
 * and every descendant still there (zombies included) with their own reaped children, so that a
 * child that exits during the window is neither lost nor counted twice.
 */
function ticks(pid) {
  const s = stat(pid);
  if (!s) return null;
  let all = s.utime + s.stime + s.cutime + s.cstime;
  for (const d of descendants(pid)) all += d.utime + d.stime + d.cutime + d.cstime;
  return { own: s.utime + s.stime, all, at: performance.now() };
}

// ------------------------------------------------------------------ tmux
class Pane {
  constructor(name, env) {
    this.socket = `/tmp/homeops-bench-${process.pid}-${name}.sock`;
    this.env = env;
  }
  tmux(...args) {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { env: this.env, encoding: 'utf8' });
  }
  open(outputFile) {
    // A placeholder until the program is spawned into the pane with respawn-pane.
    this.tmux('new-session', '-d', '-s', 'bench', '-x', String(COLS), '-y', String(ROWS), '--', 'sleep', '86400');
    this.tmux('set-option', '-g', 'status', 'off', ';', 'set-option', '-gw', 'remain-on-exit', 'on');
    this.serverPid = Number(this.tmux('display-message', '-p', '-t', 'bench', '#{pid}').trim());
    // Every byte the program writes to its terminal, as tmux reads it (survives respawn-pane).
    this.tmux('pipe-pane', '-o', '-t', 'bench', `cat >> '${outputFile}'`);
  }
  /** Replaces the pane's process with `argv`; returns the time just before (the spawn). */
  spawn(argv) {
    const started = performance.now();
    const startedEpoch = Date.now();
    this.tmux('respawn-pane', '-k', '-t', 'bench', '--', 'env', '-u', 'CI', ...argv);
    const pid = Number(this.tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
    return { started, startedEpoch, pid };
  }
  capture() {
    return this.tmux('capture-pane', '-p', '-t', 'bench');
  }
  size() {
    return this.tmux('display-message', '-p', '-t', 'bench', '#{pane_width}x#{pane_height}').trim();
  }
  async close() {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    for (let i = 0; i < 250 && this.serverPid && alive(this.serverPid); i++) await sleep(20);
    rmSync(this.socket, { force: true });
  }
}

async function stopProgram(pid) {
  if (!alive(pid)) return;
  const tree = [pid, ...descendants(pid).map((d) => d.pid)];
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 150 && alive(pid); i++) await sleep(20);
  for (const p of tree) if (alive(p)) process.kill(p, 'SIGKILL');
  for (let i = 0; i < 100 && tree.some(alive); i++) await sleep(20);
}

/**
 * Polls for the first frame cheaply: a capture-pane (a tmux client process) only when the pane's
 * output file has grown, so that the polling itself does not compete with the starting program.
 */
async function waitForFrame(pane, regex, started, pid, outputFile, timeoutMs = 15_000) {
  let seen = -1;
  let screen = '';
  for (;;) {
    const now = size(outputFile);
    if (now !== seen) {
      seen = now;
      screen = pane.capture();
      if (regex.test(screen)) return performance.now() - started;
    }
    if (performance.now() - started > timeoutMs || !alive(pid)) {
      throw new Error(`no first frame matching ${regex} after ${Math.round(performance.now() - started)} ms; screen:\n${screen}`);
    }
    await sleep(1);
  }
}

// ------------------------------------------------------------------ figures
function stats(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  return { n: values.length, mean: values.reduce((a, b) => a + b, 0) / values.length, p95, max: sorted[sorted.length - 1] };
}
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function profileStats(file, fromByte) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const byPane = { window: new Map(), all: new Map() };
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry?.pane !== 'string' || typeof entry?.ms !== 'number') continue;
    for (const [key, map] of Object.entries(byPane)) {
      if (key === 'window' && lineStart < fromByte) continue;
      if (!map.has(entry.pane)) map.set(entry.pane, []);
      map.get(entry.pane).push(entry.ms);
    }
  }
  const out = {};
  for (const [key, map] of Object.entries(byPane)) out[key] = Object.fromEntries([...map].map(([pane, ms]) => [pane, stats(ms)]));
  return Object.keys(out.all).length ? out : null;
}

const size = (file) => (existsSync(file) ? statSync(file).size : 0);

async function measure(target) {
  const env = { ...process.env, LANG: process.env.LANG || 'C.UTF-8' };
  for (const name of Object.keys(env))
    if (name === 'CI' || name.startsWith('CI_') || name === 'TMUX' || name === 'TMUX_PANE') delete env[name];
  const output = join(work, `${target.name}.terminal`);
  const profile = join(work, `${target.name}.profile.jsonl`);
  const firstFrameFile = join(work, `${target.name}.first-frame`);
  for (const f of [output, profile, firstFrameFile]) rmSync(f, { force: true });
  const extraEnv = [];
  if (target.console) extraEnv.push(`HOMEOPS_PROFILE=${profile}`, `HOMEOPS_FIRST_FRAME_FILE=${firstFrameFile}`);
  if (target.state) {
    const state = join(work, `${target.name}.state`);
    rmSync(state, { recursive: true, force: true });
    mkdirSync(state, { recursive: true, mode: 0o700 });
    extraEnv.push(`XDG_STATE_HOME=${state}`, `XDG_CACHE_HOME=${join(work, `${target.name}.cache`)}`);
  }
  if (target.name === 'btop') {
    const config = join(work, 'btop-config');
    mkdirSync(join(config, 'btop'), { recursive: true });
    writeFileSync(join(config, 'btop', 'btop.conf'), 'update_ms = 2000\n');
    extraEnv.push(`XDG_CONFIG_HOME=${config}`);
  }

  const pane = new Pane(target.name, env);
  pane.open(output);
  const log = (msg) => process.stderr.write(`  ${target.name}: ${msg}\n`);
  try {
    if (pane.size() !== `${COLS}x${ROWS}`) throw new Error(`pane is ${pane.size()}, not ${COLS}x${ROWS}`);
    const firstFrames = [];
    let run;
    let selfReported = null;
    const startsHere = target.starts ?? starts;
    // The setup cache: a private one, filled before the first start (warm), or a new empty
    // one for each start (cold).
    const cacheRoot = join(work, `${target.name}.cache`);
    rmSync(cacheRoot, { recursive: true, force: true });
    if (target.cache === 'warm') {
      // `status` with the same arguments fills the cache the console then starts from.
      const args = target.command.slice(target.command.indexOf(cli) + 1);
      try {
        execFileSync(process.execPath, [cli, 'status', ...args], {
          env: { ...env, XDG_CACHE_HOME: join(cacheRoot, 'warm') },
          stdio: 'ignore',
          timeout: 60_000,
        });
      } catch {
        // status exits 1–3 for a warning or worse; the cache is written all the same
      }
    }
    const cacheEnv = (i) =>
      target.cache === 'warm'
        ? [`XDG_CACHE_HOME=${join(cacheRoot, 'warm')}`]
        : target.cache === 'cold'
          ? [`XDG_CACHE_HOME=${join(cacheRoot, `cold-${i}`)}`]
          : [];
    for (let i = 0; i < startsHere; i++) {
      if (run) await stopProgram(run.pid);
      rmSync(firstFrameFile, { force: true });
      const outputBefore = size(output);
      run = pane.spawn([...extraEnv, ...cacheEnv(i), ...target.command]);
      const ms = await waitForFrame(pane, target.firstFrame, run.started, run.pid, output);
      firstFrames.push(ms);
      run.bytesToFirstFrame = size(output) - outputBefore;
      log(`first frame ${ms.toFixed(0)} ms (start ${i + 1}/${startsHere})`);
    }
    // The console's own note of when it wrote its first frame (epoch ms), if it keeps one.
    for (let i = 0; i < 50 && !existsSync(firstFrameFile) && target.console; i++) await sleep(10);
    if (existsSync(firstFrameFile)) {
      const at = Number(readFileSync(firstFrameFile, 'utf8').trim());
      if (Number.isFinite(at) && at > 0) selfReported = at - run.startedEpoch;
    }
    const pid = run.pid;
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

    log(`pid ${pid} (${comm}); warm-up ${warmup} s`);
    await sleep(warmup * 1000);
    if (!alive(pid)) throw new Error('the program exited during the warm-up');
    const a = ticks(pid);
    target.window?.begin();
    const bytesA = size(output);
    const profileA = size(profile);
    const rssSamples = [];
    const perSecond = [];
    let prev = a;
    log(`measuring ${seconds} s`);
    const end = a.at + seconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - performance.now())));
      const t = ticks(pid);
      if (!t) throw new Error('the program exited during the measurement');
      perSecond.push(((t.all - prev.all) / CLK_TCK / ((t.at - prev.at) / 1000)) * 100);
      prev = t;
      const rss = statusKB(pid, 'VmRSS');
      if (rss !== null) rssSamples.push(rss);
    }
    const b = prev;
    target.window?.end();
    const keys = target.afterWindow ? await target.afterWindow(pane, pid, output) : null;
    const wall = (b.at - a.at) / 1000;
    const bytes = size(output) - bytesA;
    const result = {
      label: target.label,
      pid,
      comm,
      firstFrameMs: { median: median(firstFrames), all: firstFrames.map((v) => Number(v.toFixed(1))), selfReported },
      bytesToFirstFrame: run.bytesToFirstFrame,
      seconds: wall,
      cpuPercent: {
        own: ((b.own - a.own) / CLK_TCK / wall) * 100,
        withChildren: ((b.all - a.all) / CLK_TCK / wall) * 100,
        maxOneSecond: Math.max(...perSecond),
      },
      rssMB: {
        peak: ((statusKB(pid, 'VmHWM') ?? 0) / 1000) * 1.024,
        end: ((statusKB(pid, 'VmRSS') ?? 0) / 1000) * 1.024,
        meanDuringWindow: rssSamples.length ? (rssSamples.reduce((x, y) => x + y, 0) / rssSamples.length / 1000) * 1.024 : null,
      },
      terminalBytesPerMinute: (bytes / wall) * 60,
      render: target.console ? profileStats(profile, profileA) : null,
      keys,
    };
    await stopProgram(pid);
    return result;
  } finally {
    await pane.close();
  }
}

// ------------------------------------------------------------------ report
const fmt = {
  ms: (v) => (v == null ? '–' : `${v.toFixed(0)} ms`),
  pct: (v) => (v == null ? '–' : `${v.toFixed(2)} %`),
  mb: (v) => (v == null ? '–' : `${v.toFixed(1)} MB`),
  rate: (v) => (v == null ? '–' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB/min` : `${(v / 1e3).toFixed(1)} kB/min`),
};
const ratio = (x, y) => (x == null || y == null ? '–' : y === 0 ? (x === 0 ? '1.0×' : '∞') : `${(x / y).toFixed(x / y >= 10 ? 0 : 1)}×`);
const goal = (v, limit, unit) => (v == null ? '' : `${v <= limit ? '✓' : '✗'} goal ≤ ${limit} ${unit}`);

/** The goal judged on the console warm and, when it was measured, on its first start (cold). */
function goalBoth(warm, cold, [limit, unit, coldLimit = limit]) {
  const text = goal(warm, limit, unit);
  if (cold == null) return text;
  return `${text}; first start ${cold <= coldLimit ? '✓' : '✗'}${coldLimit !== limit ? ` (≤ ${coldLimit} ${unit})` : ''}`;
}

function printTable(results) {
  const names = Object.keys(results);
  const rows = [
    ['first frame (median)', (r) => r.firstFrameMs.median, fmt.ms, [GOALS.firstFrameMs, 'ms', GOALS.firstFrameColdMs]],
    ['CPU, own', (r) => r.cpuPercent.own, fmt.pct, [GOALS.cpuPercent, '%']],
    ['CPU, own + children', (r) => r.cpuPercent.withChildren, fmt.pct, null],
    ['CPU, busiest second', (r) => r.cpuPercent.maxOneSecond, fmt.pct, null],
    ['RSS, peak (VmHWM)', (r) => r.rssMB.peak, fmt.mb, [GOALS.rssMB, 'MB']],
    ['RSS, at the end', (r) => r.rssMB.end, fmt.mb, null],
    ['terminal output', (r) => r.terminalBytesPerMinute, fmt.rate, null],
  ];
  const ratioCols = results.homeops ? names.filter((n) => !n.startsWith('homeops')) : [];
  const header = [
    '',
    ...names.map((n) => results[n].label),
    ...ratioCols.map((n) => `homeops/${n}`),
    results.homeops ? 'homeops goal' : '',
  ];
  const body = rows.map(([title, get, f, g]) => [
    title,
    ...names.map((n) => f(get(results[n]))),
    ...ratioCols.map((n) => ratio(get(results.homeops), get(results[n]))),
    results.homeops && g ? goalBoth(get(results.homeops), results['homeops-cold'] ? get(results['homeops-cold']) : null, g) : '',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => [...r[i]].length)));
  const line = (r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n`);

  const t = results['homeops-tmux'];
  if (t)
    process.stdout.write(
      `\nterminal output of the tmux view at ${COLS}x${ROWS}: ${fmt.rate(t.terminalBytesPerMinute)} ${goal(t.terminalBytesPerMinute / 1000, GOALS.tmuxBytesPerMinute / 1000, 'kB/min')}\n`,
    );
  const h = results.homeops;
  if (h?.firstFrameMs.selfReported != null)
    process.stdout.write(`\nhomeops first frame as the console reports it: ${fmt.ms(h.firstFrameMs.selfReported)}\n`);
  if (h?.render) {
    process.stdout.write(`\nhomeops render times during the ${seconds} s window (HOMEOPS_PROFILE), ms:\n`);
    const panes = Object.keys(h.render.all);
    const rr = panes.map((p) => {
      const w = h.render.window[p];
      const all = h.render.all[p];
      return [
        p,
        String(w?.n ?? 0),
        w ? w.mean.toFixed(2) : '–',
        w ? w.p95.toFixed(2) : '–',
        w ? w.max.toFixed(2) : '–',
        all.max.toFixed(2),
      ];
    });
    const hdr = ['pane', 'n', 'mean', 'p95', 'max', 'max incl. start'];
    const wd = hdr.map((_, i) => Math.max(...[hdr, ...rr].map((r) => r[i].length)));
    const ln = (r) => r.map((c, i) => (i === 0 ? c.padEnd(wd[i]) : c.padStart(wd[i]))).join('  ');
    process.stdout.write(`${ln(hdr)}\n${rr.map(ln).join('\n')}\n`);
  } else if (h) {
    process.stdout.write('\nhomeops wrote no render timings (HOMEOPS_PROFILE)\n');
  }
}

// ------------------------------------------------------------------ containers
// (a) The containers pane's frame for 200 containers, built in-process through the pane function
// and the frame (what HOMEOPS_PROFILE times per pane in the console), cold and warm, at the pane
// sizes of the 200x60, 120x40 and 80x24 layouts. (b) The console against a real engine with
// `benchContainers` idle busybox containers, and what the engine itself spends meanwhile.
const CONTAINER_GOALS = { frameMs: 15, cpuPercent: 1, rssMB: 85, keyP99Ms: 50 };
const BENCH_LABEL = 'homeops.bench';
const BENCH_IMAGE = process.env.HOMEOPS_TEST_DOCKER_IMAGE || 'local/busybox:latest';

const RENDER_SCRIPT = `
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
const root = process.argv[2];
const src = (p) => import(pathToFileURL(join(root, 'src', p)).href);
const { loadConfig } = await src('config/load.ts');
const { containersPane } = await src('ui/panes/containers.ts');
const { INITIAL_CONTAINERS_VIEW, moveSelection, visibleContainers } = await src('ui/panes/containers-view.ts');
const { frameLines } = await src('ui/frame.ts');
const { config } = loadConfig(undefined, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' }, '/', { demo: true });
const N = 200;
const GROUPS = ['database', 'core', 'specialized', 'burst', 'unplanned'];
const NETS = [['homeops_default'], ['homeops_internal'], ['homeops_default', 'homeops_external'], []];
const GiB = 2 ** 30;
function reading(tick) {
  const containers = [];
  for (let i = 0; i < N; i++) {
    const running = i % 23 !== 7;
    const unhealthy = i % 29 === 3;
    containers.push({
      host: 'workstation', id: String(i).padStart(64, 'a'), shortId: String(i).padStart(12, 'a'),
      name: i % 10 === 0 ? 'homeops-' + GROUPS[i % 5] + '-worker-' + i : 'svc-' + i,
      image: 'ghcr.io/example/svc-' + (i % 17) + ':1.' + (i % 5), composeProject: 'homeops', composeService: 'svc-' + i,
      group: GROUPS[i % 5], groupBy: i % 5 === 4 ? null : 'compose',
      state: running ? 'running' : (i % 2 ? 'exited' : 'restarting'), statusText: 'Up 3 days', exitCode: running ? null : 1,
      health: unhealthy ? 'unhealthy' : i % 3 === 0 ? 'none' : 'healthy', failingStreak: unhealthy ? 3 : 0,
      healthLog: unhealthy ? [{ start: null, end: null, exitCode: 1, output: 'connection refused' }] : [], lastHealthOutput: unhealthy ? 'connection refused' : null,
      restartCount: i % 7, recentRestarts: 0, restartLoop: !running && i % 2 === 0, restartPolicy: 'unless-stopped',
      startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, uptimeMs: running ? 1000 * 60 * (i + 1) : null, oomKilled: false,
      cpuPercent: running ? ((i * 37 + tick * 11) % 1000) / 10 : null, cpuCores: running ? ((i * 37 + tick * 11) % 1000) / 2000 : null,
      memoryUsedBytes: running ? (i % 40 + 1) * 50 * 2 ** 20 : null, memoryLimitBytes: 8 * GiB, memoryPercent: running ? i % 40 : null,
      planMemoryBytes: i % 5 === 0 ? 2 * GiB : null, networks: NETS[i % 4], statsAgeMs: 0,
    });
  }
  const groups = GROUPS.map((group) => {
    const rows = containers.filter((c) => c.group === group);
    const planned = group !== 'unplanned';
    const usedCores = rows.reduce((s, r) => s + (r.cpuCores ?? 0), 0);
    const memoryUsedBytes = rows.reduce((s, r) => s + (r.memoryUsedBytes ?? 0), 0);
    return {
      group, planned, cores: planned ? 4 : null, usedCores, coresPercent: planned ? usedCores / 4 * 100 : null,
      memoryBytes: planned ? 12 * GiB : null, memoryUsedBytes, memoryPercent: planned ? memoryUsedBytes / (12 * GiB) * 100 : null,
      containers: rows.length, running: rows.filter((r) => r.state === 'running').length, unhealthy: rows.filter((r) => r.health === 'unhealthy').length,
      measured: rows.filter((r) => r.cpuCores !== null).length, missing: [],
    };
  });
  const count = (f) => containers.filter(f).length;
  return {
    endpoints: [{ host: 'workstation', label: 'bench', engine: null, status: 'ok', error: null, ageMs: 0, containers: N }],
    containers, groups,
    counts: { total: N, running: count((c) => c.state === 'running'), healthy: count((c) => c.health === 'healthy'), unhealthy: count((c) => c.health === 'unhealthy'),
      starting: 0, restarting: count((c) => c.state === 'restarting'), exited: count((c) => c.state === 'exited'), unplanned: count((c) => c.group === 'unplanned') },
    readAt: Date.now(),
  };
}
const entryOf = (data) => ({ status: 'crit', ageMs: 300, summary: '', alerts: [{ level: 'crit', message: 'svc-3 unhealthy (3 failed checks): connection refused [core]' }], data });
// Wall time, and the process's CPU time: on a busy machine the difference is time spent waiting.
const cpuTimes = [];
function frame(entry, w, h, view) {
  const c = process.cpuUsage();
  const t = performance.now();
  const content = containersPane(entry, w - 2, h - 2, config, view);
  const lines = frameLines({ title: content.title, lines: content.lines, status: entry.status, age: null, width: w, height: h, focused: true, scroll: 0 });
  const ms = performance.now() - t;
  const used = process.cpuUsage(c);
  cpuTimes.push((used.user + used.system) / 1000);
  if (lines.length !== h) throw new Error('frame of ' + lines.length + ' lines for a pane of ' + h);
  return ms;
}
const sizes = [['200x60 (wide)', 120, 31], ['120x40 (normal)', 72, 15], ['80x24 (tmux)', 40, 8]];
const out = { containers: N, cold: null, sizes: [] };
// Cold: the first frame after start, when nothing is compiled yet.
out.cold = frame(entryOf(reading(0)), 120, 31, { ...INITIAL_CONTAINERS_VIEW, sort: 'cpu', descending: true });
for (const [label, w, h] of sizes) {
  const fresh = [];
  const moves = [];
  cpuTimes.length = 0;
  // A new reading every frame (re-sorted by CPU): what each refresh costs.
  for (let tick = 1; tick <= 300; tick++) fresh.push(frame(entryOf(reading(tick)), w, h, { ...INITIAL_CONTAINERS_VIEW, sort: 'cpu', descending: true }));
  // The same reading, the selection moving down through every row: what a key press costs.
  const entry = entryOf(reading(999));
  const freshCpu = cpuTimes.splice(0);
  let view = { ...INITIAL_CONTAINERS_VIEW, sort: 'cpu', descending: true };
  const rows = visibleContainers(entry.data, view);
  for (let i = 0; i < N; i++) {
    view = moveSelection(view, rows, 1);
    moves.push(frame(entry, w, h, view));
  }
  out.sizes.push({ label, pane: w + 'x' + h, fresh: fresh.slice(20), freshCpu: freshCpu.slice(20), moves: moves.slice(20) });
}
process.stdout.write(JSON.stringify(out));
`;

async function containersRender() {
  const file = join(work, 'containers-render.mjs');
  writeFileSync(file, RENDER_SCRIPT);
  const text = execFileSync(process.execPath, ['--import', 'tsx', file, root], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const raw = JSON.parse(text);
  return {
    containers: raw.containers,
    coldMs: raw.cold,
    sizes: raw.sizes.map((s) => ({
      label: s.label,
      pane: s.pane,
      newReading: stats(s.fresh),
      newReadingCpu: stats(s.freshCpu),
      keyPress: stats(s.moves),
    })),
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

/** The test engine's socket: DOCKER_HOST when it names a unix socket, else the one scripts/services.sh wrote. */
function engineSocket() {
  let host = process.env.DOCKER_HOST;
  const envFile = join(process.env.HOMEOPS_SVC_DIR || '/tmp/homeops-svc', 'env.sh');
  if (!host && existsSync(envFile)) host = /^export DOCKER_HOST=(\S+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
  if (!host) return { socket: null, why: `no DOCKER_HOST and no ${envFile} (start the test engine with: scripts/services.sh up)` };
  if (!host.startsWith('unix://')) return { socket: null, why: `DOCKER_HOST=${host} is not a unix socket on this machine` };
  const socket = host.slice('unix://'.length);
  return existsSync(socket)
    ? { socket, why: null }
    : { socket: null, why: `no socket at ${socket} (start the test engine with: scripts/services.sh up)` };
}

function dockerApi(socket, method, path, body) {
  return new Promise((resolveCall, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        socketPath: socket,
        path,
        method,
        timeout: 30_000,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c) => {
            text += c;
          })
          .on('end', () => {
            let parsed = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // plain text
            }
            resolveCall({ status: res.statusCode ?? 0, body: parsed });
          });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.end(payload);
  });
}

async function inParallel(items, limit, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function removeBenchContainers(socket, run) {
  const filters = encodeURIComponent(JSON.stringify({ label: [run ? `${BENCH_LABEL}=${run}` : BENCH_LABEL] }));
  const listed = await dockerApi(socket, 'GET', `/containers/json?all=1&filters=${filters}`);
  const ids = Array.isArray(listed.body) ? listed.body.map((c) => c.Id) : [];
  await inParallel(ids, 8, (id) => dockerApi(socket, 'DELETE', `/containers/${id}?force=1`));
  return ids.length;
}

async function startBenchContainers(socket, run, count) {
  const names = Array.from({ length: count }, (_, i) => `homeops-bench-${String(i + 1).padStart(2, '0')}`);
  const ids = [];
  await inParallel(names, 8, async (name, index) => {
    const created = await dockerApi(socket, 'POST', `/containers/create?name=${encodeURIComponent(name)}`, {
      Image: BENCH_IMAGE,
      Cmd: ['sleep', '3600'],
      Labels: { [BENCH_LABEL]: run },
      HostConfig: { NetworkMode: 'none' },
    });
    if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    ids[index] = created.body.Id;
    const started = await dockerApi(socket, 'POST', `/containers/${created.body.Id}/start`);
    if (started.status !== 204) throw new Error(`start ${name}: ${started.status} ${JSON.stringify(started.body)}`);
  });
  return { names, ids };
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** dockerd serving the socket, its containerd, and the shims of the bench containers. */
function enginePids(socket, containerIds) {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const pidFile = join(process.env.HOMEOPS_SVC_DIR || '/tmp/homeops-svc', 'dockerd.pid');
  let dockerd = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : null;
  if (!dockerd || commOf(dockerd) !== 'dockerd' || !cmdlineOf(dockerd).some((a) => a.includes(socket))) {
    dockerd = all.find((p) => commOf(p) === 'dockerd' && cmdlineOf(p).some((a) => a.includes(socket))) ?? null;
  }
  const containerd = dockerd ? all.filter((p) => stat(p)?.ppid === dockerd && commOf(p) === 'containerd') : [];
  const ids = new Set(containerIds);
  const shims = all.filter((p) => (commOf(p) ?? '').startsWith('containerd-shim') && cmdlineOf(p).some((a) => ids.has(a)));
  return { dockerd, containerd, shims };
}

/** Own CPU ticks (utime + stime, not children) of each group of engine processes. */
function engineTicks(pids) {
  const own = (list) =>
    list.reduce((sum, p) => {
      const s = stat(p);
      return sum + (s ? s.utime + s.stime : 0);
    }, 0);
  return {
    dockerd: pids.dockerd ? own([pids.dockerd]) : null,
    containerd: own(pids.containerd),
    shims: own(pids.shims),
    at: performance.now(),
  };
}

function engineCpu(a, b) {
  const wall = (b.at - a.at) / 1000;
  const pct = (x, y) => (x === null || y === null ? null : ((y - x) / CLK_TCK / wall) * 100);
  const dockerd = pct(a.dockerd, b.dockerd);
  const containerd = pct(a.containerd, b.containerd);
  const shims = pct(a.shims, b.shims);
  return { seconds: wall, dockerd, containerd, shims, total: dockerd === null ? null : dockerd + containerd + shims };
}

function benchConfig(socket, names) {
  // The console as it runs at home, minus what this machine cannot show: its CPU pane, the
  // containers against a plan that places some of them, no GPU, DNS, VPN or backups sections.
  const planned = names.slice(0, Math.min(10, names.length));
  return [
    'refresh: 2s',
    'profile: local',
    'hosts:',
    '  workstation: { address: 127.0.0.1, local: true }',
    'plan:',
    '  host: workstation',
    '  threadsPerCore: 2',
    '  groups:',
    '    - { name: system, cores: 1, memory: 1GiB }',
    `    - { name: bench, cores: 1, memory: 1GiB, containers: [${planned.join(', ')}] }`,
    'probes:',
    '  gpu: { enabled: false }',
    'docker:',
    `  endpoints: [{ host: workstation, socket: "unix://${socket}" }]`,
    '  interval: 2s',
    '  statsInterval: 2s',
    '',
  ].join('\n');
}

async function containersEngineRun() {
  const { socket, why } = engineSocket();
  if (!socket) throw new SkipError(why);
  if (
    !(await dockerApi(socket, 'GET', '/_ping').then(
      (r) => r.status === 200,
      () => false,
    ))
  ) {
    throw new SkipError(`the engine at ${socket} does not answer /_ping (start it with: scripts/services.sh up)`);
  }
  const image = await dockerApi(socket, 'GET', `/images/${encodeURIComponent(BENCH_IMAGE)}/json`);
  if (image.status !== 200) throw new SkipError(`no image ${BENCH_IMAGE} on the engine at ${socket} (scripts/services.sh up imports it)`);

  const log = (msg) => process.stderr.write(`  containers: ${msg}\n`);
  const run = `${process.pid}-${Date.now()}`;
  const leftovers = await removeBenchContainers(socket, null);
  if (leftovers) log(`removed ${leftovers} containers left by an earlier run`);
  const removeOnSignal = () => {
    removeBenchContainers(socket, run).finally(() => process.exit(130));
  };
  process.once('SIGINT', removeOnSignal);
  process.once('SIGTERM', removeOnSignal);
  try {
    const started = performance.now();
    const { names, ids } = await startBenchContainers(socket, run, benchContainers);
    log(`${names.length} containers running (${((performance.now() - started) / 1000).toFixed(1)} s); engine at ${socket}`);
    const pids = enginePids(socket, ids);
    if (!pids.dockerd) log('dockerd not found among the processes: its CPU is not reported');
    log(`engine processes: dockerd ${pids.dockerd ?? '?'}, containerd ${pids.containerd.join(' ') || '–'}, ${pids.shims.length} shims`);

    // The engine alone with the containers first: what it spends without the console.
    const idleSeconds = Math.min(20, seconds);
    await sleep(2000);
    log(`engine without the console for ${idleSeconds} s`);
    const idleA = engineTicks(pids);
    await sleep(idleSeconds * 1000);
    const idle = engineCpu(idleA, engineTicks(pids));

    const config = join(work, 'containers-config.yaml');
    writeFileSync(config, benchConfig(socket, names));
    let windowA = null;
    let during = null;
    const target = {
      name: 'containers',
      console: true,
      label: `homeops, ${names.length} containers`,
      command: consoleCommand(['--config', config, '--refresh', '2s']),
      firstFrame: /\b\d+ running\b/,
      starts: 1,
      cache: 'warm',
      afterWindow: benchKeys > 0 ? (pane, pid, output) => keyLatency(pane, pid, output, benchKeys) : undefined,
      window: {
        begin: () => {
          windowA = engineTicks(pids);
        },
        end: () => {
          during = engineCpu(windowA, engineTicks(pids));
        },
      },
    };
    const consoleResult = await measure(target);
    const extra = (key) => (during?.[key] == null || idle[key] == null ? null : during[key] - idle[key]);
    return {
      containers: names.length,
      image: BENCH_IMAGE,
      console: consoleResult,
      engineIdle: idle,
      engineDuring: during,
      engineExtra: { dockerd: extra('dockerd'), containerd: extra('containerd'), shims: extra('shims'), total: extra('total') },
    };
  } finally {
    const removed = await removeBenchContainers(socket, run).catch(() => 0);
    process.removeListener('SIGINT', removeOnSignal);
    process.removeListener('SIGTERM', removeOnSignal);
    log(`removed ${removed} containers`);
  }
}

class SkipError extends Error {}

/**
 * Key latency while the console keeps refreshing: `count` presses of Tab (the focus moves to the
 * next pane: a small change that is always visible), 250–750 ms apart so that they land at every
 * point of the refresh cycle. Each is timed from just before tmux is told to send it until the
 * screen shows the focus moved (its ▸ marker elsewhere): the pane's output file is watched, and
 * the screen captured only when it has grown, so output from a refresh alone does not count.
 */
async function keyLatency(pane, pid, outputFile, count) {
  const focus = (screen) =>
    screen
      .split('\n')
      .map((line, row) => `${row}:${line.indexOf('▸')}`)
      .filter((mark) => !mark.endsWith(':-1'))
      .join(' ');
  const times = [];
  let missed = 0;
  process.stderr.write(`  containers: key latency, ${count} keys\n`);
  for (let i = 0; i < count; i++) {
    await sleep(250 + Math.random() * 500);
    if (!alive(pid)) throw new Error('the program exited during the key presses');
    const before = focus(pane.capture());
    let seen = size(outputFile);
    const started = performance.now();
    pane.tmux('send-keys', '-t', 'bench', 'Tab');
    let answered = null;
    while (performance.now() - started < 2_000) {
      const now = size(outputFile);
      if (now !== seen) {
        seen = now;
        if (focus(pane.capture()) !== before) {
          answered = performance.now() - started;
          break;
        }
      }
      await sleep(1);
    }
    if (answered === null) missed++;
    else times.push(answered);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
  return {
    keys: count,
    answered: times.length,
    missed,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? null,
    all: times.map((v) => Number(v.toFixed(1))),
  };
}

function printContainers(result) {
  const out = (text) => process.stdout.write(text);
  out(`\ncontainers\n`);
  if (result.render) {
    const r = result.render;
    out(
      `  pane frame with ${r.containers} containers (content + frame, in-process), ms; first frame cold: ${r.coldMs.toFixed(2)} ms; load average ${r.loadAverage}\n`,
    );
    out("  each refresh: a new reading, re-sorted by CPU; each key: the selection one row down; cpu: the process's CPU time\n");
    const hdr = ['pane', 'each refresh: mean', 'p95', 'max', 'cpu mean', 'cpu p95', 'each key: mean', 'p95', 'max', ''];
    const rows = r.sizes.map((s) => [
      `${s.label} ${s.pane}`,
      s.newReading.mean.toFixed(2),
      s.newReading.p95.toFixed(2),
      s.newReading.max.toFixed(2),
      s.newReadingCpu.mean.toFixed(2),
      s.newReadingCpu.p95.toFixed(2),
      s.keyPress.mean.toFixed(2),
      s.keyPress.p95.toFixed(2),
      s.keyPress.max.toFixed(2),
      goal(s.newReading.p95, CONTAINER_GOALS.frameMs, 'ms (p95)'),
    ]);
    const wd = hdr.map((_, i) => Math.max(...[hdr, ...rows].map((x) => [...x[i]].length)));
    const ln = (x) =>
      `  ${x
        .map((c, i) => (i === 0 || i === x.length - 1 ? c.padEnd(wd[i]) : c.padStart(wd[i])))
        .join('  ')
        .trimEnd()}`;
    out(`${ln(hdr)}\n${rows.map(ln).join('\n')}\n`);
  }
  if (result.engineSkipped) out(`  ${result.engineSkipped}\n`);
  const e = result.engine;
  if (e) {
    const c = e.console;
    out(`  the console with ${e.containers} real containers (${c.label}), ${COLS}x${ROWS}, ${c.seconds.toFixed(0)} s:\n`);
    out(`    CPU, own             ${fmt.pct(c.cpuPercent.own)}  ${goal(c.cpuPercent.own, CONTAINER_GOALS.cpuPercent, '% of one core')}\n`);
    out(`    CPU, own + children  ${fmt.pct(c.cpuPercent.withChildren)}\n`);
    out(`    CPU, busiest second  ${fmt.pct(c.cpuPercent.maxOneSecond)}\n`);
    out(`    RSS, peak            ${fmt.mb(c.rssMB.peak)}  ${goal(c.rssMB.peak, CONTAINER_GOALS.rssMB, 'MB')}\n`);
    if (c.keys)
      out(
        `    key latency (Tab, ${c.keys.answered}/${c.keys.keys} answered)  p50 ${fmt.ms(c.keys.p50)} · p95 ${fmt.ms(c.keys.p95)} · p99 ${fmt.ms(c.keys.p99)} · max ${fmt.ms(c.keys.max)}  ${c.keys.missed ? '✗ some unanswered in 2 s' : goal(c.keys.p99, CONTAINER_GOALS.keyP99Ms, 'ms (p99)')}\n`,
      );
    out(`    first frame with the containers  ${fmt.ms(c.firstFrameMs.median)}\n`);
    const pane = c.render?.window?.containers;
    const frameTimes = c.render?.window?.frame;
    if (pane)
      out(
        `    containers pane build  mean ${pane.mean.toFixed(2)} ms · p95 ${pane.p95.toFixed(2)} ms · max ${pane.max.toFixed(2)} ms (n ${pane.n})\n`,
      );
    if (frameTimes)
      out(
        `    Ink frames             mean ${frameTimes.mean.toFixed(2)} ms · p95 ${frameTimes.p95.toFixed(2)} ms · max ${frameTimes.max.toFixed(2)} ms (n ${frameTimes.n})\n`,
      );
    const eng = (x) => (x == null ? '–' : fmt.pct(x));
    out(`  the engine (own CPU of each process; the containers' shims are reparented away from dockerd):\n`);
    out(`    ${'process'.padEnd(12)}${'alone'.padStart(10)}${'with console'.padStart(14)}${'extra'.padStart(10)}\n`);
    for (const key of ['dockerd', 'containerd', 'shims', 'total']) {
      out(
        `    ${key.padEnd(12)}${eng(e.engineIdle[key]).padStart(10)}${eng(e.engineDuring?.[key]).padStart(14)}${eng(e.engineExtra[key]).padStart(10)}\n`,
      );
    }
  }
}

// ------------------------------------------------------------------ main
if (!have('tmux')) fail('tmux is not installed — install it with: apt-get install -y tmux');
for (const t of targets) {
  if (t.name === 'homeops' && !existsSync(join(root, 'dist', 'cli.js'))) {
    process.stderr.write('bench: dist/cli.js is missing; running npm run build\n');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (!t.console && !t.state && !have(t.command[0])) fail(`${t.name} is not installed — install it with: ${t.needs}`);
}
mkdirSync(work, { recursive: true });

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? '?',
  node: process.version,
  tmux: execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim(),
  kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
  date: new Date().toISOString(),
};
process.stdout.write(
  `HomeOps benchmark: ${COLS}x${ROWS} in tmux, warm-up ${warmup} s, measured ${seconds} s, first frame = median of ${starts} starts\n` +
    `${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ${machine.tmux}, kernel ${machine.kernel}\n` +
    `CPU in % of one core; MB = 10^6 bytes; progress on stderr\n\n`,
);

const results = {};
let failed = false;
for (const t of targets) {
  try {
    results[t.name] = await measure(t);
  } catch (error) {
    failed = true;
    process.stderr.write(`bench: ${t.name}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
if (Object.keys(results).length) printTable(results);

let store = null;
if (storeWanted) {
  process.stderr.write("  store: the watcher's database over 9 simulated days\n");
  try {
    const text = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'store-growth.ts'), '9', root], {
      cwd: root,
      encoding: 'utf8',
    });
    store = JSON.parse(text);
    const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
    process.stdout.write(
      `\nthe watcher's database (demo estate: ${store.series} series, ${store.samplesPerDay} samples a day, kept ${store.keptDays} days):\n` +
        `  grows ${mb(store.growthBytesPerDay)} a day (${store.bytesPerSample.toFixed(1)} bytes a sample) until pruning holds it at ${mb(store.steadyBytes)}\n` +
        `  after each day: ${store.bytesAfterDay.map(mb).join(', ')}\n`,
    );
  } catch (error) {
    failed = true;
    process.stderr.write(`bench: store: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

let containers = null;
if (containersWanted) {
  containers = { render: null, engine: null, engineSkipped: null };
  process.stderr.write('  containers: pane frames with 200 containers\n');
  try {
    containers.render = await containersRender();
  } catch (error) {
    failed = true;
    process.stderr.write(`bench: containers (200-container frame): ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (opts['skip-containers']) {
    containers.engineSkipped = 'the run against real containers: skipped (--skip-containers)';
  } else {
    if (!existsSync(join(root, 'dist', 'cli.js'))) {
      process.stderr.write('bench: dist/cli.js is missing; running npm run build\n');
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    }
    try {
      containers.engine = await containersEngineRun();
    } catch (error) {
      failed = true;
      const why = error instanceof Error ? error.message : String(error);
      containers.engineSkipped =
        error instanceof SkipError
          ? `the run against real containers: not run, ${why}; or leave it out with --skip-containers`
          : `the run against real containers failed: ${why}`;
      process.stderr.write(`bench: containers: ${why}\n`);
    }
  }
  printContainers(containers);
}
if (opts.json) {
  writeFileSync(
    resolve(opts.json),
    `${JSON.stringify({ machine, options: { cols: COLS, rows: ROWS, seconds, warmup, starts, containers: benchContainers }, goals: { ...GOALS, containers: CONTAINER_GOALS }, results, containers, store }, null, 2)}\n`,
  );
  process.stdout.write(`\nJSON: ${resolve(opts.json)}\n`);
}
process.exit(failed ? 1 : 0);
