#!/usr/bin/env node
// npm run bench [-- --seconds N --warmup N --only homeops|htop|btop --json FILE --first-frame REGEX --starts N]
//
// Runs the built console (`node dist/cli.js --demo healthy`), `htop -d 20` and `btop` (update_ms
// 2000) one after the other in a private tmux server at 120x40, the same way the end-to-end tests
// do, and measures each: time to first frame, CPU (own, and own + children) averaged over
// --seconds after --warmup, peak and final RSS, bytes written to the terminal per minute, and,
// for the console, each pane's render time from HOMEOPS_PROFILE. Method: docs/performance.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.bench'); // raw files of the last run (git-ignored)
const COLS = 120;
const ROWS = 40;
const GOALS = { cpuPercent: 0.5, rssMB: 80, firstFrameMs: 400 };

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    only: { type: 'string' },
    json: { type: 'string' },
    'first-frame': { type: 'string', default: 'refresh' },
    starts: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  process.stdout.write(`usage: npm run bench -- [--seconds N] [--warmup N] [--only homeops|htop|btop] [--json FILE]
                        [--first-frame REGEX] [--starts N]
  --seconds N          measure CPU, RSS and output over N seconds (default 60)
  --warmup N           after a warm-up of N seconds (default 10)
  --only NAME          measure only homeops, htop or btop
  --json FILE          also write the figures as JSON
  --first-frame REGEX  what on screen means the console's first frame (default: refresh, in its status bar)
  --starts N           starts for the first-frame median (default 5; the last one is measured on)
`);
  process.exit(0);
}
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const starts = Math.max(1, Math.floor(Number(opts.starts)));
if (!(seconds > 0) || !(warmup >= 0) || !Number.isFinite(starts)) fail('--seconds, --warmup and --starts take numbers');

const targets = [
  {
    name: 'homeops',
    label: 'homeops --demo healthy',
    command: [process.execPath, join(root, 'dist', 'cli.js'), '--demo', 'healthy'],
    firstFrame: new RegExp(opts['first-frame']),
    needs: 'npm run build',
  },
  { name: 'htop', label: 'htop -d 20', command: ['htop', '-d', '20'], firstFrame: /F10Quit/, needs: 'apt-get install -y htop' },
  { name: 'btop', label: 'btop (update_ms 2000)', command: ['btop'], firstFrame: /¹cpu/, needs: 'apt-get install -y btop' },
].filter((t) => !opts.only || t.name === opts.only);
if (targets.length === 0) fail(`--only: "${opts.only}" is not one of homeops, htop, btop`);

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
    return { pid, state: f[0], ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
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
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name)) {
    const s = stat(Number(name));
    if (s) all.push(s);
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const s of all) if (s.ppid === parent) {
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
  for (const name of Object.keys(env)) if (name === 'CI' || name.startsWith('CI_') || name === 'TMUX' || name === 'TMUX_PANE') delete env[name];
  const output = join(work, `${target.name}.terminal`);
  const profile = join(work, `${target.name}.profile.jsonl`);
  const firstFrameFile = join(work, `${target.name}.first-frame`);
  for (const f of [output, profile, firstFrameFile]) rmSync(f, { force: true });
  const extraEnv = [];
  if (target.name === 'homeops') extraEnv.push(`HOMEOPS_PROFILE=${profile}`, `HOMEOPS_FIRST_FRAME_FILE=${firstFrameFile}`);
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
    for (let i = 0; i < starts; i++) {
      if (run) await stopProgram(run.pid);
      rmSync(firstFrameFile, { force: true });
      const outputBefore = size(output);
      run = pane.spawn([...extraEnv, ...target.command]);
      const ms = await waitForFrame(pane, target.firstFrame, run.started, run.pid, output);
      firstFrames.push(ms);
      run.bytesToFirstFrame = size(output) - outputBefore;
      log(`first frame ${ms.toFixed(0)} ms (start ${i + 1}/${starts})`);
    }
    // The console's own note of when it wrote its first frame (epoch ms), if it keeps one.
    for (let i = 0; i < 50 && !existsSync(firstFrameFile) && target.name === 'homeops'; i++) await sleep(10);
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
        peak: (statusKB(pid, 'VmHWM') ?? 0) / 1000 * 1.024,
        end: (statusKB(pid, 'VmRSS') ?? 0) / 1000 * 1.024,
        meanDuringWindow: rssSamples.length ? (rssSamples.reduce((x, y) => x + y, 0) / rssSamples.length) / 1000 * 1.024 : null,
      },
      terminalBytesPerMinute: (bytes / wall) * 60,
      render: target.name === 'homeops' ? profileStats(profile, profileA) : null,
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

function printTable(results) {
  const names = Object.keys(results);
  const rows = [
    ['first frame (median)', (r) => r.firstFrameMs.median, fmt.ms, [GOALS.firstFrameMs, 'ms']],
    ['CPU, own', (r) => r.cpuPercent.own, fmt.pct, [GOALS.cpuPercent, '%']],
    ['CPU, own + children', (r) => r.cpuPercent.withChildren, fmt.pct, null],
    ['CPU, busiest second', (r) => r.cpuPercent.maxOneSecond, fmt.pct, null],
    ['RSS, peak (VmHWM)', (r) => r.rssMB.peak, fmt.mb, [GOALS.rssMB, 'MB']],
    ['RSS, at the end', (r) => r.rssMB.end, fmt.mb, null],
    ['terminal output', (r) => r.terminalBytesPerMinute, fmt.rate, null],
  ];
  const ratioCols = results.homeops ? names.filter((n) => n !== 'homeops') : [];
  const header = ['', ...names.map((n) => results[n].label), ...ratioCols.map((n) => `homeops/${n}`), results.homeops ? 'homeops goal' : ''];
  const body = rows.map(([title, get, f, g]) => [
    title,
    ...names.map((n) => f(get(results[n]))),
    ...ratioCols.map((n) => ratio(get(results.homeops), get(results[n]))),
    results.homeops && g ? goal(get(results.homeops), g[0], g[1]) : '',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => [...r[i]].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n`);

  const h = results.homeops;
  if (h?.firstFrameMs.selfReported != null) process.stdout.write(`\nhomeops first frame as the console reports it: ${fmt.ms(h.firstFrameMs.selfReported)}\n`);
  if (h?.render) {
    process.stdout.write(`\nhomeops render times during the ${seconds} s window (HOMEOPS_PROFILE), ms:\n`);
    const panes = Object.keys(h.render.all);
    const rr = panes.map((p) => {
      const w = h.render.window[p];
      const all = h.render.all[p];
      return [p, String(w?.n ?? 0), w ? w.mean.toFixed(2) : '–', w ? w.p95.toFixed(2) : '–', w ? w.max.toFixed(2) : '–', all.max.toFixed(2)];
    });
    const hdr = ['pane', 'n', 'mean', 'p95', 'max', 'max incl. start'];
    const wd = hdr.map((_, i) => Math.max(...[hdr, ...rr].map((r) => r[i].length)));
    const ln = (r) => r.map((c, i) => (i === 0 ? c.padEnd(wd[i]) : c.padStart(wd[i]))).join('  ');
    process.stdout.write(`${ln(hdr)}\n${rr.map(ln).join('\n')}\n`);
  } else if (h) {
    process.stdout.write('\nhomeops wrote no render timings (HOMEOPS_PROFILE)\n');
  }
}

// ------------------------------------------------------------------ main
if (!have('tmux')) fail('tmux is not installed — install it with: apt-get install -y tmux');
for (const t of targets) {
  if (t.name === 'homeops' && !existsSync(join(root, 'dist', 'cli.js'))) {
    process.stderr.write('bench: dist/cli.js is missing; running npm run build\n');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (t.name !== 'homeops' && !have(t.command[0])) fail(`${t.name} is not installed — install it with: ${t.needs}`);
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
if (opts.json) {
  writeFileSync(resolve(opts.json), `${JSON.stringify({ machine, options: { cols: COLS, rows: ROWS, seconds, warmup, starts }, goals: GOALS, results }, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${resolve(opts.json)}\n`);
}
process.exit(failed ? 1 : 0);
