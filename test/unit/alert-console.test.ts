// The console's part in alerts: the bell for a new critical alert, and the ack and silence keys
// (the real controller writing the silences file and the audit log).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bellWatch, criticalKeys } from '../../src/alerts/bell.js';
import { maintenanceCheck } from '../../src/alerts/maintenance.js';
import { DEFAULT_RULES } from '../../src/alerts/rules.js';
import { NO_SILENCES, readSilences, type Silences } from '../../src/alerts/silences.js';
import { catalogOf, cleanupDirs, testController, until } from '../helpers/console-actions.js';
import { testSetup } from '../helpers/render.js';
import { snapshotAt } from '../helpers/snapshot.js';

afterEach(cleanupDirs);

const T = Date.parse('2026-03-01T10:00:00Z');
const dnsDown = { status: 'crit' as const, alerts: [{ level: 'crit' as const, message: 'no DNS server answers' }] };
const gpuHot = { status: 'crit' as const, alerts: [{ level: 'crit' as const, message: 'GPU 0 at 95°C' }] };

describe('the bell', () => {
  it('rings once when a critical alert appears, not while it stays, not for high ones', () => {
    expect([...criticalKeys(snapshotAt(T, { dns: dnsDown, gpu: gpuHot }), DEFAULT_RULES)]).toEqual(['dns:no-dns-server-answers']);
    let rings = 0;
    const watch = bellWatch(
      DEFAULT_RULES,
      () => NO_SILENCES,
      () => rings++,
    );
    watch(snapshotAt(T, { gpu: gpuHot }));
    expect(rings).toBe(0);
    watch(snapshotAt(T + 2000, { dns: dnsDown, gpu: gpuHot }));
    watch(snapshotAt(T + 4000, { dns: dnsDown }));
    expect(rings).toBe(1);
    watch(snapshotAt(T + 6000, {}));
    watch(snapshotAt(T + 8000, { dns: dnsDown }));
    expect(rings).toBe(2);
  });

  it('is held inside the maintenance window, and rings once at its end for what is still critical', () => {
    const window = { weekday: 'sunday' as const, from: '02:00', to: '04:00' };
    // A Sunday, local time.
    const at = (h: number, m = 0) => new Date(2026, 2, 1, h, m).getTime();
    let rings = 0;
    const watch = bellWatch(
      DEFAULT_RULES,
      () => NO_SILENCES,
      () => rings++,
      maintenanceCheck(window),
    );
    watch(snapshotAt(at(1, 59), {}));
    watch(snapshotAt(at(2, 10), { dns: dnsDown }));
    watch(snapshotAt(at(3, 0), { dns: dnsDown }));
    expect(rings).toBe(0);
    watch(snapshotAt(at(4, 0), { dns: dnsDown }));
    expect(rings).toBe(1);
    watch(snapshotAt(at(4, 1), { dns: dnsDown }));
    expect(rings).toBe(1);
    // What went away inside the window is not rung for afterwards.
    let later = 0;
    const other = bellWatch(
      DEFAULT_RULES,
      () => NO_SILENCES,
      () => later++,
      maintenanceCheck(window),
    );
    other(snapshotAt(at(2, 10), { dns: dnsDown }));
    other(snapshotAt(at(4, 0), {}));
    expect(later).toBe(0);
  });

  it('stays quiet for what a silence covers', () => {
    const silences: Silences = { silences: [{ target: 'dns', at: T - 1000, until: T + 3_600_000, by: 'ann', reason: null }], acks: [] };
    let rings = 0;
    bellWatch(
      DEFAULT_RULES,
      () => silences,
      () => rings++,
    )(snapshotAt(T, { dns: dnsDown }));
    expect(rings).toBe(0);
  });
});

describe('ack and silence from the console', () => {
  const s = testSetup();
  it('a acknowledges what is wrong in the pane, audited', async () => {
    const snapshot = snapshotAt(T, { dns: dnsDown });
    const { controller, env } = testController(s.config, catalogOf(s.config, {}), {
      monitor: { nudge: () => {}, current: () => snapshot },
    });
    controller.intents.ackAlerts('dns');
    const state = await until(controller, (st) => st.message !== null);
    expect(state.message?.text).toBe('acknowledged dns:no-dns-server-answers: no reminders until it resolves');
    expect(readSilences(env).acks.map((a) => a.key)).toEqual(['dns:no-dns-server-answers']);
    const audit = readFileSync(join(env.XDG_STATE_HOME ?? '', 'homeops', 'audit.jsonl'), 'utf8');
    expect(JSON.parse(audit.trim())).toMatchObject({ event: 'ack', target: 'dns:no-dns-server-answers', from: 'console' });
    controller.intents.ackAlerts('gpu');
    expect((await until(controller, (st) => st.message?.text.startsWith('gpu') === true)).message?.text).toBe(
      'gpu has no alerts to acknowledge',
    );
  });

  it('z asks what and for how long, then silences it, audited', async () => {
    const snapshot = snapshotAt(T, { dns: dnsDown });
    const { controller, env } = testController(s.config, catalogOf(s.config, {}), {
      monitor: { nudge: () => {}, current: () => snapshot },
    });
    controller.intents.silenceAlerts('dns');
    const asked = await until(controller, (st) => st.prompt?.kind === 'inputs');
    const prompt = asked.prompt;
    if (prompt?.kind !== 'inputs') throw new Error('no form');
    expect(prompt.fields.map((f) => [f.name, f.choices])).toEqual([
      ['what', ['dns', 'dns:no-dns-server-answers']],
      ['for', ['30m', '1h', '2h', '4h', '8h', '1d']],
      ['reason', null],
    ]);
    controller.intents.answer(prompt.id, 'yes', { what: 'dns:no-dns-server-answers', for: '2h', reason: 'swapping the router' });
    const done = await until(controller, (st) => st.message?.text.startsWith('silenced') === true);
    expect(done.message?.text).toMatch(/^silenced dns:no-dns-server-answers until \d\d:\d\d$/);
    const silence = readSilences(env).silences[0];
    expect(silence).toMatchObject({ target: 'dns:no-dns-server-answers', reason: 'swapping the router' });
    expect((silence?.until ?? 0) - (silence?.at ?? 0)).toBe(7_200_000);
  });
});
