// Pi-hole v6 answers → what the pane shows, read defensively (key sets vary between FTL
// versions), the error shape, the v5/v6 tell-tales, drift, and the blocking action's report.
import { describe, expect, it } from 'vitest';
import type { PiholeSummary } from '../../src/model/dns.js';
import { describeBlockingOutcomes } from '../../src/probes/pihole/blocking.js';
import { compareGravity, gravityDrift } from '../../src/probes/pihole/drift.js';
import {
  isV5Answer,
  isV6AnswerToV5Url,
  PiholeParseError,
  parseApiError,
  parseBlocking,
  parseSession,
  parseSummary,
} from '../../src/probes/pihole/parse.js';

// Written for this project in the shape of reference/protocols.md §1.3 (numbers our own).
const SUMMARY = {
  queries: {
    total: 28614,
    blocked: 3872,
    percent_blocked: 13.531837463378906,
    unique_domains: 2601,
    forwarded: 14593,
    cached: 10301,
    frequency: 0.33,
    types: { A: 17168, AAAA: 6867, ANY: 0, HTTPS: 2289 },
    status: { GRAVITY: 3660, REGEX: 61, DENYLIST: 151, FORWARDED: 14593, CACHE: 10301, SPECIAL_DOMAIN: 0 },
    replies: { NODATA: 4087, NXDOMAIN: 1144, CNAME: 5722, IP: 14307 },
  },
  clients: { active: 17, total: 23 },
  gravity: { domains_being_blocked: 148903, last_update: 1760000000 },
  took: 0.0009,
};

describe('parseSummary', () => {
  it('reads queries, blocked %, gravity size and update time (as ms)', () => {
    expect(parseSummary(SUMMARY)).toEqual({
      queries: 28614,
      blocked: 3872,
      blockedPercent: 13.531837463378906,
      gravityDomains: 148903,
      gravityUpdatedAt: 1_760_000_000_000,
      activeClients: 17,
    });
  });

  it('treats last_update 0 as unknown and works out the percentage when it is missing', () => {
    const parsed = parseSummary({ queries: { total: 200, blocked: 50 }, gravity: { domains_being_blocked: 10, last_update: 0 } });
    expect(parsed).toMatchObject({ blockedPercent: 25, gravityUpdatedAt: null, activeClients: null });
  });

  it('leaves odd values out instead of trusting them, and rejects a body that is not a summary', () => {
    expect(parseSummary({ queries: { total: '12', blocked: -1 }, gravity: {} })).toMatchObject({
      queries: null,
      blocked: null,
      blockedPercent: null,
      gravityDomains: null,
    });
    expect(() => parseSummary({ error: { key: 'x', message: 'y', hint: null } })).toThrow(PiholeParseError);
    expect(() => parseSummary([])).toThrow(PiholeParseError);
  });
});

describe('parseBlocking', () => {
  it('reads the state and the timer (null when permanent)', () => {
    expect(parseBlocking({ blocking: 'enabled', timer: null, took: 0.0001 })).toEqual({ state: 'enabled', timerSeconds: null });
    expect(parseBlocking({ blocking: 'disabled', timer: 299.5 })).toEqual({ state: 'disabled', timerSeconds: 299.5 });
    expect(parseBlocking({ blocking: 'failed', timer: null })).toEqual({ state: 'failed', timerSeconds: null });
    expect(parseBlocking({ blocking: 'sideways' })).toEqual({ state: 'unknown', timerSeconds: null });
    expect(() => parseBlocking({ timer: 3 })).toThrow(PiholeParseError);
  });
});

describe('the uniform error shape', () => {
  it('reads key, message and a hint that may be text, an object or null', () => {
    expect(parseApiError({ error: { key: 'not_found', message: 'Not found', hint: '/api/foo' }, took: 0 })).toEqual({
      key: 'not_found',
      message: 'Not found',
      hint: '/api/foo',
    });
    expect(parseApiError({ error: { key: 'unauthorized', message: 'Unauthorized', hint: null } })).toEqual({
      key: 'unauthorized',
      message: 'Unauthorized',
      hint: null,
    });
    expect(parseApiError({ error: { key: 'bad_request', message: 'Invalid', hint: { field: 'x' } } })?.hint).toBe('{"field":"x"}');
    expect(parseApiError({ blocking: 'enabled' })).toBeNull();
  });

  it('tells a v6 server (400 with the "hosted at /api" hint) from a v5 one (200 JSON)', () => {
    const v6 = {
      error: { key: 'bad_request', message: 'Bad request', hint: 'The API is hosted at pi.hole/api, not pi.hole/admin/api' },
      took: 0,
    };
    expect(isV6AnswerToV5Url(400, v6)).toBe(true);
    expect(isV6AnswerToV5Url(404, v6)).toBe(false);
    expect(isV5Answer(200, [])).toBe(true);
    expect(isV5Answer(200, { domains_being_blocked: 1, status: 'enabled' })).toBe(true);
    expect(isV5Answer(200, { FTLnotrunning: true })).toBe(true);
    expect(isV5Answer(400, v6)).toBe(false);
    expect(isV5Answer(200, { blocking: 'enabled' })).toBe(false);
  });

  it('reads the session of a login, including "no password set" (valid, no sid)', () => {
    expect(
      parseSession({ session: { valid: true, totp: false, sid: 'abc=', csrf: 'x', validity: 1800, message: 'password correct' } }),
    ).toEqual({ valid: true, sid: 'abc=', validity: 1800, totp: false, message: 'password correct' });
    expect(parseSession({ session: { valid: true, totp: false, sid: null, validity: -1, message: 'no password set' } })).toMatchObject({
      valid: true,
      sid: null,
    });
    expect(parseSession({ error: {} })).toBeNull();
  });
});

const summaryOf = (gravityDomains: number | null, gravityUpdatedAt: number | null): PiholeSummary => ({
  queries: 1,
  blocked: 0,
  blockedPercent: 0,
  gravityDomains,
  gravityUpdatedAt,
  activeClients: 1,
});

describe('drift between primary and secondary', () => {
  const HOUR = 3_600_000;
  it('is in sync with the same size and update times within the tolerance', () => {
    expect(
      compareGravity(
        { name: 'primary', summary: summaryOf(100, 10 * HOUR) },
        { name: 'secondary', summary: summaryOf(100, 10.5 * HOUR) },
        HOUR,
      ).inSync,
    ).toBe(true);
  });

  it("names each difference: size, and update time before or after the primary's", () => {
    const drift = compareGravity(
      { name: 'primary', summary: summaryOf(152337, 100 * HOUR) },
      { name: 'secondary', summary: summaryOf(150002, 97 * HOUR) },
      HOUR,
    );
    expect(drift).toEqual({
      server: 'secondary',
      against: 'primary',
      inSync: false,
      reasons: ['gravity 150,002 vs 152,337 domains', "gravity updated 3 h before primary's"],
    });
    const ahead = compareGravity(
      { name: 'primary', summary: summaryOf(1, 0) },
      { name: 'nas', summary: summaryOf(1, 5 * 24 * HOUR) },
      HOUR,
    );
    expect(ahead.reasons).toEqual(["gravity updated 5 d after primary's"]);
  });

  it('does not count what a side does not report as a difference', () => {
    expect(compareGravity({ name: 'p', summary: summaryOf(null, null) }, { name: 's', summary: summaryOf(5, 1) }, HOUR).inSync).toBe(true);
  });

  it('compares every other Pi-hole with the first, and says nothing when the first was not read', () => {
    const list = [
      { name: 'a', summary: summaryOf(1, 0) },
      { name: 'b', summary: summaryOf(2, 0) },
      { name: 'c', summary: null },
      { name: 'd', summary: summaryOf(1, 0) },
    ];
    expect(gravityDrift(list, HOUR).map((d) => [d.server, d.inSync])).toEqual([
      ['b', false],
      ['d', true],
    ]);
    expect(
      gravityDrift(
        [
          { name: 'a', summary: null },
          { name: 'b', summary: summaryOf(1, 0) },
        ],
        HOUR,
      ),
    ).toEqual([]);
  });
});

describe('describeBlockingOutcomes', () => {
  it('says what happened on each server, failures included', () => {
    expect(
      describeBlockingOutcomes([
        { server: 'primary', ok: true, blocking: { state: 'disabled', timerSeconds: 300 } },
        { server: 'secondary', ok: false, error: 'connection refused' },
      ]),
    ).toBe('primary: blocking disabled for 5 min · secondary: failed — connection refused');
    expect(describeBlockingOutcomes([{ server: 'primary', ok: true, blocking: { state: 'enabled', timerSeconds: null } }])).toBe(
      'primary: blocking enabled',
    );
    expect(describeBlockingOutcomes([])).toBe('no Pi-hole configured (dns.servers[].pihole)');
  });
});
