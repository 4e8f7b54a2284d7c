// The built-in runbooks run for real in the lab estate (scripts/lab.sh up first), from
// `homeops runbook run` and from the console with its keys: the drills too slow for every
// `npm test` (a failover waits 60 s for the workstation to stay down, a restore 60 s for the API
// gateway to stay healthy). `npm run drill` runs them; each prints how long it took, and
// docs/runbooks.md ("Drills") states those figures. dns-failover from the console and
// database-restore with pitr run with npm test as well (test/e2e/lab-console.test.ts,
// test/integration/lab-drills.test.ts).
import { execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, homeEnv } from '../helpers/built.js';
import { homeops } from '../helpers/cli.js';
import {
  amcheck,
  auditOf,
  corruptEvents,
  dhcpLease,
  docker,
  type Lab,
  labNormal,
  labScript,
  psql,
  requireLab,
  runIdOf,
  switchWal,
  waitArchived,
} from '../helpers/lab.js';
import { confirm, runEnd, runFromMenu, startConsole } from '../helpers/lab-console.js';
import type { TmuxSession } from '../helpers/tmux.js';

const lab = requireLab();

const figure = (what: string, ms: number) => process.stdout.write(`drill: ${what}: ${(ms / 1000).toFixed(1)} s\n`);

describe.runIf(lab)('drills in the lab estate', () => {
  // Collected even when the lab is down (then skipped): nothing of it is read then.
  if (!lab) return;
  const l: Lab = lab;
  const home = mkdtempSync(join(tmpdir(), 'homeops-drills-'));
  const env = { ...homeEnv(home), HOMEOPS_CONFIG: l.config };
  const consoleEnv = { ...env, NO_COLOR: undefined };
  const sessions: TmuxSession[] = [];
  const notifications = join(l.dir, 'nas/notifications.log');
  const srv = join(l.dir, 'ws/srv/homeops');
  let notified = 0;

  const state = (name: string) =>
    docker(l, ['inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', name]).trim();
  const newNotifications = () => readFileSync(notifications, 'utf8').slice(notified);
  const resolves = async (server: string) => {
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([server]);
    return resolver.resolve4('nas.home');
  };
  const console = async () => {
    const tmux = await startConsole(consoleEnv, home);
    sessions.push(tmux);
    return tmux;
  };

  beforeAll(() => {
    ensureBuilt();
  }, 300_000);
  beforeEach(() => {
    labNormal(l);
    notified = readFileSync(notifications, 'utf8').length;
  }, 300_000);
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });
  afterAll(() => {
    labNormal(l);
    rmSync(home, { recursive: true, force: true });
  }, 300_000);

  it('dns-failover from the command line: clients get the NAS, which answers', async () => {
    docker(l, ['stop', '-t', '1', 'pihole']);
    const result = await homeops(['runbook', 'run', 'dns-failover', '--yes'], { env, timeoutMs: 300_000 });
    expect(result.code, result.stdout).toBe(0);
    figure('dns-failover, command line, whole run', result.ms);
    const lease = dhcpLease(l);
    expect(lease?.dns).toEqual([l.nas, l.router]);
    expect(await resolves(lease?.dns[0] ?? '')).toEqual([l.nas]);
    // The NAS's Pi-hole saw the checks' queries (its query log is what monitor-clients reads).
    expect(result.stdout).toMatch(/\[7\/9\] monitor-clients[\s\S]*│ +\d+ from 127\./);
  });

  it('primary-failover then failback from the command line: the NAS takes over DNS and the services, then gives them back', async () => {
    // The workstation fails: its nginx (health) and its Pi-hole stop.
    docker(l, ['stop', '-t', '1', 'nginx', 'pihole']);
    const failover = await homeops(['runbook', 'run', 'primary-failover', '--yes'], { env, timeoutMs: 400_000 });
    expect(failover.code, failover.stdout).toBe(0);
    figure('primary-failover, command line', failover.ms);
    expect(dhcpLease(l)?.dns).toEqual([l.nas, l.router]);
    expect(state('homeops-failover-auth-1')).toBe('running healthy');
    expect(state('homeops-failover-gateway-1')).toMatch(/^running/);
    expect(newNotifications()).toMatch(/HomeOps: The workstation failed; DNS and critical services now run on the NAS/);

    // The workstation is back.
    docker(l, ['start', 'nginx', 'pihole']);
    const failback = await homeops(['runbook', 'run', 'failback', '--yes'], { env, timeoutMs: 400_000 });
    expect(failback.code, failback.stdout).toBe(0);
    figure('failback, command line', failback.ms);
    expect(dhcpLease(l)?.dns).toEqual([l.ws, l.nas, l.router]);
    expect(state('homeops-failover-auth-1')).toMatch(/^exited/);
    expect(state('homeops-failover-gateway-1')).toMatch(/^exited/);
    expect(await resolves(l.nas)).toEqual([l.nas]);
    expect(newNotifications()).toMatch(/HomeOps: Back to normal/);
  }, 900_000);

  it('primary-failover then failback from the console', async () => {
    docker(l, ['stop', '-t', '1', 'nginx', 'pihole']);
    const tmux = await console();
    let started = Date.now();
    await runFromMenu(tmux, 'primary-failover');
    await confirm(tmux, /The workstation is down\. Fail over to the NAS/, 200_000);
    const done = await runEnd(tmux, 300_000);
    expect(done).toMatch(/✔ ok in/);
    figure('primary-failover, console (menu, id typed, confirm)', Date.now() - started);
    expect(dhcpLease(l)?.dns).toEqual([l.nas, l.router]);
    expect(state('homeops-failover-auth-1')).toBe('running healthy');
    await tmux.sendKeys('Escape');

    docker(l, ['start', 'nginx', 'pihole']);
    started = Date.now();
    await runFromMenu(tmux, 'failback');
    await confirm(tmux, /Fail back to the workstation \(127\.\d+\.\d+\.\d+\) and put the NAS on standby\?/, 200_000);
    expect(await runEnd(tmux, 300_000)).toMatch(/✔ ok in/);
    figure('failback, console', Date.now() - started);
    expect(dhcpLease(l)?.dns).toEqual([l.ws, l.nas, l.router]);
    expect(state('homeops-failover-auth-1')).toMatch(/^exited/);
  }, 900_000);

  it('database-restore pitr from the console: the rows archived after the base backup are back', async () => {
    const marker = `pitr-console-${Date.now().toString(36)}`;
    docker(l, ['exec', 'backups', '/lab-bin/backups.sh', 'base']);
    psql(l, `insert into events (account, kind) select 1, '${marker}' from generate_series(1, 42)`);
    await waitArchived(l, switchWal(l));
    corruptEvents(l);
    expect(amcheck(l).code).toBe(2);
    const tmux = await console();
    const started = Date.now();
    await runFromMenu(tmux, 'database-restore');
    await confirm(tmux, /Stop the application services and restore homeops \(pitr\)\?/, 60_000);
    expect(await runEnd(tmux, 400_000)).toMatch(/✔ ok in/);
    figure('database-restore pitr, console', Date.now() - started);
    expect(psql(l, `select count(*) from events where kind = '${marker}'`)).toBe('42');
    expect(amcheck(l).code).toBe(0);
  }, 600_000);

  it('database-restore dump, from the command line and from the console: the newest dump is back, later changes are not', async () => {
    for (const how of ['command line', 'console'] as const) {
      const marker = `dump-${how === 'console' ? 'c' : 'l'}-${Date.now().toString(36)}`;
      psql(l, `insert into events (account, kind) select 1, '${marker}-dumped' from generate_series(1, 11)`);
      const dump = docker(l, ['exec', 'backups', '/lab-bin/backups.sh', 'dump']).trim();
      psql(l, `insert into events (account, kind) select 1, '${marker}-later' from generate_series(1, 7)`);
      const kept = readdirSync(srv).length;
      const started = Date.now();
      if (how === 'command line') {
        const result = await homeops(['runbook', 'run', 'database-restore', '--yes', '--input', 'method=dump'], {
          env,
          timeoutMs: 400_000,
        });
        expect(result.code, result.stdout).toBe(0);
        expect(result.stdout).toContain(`restoring ${join(l.dir, 'ws/mnt/nas/backups/db', dump.replace(/^dump \/backups\/db\//, ''))}`);
      } else {
        const tmux = await console();
        // The form's second field is method: pitr → dump.
        await runFromMenu(tmux, 'database-restore', [{ field: 1, rights: 1 }]);
        await confirm(tmux, /Stop the application services and restore homeops \(dump\)\?/, 60_000);
        expect(await runEnd(tmux, 400_000)).toMatch(/✔ ok in/);
      }
      figure(`database-restore dump, ${how}`, Date.now() - started);
      expect(psql(l, `select count(*) from events where kind = '${marker}-dumped'`)).toBe('11');
      expect(psql(l, `select count(*) from events where kind = '${marker}-later'`)).toBe('0');
      expect(amcheck(l).code).toBe(0);
      // The data directory as it was before is kept beside it.
      expect(readdirSync(srv).length).toBe(kept + 1);
      labNormal(l);
    }
  }, 900_000);

  it('maintenance-window, the whole window (outside its hours) from the command line', async () => {
    // A line of its own in the workstation's log: after the window it is in the rotated log.
    const marker = `maintenance drill ${Date.now()}`;
    appendFileSync(join(l.dir, 'ws/log/homeops.log'), `${marker}\n`);
    const result = await homeops(['runbook', 'run', 'maintenance-window', '--yes', '--input', 'outsideWindow=true'], {
      env,
      timeoutMs: 400_000,
    });
    expect(result.code, result.stdout).toBe(0);
    figure('maintenance-window (whole), command line', result.ms);
    const states = Object.fromEntries(
      auditOf(env.XDG_STATE_HOME, runIdOf(result.stdout))
        .filter((e) => e.event === 'step')
        .map((e) => [e.step, e.state]),
    );
    expect(states).toEqual({
      'in-window': 'skipped',
      'backup-fresh': 'ok',
      approve: 'ok',
      'system-updates': 'ok',
      'database-maintenance': 'ok',
      'log-rotation': 'ok',
      'config-backup-fresh': 'ok',
      'app-backup-fresh': 'ok',
      'database-backup-fresh': 'ok',
      'verify-backup': 'ok',
      'database-drill': 'ok',
      'database-healthy': 'ok',
      'dns-answers': 'ok',
    });
    expect(result.stdout).toMatch(/│ readable: 2 tables/);
    expect(result.stdout).toMatch(/│ vacuumdb: vacuuming database "homeops"/);
    expect(execFileSync('zcat', [join(l.dir, 'ws/log/homeops.log.1.gz')], { encoding: 'utf8' })).toContain(marker);
  }, 600_000);

  it('maintenance-window in its hours only: outside them it refuses before changing anything', async () => {
    const inWindow = execFileSync(
      'bash',
      ['-c', 'h=$(date +%H); [ "$(date +%u)" = 7 ] && [ "$h" -ge 2 ] && [ "$h" -lt 4 ] && echo yes || echo no'],
      { encoding: 'utf8' },
    ).trim();
    if (inWindow === 'yes') return; // Sunday 02:00-04:00: the window is open, nothing to refuse
    const result = await homeops(['runbook', 'run', 'maintenance-window', '--yes'], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/maintenance-window: FAILED at in-window/);
    expect(result.stdout).toMatch(/outside the maintenance window \(Sunday 02:00-04:00\)/);
    expect(auditOf(env.XDG_STATE_HOME, runIdOf(result.stdout)).some((e) => e.step === 'system-updates')).toBe(false);
  });

  it('verify the backups with B in the console: the freshness checks, the newest dump read and drilled', async () => {
    const tmux = await console();
    const started = Date.now();
    await tmux.sendKeys('B');
    await tmux.waitFor(/Run maintenance-window · verify-backups/, 10_000);
    await tmux.sendKeys('y');
    const done = await runEnd(tmux, 120_000);
    figure('maintenance-window verify-backups (B), console', Date.now() - started);
    expect(done).toMatch(/✔ ok in/);
    expect(done).toMatch(/✔ 4\/5 verify-backup\s+workstation\s+ok/);
    expect(done).toMatch(/✔ 5\/5 database-drill\s+workstation\s+ok/);
  }, 180_000);

  it("the NAS's sshd stopped mid-run: the step on the NAS fails, the rollback is tried, the audit log says what happened and DHCP is unchanged", async () => {
    docker(l, ['stop', '-t', '1', 'pihole']);
    const tmux = await console();
    await tmux.sendKeys('F');
    await tmux.waitFor(/Type dns-failover and press/, 10_000);
    await tmux.type('dns-failover');
    await tmux.sendKeys('Enter');
    await tmux.waitFor(/Point DHCP's DNS at the NAS/, 30_000);
    // While the operator reads the question, the NAS goes away.
    labScript(l, ['stop-nas']);
    await tmux.sendKeys('y');
    const failed = await runEnd(tmux, 60_000);
    expect(failed).toMatch(/✖ FAILED at dhcp-to-backup after/);
    const audit = auditOf(env.XDG_STATE_HOME);
    expect(audit.find((e) => e.step === 'dhcp-to-backup')).toMatchObject({
      state: 'failed',
      host: 'nas',
      message: expect.stringMatching(/nas unreachable since .*ECONNREFUSED/),
    });
    expect(audit.find((e) => e.step === 'dhcp-to-primary')).toMatchObject({
      phase: 'rollback',
      state: 'failed',
      message: expect.stringMatching(/nas unreachable/),
    });
    expect(audit.at(-1)).toMatchObject({
      event: 'run-end',
      status: 'failed',
      failedStep: 'dhcp-to-backup',
      message: expect.stringMatching(/rollback step dhcp-to-primary failed too/),
    });
    // Nothing was changed: clients still get the workstation first.
    expect(dhcpLease(l)?.dns).toEqual([l.ws, l.nas, l.router]);
    expect(existsSync(join(l.dir, 'run/sshd-nas.pid'))).toBe(false);
  }, 180_000);
});
