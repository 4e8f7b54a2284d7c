// A trigger's `response: auto`, carried out by `homeops watch` (the built binary): an HTTP service
// on loopback stops answering, the watcher's services probe sees it, the trigger (auto, its hold
// shortened by the config) fires, and the watcher runs the runbook on this machine: once per
// episode, audited as "NAME via trigger", on the timeline (`homeops events`), said on stdout,
// and notified to a webhook on loopback. A demo watcher records the same trigger as not run.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/runbooks/audit.js';
import { ensureBuilt, ROOT, runCli } from '../helpers/cli.js';
import { startWatch, type Watch, waitForText } from '../helpers/watch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

type Hook = { state: string; severity: string; title: string; text: string; key: string; pane: string | null; since: string };
type Event = { kind: string; subject: string; state: string; severity: string | null; text: string };

describe('homeops watch carries out a trigger whose response is auto', () => {
  let home: string;
  let hook: WebhookReceiver;
  let up = true;
  const server: Server = createServer((_req, res) => {
    res.statusCode = up ? 200 : 503;
    res.end(up ? 'ok' : 'down');
  });
  const watchers: Watch[] = [];

  beforeAll(async () => {
    ensureBuilt();
    hook = await startWebhookReceiver();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    home = mkdtempSync(join(tmpdir(), 'homeops-watch-auto-'));
  }, 120_000);
  afterAll(async () => {
    for (const w of watchers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    server.close();
    await hook.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs the runbook once per episode, audited, on the timeline and notified', async () => {
    const port = (server.address() as AddressInfo).port;
    const out = join(home, 'restarts.txt');
    mkdirSync(join(home, 'runbooks'), { recursive: true });
    writeFileSync(
      join(home, 'runbooks', 'restart-api.yaml'),
      [
        'id: restart-api',
        'title: Restart the API',
        'trigger:',
        '  when: { services: { name: [api] }, state: down }',
        '  for: 1h',
        '  reason: the API does not answer',
        'steps:',
        '  - id: ask',
        '    confirm: Restart the API?',
        '  - id: restart',
        `    run: { host: here, command: "echo restarted >> ${out}", timeout: 10s }`,
        '',
      ].join('\n'),
    );
    const config = join(home, 'config.yaml');
    writeFileSync(
      config,
      [
        'refresh: 500ms',
        'hosts: { here: { local: true, address: 127.0.0.1 } }',
        'plan: { host: here, groups: [{ name: all, cores: 1 }] }',
        'services:',
        '  interval: 500ms',
        '  timeout: 1s',
        '  downAfter: 1',
        `  list: [{ name: api, priority: 2, runsOn: here, check: { http: { url: "http://127.0.0.1:${port}/health" } } }]`,
        'runbooks:',
        `  dirs: ["${join(home, 'runbooks')}"]`,
        '  triggers: { restart-api: { response: auto, for: 1s } }',
        'alerts:',
        '  channels:',
        `    - { name: hook, type: webhook, url: "${hook.url}" }`,
        '',
      ].join('\n'),
    );

    const watch = startWatch(home, ['--config', config]);
    watchers.push(watch);
    await waitForText(watch.out, /watch started/);
    // Up: a few ticks, nothing offered, nothing run.
    await waitForText(watch.out, /pane ok services /);
    expect(existsSync(out)).toBe(false);

    up = false;
    await waitForText(watch.out, /runbook ok runbook restart-api ok/);
    expect(readFileSync(out, 'utf8')).toBe('restarted\n');
    const lines = watch.out();
    expect(lines).toMatch(
      /^\S+Z runbook triggered high trigger: running restart-api automatically: the API does not answer: api down for \d/m,
    );
    expect(lines).toMatch(/^\S+Z runbook started runbook restart-api started by \S+ via trigger@/m);
    // Still down, the same episode: a few seconds more and it has not run again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(readFileSync(out, 'utf8')).toBe('restarted\n');

    // Back up, then down again: a new episode, run again.
    up = true;
    // (up again, though the failed checks keep its error rate up: degraded, not ok)
    await waitForText(watch.out, /pane \w+ services \w+ → \w+: 1\/1 up/);
    up = false;
    await waitForText(() => readFileSync(out, 'utf8'), /restarted\nrestarted\n/);
    await waitForText(watch.out, /(runbook ok runbook restart-api ok[\s\S]*){2}/);
    await waitForText(
      watch.out,
      /notify sent high hook \(webhook\): RESOLVED high automatic run of restart-api[\s\S]*notify sent high hook \(webhook\): RESOLVED high automatic run/,
    );

    watch.child.kill('SIGTERM');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    expect(watch.err()).toBe('');

    // The audit log: two runs, both by the trigger.
    const env = { HOME: home, XDG_STATE_HOME: join(home, 'state') };
    const history = readHistory(env, { runbook: 'restart-api' });
    expect(history.map((h) => [h.status, h.user.endsWith(' via trigger')])).toEqual([
      ['ok', true],
      ['ok', true],
    ]);

    // The timeline: why it ran, and the run itself (from the audit log), twice.
    const events = await runCli(['events', '--config', config, '--json'], { home });
    expect(events.code).toBe(0);
    const runbook = (JSON.parse(events.stdout) as Event[]).filter((e) => e.kind === 'runbook').reverse();
    expect(runbook.map((e) => e.state)).toEqual(['triggered', 'started', 'ok', 'triggered', 'started', 'ok']);
    expect(runbook[0]).toMatchObject({
      subject: 'restart-api',
      severity: 'high',
      text: expect.stringMatching(/^trigger: running restart-api automatically: the API does not answer/) as unknown as string,
    });
    expect(runbook[1]?.text).toMatch(/via trigger/);

    // The webhook: each run's start (high, firing) and its end (the same key, resolved).
    const hooks = hook.received.map((r) => JSON.parse(r.body) as Hook).filter((h) => h.key === 'runbook:restart-api');
    expect(hooks.map((h) => [h.state, h.severity, h.title])).toEqual([
      ['firing', 'high', 'automatic run of restart-api'],
      ['resolved', 'high', 'automatic run of restart-api'],
      ['firing', 'high', 'automatic run of restart-api'],
      ['resolved', 'high', 'automatic run of restart-api'],
    ]);
    expect(hooks[0]?.text).toMatch(/^running restart-api automatically: the API does not answer: api down for /);
    expect(hooks[1]?.text).toMatch(/^restart-api \(run automatically\) finished · run /);
    expect(hooks[0]?.pane).toBe('services');
  }, 90_000);

  it('a demo watcher records the automatic trigger as not run, and notifies that', async () => {
    const own = mkdtempSync(join(tmpdir(), 'homeops-watch-auto-demo-'));
    try {
      const config = join(own, 'estate.yaml');
      // The reference estate, its primary-failover automatic and held for 1 s instead of 60.
      writeFileSync(
        config,
        readFileSync(join(ROOT, 'examples', 'estate.yaml'), 'utf8')
          .replace('  triggers: {}', '  triggers: { primary-failover: { response: auto, for: 1s } }')
          .concat(`alerts:\n  channels:\n    - { name: hook, type: webhook, url: "${hook.url}" }\n`),
      );
      const watch = startWatch(own, ['--config', config, '--demo', 'primary-failure']);
      watchers.push(watch);
      await waitForText(
        watch.out,
        /runbook refused critical trigger: primary-failover was not run automatically: a demo scenario replays recordings/,
      );
      await waitForText(watch.out, /notify sent critical hook \(webhook\): FIRING critical automatic run of primary-failover not done/);
      watch.child.kill('SIGTERM');
      expect((await watch.exited).code).toBe(0);
      expect(watch.out()).not.toMatch(/runbook started/);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 60_000);
});
