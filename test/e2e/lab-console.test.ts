// The DNS failover drill from the console, as an operator runs it: the built binary in a real
// terminal (tmux) with the lab's config, the primary Pi-hole stopped, `F`, the runbook's id
// typed, the confirm step answered. It measures the operator's time from the key press to the
// moment a LAN client asking DHCP is handed the NAS as its DNS server (goal: under 60 s,
// docs/runbooks.md "Drills"), and checks that a query through that server answers.

import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, homeEnv } from '../helpers/built.js';
import { auditOf, dhcpLease, docker, type Lab, labNormal, requireLab } from '../helpers/lab.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const lab = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux') ? requireLab() : null;

describe.runIf(lab)('the DNS failover drill from the console', () => {
  // Collected even when the lab is down (then skipped): nothing of it is read then.
  if (!lab) return;
  const l: Lab = lab;
  const home = mkdtempSync(join(tmpdir(), 'homeops-drill-e2e-'));
  const env = { ...homeEnv(home), HOMEOPS_CONFIG: l.config, NO_COLOR: undefined };
  const sessions: TmuxSession[] = [];

  beforeAll(() => {
    ensureBuilt();
    labNormal(l);
  }, 300_000);
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });
  afterAll(() => {
    labNormal(l);
    rmSync(home, { recursive: true, force: true });
  }, 300_000);

  it('F, the id typed, y: clients asking DHCP get the NAS, a query through it answers; the run ends ok', async () => {
    expect(dhcpLease(l)?.dns).toEqual([l.ws, l.nas, l.router]);
    // The primary Pi-hole goes down.
    docker(l, ['stop', '-t', '1', 'pihole']);

    const tmux = await TmuxSession.start({ cols: 120, rows: 40, env, cwd: home, command: `node ${cli}` });
    sessions.push(tmux);
    await tmux.waitFor(/refresh \d+s/, 15_000);
    const pressed = Date.now();
    await tmux.sendKeys('F');
    await tmux.waitFor(/Type dns-failover and press/, 10_000);
    await tmux.type('dns-failover');
    await tmux.sendKeys('Enter');
    const question = await tmux.waitFor(/Point DHCP's DNS at the NAS \(127\.\d+\.\d+\.\d+\) for every client\?/, 30_000);
    expect(question).toMatch(/✔ 1\/9 primary-down\s+this machine\s+ok/);
    expect(question).toMatch(/✔ 2\/9 backup-answers\s+this machine\s+ok/);
    await tmux.sendKeys('y');

    // A client of the house renews its lease until it is handed the NAS.
    let lease = dhcpLease(l);
    while (lease?.dns[0] !== l.nas && Date.now() - pressed < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
      lease = dhcpLease(l);
    }
    const operatorMs = Date.now() - pressed;
    process.stdout.write(`dns-failover drill: key press to clients on the NAS in ${(operatorMs / 1000).toFixed(1)} s\n`);
    expect(lease?.dns).toEqual([l.nas, l.router]);
    expect(operatorMs).toBeLessThan(60_000);
    // The client's new DNS server answers its query.
    const resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([lease?.dns[0] ?? '']);
    expect(await resolver.resolve4('nas.home')).toEqual([l.nas]);

    // The runbook goes on: the NAS must keep answering for 30 s, then the clients are listed.
    const done = await tmux.waitFor(/✔ dns-failover: ok in|✔ ok in/, 90_000);
    expect(done).toMatch(/✔ 6\/9 backup-still-answers\s+this machine\s+ok/);
    expect(done).toMatch(/✔ 7\/9 monitor-clients\s+nas\s+ok/);
    const audit = auditOf(env.XDG_STATE_HOME);
    expect(audit.find((e) => e.step === 'dhcp-to-backup')).toMatchObject({ state: 'ok', host: 'nas', exitCode: 0 });
    expect(audit.at(-1)).toMatchObject({ event: 'run-end', status: 'ok' });
  }, 240_000);
});
