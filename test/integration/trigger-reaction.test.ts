// The watcher's reaction for `response: auto`, with a real runbook run on this machine: inside the
// maintenance window nothing runs; a run still going when the watcher stops is interrupted (and
// stays resumable) rather than left behind; and what reaches the timeline and the channels.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/alerts/engine.js';
import type { WatchTick } from '../../src/alerts/reactions.js';
import { noticeEvent, noticeMessage, TriggerReaction } from '../../src/alerts/trigger-reaction.js';
import { configSchema } from '../../src/config/schema.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import type { Offer } from '../../src/model/offer.js';
import type { TimelineEvent } from '../../src/model/timeline.js';
import { readHistory } from '../../src/runbooks/audit.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { snapshotAt } from '../helpers/snapshot.js';

const home = mkdtempSync(join(tmpdir(), 'homeops-reaction-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(command: string) {
  // Each its own state directory: its own audit log.
  const dir = mkdtempSync(join(home, 'case-'));
  const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') };
  writeFileSync(
    join(dir, 'fix.yaml'),
    [
      'id: fix',
      'title: Fix it',
      'trigger:',
      '  when: { services: { name: [api] }, state: down }',
      '  for: 1m',
      '  reason: it is down',
      'steps:',
      '  - id: do',
      `    run: { host: here, command: "${command}", timeout: 1m }`,
      '',
    ].join('\n'),
  );
  const config = configSchema.parse({
    hosts: { here: { local: true, address: '127.0.0.1' } },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    runbooks: { dirs: [dir] },
  });
  const hosts = hostsFromConfig(config, env);
  const sent: Message[] = [];
  const reaction = new TriggerReaction({
    catalog: loadRunbooks({ config, env, cwd: home }),
    config,
    env,
    hosts,
    send: (m) => void sent.push(m),
    closeWaitMs: 5000,
  });
  const recorded: TimelineEvent[] = [];
  const offer: Offer = {
    runbook: 'fix',
    title: 'Fix it',
    reason: 'it is down: api down for 1m',
    since: new Date().toISOString(),
    response: 'auto',
  };
  const tick = (maintenance: boolean, offers: Offer[] = [offer]): WatchTick => {
    const snapshot = { ...snapshotAt(Date.now(), {}), offers };
    return { snapshot, now: Date.now(), events: [], maintenance, record: (e) => void recorded.push(e) };
  };
  return { reaction, hosts, sent, recorded, tick, env };
}

describe('the automatic response reaction', () => {
  it('runs nothing inside the maintenance window, and the same episode once outside it', async () => {
    const out = join(home, 'ran.txt');
    const { reaction, hosts, sent, recorded, tick } = setup(`echo ran >> ${out}`);
    try {
      reaction.react(tick(true));
      await sleep(300);
      expect(existsSync(out)).toBe(false);
      expect(sent).toEqual([]);
      reaction.react(tick(false));
      reaction.react(tick(false));
      const deadline = Date.now() + 10_000;
      while (sent.length < 2 && Date.now() < deadline) await sleep(50);
      expect(sent.map((m) => [m.state, m.severity, m.title])).toEqual([
        ['firing', 'high', 'automatic run of fix'],
        ['resolved', 'high', 'automatic run of fix'],
      ]);
      expect(recorded.map((e) => [e.kind, e.subject, e.state])).toEqual([['runbook', 'fix', 'triggered']]);
    } finally {
      await reaction.close();
      hosts.closeAll();
    }
  });

  it('a run still going when the watcher stops is interrupted, resumable, and said so', async () => {
    const { reaction, hosts, sent, tick, env } = setup('sleep 30');
    try {
      reaction.react(tick(false));
      const deadline = Date.now() + 10_000;
      while (readHistory(env, { runbook: 'fix' }).every((h) => h.status !== 'unfinished') && Date.now() < deadline) await sleep(50);
      const started = Date.now();
      await reaction.close();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(readHistory(env, { runbook: 'fix' }).at(-1)?.status).toBe('interrupted');
      expect(sent.at(-1)).toMatchObject({ state: 'firing', severity: 'critical', title: 'automatic run of fix interrupted' });
    } finally {
      hosts.closeAll();
    }
  });
});

describe('what a notice becomes', () => {
  const base = { runbook: 'dns-failover', since: '2026-12-07T10:00:00.000Z', text: 'words' };
  it("the start and a refusal are recorded; the run's end comes from the audit log", () => {
    expect(noticeEvent({ ...base, level: 'warn', state: 'started' }, 5)).toMatchObject({
      kind: 'runbook',
      state: 'triggered',
      severity: 'high',
    });
    expect(noticeEvent({ ...base, level: 'crit', state: 'refused' }, 5)).toMatchObject({
      kind: 'runbook',
      state: 'refused',
      severity: 'critical',
    });
    expect(noticeEvent({ ...base, level: 'info', state: 'ok' }, 5)).toBeNull();
  });
  it('one key per runbook: the start fires high, a good end resolves it, a bad one is critical', () => {
    const m = (state: Parameters<typeof noticeMessage>[0]['state']) => noticeMessage({ ...base, level: 'info', state }, 9);
    expect(m('started')).toMatchObject({
      state: 'firing',
      severity: 'high',
      key: 'runbook:dns-failover',
      since: Date.parse(base.since),
      at: 9,
    });
    expect(m('ok')).toMatchObject({ state: 'resolved', severity: 'high', key: 'runbook:dns-failover' });
    expect(m('failed')).toMatchObject({ state: 'firing', severity: 'critical', title: 'automatic run of dns-failover failed' });
    expect(m('refused')).toMatchObject({ state: 'firing', severity: 'critical', title: 'automatic run of dns-failover not done' });
  });
});
