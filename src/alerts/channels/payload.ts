// What each kind of channel is sent for one message: the webhook's JSON, ntfy's publish body,
// the e-mail's subject and text, the command's environment. Pure.
import type { Severity } from '../../model/timeline.js';
import type { Message } from '../engine.js';

/** The webhook's JSON: at least state, severity, title, text, pane and since. */
export type WebhookBody = {
  state: 'firing' | 'resolved';
  severity: Severity;
  title: string;
  text: string;
  pane: string | null;
  host: string | null;
  /** When the trouble began (ISO 8601). */
  since: string;
  /** When this message was made (ISO 8601). */
  at: string;
  key: string;
  reminder: boolean;
  /** The machine the watcher runs on. */
  source: string;
};

export function webhookBody(m: Message, source: string): WebhookBody {
  return {
    state: m.state,
    severity: m.severity,
    title: m.title,
    text: m.text,
    pane: m.pane,
    host: m.host,
    since: new Date(m.since).toISOString(),
    at: new Date(m.at).toISOString(),
    key: m.key,
    reminder: m.reminder,
    source,
  };
}

/** The word before a title: FIRING, REMINDER, RESOLVED. */
export function stateWord(m: Message): string {
  return m.state === 'resolved' ? 'RESOLVED' : m.reminder ? 'REMINDER' : 'FIRING';
}

const NTFY_PRIORITY: Readonly<Record<Severity, number>> = { critical: 5, high: 4, medium: 3, low: 2 };

/** ntfy's JSON publishing (POST to the server's root), which carries any text in the title. */
export function ntfyBody(m: Message, topic: string): { topic: string; title: string; message: string; priority: number; tags: string[] } {
  const resolved = m.state === 'resolved';
  return {
    topic,
    title: `${stateWord(m)} ${m.severity}: ${m.title}`,
    message: m.text,
    priority: resolved ? 3 : NTFY_PRIORITY[m.severity],
    tags: resolved ? ['white_check_mark', 'homeops'] : [m.severity === 'critical' ? 'rotating_light' : 'warning', 'homeops'],
  };
}

export function emailContent(m: Message, source: string): { subject: string; text: string } {
  const lines = [
    `${stateWord(m)} · ${m.severity} · ${m.title}`,
    '',
    m.text,
    '',
    `since:  ${new Date(m.since).toISOString()}`,
    `key:    ${m.key}`,
    ...(m.pane ? [`pane:   ${m.pane}`] : []),
    ...(m.host ? [`host:   ${m.host}`] : []),
    `from:   homeops watch on ${source}`,
    '',
    `Silence it: homeops silence ${m.key} 2h`,
  ];
  return { subject: `[homeops] ${stateWord(m)} ${m.severity}: ${m.title}`.replace(/[\r\n]+/g, ' '), text: `${lines.join('\n')}\n` };
}

/** The command's environment: one variable per field, and the webhook's JSON whole. */
export function commandEnv(m: Message, source: string): Record<string, string> {
  return {
    HOMEOPS_ALERT_STATE: m.state,
    HOMEOPS_ALERT_SEVERITY: m.severity,
    HOMEOPS_ALERT_TITLE: `${stateWord(m)} ${m.severity}: ${m.title}`,
    HOMEOPS_ALERT_TEXT: m.text,
    HOMEOPS_ALERT_PANE: m.pane ?? '',
    HOMEOPS_ALERT_SINCE: new Date(m.since).toISOString(),
    HOMEOPS_ALERT_KEY: m.key,
    HOMEOPS_ALERT_JSON: JSON.stringify(webhookBody(m, source)),
  };
}
