// `homeops watch`, the built binary as a service would run it: one line per event on stdout, a
// clean exit on SIGTERM, one watcher per timeline, and a watcher killed outright that starts
// again with its timeline intact and without recording again what did not change.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, runCli } from '../helpers/cli.js';
import { haveCommand } from '../helpers/require-service.js';
import { startWatch, waitForText } from '../helpers/watch.js';

describe('homeops watch', () => {
  let home: string;
  const running: ChildProcess[] = [];
  beforeAll(() => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'homeops-watch-'));
  }, 120_000);
  afterAll(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('says each change on a line of its own and exits 0 on SIGTERM', async () => {
    const watch = startWatch(home, ['--demo', 'primary-down']);
    running.push(watch.child);
    await waitForText(watch.out, /pane warn dns ok → warn|pane warn dns:? FAILOVER|pane warn dns/);
    const text = watch.out();
    expect(text).toMatch(/^\S+Z watch started watcher started on workstation \(local profile, demo primary-down\)/m);
    expect(text).toMatch(/^\S+Z pane warn dns warn: FAILOVER → secondary 10\.0\.10\.20/m);
    expect(text).toMatch(/^\S+Z pane ok gpu ok: /m);
    watch.child.kill('SIGTERM');
    const exit = await watch.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(watch.out()).toMatch(/watch stopped watcher stopped by SIGTERM after \d+s\n$/);
    expect(watch.err()).toBe('');

    const events = await runCli(['events', '--demo', 'primary-down', '--json'], { home });
    expect(events.code).toBe(0);
    const list = JSON.parse(events.stdout) as { kind: string; subject: string; state: string; at: number; time: string }[];
    expect(list[0]).toMatchObject({ kind: 'watch', state: 'stopped' });
    expect(list.find((e) => e.kind === 'pane' && e.subject === 'dns')).toMatchObject({ state: 'warn' });
    expect(list.map((e) => e.at)).toEqual([...list.map((e) => e.at)].sort((a, b) => b - a));
    const human = await runCli(['events', '--demo', 'primary-down', '--since', '1h'], { home });
    expect(human.stdout).toMatch(/pane warn\s+dns warn: FAILOVER/);
    expect(human.stdout).toMatch(/\d+ events in the last 1h · .*demo\.db/);
  }, 60_000);

  it('keeps per-minute samples of the estate in the store, the minute in progress written when it stops', async () => {
    // A home of its own: the demo timeline of the other tests is left as they expect it.
    const own = mkdtempSync(join(tmpdir(), 'homeops-watch-samples-'));
    const watch = startWatch(own, ['--demo', 'healthy', '--refresh', '500ms']);
    running.push(watch.child);
    try {
      await waitForText(watch.out, /watch started/);
      // A few ticks, all in a minute or two: the one in progress is written at the stop.
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect((await watch.exited).code).toBe(0);
    const db = new DatabaseSync(join(own, 'state', 'homeops', 'demo.db'), { readOnly: true });
    try {
      const rows = db
        .prepare('SELECT n.name AS name, s.at AS minute, s.value AS value FROM samples s JOIN series n ON n.id = s.series')
        .all() as { name: string; minute: number; value: number }[];
      const names = rows.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['cpu.total', 'cpu.group.database', 'mem.used', 'gpu.0.temp', 'dns.primary.latency']));
      expect(names.some((n) => n.startsWith('container.'))).toBe(true);
      const now = Math.floor(Date.now() / 60_000);
      expect(rows.every((r) => r.minute >= now - 2 && r.minute <= now)).toBe(true);
      expect(rows.find((r) => r.name === 'gpu.0.temp')?.value).toBeGreaterThan(0);
    } finally {
      db.close();
      rmSync(own, { recursive: true, force: true });
    }
  }, 60_000);

  it('a watcher killed outright starts again with its timeline intact', async () => {
    const first = startWatch(home, ['--demo', 'primary-down']);
    running.push(first.child);
    await waitForText(first.out, /watch started/);
    const before = JSON.parse((await runCli(['events', '--demo', 'primary-down', '--json'], { home })).stdout) as unknown[];
    first.child.kill('SIGKILL');
    await first.exited;
    const second = startWatch(home, ['--demo', 'primary-down']);
    running.push(second.child);
    await waitForText(second.out, /watch started/);
    // Readings come within a few seconds; nothing changed, so no pane is said again.
    await new Promise((r) => setTimeout(r, 4000));
    expect(second.out()).not.toMatch(/ pane /);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const after = JSON.parse((await runCli(['events', '--demo', 'primary-down', '--json'], { home })).stdout) as unknown[];
    // Everything recorded before the kill is still there, under the restart's two new events.
    expect(after.slice(2)).toEqual(before);
    expect(after.slice(0, 2)).toMatchObject([
      { kind: 'watch', state: 'stopped' },
      { kind: 'watch', state: 'started' },
    ]);
  }, 60_000);

  it('one watcher per timeline: a second one is refused with exit 75', async () => {
    const first = startWatch(home, ['--demo', 'healthy']);
    running.push(first.child);
    await waitForText(first.out, /watch started/);
    const second = await runCli(['watch', '--demo', 'healthy'], { home, timeoutMs: 20_000 });
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(/^homeops watch: another watcher records the demo timeline already \(pid \d+ on /);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  }, 60_000);

  it('says there is nothing yet before any watcher ran', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'homeops-watch-empty-'));
    try {
      const result = await runCli(['events'], { home: fresh });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/nothing recorded yet .*homeops watch records the timeline/);
      expect((await runCli(['events', '--json'], { home: fresh })).stdout).toBe('[]\n');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('prints a systemd unit that runs the same watcher, and systemd accepts it', async () => {
    const config = join(home, 'estate.yaml');
    writeFileSync(config, 'hosts: { here: { local: true } }\nplan: { host: here, groups: [{ name: all, cores: 1 }] }\n');
    const result = await runCli(['watch', '--print-systemd-unit', '--config', 'estate.yaml', '--profile', 'remote'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ExecStart=${CLI} watch --config ${config} --profile remote\n`);
    expect(result.stdout).toMatch(/^Restart=on-failure$/m);
    expect(result.stdout).toMatch(/^KillSignal=SIGTERM$/m);
    expect(result.stdout).toMatch(/systemctl --user enable --now homeops-watch/);
    if (haveCommand('systemd-analyze')) {
      const unit = join(home, 'homeops-watch.service');
      writeFileSync(unit, result.stdout);
      let output = '';
      try {
        output = execFileSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        output = String((error as { stderr?: string }).stderr ?? error);
      }
      // Only complaints about this unit count (the machine's own units are not ours to judge).
      expect(
        output
          .split('\n')
          .filter((l) => l.includes('homeops-watch.service') && !/Failed to (connect|create)|Cannot add dependency|not found/.test(l)),
      ).toEqual([]);
    }
  });
});
