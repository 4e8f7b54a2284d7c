import { PANE_IDS, type PaneId } from '../model/panes.js';

// An alert's key: the same problem gets the same key from one tick to the next, though the
// figures in its words change ("pihole unhealthy (4 failed checks)" → "(5 failed checks)").
// Keys are what silences and acknowledgements name, what a webhook receives, and what
// `homeops events` shows: plain words a shell takes without quotes. Pure.

/** Longest slug kept: enough to tell a pane's alerts apart, short enough to type. */
const SLUG_LENGTH = 48;

/** The words of a message without figures: lower case, digits dropped, words joined by "-". */
export function slug(message: string): string {
  const words = message
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\d+/g, ' ')
    .split(/[^a-z]+/)
    .filter(Boolean);
  let out = '';
  for (const word of words) {
    const next = out ? `${out}-${word}` : word;
    if (next.length > SLUG_LENGTH) break;
    out = next;
  }
  return out || 'alert';
}

/** `dns:failover-clients-use-secondary-primary-timed-out` */
export function alertKey(pane: PaneId, message: string): string {
  return `${pane}:${slug(message)}`;
}

/** The key of a pane's own trouble: its source is down, or its data is old. */
export function paneKey(pane: PaneId, status: 'down' | 'stale'): string {
  return `${pane}:${status}`;
}

/** The key of a host that does not answer (its panes' alerts are held under it). */
export function hostKey(host: string): string {
  return `host:${host}`;
}

export function isPaneId(word: string): word is PaneId {
  return (PANE_IDS as readonly string[]).includes(word);
}

/**
 * Whether a silence's target covers an alert's key: a pane covers its alerts, `host:NAME` the
 * host's, and a key or the start of one (`dns:failover`) the alerts whose key begins with it.
 */
export function targetCovers(target: string, key: string): boolean {
  if (target === key) return true;
  if (!target.includes(':')) return key.startsWith(`${target}:`);
  if (target.startsWith('host:')) return false;
  return key.startsWith(target) && (key.length === target.length || key[target.length] === '-');
}
