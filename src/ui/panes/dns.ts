// The DNS pane. Its first line answers "can the house resolve names, and through which server";
// then one line per server (every name's outcome and latency) with its Pi-hole's figures, and
// whether the secondary serves the same lists as the primary.
import type { Config } from '../../config/schema.js';
import { formatAge, formatDuration } from '../../config/units.js';
import type { PaneEntry } from '../../monitor/snapshot.js';
import type { Status } from '../../monitor/status.js';
import { dnsHeadline, OUTCOME_WORD, type DnsReading, type DnsServerReading, type NameAnswer, type PiholeView } from '../../probes/dns/probe.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { pad, textWidth, type Line, type Segment } from '../text.js';
import { labelled, stateLines, type PaneContent } from './common.js';

const SERVER_STATUS: Record<DnsServerReading['health'], Status> = { ok: 'ok', degraded: 'warn', failing: 'warn', down: 'down' };

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

function statusLabel(status: Status): string {
  return `${STATUS_SYMBOL[status]} ${pad(STATUS_WORD[status], 5)} `;
}

function latency(answer: NameAnswer): string {
  if (answer.latencyMs === null) return '';
  if (answer.outcome === 'timeout') return ` ${formatDuration(answer.latencyMs)}`;
  return answer.latencyMs < 10 ? ` ${answer.latencyMs.toFixed(1)}ms` : ` ${Math.round(answer.latencyMs)}ms`;
}

function answerSegments(answers: readonly NameAnswer[], showNames: boolean): Segment[] {
  const segments: Segment[] = [];
  answers.forEach((answer, index) => {
    if (index > 0) segments.push({ text: ' · ', tone: 'muted' });
    if (showNames) segments.push({ text: `${answer.name} ` });
    const ok = answer.outcome === 'ok';
    segments.push({ text: OUTCOME_WORD[answer.outcome], tone: ok ? 'ok' : answer.outcome === 'timeout' || answer.outcome === 'conn-refused' ? 'down' : 'warn', bold: !ok });
    segments.push({ text: latency(answer), tone: 'muted' });
  });
  return segments;
}

/** Pi-hole's figures in one short run of text, ages counted to the time shown. */
function piholeText(view: PiholeView, shownAt: number, compact: boolean): { text: string; tone: 'muted' | 'warn' } {
  const error = view.error;
  if (error && !view.summary && !view.blocking) {
    // "pi-hole API connection refused", but "pi-hole auth needed: set …" and the v5 notice as they are.
    const prefix = error.kind === 'v5' || error.kind === 'auth-needed' ? '' : 'API ';
    return { text: `pi-hole ${prefix}${error.message}`, tone: error.kind === 'v5' ? 'muted' : 'warn' };
  }
  const parts: string[] = [];
  const s = view.summary;
  if (s) {
    const blocked = s.blockedPercent === null ? '?' : `${s.blockedPercent.toFixed(1)}%`;
    parts.push(compact ? `${blocked} blocked` : `${blocked} of ${s.queries === null ? '?' : thousands(s.queries)} queries blocked`);
    if (s.gravityDomains !== null) {
      const age = s.gravityUpdatedAt !== null ? `, ${formatAge(shownAt - s.gravityUpdatedAt)} old` : '';
      parts.push(compact ? `gravity ${thousands(s.gravityDomains)}` : `gravity ${thousands(s.gravityDomains)}${age}`);
    }
  }
  let tone: 'muted' | 'warn' = 'muted';
  const b = view.blocking;
  if (b) {
    if (b.state !== 'enabled') tone = 'warn';
    const timer = b.timerSeconds !== null ? ` (${formatDuration(b.timerSeconds * 1000)} left)` : '';
    parts.push(`blocking ${b.state === 'enabled' ? 'on' : b.state === 'disabled' ? 'OFF' : b.state.toUpperCase()}${timer}`);
  }
  if (view.error) {
    parts.push(`(${view.error.message})`);
    tone = 'warn';
  }
  return { text: `pi-hole ${parts.join(' · ')}`, tone };
}

type Layout = { nameWidth: number; width: number; shownAt: number; ageMs: number; showNames: boolean; piholeLines: boolean };

function serverHead(server: DnsServerReading, reading: DnsReading, nameWidth: number): Segment[] {
  const status = SERVER_STATUS[server.health];
  const address = `${server.address}${server.port === 53 ? '' : `:${server.port}`}`;
  return [
    { text: statusLabel(status), tone: status, bold: status !== 'ok' },
    { text: pad(server.name, nameWidth), bold: reading.clientsUse === server.name },
    { text: ` ${pad(address, 15)} `, tone: 'muted' },
  ];
}

function serverLines(server: DnsServerReading, reading: DnsReading, layout: Layout): Line[] {
  const head = serverHead(server, reading, layout.nameWidth);
  const lines: Line[] = [[...head, ...answerSegments(server.answers, layout.showNames)]];
  if (server.pihole) {
    const view = withBlockingLeft(server.pihole, layout.ageMs);
    const indent = textWidth(statusLabel('ok'));
    if (layout.piholeLines) {
      // The long form when it fits the pane's width, the short one otherwise.
      const full = piholeText(view, layout.shownAt, false);
      const text = indent + textWidth(full.text) <= layout.width ? full : piholeText(view, layout.shownAt, true);
      lines.push([{ text: ' '.repeat(indent) }, { text: text.text, tone: text.tone }]);
    } else {
      const text = piholeText(view, layout.shownAt, true);
      lines[0] = [...(lines[0] ?? []), { text: ` · ${text.text}`, tone: text.tone }];
    }
  }
  return lines;
}

/** The blocking timer as it stands at the time shown, not when it was read. */
function withBlockingLeft(view: PiholeView, ageMs: number): PiholeView {
  const b = view.blocking;
  if (!b || b.timerSeconds === null) return view;
  return { ...view, blocking: { ...b, timerSeconds: Math.max(0, b.timerSeconds - ageMs / 1000) } };
}

function lineWidth(line: Line): number {
  return line.reduce((sum, s) => sum + textWidth(s.text), 0);
}

function driftLines(reading: DnsReading, width: number): Line[] {
  const piholes = reading.servers.filter((s) => s.pihole !== null);
  if (piholes.length < 2) return [];
  if (reading.drift.length === 0) {
    const primary = piholes[0];
    return [[{ text: `${statusLabel('stale')}`, tone: 'muted' }, { text: `sync unknown: ${primary?.name ?? 'primary'}'s Pi-hole not read`, tone: 'muted' }]];
  }
  return reading.drift.flatMap((drift) => drift.inSync
    ? [[{ text: statusLabel('ok'), tone: 'ok' }, { text: `${drift.server} in sync with ${drift.against}`, tone: 'muted' }] as Line]
    : labelled(statusLabel('warn'), `${drift.server} out of sync: ${drift.reasons.join('; ')}`, 'warn', width));
}

export function dnsPane(entry: PaneEntry<DnsReading>, width: number, height: number, _config: Config): PaneContent {
  const reading = entry.data;
  if (!reading) {
    const lines = stateLines(entry, width);
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: 'DNS', lines };
  }
  const headline = dnsHeadline(reading);
  const title = headline.tone === 'crit' ? 'DNS · NO DNS' : reading.failover ? 'DNS · FAILOVER' : 'DNS';
  // First: can the house resolve names. Then why the data may be old.
  const lines: Line[] = labelled(statusLabel(headline.tone), headline.text, headline.tone, width);
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') {
    lines.push(...stateLines({ ...entry, alerts: [] }, width));
  }
  const ageMs = entry.ageMs ?? 0;
  const nameWidth = Math.max(6, Math.min(12, Math.max(0, ...reading.servers.map((s) => textWidth(s.name)))));
  const drift = driftLines(reading, width);
  const piholes = reading.servers.filter((s) => s.pihole !== null).length;
  const layout: Layout = {
    nameWidth, width, ageMs, shownAt: reading.at + ageMs,
    // A line per Pi-hole when the pane has room for it, else its figures at the end of the server line.
    piholeLines: lines.length + reading.servers.length + piholes + drift.length <= height,
    // Every query's name when every server line has room for them, else the outcomes alone under a key.
    showNames: reading.servers.every((s) => lineWidth([...serverHead(s, reading, nameWidth), ...answerSegments(s.answers, true)]) <= width),
  };
  if (!layout.showNames) {
    const names = reading.servers.find((s) => s.answers.length > 0)?.answers.map((a) => a.name) ?? [];
    const indent = textWidth(statusLabel('ok')) + nameWidth + 17;
    if (names.length > 0) lines.push([{ text: ' '.repeat(indent) }, { text: names.join(' · '), tone: 'muted' }]);
  }
  for (const server of reading.servers) lines.push(...serverLines(server, reading, layout));
  lines.push(...drift);
  return { title, lines };
}
