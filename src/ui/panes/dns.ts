// The DNS pane. Its first line answers "can the house resolve names, and through which server";
// then one line per server (every name's outcome and latency) with its Pi-hole's figures, and
// whether the secondary serves the same lists as the primary.
import type { Config } from '../../config/schema.js';
import { thousands } from '../../config/thousands.js';
import { formatAge, formatDuration } from '../../config/units.js';
import { type DnsReading, type DnsServerReading, type NameAnswer, OUTCOME_WORD, type PiholeView } from '../../model/dns.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Status } from '../../model/status.js';
import type { Trends } from '../../model/trends.js';
import { type Line, pad, type Segment, textWidth } from '../text.js';
import { STATUS_SYMBOL, STATUS_WORD } from '../theme.js';
import { labelled, type PaneContent, stateLines, withTrend } from './common.js';

const SERVER_STATUS: Record<DnsServerReading['health'], Status> = { ok: 'ok', degraded: 'warn', failing: 'warn', down: 'down' };

function statusLabel(status: Status): string {
  return `${STATUS_SYMBOL[status]} ${pad(STATUS_WORD[status], 5)} `;
}

function latency(answer: NameAnswer): string {
  if (answer.latencyMs === null) return '';
  if (answer.outcome === 'timeout') return ` ${formatDuration(answer.latencyMs)}`;
  return answer.latencyMs < 10 ? ` ${answer.latencyMs.toFixed(1)}ms` : ` ${Math.round(answer.latencyMs)}ms`;
}

function answerSegments(answers: readonly NameAnswer[], showNames: boolean, showLatency = true): Segment[] {
  const segments: Segment[] = [];
  answers.forEach((answer, index) => {
    if (index > 0) segments.push({ text: ' · ', tone: 'muted' });
    if (showNames) segments.push({ text: `${answer.name} ` });
    const ok = answer.outcome === 'ok';
    segments.push({
      text: OUTCOME_WORD[answer.outcome],
      tone: ok ? 'ok' : answer.outcome === 'timeout' || answer.outcome === 'conn-refused' ? 'down' : 'warn',
      bold: !ok,
    });
    if (showLatency) segments.push({ text: latency(answer), tone: 'muted' });
  });
  return segments;
}

/**
 * Pi-hole's figures in one short run of text, ages counted to the time shown. The short form
 * puts what is wrong (blocking off, an API error) first, so that a narrow pane still shows it.
 */
function piholeText(view: PiholeView, shownAt: number, compact: boolean): { text: string; tone: 'muted' | 'warn' } {
  const error = view.error;
  if (error && !view.summary && !view.blocking) {
    // "pi-hole API connection refused", but "pi-hole auth needed: set …" and the v5 notice as they are.
    const prefix = error.kind === 'v5' || error.kind === 'auth-needed' ? '' : 'API ';
    return { text: `pi-hole ${prefix}${error.message}`, tone: error.kind === 'v5' ? 'muted' : 'warn' };
  }
  const figures: string[] = [];
  const wrong: string[] = [];
  const s = view.summary;
  if (s) {
    const blocked = s.blockedPercent === null ? '?' : `${s.blockedPercent.toFixed(1)}%`;
    figures.push(compact ? `${blocked} blocked` : `${blocked} of ${s.queries === null ? '?' : thousands(s.queries)} queries blocked`);
    if (s.gravityDomains !== null) {
      const age = s.gravityUpdatedAt !== null ? `, ${formatAge(shownAt - s.gravityUpdatedAt)} old` : '';
      figures.push(compact ? `gravity ${thousands(s.gravityDomains)}` : `gravity ${thousands(s.gravityDomains)}${age}`);
    }
  }
  const b = view.blocking;
  if (b) (b.state === 'enabled' ? figures : wrong).push(blockingText(b));
  if (view.error) wrong.push(`(${view.error.message})`);
  const parts = compact ? [...wrong, ...figures] : [...figures, ...wrong];
  return { text: `pi-hole ${parts.join(' · ')}`, tone: wrong.length > 0 ? 'warn' : 'muted' };
}

function blockingText(b: NonNullable<PiholeView['blocking']>): string {
  const timer = b.timerSeconds !== null ? ` (${formatDuration(b.timerSeconds * 1000)} left)` : '';
  return `blocking ${b.state === 'enabled' ? 'on' : b.state === 'disabled' ? 'OFF' : b.state.toUpperCase()}${timer}`;
}

/**
 * What is news about a server's Pi-hole, in words, or null: blocking off, or its API failing
 * while its DNS answers (while the DNS is down too, the API failing is no news).
 */
function piholeNews(view: PiholeView, answering: boolean): string | null {
  const news: string[] = [];
  if (view.blocking && view.blocking.state !== 'enabled') news.push(blockingText(view.blocking));
  if (view.error && answering) news.push(`API ${view.error.message}`);
  return news.length > 0 ? `pi-hole ${news.join(' · ')}` : null;
}

type Layout = {
  nameWidth: number;
  width: number;
  shownAt: number;
  ageMs: number;
  showNames: boolean;
  /** Each server's address; left out where the pane is too narrow for it and the outcomes. */
  showAddress: boolean;
  piholeLines: boolean;
};

const ADDRESS_WIDTH = 15;

function serverHead(server: DnsServerReading, reading: DnsReading, nameWidth: number, showAddress: boolean): Segment[] {
  const status = SERVER_STATUS[server.health];
  const address = `${server.address}${server.port === 53 ? '' : `:${server.port}`}`;
  return [
    { text: statusLabel(status), tone: status, bold: status !== 'ok' },
    { text: pad(server.name, nameWidth), bold: reading.clientsUse === server.name },
    showAddress ? { text: ` ${pad(address, ADDRESS_WIDTH)} `, tone: 'muted' } : { text: ' ' },
  ];
}

function serverLines(server: DnsServerReading, reading: DnsReading, layout: Layout): Line[] {
  const head = serverHead(server, reading, layout.nameWidth, layout.showAddress);
  let answers = answerSegments(server.answers, layout.showNames);
  // The outcome words are what the line is for: latencies go before a word would be cut.
  if (lineWidth([...head, ...answers]) > layout.width) answers = answerSegments(server.answers, layout.showNames, false);
  const lines: Line[] = [[...head, ...answers]];
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
      const inline: Line = [...(lines[0] ?? []), { text: ` · ${text.text}`, tone: text.tone }];
      // News about the Pi-hole gets lines of its own rather than be cut off the server line.
      const news = piholeNews(view, server.answering);
      if (news !== null && lineWidth(inline) > layout.width) lines.push(...labelled(' '.repeat(indent), news, 'warn', layout.width));
      else lines[0] = inline;
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
    // Wrapped, never cut: the reason is what the line is for.
    return labelled(statusLabel('stale'), `sync unknown: ${primary?.name ?? 'primary'}'s Pi-hole not read`, 'muted', width);
  }
  return reading.drift.flatMap((drift) =>
    drift.inSync
      ? labelled(statusLabel('ok'), `${drift.server} in sync with ${drift.against}`, 'muted', width).map((line, i) =>
          i === 0 ? [{ ...line[0], text: line[0]?.text ?? '', tone: 'ok' as const }, ...line.slice(1)] : line,
        )
      : labelled(statusLabel('warn'), `${drift.server} out of sync: ${drift.reasons.join('; ')}`, 'warn', width),
  );
}

/**
 * The headline as it reads best in the width: whole on one line where it fits, else (on a
 * failover) led by the server clients use now, so that the first line still names it.
 */
function headlineText(headline: { tone: Status; text: string }, reading: DnsReading, width: number): string {
  if (textWidth(statusLabel(headline.tone)) + textWidth(headline.text) <= width) return headline.text;
  if (reading.failover && headline.tone !== 'crit') return headline.text.replace(/^FAILOVER: clients use /, 'FAILOVER → ');
  return headline.text;
}

export function dnsPane(entry: PaneEntry<DnsReading>, width: number, height: number, _config: Config, trends?: Trends): PaneContent {
  const reading = entry.data;
  if (!reading) {
    const lines = stateLines(entry, width);
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title: 'DNS', lines };
  }
  const headline = reading.headline;
  const title = headline.tone === 'crit' ? 'DNS · NO DNS' : reading.failover ? 'DNS · FAILOVER' : 'DNS';
  // First: can the house resolve names. Then why the data may be old.
  const lines: Line[] = labelled(statusLabel(headline.tone), headlineText(headline, reading, width), headline.tone, width);
  if (entry.status === 'stale' || entry.status === 'down' || entry.status === 'off') {
    lines.push(...stateLines({ ...entry, alerts: [] }, width));
  }
  const ageMs = entry.ageMs ?? 0;
  const nameWidth = Math.max(6, Math.min(12, Math.max(0, ...reading.servers.map((s) => textWidth(s.name)))));
  const drift = driftLines(reading, width);
  const piholes = reading.servers.filter((s) => s.pihole !== null).length;
  const fits = (showNames: boolean, showAddress: boolean) =>
    reading.servers.every(
      (s) => lineWidth([...serverHead(s, reading, nameWidth, showAddress), ...answerSegments(s.answers, showNames)]) <= width,
    );
  // Every query's name when every server line has room for them, else the outcomes alone under a key.
  const showNames = fits(true, true);
  const layout: Layout = {
    nameWidth,
    width,
    ageMs,
    shownAt: reading.at + ageMs,
    // A line per Pi-hole when the pane has room for it, else its figures at the end of the server line.
    piholeLines: lines.length + reading.servers.length + piholes + drift.length <= height,
    showNames,
    showAddress: showNames || fits(false, true),
  };
  if (!layout.showNames) {
    const names = reading.servers.find((s) => s.answers.length > 0)?.answers.map((a) => a.name) ?? [];
    const key = names.join(' · ');
    // Over the outcomes where it fits there, else as far right as it fits whole.
    const column = textWidth(statusLabel('ok')) + nameWidth + (layout.showAddress ? ADDRESS_WIDTH + 2 : 1);
    const indent = Math.max(0, Math.min(column, width - textWidth(key)));
    if (names.length > 0) lines.push([{ text: ' '.repeat(indent) }, { text: key, tone: 'muted' }]);
  }
  // Servers in trouble first (down, then degraded or failing), otherwise in the config's order.
  const rank = (server: DnsServerReading) => (server.health === 'down' ? 0 : server.health === 'ok' ? 2 : 1);
  const servers = reading.servers
    .map((server, index) => ({ server, index }))
    .sort((a, b) => rank(a.server) - rank(b.server) || a.index - b.index);
  for (const { server } of servers) {
    const [first, ...rest] = serverLines(server, reading, layout);
    // Its latency over the last minutes, where the line has room.
    if (first) lines.push(withTrend(first, trends?.get(`dns.${server.name}.latency`), width), ...rest);
  }
  lines.push(...drift);
  return { title, lines };
}
