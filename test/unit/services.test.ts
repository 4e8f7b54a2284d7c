// The services probe's pure parts: a down service against its priority's recovery budget (warn
// past half, critical past it), the maintenance window (local time, the first Sunday of the
// month), p95 and error rate over the windows, DNS over TCP messages, and demo recordings that
// are wrong.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWindow, nextWindow, windowAt } from '../../src/config/maintenance.js';
import { maintenanceSchema, servicesSchema } from '../../src/config/schema.js';
import { replayServices } from '../../src/demo/services-replay.js';
import { dnsQuery, firstMessage, parseDnsReply } from '../../src/probes/services/dns-tcp.js';
import { percentile } from '../../src/probes/services/history.js';
import { servicesProbe } from '../../src/probes/services/probe.js';
import type { CheckRaw, ServicesRaw } from '../../src/probes/services/types.js';

const MIN = 60_000;
const T0 = new Date(2026, 11, 6, 1, 0).getTime(); // Sunday 6 December 2026, 01:00 local: the first Sunday

const config = servicesSchema.parse({
  interval: '15s',
  list: [
    { name: 'auth', priority: 1, check: { http: { url: 'http://10.0.10.10/auth' } } },
    { name: 'api', priority: 2, check: { tcp: { address: '10.0.10.10', port: 8080 } } },
  ],
});

/** Every 15 s from `from` to `to`: auth up until `downAt`, then failing; api always up. */
function checks(from: number, to: number, downAt: number): CheckRaw[] {
  const out: CheckRaw[] = [];
  for (let at = from; at <= to; at += 15_000) {
    out.push(
      at >= downAt
        ? { service: 'auth', at, ms: null, failure: { kind: 'timeout', message: 'no answer in time' } }
        : { service: 'auth', at, ms: 20, http: { status: 200, body: 'ok' } },
    );
    out.push({ service: 'api', at, ms: 5, tcp: { connected: true } });
  }
  return out;
}

function readAt(now: number, downAt: number, maintenance?: ReturnType<typeof maintenanceSchema.parse>) {
  const raw: ServicesRaw = { at: now, checks: checks(now - 20 * MIN, now, downAt) };
  const probe = servicesProbe(async () => raw, config, maintenance);
  const reading = probe.parse(raw);
  return { reading, assessment: probe.assess(reading, now), auth: reading.services.find((s) => s.name === 'auth') };
}

describe('a down service against its recovery budget', () => {
  const now = T0 - 2 * 60 * MIN; // a Saturday evening, outside any window

  it('under half its budget: a warning that says how long of how long', () => {
    const { auth, assessment } = readAt(now, now - 2 * MIN);
    expect(auth).toMatchObject({ state: 'down', level: 'warn', downSince: new Date(now - 2 * MIN).toISOString(), budgetMs: 5 * MIN });
    expect(assessment.alerts).toEqual([{ level: 'warn', message: 'auth down 2m of 5m: no answer within 5s (priority 1)' }]);
    expect(assessment.summary).toBe('1/2 up · auth DOWN');
  });

  it('past half its budget: a warning that says so', () => {
    expect(readAt(now, now - (3 * MIN + 15_000)).assessment.alerts[0]?.message).toBe(
      'auth down 3m15s of 5m: no answer within 5s (priority 1: past half its recovery budget)',
    );
  });

  it('past its budget: critical', () => {
    const { assessment } = readAt(now, now - 6 * MIN);
    expect(assessment.status).toBe('crit');
    expect(assessment.alerts[0]).toEqual({
      level: 'crit',
      message: 'auth down 6m of 5m: no answer within 5s (priority 1: past its recovery budget)',
    });
  });

  it('the response time over 5 minutes and the error rate in the hour kept', () => {
    const { reading } = readAt(now, now - 2 * MIN);
    const api = reading.services.find((s) => s.name === 'api');
    expect(api).toMatchObject({ state: 'up', lastMs: 5, p95: { m5: 5, m60: 5 }, errorRate: { m5: 0, m60: 0 }, level: 'ok' });
    const auth = reading.services.find((s) => s.name === 'auth');
    // 20 checks in 5 minutes, the last 9 failed (2 minutes, both ends counted).
    expect(auth?.checks.m5).toBe(20);
    expect(auth?.errorRate.m5).toBeCloseTo(9 / 20);
  });
});

describe('the maintenance window', () => {
  const window = maintenanceSchema.parse({ weekday: 'sunday', weeks: [1], from: '02:00', to: '04:00' });

  it('is the first Sunday of the month, 02:00 to 04:00 local time', () => {
    expect(windowAt(window, T0)).toBeNull();
    expect(windowAt(window, T0 + 60 * MIN)).toEqual({ from: T0 + 60 * MIN, until: T0 + 180 * MIN });
    expect(windowAt(window, T0 + 180 * MIN)).toBeNull();
    // The second Sunday is not one.
    expect(windowAt(window, T0 + 7 * 24 * 60 * MIN + 90 * MIN)).toBeNull();
    expect(nextWindow(window, T0 + 4 * 60 * MIN)?.from).toBe(new Date(2027, 0, 3, 2, 0).getTime());
    expect(describeWindow(window)).toBe('Sundays 02:00–04:00, the first of each month');
  });

  it('inside it a down service is expected: no alert, and the summary says until when', () => {
    const now = T0 + 90 * MIN;
    const { auth, assessment, reading } = readAt(now, now - 6 * MIN, window);
    expect(auth?.level).toBe('maintenance');
    expect(assessment.alerts).toEqual([]);
    expect(assessment.status).toBe('ok');
    expect(reading.maintenance).toEqual({ until: new Date(T0 + 180 * MIN).toISOString() });
    expect(assessment.summary).toBe('1/2 up · 1 down in the maintenance window · maintenance window until 04:00');
  });

  it('a window that ends before it starts is refused with the field', () => {
    expect(maintenanceSchema.safeParse({ weekday: 'sunday', from: '04:00', to: '02:00' }).error?.issues[0]).toMatchObject({
      path: ['to'],
      message: 'must be later than from (04:00) on the same day',
    });
  });
});

describe('percentile', () => {
  it('nearest rank: the 95th of 1..20 is 19, of one value that value, of none null', () => {
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(19);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.95)).toBeNull();
  });
});

describe('DNS over TCP messages', () => {
  /** A reply to `query` as a server writes it: the question echoed, one A record by a pointer. */
  function reply(query: Buffer, rcode: number, address?: number[]): Buffer {
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(0x8180 | rcode, 2);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const answer = address ? Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address]) : Buffer.alloc(0);
    return Buffer.concat([header, query.subarray(12), answer]);
  }

  it('reads an answer, NXDOMAIN, and a reply to another question as an error', () => {
    const query = dnsQuery(0x1234, 'nas.home', 'A');
    expect(parseDnsReply(reply(query, 0, [10, 0, 10, 20]), 0x1234, 'A')).toEqual({ outcome: 'ok', records: ['10.0.10.20'] });
    expect(parseDnsReply(reply(query, 3), 0x1234, 'A')).toEqual({ outcome: 'nxdomain', records: [] });
    expect(parseDnsReply(reply(query, 0), 0x1234, 'A')).toEqual({ outcome: 'nodata', records: [] });
    expect(() => parseDnsReply(reply(query, 0), 0x9999, 'A')).toThrow('reply to another question');
    expect(() => parseDnsReply(reply(query, 0, [10, 0, 10, 20]).subarray(0, 40), 0x1234, 'A')).toThrow(/truncated/);
  });

  it('frames by the two-byte length: nothing until the whole message is there', () => {
    const message = dnsQuery(1, 'nas.home', 'A');
    const framed = Buffer.concat([Buffer.from([0, message.length]), message]);
    expect(firstMessage(framed.subarray(0, 10))).toBeNull();
    expect(firstMessage(framed)).toEqual(message);
  });
});

describe('demo recordings', () => {
  const scenario = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'homeops-svc-demo-'));
    writeFileSync(join(dir, 'services.json'), body);
    return { name: 'x', dir, host: 'workstation', description: '' };
  };

  it('a recording that is wrong says where, in one line', () => {
    expect(() => replayServices(scenario('{"services": {"auth": {"down": {"since": "soon", "saw": {}}}}}'), config)).toThrow(
      /services\.json: services\.auth\.down\.since must be a duration such as "3m12s"$/,
    );
    expect(() => replayServices(scenario('{"services": {"auth": {"saw": {"htp": {}}}}}'), config)).toThrow(
      /services\.auth\.saw\.htp: not something a check sees/,
    );
  });

  it('an outage recorded 3m12s before the demo starts reads as one, through the real probe', async () => {
    const read = replayServices(
      scenario(
        JSON.stringify({
          history: { span: '10m', every: '15s' },
          defaults: { tcp: { saw: { tcp: { connected: true } }, ms: 1 } },
          services: {
            auth: {
              saw: { http: { status: 200, body: 'ok' } },
              down: { since: '3m12s', saw: { failure: { kind: 'timeout', message: 'no answer in time' } } },
            },
          },
        }),
      ),
      config,
      () => T0 - 2 * 60 * MIN,
    );
    expect(read).not.toBeNull();
    const probe = servicesProbe(read ?? (() => Promise.reject(new Error('no recording'))), config);
    const reading = probe.parse(await probe.read(new AbortController().signal));
    expect(probe.assess(reading, T0).alerts[0]?.message).toBe(
      'auth down 3m12s of 5m: no answer within 5s (priority 1: past half its recovery budget)',
    );
  });
});
