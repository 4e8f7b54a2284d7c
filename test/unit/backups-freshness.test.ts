// Freshness against the schedule, retention, size drops, and the probe's status, summary and
// alerts; the reader over hosts in memory: last known values when a host stops answering,
// permission denied, missing locations, and nothing waits past its timeout or an abort.
import { describe, expect, it } from 'vitest';
import { ExecError } from '../../src/hosts/host.js';
import { freshness, overdueFraction } from '../../src/model/backups.js';
import { keepOf, retention, SETTLE_MS, sizeDrop } from '../../src/probes/backups/freshness.js';
import { assessBackups, type BackupsRaw, backupsProbe, backupsReader, parseBackups, type SetRaw } from '../../src/probes/backups/probe.js';
import { AT, archiverLine, backupsConfig, DAY, exit, fakeHost, HOUR, hostsOf, listing, MINUTE, ok } from '../helpers/backups.js';

const never = new AbortController().signal;

describe('freshness', () => {
  it('fresh up to the schedule, due up to 1.5 times it, overdue after', () => {
    expect([0, 4 * HOUR, 4 * HOUR + 1, 6 * HOUR, 6 * HOUR + 1, 9 * HOUR].map((age) => freshness(age, 4 * HOUR))).toEqual([
      'fresh',
      'fresh',
      'due',
      'due',
      'overdue',
      'overdue',
    ]);
  });

  it('the bar fills towards the overdue point', () => {
    expect(overdueFraction(0, HOUR)).toBe(0);
    expect(overdueFraction(3 * HOUR, 4 * HOUR)).toBe(0.5);
    expect(overdueFraction(9 * HOUR, 4 * HOUR)).toBe(1);
  });

  it('a newest backup under the configured share of the one before is a size drop, once it has settled', () => {
    const items = [
      { name: 'b', at: AT - HOUR, size: 200 },
      { name: 'a', at: AT - 5 * HOUR, size: 1000 },
    ];
    expect(sizeDrop(items, 50, AT)).toEqual({ newest: 200, previous: 1000, fraction: 0.2 });
    expect(sizeDrop([{ name: 'b', at: AT - HOUR, size: 600 }, items[1]!], 50, AT)).toBeNull();
    // Still being written: not judged yet.
    expect(sizeDrop([{ name: 'b', at: AT - SETTLE_MS / 2, size: 200 }, items[1]!], 50, AT)).toBeNull();
    expect(sizeDrop([{ name: 'b', at: AT - HOUR, size: null }, items[1]!], 50, AT)).toBeNull();
    expect(sizeDrop([items[0]!], 50, AT)).toBeNull();
  });

  it('retention: versions against a count, the oldest against an age (one schedule of slack for pruning)', () => {
    const items = Array.from({ length: 31 }, (_, i) => ({ name: `v${i}`, at: AT - i * HOUR, size: 1 }));
    expect(retention(items, { versions: 30 }, HOUR, AT)).toEqual({ kind: 'versions', limit: 30, count: 31, over: true });
    expect(retention(items.slice(0, 30), { versions: 30 }, HOUR, AT)?.over).toBe(false);
    expect(retention(items, { ageMs: DAY }, HOUR, AT)).toEqual({ kind: 'age', limitMs: DAY, oldestAgeMs: 30 * HOUR, over: true });
    expect(retention(items.slice(0, 25), { ageMs: DAY }, HOUR, AT)?.over).toBe(false);
    expect(retention(items, null, HOUR, AT)).toBeNull();
    expect([keepOf(30), keepOf('7d'), keepOf(undefined)]).toEqual([{ versions: 30 }, { ageMs: 7 * DAY }, null]);
  });
});

const config = backupsConfig({
  sets: [
    { name: 'configuration', host: 'nas', path: '/b/config', schedule: '1h', keep: 30 },
    {
      name: 'database',
      host: 'nas',
      path: '/b/db',
      glob: '*.dump',
      schedule: '4h',
      keep: '7d',
      walArchive: { host: 'workstation', user: 'postgres' },
    },
    { name: 'application', host: 'nas', path: '/b/app', schedule: '1d', keep: '7d' },
    { name: 'media', host: 'nas', path: '/b/media', glob: '.last-sync', schedule: '7d' },
  ],
});

function rawSet(name: string, files: { name: string; ageMs: number; size?: number }[], extra: Partial<SetRaw> = {}): SetRaw {
  return { name, seenAt: AT, source: { kind: 'listing', entries: listing(`/b/${name}`, files) }, failure: null, wal: null, ...extra };
}

function raw(
  overrides: Partial<Record<string, Partial<SetRaw> & { files?: { name: string; ageMs: number; size?: number }[] }>> = {},
): BackupsRaw {
  const defaults: Record<string, { name: string; ageMs: number; size?: number }[]> = {
    configuration: Array.from({ length: 30 }, (_, i) => ({ name: `c${i}.tgz`, ageMs: 20 * MINUTE + i * HOUR })),
    database: Array.from({ length: 42 }, (_, i) => ({ name: `db-${i}.dump`, ageMs: HOUR + i * 4 * HOUR, size: 600 })),
    application: [{ name: 'app.tar', ageMs: 9 * HOUR }],
    media: [{ name: '.last-sync', ageMs: 2 * DAY, size: 0 }],
  };
  return {
    at: AT,
    sets: Object.entries(defaults).map(([name, files]) => {
      const { files: own, ...extra } = overrides[name] ?? {};
      return rawSet(name, own ?? files, {
        ...(name === 'database' ? { wal: { stdout: archiverLine({ archived: 40, lastArchivedAgo: 60 }) } } : {}),
        ...extra,
      });
    }),
  };
}

const assess = (r: BackupsRaw) => assessBackups(parseBackups(r, config));

describe('the reading and its status', () => {
  it('all fresh: ok, "4 sets fresh", newest, age and versions per set', () => {
    const reading = parseBackups(raw(), config);
    const db = reading.sets[1]!;
    expect(db).toMatchObject({
      state: 'fresh',
      count: 42,
      ageMs: HOUR,
      newest: { name: 'db-0.dump', size: 600 },
      location: '/b/db/*.dump',
      sizeDrop: null,
    });
    expect(db.retention).toMatchObject({ kind: 'age', over: false });
    expect(db.wal).toMatchObject({ state: 'ok', host: 'workstation', archivedCount: 40, lastArchivedAt: AT - 60_000 });
    expect(reading.sets[0]?.retention).toEqual({ kind: 'versions', limit: 30, count: 30, over: false });
    expect(assessBackups(reading)).toEqual({ status: 'ok', summary: '4 sets fresh', alerts: [] });
  });

  it('the database dump 9 h old on a 4 h schedule is overdue: crit, named in the summary', () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `db-${i}.dump`, ageMs: 9 * HOUR + i * 4 * HOUR, size: 600 }));
    const a = assess(raw({ database: { files } }));
    expect(a.status).toBe('crit');
    expect(a.summary).toBe('4 sets: 3 fresh, database overdue 9h (every 4h)');
    expect(a.alerts).toEqual([{ level: 'crit', message: 'database: overdue — newest backup 9h old, made every 4h (db-0.dump)' }]);
  });

  it('due within 1.5 times the schedule: warn', () => {
    const a = assess(raw({ application: { files: [{ name: 'app.tar', ageMs: 30 * HOUR }] } }));
    expect(a.status).toBe('warn');
    expect(a.summary).toBe('4 sets: 3 fresh, application due 30h (every 1d)');
    expect(a.alerts[0]?.message).toBe('application: due — newest backup 30h old, made every 1d');
  });

  it('an empty location is missing (crit); so is one that does not exist', () => {
    const empty = assess(raw({ media: { files: [{ name: 'photos-not-a-stamp', ageMs: HOUR }] } }));
    expect(empty.status).toBe('crit');
    expect(empty.alerts).toEqual([{ level: 'crit', message: 'media: missing — no backups in /b/media/.last-sync on nas' }]);
    const gone = parseBackups(
      raw({
        media: { source: null, seenAt: null, failure: { reason: 'not-found', message: 'no such directory: /b/media on nas', since: AT } },
      }),
      config,
    );
    expect(gone.sets[3]?.state).toBe('missing');
    expect(assessBackups(gone).alerts).toEqual([{ level: 'crit', message: 'media: missing — no such directory: /b/media on nas' }]);
  });

  it('a newest backup much smaller than the one before: warn with both sizes', () => {
    const files = [
      { name: 'db-1.dump', ageMs: HOUR, size: 100 * 1024 * 1024 },
      { name: 'db-0.dump', ageMs: 5 * HOUR, size: 600 * 1024 * 1024 },
    ];
    const a = assess(raw({ database: { files } }));
    expect(a.status).toBe('warn');
    expect(a.alerts).toEqual([{ level: 'warn', message: 'database: newest backup 100.0 MiB is 17 % of the one before (600.0 MiB)' }]);
  });

  it('WAL archiving failing (last failure after last success): crit, with the segments and times', () => {
    const a = assess(
      raw({ database: { wal: { stdout: archiverLine({ archived: 40, lastArchivedAgo: 3600, failed: 9, lastFailedAgo: 5 }) } } }),
    );
    expect(a.status).toBe('crit');
    expect(a.summary).toBe('4 sets fresh; database WAL failing');
    expect(a.alerts).toHaveLength(1);
    expect(a.alerts[0]?.message).toMatch(
      /^database: WAL archiving failing — 000000010000000000000042 failed at \d\d:\d\d:\d\d; last archived \d\d:\d\d:\d\d \(000000010000000000000041\)$/,
    );
  });

  it('WAL failures before the last success are history, not a failure; archive_mode off is crit; no answer is warn', () => {
    expect(
      assess(raw({ database: { wal: { stdout: archiverLine({ archived: 41, lastArchivedAgo: 5, failed: 3, lastFailedAgo: 600 }) } } }))
        .status,
    ).toBe('ok');
    expect(
      parseBackups(raw({ database: { wal: { stdout: archiverLine({ archived: 0, lastArchivedAgo: null }) } } }), config).sets[1]?.wal
        ?.state,
    ).toBe('idle');
    const off = assess(raw({ database: { wal: { stdout: archiverLine({ mode: 'off', archived: 0 }) } } }));
    expect(off.alerts).toEqual([{ level: 'crit', message: 'database: WAL archiving is off (archive_mode = off on the server)' }]);
    const none = assess(
      raw({ database: { wal: { failure: { reason: 'command', message: 'psql on workstation failed (exit 2): Connection refused' } } } }),
    );
    expect(none.status).toBe('warn');
    expect(none.alerts[0]?.message).toBe('database: cannot check WAL archiving: psql on workstation failed (exit 2): Connection refused');
  });

  it("the server's clock, not ours: its ages are kept when the clocks disagree", () => {
    const reading = parseBackups(
      raw({ database: { wal: { stdout: archiverLine({ archived: 40, lastArchivedAgo: 60, skewMs: 7 * MINUTE }) } } }),
      config,
    );
    expect(reading.sets[1]?.wal?.lastArchivedAt).toBe(AT - 60_000);
  });

  it('an unreachable host: last known values with their age, one alert for the host naming its sets', () => {
    const failure = {
      reason: 'unreachable' as const,
      message: 'nas unreachable since 11:55:00 (connect ETIMEDOUT 10.0.10.20:22)',
      since: AT - 5 * MINUTE,
    };
    const r = raw();
    const stale: BackupsRaw = { at: AT, sets: r.sets.map((s) => ({ ...s, seenAt: AT - 5 * MINUTE, failure })) };
    const reading = parseBackups(stale, config);
    expect(reading.sets.map((s) => s.state)).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
    expect(reading.sets[0]?.problem).toEqual(failure);
    const a = assessBackups(reading);
    expect(a.status).toBe('warn');
    expect(a.summary).toBe('4 sets fresh; nas unreachable');
    expect(a.alerts).toEqual([
      {
        level: 'warn',
        message:
          'nas unreachable since 11:55:00 (connect ETIMEDOUT 10.0.10.20:22) — configuration as seen 5m ago, database as seen 5m ago, application as seen 5m ago, media as seen 5m ago',
      },
    ]);
  });

  it('permission denied: warn with the path; a set never read is unknown', () => {
    const denied = { reason: 'permission' as const, message: 'permission denied reading /b/app on nas', since: AT };
    const a = assess(raw({ application: { source: null, seenAt: null, failure: denied } }));
    expect(a.status).toBe('warn');
    expect(a.summary).toBe('4 sets: 3 fresh, application unknown');
    expect(a.alerts).toEqual([{ level: 'warn', message: 'application: permission denied reading /b/app on nas' }]);
  });

  it('no sets configured', () => {
    expect(assessBackups(parseBackups({ at: AT, sets: [] }, backupsConfig({})))).toEqual({
      status: 'ok',
      summary: 'no backup sets configured',
      alerts: [],
    });
  });

  it("the probe: interval and a timeout a little over each call's", () => {
    const probe = backupsProbe(async () => raw(), config);
    expect(probe).toMatchObject({ id: 'backups', intervalMs: 60_000, timeoutMs: 12_000 });
  });
});

describe('the reader, over hosts in memory', () => {
  const small = backupsConfig({
    timeout: '300ms',
    sets: [
      { name: 'db', host: 'nas', path: '/b/db', glob: '*.dump', schedule: '4h', walArchive: { host: 'workstation' } },
      { name: 'app', host: 'nas', kind: 'restic', path: '/r/app', schedule: '1d' },
      { name: 'local', host: 'workstation', path: '/srv/backups', schedule: '1d' },
    ],
  });

  it('reads every set on its host, and psql where the WAL check says', async () => {
    let t = AT;
    const nas = fakeHost('nas', {
      list: async (dir) => listing(dir, [{ name: 'a.dump', ageMs: HOUR }], t),
      run: async (argv) =>
        ok(
          argv[0] === 'restic'
            ? JSON.stringify([{ time: new Date(t - 2 * HOUR).toISOString(), short_id: 'abcd1234', summary: { total_bytes_processed: 10 } }])
            : '',
        ),
    });
    const workstation = fakeHost('workstation', {
      list: async (dir) => listing(dir, [{ name: 'x.tar', ageMs: 30 * HOUR }], t),
      run: async () => ok(archiverLine({ archived: 3, lastArchivedAgo: 10, at: t })),
    });
    const read = backupsReader(small, hostsOf(nas, workstation), { now: () => t, env: {} });
    const reading = parseBackups(await read(never), small);
    expect(reading.sets.map((s) => [s.name, s.state, s.ageMs])).toEqual([
      ['db', 'fresh', HOUR],
      ['app', 'fresh', 2 * HOUR],
      ['local', 'due', 30 * HOUR],
    ]);
    expect(reading.sets[0]?.wal?.state).toBe('ok');
    expect(workstation.calls.find((c) => c.argv)?.argv?.[0]).toBe('psql');
    // Every call carries the timeout and the monitor's signal.
    for (const call of [...nas.calls, ...workstation.calls]) expect(call.options).toMatchObject({ timeoutMs: 300, signal: never });
    t += HOUR;
    expect(parseBackups(await read(never), small).sets[0]?.ageMs).toBe(HOUR);
  });

  it('when the NAS stops answering, its sets keep what was last seen, and since when it fails', async () => {
    let t = AT;
    let down = false;
    const unreachable = () =>
      new ExecError('unreachable', `nas unreachable since 12:00:00 (connect ECONNREFUSED 10.0.10.20:22); retrying in 2s`);
    const nas = fakeHost('nas', {
      list: async (dir) => {
        if (down) throw unreachable();
        return listing(dir, [{ name: 'a.dump', ageMs: HOUR }], t);
      },
      run: async () => {
        if (down) throw unreachable();
        return ok('[]');
      },
    });
    const workstation = fakeHost('workstation', { list: async () => [], run: async () => exit(2, 'psql: error: connection refused') });
    const read = backupsReader(small, hostsOf(nas, workstation), { now: () => t, env: {} });
    await read(never);
    down = true;
    t += 5 * MINUTE;
    const first = await read(never);
    t += 5 * MINUTE;
    const second = await read(never);
    const db = second.sets[0]!;
    expect(db.seenAt).toBe(AT);
    expect(db.failure).toEqual({
      reason: 'unreachable',
      message: 'nas unreachable since 12:00:00 (connect ECONNREFUSED 10.0.10.20:22)',
      since: first.at,
    });
    const reading = parseBackups(second, small);
    expect(reading.sets[0]).toMatchObject({ state: 'fresh', ageMs: HOUR + 10 * MINUTE, seenAt: AT });
    // restic's empty list was seen before: the repository stays missing, as last seen.
    expect(reading.sets[1]?.state).toBe('missing');
    expect(reading.sets[2]?.state).toBe('missing');
    down = false;
    const back = await read(never);
    expect(back.sets[0]?.failure).toBeNull();
    expect(back.sets[0]?.seenAt).toBe(back.at);
  });

  it('a host the config cannot reach says so; an unknown set is never a crash', async () => {
    const read = backupsReader(small, hostsOf(), { now: () => AT, env: {} });
    const reading = parseBackups(await read(never), small);
    expect(reading.sets.map((s) => s.state)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(reading.sets[0]?.problem?.message).toBe(
      'host "nas" can be reached neither locally nor over SSH: give it ssh: (or local: true) in the config',
    );
  });

  it('an abort from the monitor stops the read at once and does not count as a failure of the set', async () => {
    const hang = (_: unknown, options: { signal?: AbortSignal | undefined }) =>
      new Promise<never>((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new ExecError('aborted', 'nas: aborted')), { once: true });
      });
    const nas = fakeHost('nas', { list: hang, run: (argv, options) => hang(argv, options) });
    const workstation = fakeHost('workstation', { list: hang, run: (argv, options) => hang(argv, options) });
    const read = backupsReader(small, hostsOf(nas, workstation), { now: () => AT, env: {} });
    const controller = new AbortController();
    const started = Date.now();
    const pending = read(controller.signal);
    setTimeout(() => controller.abort(new Error('timeout')), 50);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
