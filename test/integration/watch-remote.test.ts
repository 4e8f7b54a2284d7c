// `homeops watch --profile remote`, as it runs on the NAS so that the estate is watched while
// the workstation is dead: every host over SSH, here the test OpenSSH server on loopback
// (scripts/services.sh) reached through a TCP link the test cuts (as a dead machine or a pulled
// cable would) and restores. The watcher says the host was lost, its panes' alerts fold into the
// host's one alert (one webhook message, "N alerts held"), and when the link is back it says so
// and resolves the alert (one message).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/cli.js';
import { requireSshd, testServices } from '../helpers/services.js';
import { freePort } from '../helpers/sshd.js';
import { startWatch, waitForText } from '../helpers/watch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

type Message = { state: string; severity: string; title: string; text: string; pane: string | null };

/** A TCP link on a loopback port to `target`: cut() drops it and every connection through it, restore() opens it again. */
type Link = { port: number; cut(): Promise<void>; restore(): Promise<void> };

async function startLink(target: { host: string; port: number }): Promise<Link> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await open();
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
        server = null;
      }),
    restore: open,
  };
}

describe.runIf(requireSshd())('homeops watch --profile remote against a host that goes away', () => {
  let home: string;
  let link: Link;
  let hook: WebhookReceiver;
  const running: ChildProcess[] = [];
  const { ssh } = testServices();

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'homeops-watch-remote-'));
    link = await startLink(ssh);
    hook = await startWebhookReceiver();
    // The server's host key, known at the link's port.
    const [, type, key] = readFileSync(ssh.knownHostsPath, 'utf8').trim().split('\n')[0]?.split(' ') ?? [];
    writeFileSync(join(home, 'known_hosts'), `[127.0.0.1]:${link.port} ${type} ${key}\n`);
  }, 120_000);
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await link?.cut();
    await hook?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('says the host is lost, sends one folded alert, and resolves it when the link is back', async () => {
    // The workstation is the host marked local, reached over SSH by the remote profile; its CPU
    // pane waits on it. Timeouts are long: a loaded machine may take seconds to answer.
    const config = join(home, 'estate.yaml');
    writeFileSync(
      config,
      [
        'refresh: 1s',
        'hosts:',
        '  workstation:',
        '    local: true',
        '    address: 127.0.0.1',
        `    ssh: { host: 127.0.0.1, port: ${link.port}, user: ${ssh.user}, identityFile: ${ssh.privateKeyPath}, knownHosts: ${join(home, 'known_hosts')}, connectTimeout: 10s }`,
        'plan: { host: workstation, threadsPerCore: 1, groups: [{ name: all, cores: 1 }] }',
        'probes: { cpu: { interval: 1s, timeout: 10s }, gpu: { enabled: false } }',
        // Memory over 1% of the host: the CPU pane warns, and its alert fires, from the start.
        'triggers: { cpu: { percent: 100 }, memory: { percent: 1 } }',
        'alerts:',
        '  sustain: 2s',
        '  clear: 1s',
        '  sustainFor: { host: 2s }',
        `  channels: [{ name: hook, type: webhook, url: "${hook.url}", severities: [critical, high, medium, low] }]`,
        '',
      ].join('\n'),
    );
    const watch = startWatch(home, ['--config', config, '--profile', 'remote']);
    running.push(watch.child);
    await waitForText(watch.out, /alert firing medium cpu: /, 30_000);
    expect(watch.out()).toMatch(/watch started watcher started on .* \(remote profile\)/);
    expect(watch.out()).toMatch(/pane warn +cpu warn: .*mem \d+%/);
    await waitForText(() => String(hook.received.length), /^1$/, 10_000);
    const before = hook.received.length;

    await link.cut();
    await waitForText(watch.out, /host lost workstation unreachable since/, 30_000);
    const fired = await waitForText(watch.out, /alert firing \S+ workstation unreachable/, 30_000);
    expect(fired).toMatch(/alert firing \S+ workstation unreachable: \d+ alerts? held/);
    // One message for the host (the CPU pane's alert and its readings gone held under it), none
    // for each of its panes.
    await waitForText(() => String(hook.received.length), new RegExp(`^${before + 1}$`), 10_000);
    const during = hook.received.slice(before).map((r) => JSON.parse(r.body) as Message);
    expect(during.map((m) => `${m.state} ${m.title}`)).toEqual([
      expect.stringMatching(/^firing workstation unreachable: \d+ alerts? held$/),
    ]);

    await waitForText(watch.out, /alert firing low cpu stale: /, 30_000);
    await link.restore();
    await waitForText(watch.out, /host back workstation answers again after/, 30_000);
    // What still fires once the host is back (the CPU pane's alert) is said once, with the resolution.
    await waitForText(
      watch.out,
      /alert resolved critical workstation answers again after \d+s; still firing: cpu:memory-used-trigger/,
      30_000,
    );
    // The readings gone while it was away were held: recorded, but no message of their own.
    expect(watch.out()).toMatch(/alert firing low cpu stale: .*\(held: workstation unreachable\)/);
    await waitForText(() => hook.received.map((r) => r.body).join('\n'), /"state":"resolved"/, 10_000);
    const states = hook.received
      .slice(before)
      .map((r) => JSON.parse(r.body) as Message)
      .map((m) => `${m.state} ${m.title}`);
    expect(states.filter((m) => m.startsWith('firing workstation'))).toHaveLength(1);
    expect(states.filter((m) => m.startsWith('resolved workstation unreachable'))).toHaveLength(1);
    // Nothing about the CPU pane's readings being gone: they were the host's.
    expect(states.filter((m) => /cpu/i.test(m) && !/still/.test(m))).toEqual([]);

    watch.child.kill('SIGTERM');
    expect((await watch.exited).code).toBe(0);
    expect(watch.err()).toBe('');
  }, 120_000);
});
