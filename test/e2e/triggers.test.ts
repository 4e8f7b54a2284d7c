// A trigger end to end, in the built console in a real terminal (tmux), with a real dnsmasq as the
// service it watches: while the DNS server answers nothing is offered; paused (it stops
// answering), the runbook is offered once the condition has held for the time the config sets
// (2 s instead of the runbook's hour), in a banner with why, since when and its key; answering
// again, the banner goes; the key runs the runbook.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFits, cli, ensureBuilt, homeEnv } from '../helpers/built.js';
import { type Dnsmasq, dnsmasqAvailable, startDnsmasq, stopAllDnsmasq } from '../helpers/dnsmasq.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const ready = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux') && dnsmasqAvailable();

describe.runIf(ready)('a trigger in the console, watching a real DNS server', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-trigger-'));
  const done = join(home, 'switched');
  const sessions: TmuxSession[] = [];
  let dns: Dnsmasq;

  beforeAll(async () => {
    ensureBuilt();
    dns = await startDnsmasq('trigger-dns');
    mkdirSync(join(home, 'runbooks'), { recursive: true });
    writeFileSync(
      join(home, 'config.yaml'),
      [
        'refresh: 250ms',
        'hosts:',
        '  here: { local: true, address: 127.0.0.1 }',
        'plan:',
        '  host: here',
        '  groups:',
        '    - { name: all, cores: 1 }',
        'probes:',
        '  gpu: { enabled: false }',
        'services:',
        '  interval: 250ms',
        '  timeout: 300ms',
        '  downAfter: 1',
        '  list:',
        `    - { name: dns-here, priority: 1, runsOn: here, check: { dns: { server: 127.0.0.1, port: ${dns.port}, name: nas.home } } }`,
        'runbooks:',
        '  dirs: [runbooks]',
        '  triggers: { switch-dns: { for: 2s } }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'runbooks', 'switch.yaml'),
      [
        'id: switch-dns',
        'title: Use the other DNS server',
        'trigger:',
        '  when: { services: { kind: dns, runsOn: here }, state: down }',
        '  for: 1h',
        '  reason: the DNS server here does not answer',
        'steps:',
        '  - id: switch',
        `    run: { host: here, command: "echo switched > ${done}", timeout: 10s }`,
        '',
      ].join('\n'),
    );
  }, 180_000);
  afterEach(async () => {
    dns.resume();
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });
  afterAll(async () => {
    await stopAllDnsmasq();
    rmSync(home, { recursive: true, force: true });
  });

  const start = async (cols: number, rows: number): Promise<TmuxSession> => {
    const env = { ...homeEnv(home), HOMEOPS_CONFIG: join(home, 'config.yaml'), NO_COLOR: undefined };
    const tmux = await TmuxSession.start({ cols, rows, env, cwd: home, command: `node ${cli} --view services` });
    sessions.push(tmux);
    await tmux.waitFor(/Services · 1\/1 up/, 10_000);
    return tmux;
  };

  it('offered after the condition held for the configured 2 s, released when it stops, and its key runs it', async () => {
    const tmux = await start(120, 30);
    // Answering: nothing offered, for a while.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await tmux.capture()).not.toContain('OFFER');

    dns.pause();
    const paused = Date.now();
    await tmux.waitFor(/DOWN .* of 5m/, 5_000);
    const offered = await tmux.waitFor(/▶ OFFER  switch-dns/, 10_000);
    // Not before the condition had held for 2 s.
    expect(Date.now() - paused).toBeGreaterThanOrEqual(2000);
    const banner = offered.split('\n').find((l) => l.includes('▶ OFFER')) ?? '';
    expect(banner).toMatch(
      /▶ OFFER {2}switch-dns .*· the DNS server here does not answer: dns-here down for \d+(\.\d)?s · since \d\d:\d\d · o run it\s*$/,
    );
    // The banner's row is taken from the panes: the frame still fits the terminal.
    assertFits(offered, 120, 30);

    // Answering again: the banner goes.
    dns.resume();
    await tmux.waitFor((screen) => screen.includes('Services · 1/1 up') && !screen.includes('OFFER'), 10_000);

    // Down again: offered again, and o runs it (asked first, as from the menu).
    dns.pause();
    await tmux.waitFor(/▶ OFFER {2}switch-dns/, 10_000);
    await tmux.sendKeys('o');
    await tmux.waitFor(/Run switch-dns/, 5_000);
    await tmux.sendKeys('y');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8')).toBe('switched\n');
  }, 60_000);
});
