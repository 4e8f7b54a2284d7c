// Outage mode end to end: the console runs "on a laptop" (the remote profile) and reaches the
// workstation and the NAS over SSH — two real OpenSSH servers on loopback — plus a host whose
// port accepts and never speaks SSH. The workstation's sshd is stopped mid-run: its panes keep
// their last values, marked stale and "unreachable since", the console moves to the outage
// view by itself, keys keep answering, and a dns-failover dry run works from there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.js';
import { TmuxSession } from '../helpers/tmux.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist', 'cli.js');
const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');
const hasSshd = sshdAvailable();

describe.runIf(hasTmux && hasSshd)('outage: the workstation goes down while the console watches it over SSH', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-outage-'));
  let workstation: Sshd;
  let nas: Sshd;
  let silent: Server;
  const held: Socket[] = [];
  let tmux: TmuxSession | null = null;

  // The DNS servers of scripts/services.sh (any answer will do: the test reads the layout).
  const [dns1Port, dns2Port] = [process.env.HOMEOPS_TEST_DNS1, process.env.HOMEOPS_TEST_DNS2].map((v, i) =>
    Number(v?.split(':')[1] ?? 5353 + i),
  );

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    [workstation, nas] = await Promise.all([startSshd(), startSshd()]);
    // A port that accepts and then says nothing, as a half-dead machine does.
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const silentPort = (silent.address() as { port: number }).port;
    const backups = join(home, 'backups');
    mkdirSync(backups);
    writeFileSync(join(backups, 'config-1.tar'), 'x'.repeat(2048));
    const recent = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(backups, 'config-1.tar'), recent, recent);
    const knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, execFileSync('cat', [workstation.knownHosts, nas.knownHosts]));
    const ssh = (s: Sshd) => `{ user: ${s.user}, port: ${s.port}, identityFile: ${s.clientKey}, knownHosts: ${knownHosts} }`;
    writeFileSync(
      join(home, 'config.yaml'),
      [
        'refresh: 1s',
        'profile: remote',
        'hosts:',
        `  workstation: { address: 127.0.0.1, local: true, ssh: ${ssh(workstation)} }`,
        `  nas: { address: 127.0.0.1, ssh: ${ssh(nas)} }`,
        `  router: { address: 127.0.0.1, ssh: { user: ${nas.user}, port: ${silentPort}, identityFile: ${nas.clientKey}, knownHosts: ${knownHosts}, connectTimeout: 2s } }`,
        'plan:',
        '  host: workstation',
        '  groups: [{ name: system, cores: 1 }, { name: services, cores: 1 }]',
        'probes:',
        '  cpu: { host: workstation, interval: 1s, timeout: 2s }',
        '  gpu: { host: router, interval: 2s, timeout: 2s }',
        'dns:',
        '  servers:',
        `    - { name: primary, address: 127.0.0.1, port: ${dns1Port}, host: workstation }`,
        `    - { name: secondary, address: 127.0.0.1, port: ${dns2Port}, host: nas }`,
        '  names: [{ name: nas.home, local: true }]',
        'backups:',
        `  sets: [{ name: configuration, host: nas, path: ${backups}, schedule: 1h }]`,
        'runbooks:',
        '  site:',
        '    dnsProbeName: nas.home',
        '    dhcpHost: nas',
        '    dhcpDnsToBackup: echo dhcp now points at the nas',
        '    dhcpDnsToPrimary: echo dhcp now points at the workstation',
        '    dhcpShow: echo 6,127.0.0.1',
        '    dnsClients: echo no clients',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await tmux?.kill();
    for (const socket of held) socket.destroy();
    silent?.close();
    await Promise.all([workstation?.stop(), nas?.stop()]);
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps the last values, says since when, switches to the outage view and still answers keys', async () => {
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.state'),
      HOMEOPS_CONFIG: join(home, 'config.yaml'),
      NO_COLOR: '1',
    };
    tmux = await TmuxSession.start({ cols: 120, rows: 40, env, cwd: root, command: `node ${cli}` });
    // The workstation's CPU, read over SSH; the backups on the NAS over SFTP.
    await tmux.waitFor(/CPU · workstation[\s\S]*of \d+ threads/, 15_000);
    await tmux.waitFor(/fresh\s+configuration/, 15_000);
    expect(await tmux.capture()).toMatch(/view workstation/);

    workstation.killAll();
    const down = await tmux.waitFor(/workstation unreachable since \d\d:\d\d:\d\d/, 20_000);
    // The outage view, chosen by itself, with the reason in the status bar.
    await tmux.waitFor(/view outage/, 10_000);
    expect(down).toMatch(/STALE|stale/);
    // Keys answer at once although the router's port never speaks SSH.
    const before = Date.now();
    await tmux.sendKeys('?');
    await tmux.waitFor(/Help · keys/, 3_000);
    expect(Date.now() - before).toBeLessThan(2_000);
    await tmux.sendKeys('Escape');
    await tmux.waitFor((screen) => !screen.includes('Help · keys'), 3_000);

    // From the outage view: the runbook menu, then a dry run of dns-failover — each step with
    // its host and exact command, nothing run.
    await tmux.sendKeys('b');
    await tmux.waitFor(/Runbooks \(\d+\)/, 5_000);
    await tmux.sendKeys('Down');
    await tmux.waitFor(/▸ dns-failover/, 3_000);
    await tmux.sendKeys('d');
    const dry = await tmux.waitFor(/Dry run · dns-failover[\s\S]*\$ echo dhcp now points at the nas/, 5_000);
    expect(dry).toMatch(/dhcp-to-backup\s+run\s+nas \(ssh /);
    expect(dry).toMatch(/\$ echo dhcp now points at the nas/);
    expect(dry).toMatch(/nothing (is|was) run/);
    // The panes below the dry run stay live, and the status bar still says why this view.
    expect(dry).toMatch(/view outage/);
  }, 90_000);
});
