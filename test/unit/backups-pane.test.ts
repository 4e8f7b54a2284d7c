// The backups pane: a line per set with its state as a word (never colour alone), an age bar
// towards overdue, age against schedule and versions kept; detail blocks as height allows,
// problems first; an unreachable host first of all; at 80, 120 and 200 columns and narrower.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { clockTime } from '../../src/config/units.js';
import { readUserFile } from '../../src/config/user-file.js';
import type { BackupsReading } from '../../src/model/backups.js';
import type { DrillRecord } from '../../src/model/drill.js';
import type { PaneEntry } from '../../src/model/snapshot.js';
import { assessBackups, type BackupsRaw, parseBackups, type SetRaw } from '../../src/probes/backups/probe.js';
import { backupsPane } from '../../src/ui/panes/backups.js';
import {
  type BackupsView,
  closeSetDetail,
  INITIAL_BACKUPS_VIEW,
  moveSetSelection,
  toggleSetDetail,
} from '../../src/ui/panes/backups-view.js';
import { lineText, textWidth } from '../../src/ui/text.js';
import { AT, archiverLine, DAY, HOUR, listing, MINUTE } from '../helpers/backups.js';

const config = readUserFile(estateConfigPath(), configSchema);
const backups = config.backups!;
const MiB = 1024 * 1024;

type Files = { name: string; ageMs: number; size?: number; dir?: boolean }[];
const series = (prefix: string, count: number, every: number, newest: number, size: number): Files =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${String(count - i).padStart(2, '0')}`, ageMs: newest + i * every, size }));

function raw(options: { dbNewest?: number; wal?: string; nas?: Partial<SetRaw>; media?: Files } = {}): BackupsRaw {
  const sets: [string, string, Files][] = [
    ['configuration', '/volume1/backups/config', series('config.tgz', 30, HOUR, 25 * MINUTE, 184 * 1024)],
    [
      'database',
      '/volume1/backups/db',
      series('db', 42, 4 * HOUR, options.dbNewest ?? 100 * MINUTE, 612 * MiB).map((f) => ({ ...f, name: `${f.name}.dump` })),
    ],
    ['application', '/volume1/backups/app', series('app.tar.zst', 7, DAY, 9 * HOUR, 3400 * MiB)],
    [
      'media',
      '/volume1/backups/media',
      options.media ?? [
        { name: '.last-sync', ageMs: 2 * DAY, size: 0 },
        { name: 'photos', ageMs: 40 * DAY, dir: true },
      ],
    ],
  ];
  return {
    at: AT,
    sets: sets.map(([name, dir, files]) => ({
      name,
      seenAt: AT,
      source: { kind: 'listing', entries: listing(dir, files) },
      failure: null,
      wal: name === 'database' ? { stdout: options.wal ?? archiverLine({ archived: 4806, lastArchivedAgo: 180 }) } : null,
      ...options.nas,
    })),
  };
}

const entry = (data: BackupsReading | null, extra: Partial<PaneEntry<BackupsReading>> = {}): PaneEntry<BackupsReading> => ({
  status: 'ok',
  ageMs: 0,
  summary: '4 sets fresh',
  alerts: [],
  data,
  ...extra,
});
const render = (e: PaneEntry<BackupsReading>, width = 120, height = 14) => backupsPane(e, width, height, config);
const text = (e: PaneEntry<BackupsReading>, width = 120, height = 14) => render(e, width, height).lines.map(lineText);

describe('a line per set', () => {
  it('state word, name, host, a bar towards overdue, age against schedule, versions kept, size, WAL', () => {
    const lines = text(entry(parseBackups(raw(), backups)));
    expect(lines.slice(0, 4)).toEqual([
      '● fresh   configuration nas █████▌░░░░░░░░░░░░░░  25m / 1h   30/30 versions · 184.0 KiB',
      '● fresh   database      nas █████▌░░░░░░░░░░░░░░   1h / 4h   42 versions, 6d/7d · 612.0 MiB · WAL ok',
      '● fresh   application   nas █████░░░░░░░░░░░░░░░   9h / 1d   7 versions, 6d/7d · 3.3 GiB',
      // A stamp file: no size; the media directories next to it are not backups.
      '● fresh   media         nas ███▊░░░░░░░░░░░░░░░░   2d / 7d   1 version',
    ]);
    expect(render(entry(parseBackups(raw(), backups))).title).toBe('Backups');
  });

  it('the database 9 h old: OVERDUE with a full bar, WAL FAILING, listed first with its details first', () => {
    const wal = archiverLine({ archived: 4731, lastArchivedAgo: 9 * 3600, failed: 327, lastFailedAgo: 40 });
    const pane = render(entry(parseBackups(raw({ dbNewest: 9 * HOUR, wal }), backups), { status: 'crit' }));
    const lines = pane.lines.map(lineText);
    expect(pane.title).toBe('Backups · OVERDUE');
    expect(lines[0]).toBe('✖ OVERDUE database      nas ████████████████████   9h / 4h   42 versions, 7d/7d · 612.0 MiB · WAL FAILING');
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[2])).toEqual(['configuration', 'application', 'media']);
    expect(lines[4]).toBe(`database       newest db-42.dump, 612.0 MiB, made ${clockTime(AT - 9 * HOUR).slice(0, 5)}`);
    // No dump for 9 hours, and none pruned either: the oldest is 7d5h old.
    expect(lines[5]).toBe('               42 kept, oldest 7d (keep 7d): older than kept, not pruned? · /volume1/backups/db/*.dump');
    expect(lines[6]).toBe(
      `               WAL archiving FAILING: 000000010000000000000042 failed at ${clockTime(AT - 40_000)} · last archived`,
    );
    expect(lines[7]).toBe('               000000010000000000000041 9h ago · 327 failures in all');
  });

  it('a set past its schedule is DUE; the bar and the word move with the age shown, between reads', () => {
    const reading = parseBackups(raw(), backups);
    // The configuration backup was 25m old when read; 40 minutes later it is past its hour.
    const later = text(entry(reading, { ageMs: 40 * MINUTE }));
    expect(later[0]).toMatch(/^▲ DUE     configuration nas [█▏▎▍▌▋▊▉░]{20}   1h \/ 1h /);
  });

  it('an empty location is MISSING with a full bar, listed first, and says where it looked', () => {
    const pane = render(entry(parseBackups(raw({ media: [] }), backups), { status: 'crit' }));
    const lines = pane.lines.map(lineText);
    expect(pane.title).toBe('Backups · MISSING');
    expect(lines[0]).toBe('✖ MISSING media         nas ████████████████████ none / 7d');
    expect(lines[4]).toBe('media          no backups in /volume1/backups/media/.last-sync on nas');
  });
});

describe('when the NAS does not answer', () => {
  const failure = {
    reason: 'unreachable' as const,
    message: 'nas unreachable since 11:55:00 (connect ETIMEDOUT 10.0.10.20:22)',
    since: AT - 5 * MINUTE,
  };
  const stale = parseBackups(raw({ nas: { seenAt: AT - 5 * MINUTE, failure } }), backups);

  it('says so first, since when and why, and every set says how old what is shown is', () => {
    const lines = text(entry(stale, { status: 'warn' }));
    expect(lines[0]).toBe('◌ STALE nas unreachable since 11:55:00 (connect ETIMEDOUT 10.0.10.20:22) — showing what was seen 5m ago');
    expect(lines[1]).toMatch(/^● fresh   configuration nas .* · seen 5m ago$/);
    expect(lines.filter((l) => l.includes('unreachable'))).toHaveLength(1);
  });

  it('permission denied names the path, and the set is UNKNOWN when it was never read (listed before the fresh ones)', () => {
    const denied = { reason: 'permission' as const, message: 'permission denied reading /volume1/backups/app on nas', since: AT };
    const r = raw();
    r.sets[2] = { ...r.sets[2]!, source: null, seenAt: null, failure: denied };
    const lines = text(entry(parseBackups(r, backups), { status: 'warn' }));
    expect(lines[0]).toBe('◌ UNKNOWN application   nas ░░░░░░░░░░░░░░░░░░░░    ? / 1d · not read');
    expect(lines).toContain(`application    permission denied reading /volume1/backups/app on nas (since ${clockTime(AT)})`);
  });
});

describe('fitting the pane', () => {
  it.each([80, 120, 200])('at %i columns every set line fits, bar and all', (width) => {
    const reading = parseBackups(raw({ dbNewest: 9 * HOUR }), backups);
    const lines = text(entry(reading), width, 30);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(width);
    expect(lines.slice(0, 4).every((l) => /[█░]/.test(l))).toBe(true);
    // The overdue database first.
    expect(lines[0]).toMatch(/OVERDUE database .*WAL ok/);
  });

  it('narrower, the size, then the versions, then the bar, then the host give way before the state and the WAL word do', () => {
    const reading = parseBackups(raw(), backups);
    expect(text(entry(reading), 100)[1]).toBe(
      '● fresh   database      nas █████▌░░░░░░░░░░░░░░   1h / 4h   42 versions, 6d/7d · 612.0 MiB · WAL ok',
    );
    expect(text(entry(reading), 90)[1]).toBe('● fresh   database      nas ██▊░░░░░░░   1h / 4h   42 versions, 6d/7d · 612.0 MiB · WAL ok');
    expect(text(entry(reading), 80)[1]).toBe('● fresh   database      nas ███▍░░░░░░░░   1h / 4h   42 versions, 6d/7d · WAL ok');
    expect(text(entry(reading), 56)[1]).toBe('● fresh   database      nas ██▌░░░░░░   1h / 4h · WAL ok');
    // Then the host goes, and the line fits (it used to be cut at the pane's edge).
    expect(text(entry(reading), 44)[1]).toBe('● fresh   database      1h / 4h · WAL ok');
  });

  it('details only as height allows, whole blocks, problems first', () => {
    const reading = parseBackups(raw({ dbNewest: 9 * HOUR }), backups);
    expect(text(entry(reading), 120, 4)).toHaveLength(4);
    const six = text(entry(reading), 120, 7);
    expect(six.slice(4).map((l) => l.slice(0, 15).trim())).toEqual(['database', '', '']);
  });

  it('without colour every state is still a word', () => {
    const wal = archiverLine({ archived: 1, lastArchivedAgo: 9 * 3600, failed: 1, lastFailedAgo: 4 });
    const lines = text(entry(parseBackups(raw({ dbNewest: 5 * HOUR, wal, media: [] }), backups)));
    // Crit first (the failing WAL makes the due database crit too), in the config's order, then the rest.
    expect(lines.slice(0, 4).map((l) => `${l.split(/\s+/)[1]} ${l.split(/\s+/)[2]}`)).toEqual([
      'DUE database',
      'MISSING media',
      'fresh configuration',
      'fresh application',
    ]);
    expect(lines[0]).toContain('WAL FAILING');
  });
});

describe('with the focus: a selected set, its detail', () => {
  const names = ['configuration', 'database', 'application', 'media'];
  const focused = (view: BackupsView, height = 14, reading = parseBackups(raw(), backups)) =>
    backupsPane(entry(reading), 120, height, config, view);

  it('↑↓ move the selection by name, within the sets; Enter opens the detail, Esc closes it', () => {
    const down = moveSetSelection(INITIAL_BACKUPS_VIEW, names, 1);
    expect(down.selected).toBe('database');
    expect(moveSetSelection(down, names, 'bottom').selected).toBe('media');
    expect(moveSetSelection(moveSetSelection(down, names, 'bottom'), names, 5).selected).toBe('media');
    expect(moveSetSelection(down, names, -9).selected).toBe('configuration');
    // A set that has gone from the config: the selection starts from the first again.
    expect(moveSetSelection({ selected: 'gone', detail: false }, names, 1).selected).toBe('database');
    const open = toggleSetDetail(down);
    expect(open.detail).toBe(true);
    expect(closeSetDetail(open)).toEqual({ selected: 'database', detail: false });
    expect(closeSetDetail(INITIAL_BACKUPS_VIEW)).toBeNull();
  });

  it('the selected line is in reverse video, and its detail comes first even when all is fresh', () => {
    const pane = focused({ selected: 'application', detail: false });
    expect(pane.lines.slice(0, 4).map((l) => l.every((s) => s.inverse === true))).toEqual([false, false, true, false]);
    const lines = pane.lines.map(lineText);
    expect(lines[4]).toMatch(/^application +newest app\.tar\.zst-07, 3\.3 GiB, made /);
    // Without the focus nothing is marked, and the first set's block comes first.
    const unfocused = backupsPane(entry(parseBackups(raw(), backups)), 120, 14, config);
    expect(unfocused.lines.some((l) => l.some((s) => s.inverse))).toBe(false);
    expect(lineText(unfocused.lines[4] ?? [])).toMatch(/^configuration /);
  });

  it('Enter: the full detail of that set alone, with its schedule, the backups before the newest and when it was read', () => {
    const lines = focused({ selected: 'database', detail: true }, 20).lines.map(lineText);
    expect(lines).toHaveLength(4 + 6);
    const detail = lines.slice(4).join('\n');
    expect(detail).toMatch(/^database +newest db-42\.dump, 612\.0 MiB, made /);
    expect(detail).toContain('42 kept, oldest 6d (keep 7d) · /volume1/backups/db/*.dump');
    expect(detail).toContain('WAL archiving ok: last archived');
    expect(detail).toMatch(/read \d\d:\d\d:\d\d · every 4h: due after 4h, overdue after 6h · files on nas/);
    expect(detail).toContain('before it db-41.dump, 612.0 MiB, 5h ago');
    expect(detail).toContain('oldest db-01.dump, 6d ago');
    // Other sets' details make way for it.
    expect(detail).not.toMatch(/^configuration/m);
  });
});

describe('before any reading', () => {
  it("the monitor's word for it", () => {
    expect(text(entry(null, { status: 'off', summary: 'not configured (backups.sets)', ageMs: null }))).toEqual([
      '○ off not configured (backups.sets)',
    ]);
    expect(text(entry(null, { status: 'ok', summary: 'reading…' }))).toEqual(['reading…']);
  });

  it('a stale entry says why before the sets', () => {
    const lines = text(entry(parseBackups(raw(), backups), { status: 'stale', ageMs: 90_000, error: 'no answer within 12s' }));
    expect(lines[0]).toBe('◌ STALE no answer within 12s (data 1m old)');
  });
});

describe('in a narrow pane the words that matter stay whole', () => {
  it.each([38, 40, 44])('at %i columns: the state word, the age against the schedule and the WAL word', (width) => {
    const wal = archiverLine({ archived: 1, lastArchivedAgo: 9 * 3600, failed: 1, lastFailedAgo: 4 });
    const lines = text(entry(parseBackups(raw({ dbNewest: 9 * HOUR, wal }), backups)), width, 8);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(width);
    expect(lines[0]).toMatch(width >= 40 ? /^✖ OVERDUE database +9h \/ 4h · WAL FAILING$/ : /^✖ OVERDUE datab… 9h \/ 4h · WAL FAILING$/);
    expect(lines.slice(0, 4).every((l) => !l.endsWith('…'))).toBe(true);
  });
});

describe('drills', () => {
  const drilled = (record: Partial<DrillRecord> | null): Partial<SetRaw> =>
    record === null
      ? { drill: null }
      : {
          drill: {
            set: 'database',
            kind: 'postgres',
            at: AT - 3 * DAY,
            ok: true,
            durationMs: 7000,
            backup: 'db-30.dump',
            summary: '2 tables, 5437 rows; pg_amcheck found no corruption',
            ...record,
          },
        };
  /** The reading with a drill record for the database set (the others never drilled). */
  const withDrill = (record: Partial<DrillRecord> | null) => {
    const r = raw();
    return { ...r, sets: r.sets.map((s) => ({ ...s, ...(s.name === 'database' ? drilled(record) : { drill: null }) })) };
  };

  it('restorable, drilled 3d ago: said under the set, nothing on its line, no alert', () => {
    const reading = parseBackups(withDrill({}), backups);
    const lines = text(entry(reading), 120, 30);
    expect(lines[1]).toBe('● fresh   database      nas █████▌░░░░░░░░░░░░░░   1h / 4h   42 versions, 6d/7d · 612.0 MiB · WAL ok');
    // (wrapped under the set's name at this width)
    expect(lines.map((l) => l.trim()).join(' ')).toContain(
      'restorable, drilled 3d ago (db-30.dump: 2 tables, 5437 rows; pg_amcheck found no corruption) · drilled every 7d',
    );
    // The other sets have no drill in the config: said, not judged.
    expect(lines.join('\n')).toMatch(/never drilled \(no drill: in the config\)/);
    expect(assessBackups(reading)).toMatchObject({ status: 'ok', alerts: [] });
  });

  it('a drill older than its schedule is a warning, on the line too', () => {
    const reading = parseBackups(withDrill({ at: AT - 9 * DAY }), backups);
    const lines = text(entry(reading), 120, 30);
    expect(lines[1]).toMatch(/ · WAL ok · drilled 9d ago$/);
    expect(assessBackups(reading)).toMatchObject({
      status: 'warn',
      alerts: [{ level: 'warn', message: 'database: last drilled 9d ago, drilled every 7d' }],
    });
  });

  it('never drilled, with a drill in the config: a warning that says how', () => {
    const reading = parseBackups(withDrill(null), backups);
    const lines = text(entry(reading), 120, 30);
    expect(lines[1]).toMatch(/ · WAL ok · never drilled$/);
    expect(lines.map((l) => l.trim()).join(' ')).toContain('never drilled · drilled every 7d: homeops drill database');
    expect(assessBackups(reading).alerts).toEqual([
      { level: 'warn', message: 'database: never drilled (drilled every 7d: homeops drill database)' },
    ]);
  });

  it('drill failed: DRILL FAILED on the line and the title, why under it, crit', () => {
    const reading = parseBackups(
      withDrill({
        ok: false,
        at: AT - HOUR,
        summary: 'drill failed: pg_restore failed: input file does not appear to be a valid archive',
        error: 'pg_restore failed: input file does not appear to be a valid archive',
      }),
      backups,
    );
    const pane = render(entry(reading, { status: 'crit' }), 120, 30);
    const lines = pane.lines.map(lineText);
    expect(pane.title).toBe('Backups · DRILL FAILED');
    expect(lines[1]).toMatch(/ · WAL ok · DRILL FAILED$/);
    expect(lines.join(' ').replace(/ +/g, ' ')).toContain(
      'drill failed: pg_restore failed: input file does not appear to be a valid archive (db-30.dump, 1h ago)',
    );
    const assessment = assessBackups(reading);
    expect(assessment.status).toBe('crit');
    expect(assessment.summary).toBe('4 sets fresh; database drill failed');
  });

  it('without a record of drills (a demo) nothing is said of them', () => {
    const lines = text(entry(parseBackups(raw(), backups)), 120, 30);
    expect(lines.join('\n')).not.toMatch(/drill/);
  });
});
