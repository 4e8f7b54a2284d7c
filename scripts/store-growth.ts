// npm run bench (its store section), or alone: node --import tsx scripts/store-growth.ts [DAYS]
//
// How fast the watcher's database grows: the history step (src/store/history-step.ts) fed a
// real Snapshot of the demo estate (`homeops status --json --demo healthy`) for DAYS simulated
// days (default 9: past the 7 days kept, so pruning is in the figures), a tick every 30 s (the
// means per minute are the same as at the 2 s refresh, in a fifteenth of the time), writing into
// a real SQLite file as the watcher does. The timeline's events are left out: they come with
// changes of state, not with time (a quiet estate records a few a day). Prints JSON: the series,
// the samples a day, the file's size after each day (WAL checkpointed), the growth per day while
// nothing is pruned, and the size once pruning holds it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Snapshot } from '../src/model/snapshot.js';
import { historyStats } from '../src/store/history.js';
import { HistoryStep } from '../src/store/history-step.js';
import { Recorder } from '../src/store/recorder.js';
import { samplesOf } from '../src/store/samples.js';

const DAY = 86_400_000;
const TICK = 30_000;
const KEEP_DAYS = 7;

const root = resolve(process.argv[3] ?? process.cwd());
const days = Number(process.argv[2] ?? 9);
if (!(days >= 1 && days <= 60)) throw new Error('DAYS: a number from 1 to 60');

const home = mkdtempSync(join(tmpdir(), 'homeops-store-growth-'));
try {
  chmodSync(home, 0o700);
  let text = '';
  try {
    text = execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'status', '--json', '--demo', 'healthy'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache') },
    });
  } catch (error) {
    // status exits 1–3 for a warning or worse and prints the Snapshot all the same.
    text = String((error as { stdout?: string }).stdout ?? '');
  }
  const snapshot = JSON.parse(text) as Snapshot;
  const path = join(home, 'state.db');
  const recorder = new Recorder(path);
  const step = new HistoryStep(recorder, KEEP_DAYS * DAY);
  const size = () => {
    recorder.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return statSync(path).size;
  };
  const start = Date.UTC(2026, 0, 5);
  const afterDay: number[] = [];
  const started = performance.now();
  for (let day = 0; day < days; day++) {
    for (let at = start + day * DAY; at < start + (day + 1) * DAY; at += TICK)
      step.step({ ...snapshot, takenAt: new Date(at).toISOString() }, at, () => {});
    afterDay.push(size());
  }
  const stats = historyStats(recorder.db);
  recorder.close();
  const series = samplesOf(snapshot).size;
  // Growth while nothing is pruned: from the end of day 1 (the file's fixed part made) to day 7.
  const unpruned = Math.min(days, KEEP_DAYS);
  const growth = unpruned >= 2 ? ((afterDay[unpruned - 1] ?? 0) - (afterDay[0] ?? 0)) / (unpruned - 1) : null;
  process.stdout.write(
    `${JSON.stringify({
      series,
      samplesPerDay: series * 1440,
      keptDays: KEEP_DAYS,
      bytesAfterDay: afterDay,
      growthBytesPerDay: growth,
      bytesPerSample: growth === null ? null : growth / (series * 1440),
      steadyBytes: days > KEEP_DAYS + 1 ? afterDay.at(-1) : null,
      samplesKept: stats.samples,
      seconds: (performance.now() - started) / 1000,
    })}\n`,
  );
} finally {
  rmSync(home, { recursive: true, force: true });
}
