// The backups pane: one line per set, its state as a word, an age bar that fills as the newest
// backup ages towards overdue (1.5 times the schedule), the age against the schedule and the
// versions kept; then, as height allows, a detail block per set (problems first): the newest
// backup, retention, why a read failed, WAL archiving. A host that does not answer comes first.
// With the focus, one set is selected (↑↓): its block comes first, and Enter opens its full
// detail (schedule, previous and oldest backups, when it was read) in place of the others.
import type { Config } from '../../config/schema.js';
import { clockTime, everyText as every, formatAge, formatBytes } from '../../config/units.js';
import {
  type BackupItem,
  type BackupSetReading,
  type BackupsReading,
  type DrillReading,
  freshness,
  overdueFraction,
  type SetState,
  type WalReading,
} from '../../model/backups.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Status } from '../../model/status.js';
import { bar, type Line, pad, type Segment, type Tone, textWidth } from '../text.js';
import { STATUS_SYMBOL } from '../theme.js';
import { type BackupsView, selectedSetIndex } from './backups-view.js';
import { labelled, type PaneContent, stateLines } from './common.js';

const STATE_STATUS: Record<SetState, Status> = { fresh: 'ok', due: 'warn', overdue: 'crit', missing: 'crit', unknown: 'stale' };
const STATE_WORD: Record<SetState, string> = { fresh: 'fresh', due: 'DUE', overdue: 'OVERDUE', missing: 'MISSING', unknown: 'UNKNOWN' };
const WAL_WORD: Record<WalReading['state'], { text: string; tone: Tone }> = {
  ok: { text: 'WAL ok', tone: 'ok' },
  idle: { text: 'WAL idle', tone: 'muted' },
  failing: { text: 'WAL FAILING', tone: 'crit' },
  off: { text: 'WAL OFF', tone: 'crit' },
  unknown: { text: 'WAL unknown', tone: 'warn' },
};

const LABEL_WIDTH = 10;

function stateLabel(state: SetState): Segment {
  const status = STATE_STATUS[state];
  return { text: `${STATUS_SYMBOL[status]} ${pad(STATE_WORD[state], 7)} `, tone: status, bold: state !== 'fresh' };
}

/** The set as it stands at the time shown: a backup keeps ageing between reads. */
function atShown(set: BackupSetReading, shownAt: number): BackupSetReading {
  if (!set.newest || set.state === 'missing' || set.state === 'unknown') return set;
  const ageMs = Math.max(0, shownAt - set.newest.at);
  return { ...set, ageMs, state: freshness(ageMs, set.scheduleMs) };
}

/** How bad a set's state is: crit first, then warn (a failing WAL archive counts as crit). */
function setRank(set: BackupSetReading): number {
  const status = STATE_STATUS[set.state];
  if (status === 'crit' || set.wal?.state === 'failing' || set.wal?.state === 'off') return 0;
  if (status === 'warn' || status === 'stale' || set.wal?.state === 'unknown') return 1;
  return 2;
}

/**
 * The sets as the pane lists them: each as it stands at the time shown, those in trouble first
 * (crit, then warn), otherwise in the config's order. The selection (↑↓) walks the same order.
 */
export function shownSets(reading: BackupsReading, ageMs: number | null): BackupSetReading[] {
  const shownAt = reading.at + (ageMs ?? 0);
  const sets = reading.sets.map((set) => atShown(set, shownAt));
  return sets
    .map((set, index) => ({ set, index, rank: setRank(set) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((x) => x.set);
}

/** "14:05:12" (or "14:05") today, else "2026-11-20 18:37". */
function when(ms: number, now: number, seconds = true): string {
  if (Math.abs(now - ms) < 86_400_000) return seconds ? clockTime(ms) : clockTime(ms).slice(0, 5);
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function versions(set: BackupSetReading): string {
  const r = set.retention;
  const noun = set.count === 1 ? 'version' : 'versions';
  if (!r) return `${set.count} ${noun}`;
  if (r.kind === 'versions') return `${set.count}/${r.limit} ${noun}`;
  return `${set.count} ${noun}, ${formatAge(r.oldestAgeMs)}/${every(r.limitMs)}`;
}

/** A backup's size worth showing: a directory's says nothing, nor does an empty stamp file's. */
function shownSize(set: BackupSetReading, item: BackupItem | null): number | null {
  const size = item?.size ?? null;
  return size !== null && size > 0 && set.kind !== 'dirs' ? size : null;
}

/** How much of the tail a narrow pane leaves out: 0 nothing, 1 the size, 2 the versions too. */
type Squeeze = 0 | 1 | 2 | 3;
/** hostWidth 0: no host column (a narrow pane); the state word, the age and the WAL word stay. */
type Layout = { nameWidth: number; hostWidth: number; barWidth: number; shownAt: number; squeeze: Squeeze };

/** What follows the bar: age against schedule, versions kept, size, WAL, how old a stale read is. */
function setTail(set: BackupSetReading, shownAt: number, squeeze: Squeeze): Segment[] {
  const tone = STATE_STATUS[set.state];
  const age = set.ageMs === null ? (set.state === 'missing' ? 'none' : '?') : formatAge(set.ageMs);
  const showVersions = squeeze < 2 && set.state !== 'unknown' && set.state !== 'missing';
  // The schedule is padded to line up the versions after it.
  const schedule = showVersions ? pad(every(set.scheduleMs), 3) : every(set.scheduleMs);
  const tail: Segment[] = [
    {
      text: `${squeeze < 3 ? pad(age, 4, 'right') : age} / ${schedule}`,
      tone: set.state === 'fresh' ? 'plain' : tone,
      bold: set.state !== 'fresh',
    },
  ];
  if (showVersions) tail.push({ text: `  ${versions(set)}`, tone: set.retention?.over ? 'warn' : 'muted' });
  const size = shownSize(set, set.newest);
  if (squeeze < 1 && size !== null)
    tail.push({ text: ` · ${formatBytes(size)}`, tone: set.sizeDrop ? 'warn' : 'muted', bold: set.sizeDrop !== null });
  if (set.wal)
    tail.push(
      { text: ' · ' },
      { text: WAL_WORD[set.wal.state].text, tone: WAL_WORD[set.wal.state].tone, bold: set.wal.state !== 'ok' && set.wal.state !== 'idle' },
    );
  // A failed drill stays in a narrow pane; one merely due gives way.
  const drill = drillWord(set.drill, shownAt);
  if (drill && (squeeze < 3 || set.drill?.state === 'failed')) tail.push({ text: ' · ' }, drill);
  // How old a stale read is goes last: the line above the sets says it too.
  if (squeeze < 3 && set.problem && set.problem.reason !== 'not-found') {
    const seen = set.seenAt === null ? 'not read' : `seen ${formatAge(shownAt - set.seenAt)} ago`;
    tail.push({ text: ` · ${seen}`, tone: 'stale' });
  }
  return tail;
}

/** The drill on the set's line, only when it needs attention: failed, or due. */
function drillWord(drill: DrillReading | null, shownAt: number): Segment | null {
  if (!drill) return null;
  if (drill.state === 'failed') return { text: 'DRILL FAILED', tone: 'crit', bold: true };
  if (!drill.overdue) return null;
  if (drill.state === 'never') return { text: 'never drilled', tone: 'warn' };
  return { text: `drilled ${formatAge(Math.max(0, shownAt - (drill.at ?? shownAt)))} ago`, tone: 'warn' };
}

/** The drill in the set's detail: "restorable, drilled 3d ago (…)", "never drilled", "drill failed: …". */
function drillDetail(set: BackupSetReading, shownAt: number): { text: string; tone: Tone } | null {
  const drill = set.drill;
  if (!drill) return null;
  const schedule = drill.scheduleMs === null ? '' : ` · drilled every ${every(drill.scheduleMs)}`;
  if (drill.state === 'never') {
    return drill.scheduleMs === null
      ? { text: 'never drilled (no drill: in the config)', tone: 'muted' }
      : { text: `never drilled${schedule}: homeops drill ${set.name}`, tone: 'warn' };
  }
  const ago = formatAge(Math.max(0, shownAt - (drill.at ?? shownAt)));
  const what = drill.backup ? `${drill.backup}: ` : '';
  if (drill.state === 'failed')
    return { text: `drill failed: ${drill.summary} (${what.replace(/: $/, '') || 'no backup'}, ${ago} ago)`, tone: 'crit' };
  return { text: `restorable, drilled ${ago} ago (${what}${drill.summary})${schedule}`, tone: drill.overdue ? 'warn' : 'muted' };
}

function setLine(set: BackupSetReading, layout: Layout, selected = false): Line {
  const line: Line = [
    stateLabel(set.state),
    { text: pad(set.name, layout.nameWidth), bold: true },
    layout.hostWidth > 0 ? { text: ` ${pad(set.host, layout.hostWidth)} `, tone: 'muted' } : { text: ' ' },
  ];
  if (layout.barWidth > 0) {
    const { filled, empty } = bar(
      set.ageMs === null ? (set.state === 'missing' ? 1 : 0) : overdueFraction(set.ageMs, set.scheduleMs),
      layout.barWidth,
    );
    line.push(
      { text: filled, tone: set.state === 'unknown' ? 'muted' : STATE_STATUS[set.state] },
      { text: empty, tone: 'muted' },
      { text: ' ' },
    );
  }
  line.push(...setTail(set, layout.shownAt, layout.squeeze));
  // The selected set in reverse video and bold: visible without colour too.
  return selected ? line.map((segment) => ({ ...segment, inverse: true, bold: true })) : line;
}

function walDetail(wal: WalReading, shownAt: number): { text: string; tone: Tone } {
  if (wal.state === 'unknown') return { text: `WAL archiving on ${wal.host}: cannot check: ${wal.error ?? 'no answer'}`, tone: 'warn' };
  if (wal.state === 'off') return { text: `WAL archiving OFF: archive_mode = off on the server (${wal.host})`, tone: 'crit' };
  const last =
    wal.lastArchivedAt === null
      ? 'nothing archived yet'
      : `last archived ${wal.lastArchivedWal ?? 'segment'} ${formatAge(shownAt - wal.lastArchivedAt)} ago`;
  if (wal.state === 'failing') {
    const failed = wal.lastFailedAt === null ? '' : ` at ${when(wal.lastFailedAt, shownAt)}`;
    return {
      text: `WAL archiving FAILING: ${wal.lastFailedWal ?? 'a segment'} failed${failed} · ${last} · ${wal.failedCount ?? '?'} failures in all`,
      tone: 'crit',
    };
  }
  return { text: `WAL archiving ${wal.state === 'idle' ? 'on, idle' : 'ok'}: ${last} · ${wal.archivedCount ?? 0} archived`, tone: 'muted' };
}

function itemLine(label: string, item: BackupItem, set: BackupSetReading, shownAt: number, withSize = true): string {
  const bytes = withSize ? shownSize(set, item) : null;
  const size = bytes === null ? '' : `, ${formatBytes(bytes)}`;
  return `${label} ${item.name}${size}, ${formatAge(Math.max(0, shownAt - item.at))} ago`;
}

/** What the full detail adds: the schedule's limits and when it was read, the backups before the newest. */
function fullItems(set: BackupSetReading, shownAt: number): { text: string; tone: Tone }[] {
  const read = set.seenAt === null ? 'not read yet' : `read ${when(set.seenAt, shownAt)}`;
  const items: { text: string; tone: Tone }[] = [
    {
      text: `${read} · every ${every(set.scheduleMs)}: due after ${formatAge(set.scheduleMs)}, overdue after ${formatAge(set.scheduleMs * 1.5)} · ${set.kind} on ${set.host}`,
      tone: 'muted',
    },
  ];
  if (set.previous) items.push({ text: itemLine('before it', set.previous, set, shownAt), tone: 'muted' });
  if (set.oldest && set.oldest.name !== set.previous?.name && set.oldest.name !== set.newest?.name)
    items.push({ text: itemLine('oldest', set.oldest, set, shownAt, false), tone: 'muted' });
  return items;
}

/** Detail lines of one set, wrapped under a label of the set's name; `full` adds fullItems. */
function detailLines(set: BackupSetReading, width: number, shownAt: number, labelWidth: number, full = false): Line[] {
  const indent = ' '.repeat(labelWidth);
  const items: { text: string; tone: Tone }[] = [];
  const newest = set.newest;
  if (newest) {
    const bytes = shownSize(set, newest);
    const size = bytes === null ? '' : `, ${formatBytes(bytes)}`;
    const drop = set.sizeDrop
      ? ` — ${Math.round(set.sizeDrop.fraction * 100)} % of the one before (${formatBytes(set.sizeDrop.previous)})`
      : '';
    items.push({
      text: `newest ${newest.name}${size}, made ${when(newest.at, shownAt, false)}${drop}`,
      tone: set.sizeDrop ? 'warn' : 'muted',
    });
    const r = set.retention;
    const kept = !r
      ? `${set.count} kept, until deleted`
      : r.kind === 'versions'
        ? `${set.count} kept, keep ${r.limit}${r.over ? ': more than kept, old ones not pruned?' : ''}`
        : `${set.count} kept, oldest ${formatAge(r.oldestAgeMs)} (keep ${every(r.limitMs)})${r.over ? ': older than kept, not pruned?' : ''}`;
    items.push({ text: `${kept} · ${set.location}`, tone: r?.over ? 'warn' : 'muted' });
  } else if (set.state === 'missing') {
    const why = set.problem?.reason === 'not-found' ? set.problem.message : `no backups in ${set.location} on ${set.host}`;
    items.push({ text: why, tone: 'crit' });
  }
  // An unreachable host has a line of its own at the top.
  if (set.problem && set.problem.reason !== 'not-found' && set.problem.reason !== 'unreachable') {
    const since = /since \d\d:\d\d:\d\d/.test(set.problem.message) ? '' : ` (since ${when(set.problem.since, shownAt)})`;
    items.push({ text: `${set.problem.message}${since}`, tone: set.state === 'unknown' ? 'warn' : 'stale' });
  }
  if (set.wal) items.push(walDetail(set.wal, shownAt));
  const drill = drillDetail(set, shownAt);
  if (drill) items.push(drill);
  if (full) items.push(...fullItems(set, shownAt));
  const lines: Line[] = [];
  items.forEach((item, index) => {
    const label = index === 0 ? pad(set.name, labelWidth - 1) : '';
    for (const wrapped of labelled(index === 0 ? `${label} ` : indent, item.text, item.tone, width)) {
      // The set's name in plain bold, the text in its tone.
      const [head, ...rest] = wrapped;
      lines.push([{ ...(head ?? { text: indent }), tone: 'plain', bold: index === 0 }, ...rest]);
    }
  });
  return lines;
}

const needsAttention = (set: BackupSetReading) =>
  set.state !== 'fresh' ||
  set.problem !== null ||
  set.sizeDrop !== null ||
  set.retention?.over === true ||
  (set.wal !== null && set.wal.state !== 'ok' && set.wal.state !== 'idle') ||
  set.drill?.state === 'failed' ||
  set.drill?.overdue === true;

function titleOf(sets: readonly BackupSetReading[]): string {
  if (sets.some((s) => s.state === 'missing')) return 'Backups · MISSING';
  if (sets.some((s) => s.state === 'overdue')) return 'Backups · OVERDUE';
  if (sets.some((s) => s.wal?.state === 'failing' || s.wal?.state === 'off')) return 'Backups · WAL FAILING';
  if (sets.some((s) => s.drill?.state === 'failed')) return 'Backups · DRILL FAILED';
  if (sets.some((s) => s.state === 'due')) return 'Backups · DUE';
  return 'Backups';
}

/** One line per unreachable host: since when, and how old what is shown of its sets is. */
function unreachableLines(sets: readonly BackupSetReading[], width: number, shownAt: number): Line[] {
  const hosts = new Map<string, BackupSetReading>();
  for (const set of sets) if (set.problem?.reason === 'unreachable' && !hosts.has(set.host)) hosts.set(set.host, set);
  return [...hosts.values()].flatMap((set) => {
    const message = set.problem?.message ?? `${set.host} unreachable`;
    const text = /unreachable since/.test(message)
      ? message
      : `${set.host} unreachable since ${clockTime(set.problem?.since ?? shownAt)} (${message})`;
    const seen = set.seenAt === null ? 'nothing read yet' : `showing what was seen ${formatAge(shownAt - set.seenAt)} ago`;
    return labelled(`${STATUS_SYMBOL.stale} STALE `, `${text} — ${seen}`, 'stale', width);
  });
}

/**
 * `view` is given while the pane has the focus: the selected set is marked, and its detail
 * comes first (or, open with Enter, alone and in full).
 */
export function backupsPane(
  entry: PaneEntry<BackupsReading>,
  width: number,
  height: number,
  _config: Config,
  view?: BackupsView,
): PaneContent {
  const reading = entry.data;
  if (!reading) {
    const lines = stateLines(entry, width);
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: 'Backups', lines };
  }
  const shownAt = reading.at + (entry.ageMs ?? 0);
  const sets = shownSets(reading, entry.ageMs);
  const lines: Line[] = [];
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off')
    lines.push(...stateLines({ ...entry, alerts: [] }, width));
  if (sets.length === 0) {
    lines.push([{ text: 'no backup sets configured (backups.sets)', tone: 'muted' }]);
    return { title: 'Backups', lines };
  }
  lines.push(...unreachableLines(sets, width, shownAt));
  const nameWidth = Math.max(6, Math.min(16, Math.max(...sets.map((s) => textWidth(s.name)))));
  const hostWidth = Math.max(3, Math.min(12, Math.max(...sets.map((s) => textWidth(s.host)))));
  // The bar takes what the widest line leaves, up to 20 cells; when fewer than 6 are left, the
  // size and then the versions give way; in a very narrow pane the bar does.
  const tailWidth = (squeeze: Squeeze) =>
    Math.max(...sets.map((s) => setTail(s, shownAt, squeeze).reduce((sum, segment) => sum + textWidth(segment.text), 0)));
  const room = (squeeze: Squeeze) => width - LABEL_WIDTH - nameWidth - hostWidth - 3 - tailWidth(squeeze);
  const squeeze = ([0, 1, 2] as const).find((level) => room(level) >= 6) ?? 2;
  const barWidth = room(squeeze) >= 6 ? Math.min(20, room(squeeze)) : 0;
  let layout: Layout = { nameWidth, hostWidth, barWidth, shownAt, squeeze };
  if (LABEL_WIDTH + nameWidth + hostWidth + 2 + tailWidth(2) > width) {
    // Still too wide without a bar: the host column goes, then how old a stale read is, then
    // the names are cut; the state word, the age against the schedule and the WAL word stay.
    const rest = width - LABEL_WIDTH - 1 - tailWidth(3);
    layout = { nameWidth: Math.max(4, Math.min(nameWidth, rest)), hostWidth: 0, barWidth: 0, shownAt, squeeze: 3 };
  }
  const labelWidth = Math.max(LABEL_WIDTH, nameWidth + 2);
  const selected = view
    ? (sets[
        selectedSetIndex(
          view,
          sets.map((s) => s.name),
        )
      ] ?? null)
    : null;
  const rows = new Map<number, string>();
  const pushSet = (set: BackupSetReading) => {
    rows.set(lines.length, set.name);
    lines.push(setLine(set, layout, set === selected));
  };
  if (selected && view?.detail) {
    // The full detail below the list, or, where both do not fit, below the selected set alone.
    const full = detailLines(selected, width, shownAt, labelWidth, true);
    const list = lines.length + sets.length + full.length <= height ? sets : [selected];
    for (const set of list) pushSet(set);
    lines.push(...full);
    return { title: titleOf(sets), lines, rows };
  }
  for (const set of sets) pushSet(set);
  // Details as height allows: the selected set's first, then sets that need attention, each
  // block whole or not at all.
  const rest = sets.filter((s) => s !== selected);
  const ordered = [...(selected ? [selected] : []), ...rest.filter(needsAttention), ...rest.filter((s) => !needsAttention(s))];
  let selectedShown = false;
  for (const set of ordered) {
    const block = detailLines(set, width, shownAt, labelWidth);
    if (lines.length + block.length > height) {
      if (needsAttention(set) || set === selected) continue;
      break;
    }
    lines.push(...block);
    if (set === selected) selectedShown = true;
  }
  // A selected set whose block did not fit: say how to see it.
  if (selected && !selectedShown && lines.length < height) {
    lines.push([{ text: `enter: ${selected.name} in detail`, tone: 'muted' }]);
  }
  return { title: titleOf(sets), lines, rows };
}
