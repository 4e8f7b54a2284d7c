// The DNS pane's lines: the first answers "can the house resolve names, through which server";
// then a line per server with each name's outcome and latency, Pi-hole's figures, and sync.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { DnsAnswer, DnsOutcome, DnsReading } from '../../src/model/dns.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import { type DnsRaw, type PiholeRaw, parseDns } from '../../src/probes/dns/probe.js';
import { dnsPane } from '../../src/ui/panes/dns.js';
import { lineText, textWidth } from '../../src/ui/text.js';

const config = readUserFile(estateConfigPath(), configSchema);
const dns = config.dns!;
const AT = 1_760_000_000_000;
const HOUR = 3_600_000;

const answer = (server: string, name: string, outcome: DnsOutcome, latencyMs: number): DnsAnswer => ({
  server,
  name,
  type: 'A',
  outcome,
  latencyMs,
  records: outcome === 'ok' ? ['10.0.10.20'] : [],
});

function pihole(server: string, gravity: number, blocking: unknown = { blocking: 'enabled', timer: null }): PiholeRaw {
  return {
    server,
    summary: {
      body: {
        queries: { total: 28614, blocked: 3872, percent_blocked: 13.531837463378906 },
        gravity: { domains_being_blocked: gravity, last_update: (AT - 5 * HOUR) / 1000 },
      },
    },
    blocking: { body: blocking },
  };
}

function reading(primary: DnsOutcome, options: { gravity?: number; blocking?: unknown } = {}): DnsReading {
  const raw: DnsRaw = {
    at: AT,
    answers: [
      answer('primary', 'nas.home', primary, primary === 'timeout' ? 1500 : 0.8),
      answer('primary', 'example.com', primary, primary === 'timeout' ? 1500 : 14),
      answer('secondary', 'nas.home', 'ok', 1.9),
      answer('secondary', 'example.com', 'ok', 22),
      answer('router', 'nas.home', 'ok', 1.2),
      answer('router', 'example.com', 'ok', 18),
    ],
    piholes: [pihole('primary', 148_903, options.blocking), pihole('secondary', options.gravity ?? 148_903)],
  };
  return parseDns(raw, dns);
}

const entry = (data: DnsReading | null, extra: Partial<PaneEntry<DnsReading>> = {}): PaneEntry<DnsReading> => ({
  status: 'ok',
  ageMs: 0,
  summary: '',
  alerts: [],
  data,
  ...extra,
});
const render = (e: PaneEntry<DnsReading>, width = 120, height = 12) => dnsPane(e, width, height, config);
const text = (e: PaneEntry<DnsReading>, width = 120, height = 12) => render(e, width, height).lines.map(lineText);

describe('the first line', () => {
  it('names the server clients use and how many answer', () => {
    expect(text(entry(reading('ok')))[0]).toBe('● ok    clients use primary 10.0.10.10 · 3/3 servers answer');
    expect(render(entry(reading('ok'))).title).toBe('DNS');
  });

  it('says FAILOVER, to which server, and why, when the primary times out', () => {
    const pane = render(entry(reading('timeout'), { status: 'warn' }));
    expect(pane.title).toBe('DNS · FAILOVER');
    expect(lineText(pane.lines[0] ?? [])).toBe('▲ WARN  FAILOVER: clients use secondary 10.0.10.20 — primary timed out');
  });

  it('says NO DNS when nothing answers, and stays first when the data is stale', () => {
    const none = parseDns(
      { at: AT, answers: ['primary', 'secondary', 'router'].map((s) => answer(s, 'nas.home', 'conn-refused', 0.1)), piholes: [] },
      dns,
    );
    const lines = text(entry(none, { status: 'stale', ageMs: 40_000, error: 'no answer within 7s' }), 200);
    expect(lines[0]).toMatch(/^✖ CRIT  NO DNS: no server answers, clients cannot resolve names — primary connection refused, /);
    expect(lines[1]).toBe('◌ STALE no answer within 7s (data 40s old)');
  });
});

describe('the server lines', () => {
  it("servers in trouble first, the others in the config's order", () => {
    const raw: DnsRaw = {
      at: AT,
      answers: [
        answer('primary', 'nas.home', 'ok', 0.8),
        answer('secondary', 'nas.home', 'ok', 1.9),
        answer('router', 'nas.home', 'timeout', 1500),
      ],
      piholes: [],
    };
    const lines = text(entry(parseDns(raw, dns))).filter((l) => /^[●▲✖] /.test(l));
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['✖ DOWN router', '● ok primary', '● ok secondary']);
  });

  it("one per server: status word, name, address, each name's outcome and latency; Pi-hole figures under it", () => {
    const lines = text(entry(reading('timeout')));
    expect(lines[1]).toBe('✖ DOWN  primary   10.0.10.10      nas.home timeout 1.5s · example.com timeout 1.5s');
    expect(lines[2]).toBe('        pi-hole 13.5% of 28,614 queries blocked · gravity 148,903, 5h old · blocking on');
    expect(lines[3]).toBe('● ok    secondary 10.0.10.20      nas.home ok 1.9ms · example.com ok 22ms');
    expect(lines[5]).toBe('● ok    router    10.0.10.1       nas.home ok 1.2ms · example.com ok 18ms');
  });

  it('when the names do not fit, prints them once as a key and the outcomes alone', () => {
    const lines = text(entry(reading('ok')), 64);
    expect(lines[1]?.trim()).toBe('nas.home · example.com');
    expect(lines[2]).toBe('● ok    primary   10.0.10.10      ok 0.8ms · ok 14ms');
    expect(lines[3]).toBe('        pi-hole 13.5% blocked · gravity 148,903 · blocking on');
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(64);
  });

  it('puts Pi-hole figures on the server line when the pane is short', () => {
    const lines = text(entry(reading('ok')), 160, 5);
    expect(lines[1]).toBe(
      '● ok    primary   10.0.10.10      nas.home ok 0.8ms · example.com ok 14ms · pi-hole 13.5% blocked · gravity 148,903 · blocking on',
    );
    expect(lines.filter((l) => l.includes('pi-hole'))).toHaveLength(2);
  });

  it('shows blocking OFF with the time left, counted to the moment shown', () => {
    const lines = text(entry(reading('ok', { blocking: { blocking: 'disabled', timer: 300 } }), { ageMs: 60_000 }));
    expect(lines[2]).toMatch(/blocking OFF \(4m left\)$/);
  });
});

describe('sync between the Pi-holes', () => {
  it('says in sync, or out of sync and why', () => {
    expect(text(entry(reading('ok')))).toContain('● ok    secondary in sync with primary');
    expect(text(entry(reading('ok', { gravity: 150_002 })))).toContain('▲ WARN  secondary out of sync: gravity 150,002 vs 148,903 domains');
  });

  it("says it cannot tell while the primary's Pi-hole is unreadable", () => {
    const raw: DnsRaw = {
      at: AT,
      answers: [],
      piholes: [
        {
          server: 'primary',
          summary: { error: { kind: 'unreachable', message: 'no answer within 3s' } },
          blocking: { error: { kind: 'unreachable', message: 'no answer within 3s' } },
        },
        pihole('secondary', 1),
      ],
    };
    const lines = text(entry(parseDns(raw, dns)));
    expect(lines).toContain('        pi-hole API no answer within 3s');
    expect(lines).toContain("◌ STALE sync unknown: primary's Pi-hole not read");
  });
});

it('without a reading, shows why (down, off)', () => {
  expect(text(entry(null, { status: 'down', error: 'no answer within 4s', summary: 'no answer within 4s' }))).toEqual([
    '✖ DOWN no answer within 4s',
  ]);
  expect(text(entry(null, { status: 'off', summary: 'not configured (dns)' }))).toEqual(['○ off not configured (dns)']);
});
