// The notification channels against real servers on loopback: a webhook receiver, an ntfy
// stand-in (its documented protocol), a real SMTP server with STARTTLS and AUTH, and a command on
// this machine; then the watcher against a demo scenario that goes wrong and recovers, telling
// every channel once when the alert fires and once when it resolves.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/alerts/engine.js';
import { type Delivery, Notifier } from '../../src/alerts/notifier.js';
import { type ChannelConfig, configSchema } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import { CLI, ensureBuilt, ROOT, runCli } from '../helpers/cli.js';
import { type NtfyStandin, startNtfyStandin } from '../helpers/ntfy-standin.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { type SmtpTestServer, startSmtpServer } from '../helpers/smtp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const haveOpenssl = requireService('openssl', () => haveCommand('openssl'), 'apt-get install -y openssl');

const MESSAGE: Message = {
  state: 'firing',
  reminder: false,
  severity: 'critical',
  key: 'dns:failover-clients-use-secondary',
  pane: 'dns',
  host: null,
  title: 'dns: FAILOVER: clients use secondary 10.0.10.20 — primary timed out',
  text: 'FAILOVER → secondary 10.0.10.20 · 2/3 answer (since 10:00)',
  since: Date.parse('2026-03-01T10:00:00Z'),
  at: Date.parse('2026-03-01T10:02:00Z'),
};

function channels(list: unknown[]): ChannelConfig[] {
  const parsed = configSchema.parse({
    hosts: { here: { local: true } },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    alerts: { channels: list },
  });
  return parsed.alerts?.channels ?? [];
}

async function deliver(list: ChannelConfig[], message: Message, env: Record<string, string>, secrets: string[] = []): Promise<Delivery[]> {
  const results: Delivery[] = [];
  const config = configSchema.parse({ hosts: { here: { local: true } }, plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] } });
  const hosts = hostsFromConfig(config, env);
  const notifier = new Notifier(list, {
    env,
    source: 'ws',
    host: (name) => hosts.get(name),
    redact: (text) => secrets.reduce((t, s) => t.split(s).join('***'), text),
    onResult: (d) => results.push(d),
    retryDelaysMs: [50, 50],
  });
  notifier.send(message);
  await notifier.settle(20_000);
  return results;
}

describe.runIf(haveOpenssl)('notification channels on loopback', () => {
  let hook: WebhookReceiver;
  let ntfy: NtfyStandin;
  let smtp: SmtpTestServer;
  let dir: string;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
    ntfy = await startNtfyStandin({ token: 'tk_phone-token-1' });
    smtp = await startSmtpServer({ user: 'homeops', password: 'mail-pass-9' });
    dir = mkdtempSync(join(tmpdir(), 'homeops-notify-'));
  });
  afterAll(async () => {
    await Promise.all([hook.close(), ntfy.close(), smtp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a webhook gets the JSON with state, severity, title, text, pane and since, and the token', async () => {
    const results = await deliver(channels([{ name: 'hook', type: 'webhook', url: hook.url, tokenEnv: 'HOOK_TOKEN' }]), MESSAGE, {
      HOOK_TOKEN: 'hook-token-7',
    });
    expect(results).toMatchObject([{ channel: 'hook', ok: true, attempts: 1 }]);
    const got = hook.received.at(-1);
    expect(got?.method).toBe('POST');
    expect(got?.headers.authorization).toBe('Bearer hook-token-7');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got?.body ?? '{}')).toEqual({
      state: 'firing',
      severity: 'critical',
      title: MESSAGE.title,
      text: MESSAGE.text,
      pane: 'dns',
      host: null,
      since: '2026-03-01T10:00:00.000Z',
      at: '2026-03-01T10:02:00.000Z',
      key: MESSAGE.key,
      reminder: false,
      source: 'ws',
    });
  });

  it('a webhook that fails is tried again, and what it says back is masked', async () => {
    hook.answer(500, 'bad token hook-token-7 rejected');
    const results = await deliver(
      channels([{ name: 'hook', type: 'webhook', url: hook.url, tokenEnv: 'HOOK_TOKEN' }]),
      MESSAGE,
      { HOOK_TOKEN: 'hook-token-7' },
      ['hook-token-7'],
    );
    hook.answer(200, 'ok');
    expect(results).toEqual([expect.objectContaining({ ok: false, attempts: 3, error: 'HTTP 500: bad token *** rejected' })]);
  });

  it('ntfy gets a JSON publish with the title, priority and tags, and the token from a file', async () => {
    const file = join(dir, 'ntfy-token');
    writeFileSync(file, 'tk_phone-token-1\n', { mode: 0o600 });
    const results = await deliver(
      channels([{ name: 'phone', type: 'ntfy', url: ntfy.url, topic: 'homeops-alerts', tokenFile: file }]),
      MESSAGE,
      {},
    );
    expect(results).toMatchObject([{ ok: true }]);
    expect(ntfy.messages.at(-1)).toMatchObject({
      topic: 'homeops-alerts',
      title: `FIRING critical: ${MESSAGE.title}`,
      message: MESSAGE.text,
      priority: 5,
      tags: ['rotating_light', 'homeops'],
    });
    const resolved = await deliver(
      channels([{ name: 'phone', type: 'ntfy', url: ntfy.url, topic: 'homeops-alerts', tokenFile: file }]),
      { ...MESSAGE, state: 'resolved', text: 'resolved after 2m' },
      {},
    );
    expect(resolved).toMatchObject([{ ok: true }]);
    expect(ntfy.messages.at(-1)).toMatchObject({
      title: `RESOLVED critical: ${MESSAGE.title}`,
      priority: 3,
      tags: ['white_check_mark', 'homeops'],
    });
    const refused = await deliver(
      channels([{ name: 'phone', type: 'ntfy', url: ntfy.url, topic: 'homeops-alerts', tokenEnv: 'NTFY_TOKEN' }]),
      MESSAGE,
      { NTFY_TOKEN: 'wrong' },
    );
    expect(refused[0]?.error).toMatch(/^HTTP 401: .*"error":"unauthorized"/);
  });

  it('e-mail goes through STARTTLS and AUTH to a real SMTP server', async () => {
    const mail = {
      name: 'mail',
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      caFile: smtp.caFile,
      from: 'homeops@home.test',
      to: ['admin@home.test'],
      user: 'homeops',
      passwordEnv: 'SMTP_PASSWORD',
      severities: ['critical', 'high'],
    };
    const results = await deliver(channels([mail]), MESSAGE, { SMTP_PASSWORD: 'mail-pass-9' });
    expect(results).toMatchObject([{ ok: true }]);
    const got = smtp.mails.at(-1);
    expect(got).toMatchObject({ from: 'homeops@home.test', to: ['admin@home.test'], user: 'homeops', secure: true });
    expect(got?.subject).toBe(`[homeops] FIRING critical: ${MESSAGE.title}`);
    expect(got?.text).toContain('Silence it: homeops silence dns:failover-clients-use-secondary 2h');
    expect(got?.text).toMatch(/^FIRING · critical · dns: FAILOVER: clients use secondary 10\.0\.10\.20 — primary timed out\r?\n/);
    const wrong = await deliver(channels([mail]), MESSAGE, { SMTP_PASSWORD: 'nope' });
    expect(wrong[0]).toMatchObject({ ok: false });
    expect(wrong[0]?.error).toMatch(/Invalid username or password|535/);
    // A server certificate nobody said to trust is refused.
    const untrusted = await deliver(channels([{ ...mail, caFile: undefined }]), MESSAGE, { SMTP_PASSWORD: 'mail-pass-9' });
    expect(untrusted[0]?.ok).toBe(false);
  });

  it('a command runs on its host with the alert in its environment', async () => {
    const out = join(dir, 'command-out.txt');
    const script = join(dir, 'notify.sh');
    writeFileSync(
      script,
      `#!/bin/sh\nprintf '%s|%s|%s|%s\\n' "$HOMEOPS_ALERT_STATE" "$HOMEOPS_ALERT_SEVERITY" "$HOMEOPS_ALERT_TITLE" "$HOMEOPS_ALERT_PANE" >> ${out}\n`,
    );
    chmodSync(script, 0o755);
    const results = await deliver(channels([{ name: 'nas', type: 'command', host: 'here', command: [script] }]), MESSAGE, {
      PATH: process.env.PATH ?? '',
    });
    expect(results).toMatchObject([{ ok: true }]);
    expect(readFileSync(out, 'utf8')).toBe(`firing|critical|FIRING critical: ${MESSAGE.title}|dns\n`);
    const failing = await deliver(
      channels([{ name: 'nas', type: 'command', host: 'here', command: ['sh', '-c', 'echo no modem >&2; exit 3'] }]),
      MESSAGE,
      { PATH: process.env.PATH ?? '' },
    );
    expect(failing[0]?.error).toBe('sh exited 3: no modem');
  });

  it('routes by severity: what a channel does not take is not sent there', async () => {
    const before = hook.received.length;
    const list = channels([
      { name: 'hook', type: 'webhook', url: hook.url },
      { name: 'phone', type: 'ntfy', url: ntfy.url, topic: 't', severities: ['critical'] },
    ]);
    const results = await deliver(list, { ...MESSAGE, severity: 'medium' }, {});
    expect(results.map((r) => r.channel)).toEqual(['hook']);
    expect(hook.received.length).toBe(before + 1);
  });
});

describe.runIf(haveOpenssl)('the watcher tells every channel when an alert fires and when it resolves', () => {
  let hook: WebhookReceiver;
  let ntfy: NtfyStandin;
  let smtp: SmtpTestServer;
  let home: string;
  beforeAll(async () => {
    ensureBuilt();
    hook = await startWebhookReceiver();
    ntfy = await startNtfyStandin({ token: 'tk_phone-token-1' });
    smtp = await startSmtpServer({ user: 'homeops', password: 'mail-pass-9' });
    home = mkdtempSync(join(tmpdir(), 'homeops-watch-notify-'));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([hook.close(), ntfy.close(), smtp.close()]);
    rmSync(home, { recursive: true, force: true });
  });

  it('primary-down, then recovered: one firing and one resolution per channel, with a short sustain', async () => {
    const commandOut = join(home, 'command.txt');
    const config = join(home, 'estate.yaml');
    // The reference estate (what the demo scenarios replay), with alerts sooner than by default.
    writeFileSync(
      config,
      `${readFileSync(join(ROOT, 'examples', 'estate.yaml'), 'utf8')}
alerts:
  sustain: 4s
  clear: 4s
  channels:
    - { name: hook, type: webhook, url: "${hook.url}", tokenEnv: HOOK_TOKEN }
    - { name: phone, type: ntfy, url: "${ntfy.url}", topic: homeops, tokenEnv: NTFY_TOKEN, severities: [high] }
    - { name: mail, type: email, host: 127.0.0.1, port: ${smtp.port}, caFile: "${smtp.caFile}", from: homeops@home.test, to: [admin@home.test], user: homeops, passwordEnv: SMTP_PASSWORD }
    - { name: nas, type: command, host: workstation, command: [sh, -c, 'echo "$HOMEOPS_ALERT_STATE $HOMEOPS_ALERT_KEY" >> ${commandOut}'], severities: [high] }
`,
    );
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      XDG_STATE_HOME: join(home, 'state'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_CONFIG_HOME: join(home, 'config'),
      HOOK_TOKEN: 'hook-token-7',
      NTFY_TOKEN: 'tk_phone-token-1',
      SMTP_PASSWORD: 'mail-pass-9',
      HOMEOPS_DEMO_AFTER: '14s',
    };
    const child = spawn(process.execPath, [CLI, 'watch', '--config', config, '--demo', 'primary-down-recovers'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const dnsKey = 'dns:failover-clients-use-secondary-primary-timed-out';
    const waitFor = async (check: () => boolean, what: string, ms = 60_000) => {
      const start = Date.now();
      while (!check()) {
        if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}; stdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const hooked = (state: string) => hook.received.some((r) => r.body.includes(`"state":"${state}"`) && r.body.includes(dnsKey));
    try {
      await waitFor(() => hooked('firing'), 'the webhook to hear the DNS alert fire');
      expect(out).toMatch(/alert firing high dns: FAILOVER/);
      await waitFor(() => hooked('resolved'), 'the webhook to hear it resolve');
      await waitFor(
        () =>
          /notify sent high mail \(email\): RESOLVED high dns/.test(out) &&
          /notify sent high phone \(ntfy\): RESOLVED/.test(out) &&
          /notify sent high nas \(command\): RESOLVED/.test(out),
        'every channel to hear the resolution',
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
    const dnsHooks = hook.received
      .filter((r) => r.body.includes(dnsKey))
      .map((r) => JSON.parse(r.body) as { state: string; severity: string; since: string });
    expect(dnsHooks.map((h) => h.state)).toEqual(['firing', 'resolved']);
    expect(dnsHooks[0]?.severity).toBe('high');
    expect(ntfy.messages.filter((m) => m.title?.includes('dns: FAILOVER')).map((m) => m.title?.split(' ')[0])).toEqual([
      'FIRING',
      'RESOLVED',
    ]);
    expect(smtp.mails.filter((m) => m.subject.includes('dns: FAILOVER')).map((m) => m.subject.split(' ')[1])).toEqual([
      'FIRING',
      'RESOLVED',
    ]);
    // (The services pane's own alerts about the same outage go there too; the DNS one's lines:)
    expect((existsSync(commandOut) ? readFileSync(commandOut, 'utf8') : '').split('\n').filter((l) => l.endsWith(` ${dnsKey}`))).toEqual([
      `firing ${dnsKey}`,
      `resolved ${dnsKey}`,
    ]);
    // The medium alert (the unhealthy Pi-hole container) reached only the webhook, as routed.
    expect(hook.received.some((r) => r.body.includes('"severity":"medium"'))).toBe(true);
    expect(ntfy.messages.some((m) => m.title?.includes('pihole unhealthy'))).toBe(false);
    // The timeline has the alert firing and resolving; no secret reached stdout or the timeline.
    const events = JSON.parse(
      (await runCli(['events', '--demo', 'primary-down-recovers', '--json'], { home, env: { XDG_STATE_HOME: join(home, 'state') } }))
        .stdout || '[]',
    ) as { kind: string; subject: string; state: string }[];
    expect(events.filter((e) => e.kind === 'alert' && e.subject === dnsKey).map((e) => e.state)).toEqual(['resolved', 'firing']);
    for (const secret of ['hook-token-7', 'tk_phone-token-1', 'mail-pass-9']) expect(out + err).not.toContain(secret);
    expect(err).toBe('');
  }, 120_000);
});
