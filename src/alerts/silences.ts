// Silences and acknowledgements: what an operator said about alerts, from the console (a key)
// or a shell (`homeops silence`). Kept in one private file in the state directory, which the
// watcher and the console read again when it changes; every change is written to the audit log
// too (and from there to the timeline). A silence holds every message about what it covers
// until it ends; an acknowledgement stops the reminders of the alerts firing when it was given.
import { closeSync, constants, fstatSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config/paths.js';
import { openPrivate, readPrivate, writePrivate } from '../config/private-files.js';
import { AuditLog, auditLogPath } from '../runbooks/audit.js';
import { currentUser } from '../runbooks/lock.js';
import { checkStateDir, stateDir } from '../runbooks/state-dir.js';
import { targetCovers } from './keys.js';

export type Silence = { target: string; at: number; until: number; by: string; reason: string | null };
/** Acknowledges `key`: the alert firing since before `at` (not a later one of the same key). */
export type Ack = { key: string; at: number; until: number; by: string };
export type Silences = { silences: Silence[]; acks: Ack[] };

export const NO_SILENCES: Silences = { silences: [], acks: [] };

/** An acknowledgement lasts until its alert resolves, or this long at most. */
export const ACK_MS = 7 * 86_400_000;

/** The estate's silences; a demo scenario's are kept apart, like its timeline. */
export function silencesPath(env: Env, demo: string | null = null): string {
  return join(stateDir(env), demo ? 'silences-demo.json' : 'silences.json');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The file's contents; whatever cannot be read as a silence or an ack is left out. */
export function parseSilences(text: string): Silences {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return NO_SILENCES;
  }
  if (!isRecord(data)) return NO_SILENCES;
  const silences: Silence[] = [];
  for (const s of Array.isArray(data.silences) ? data.silences : []) {
    if (!isRecord(s)) continue;
    const target = str(s.target);
    const at = num(s.at);
    const until = num(s.until);
    if (target && at !== null && until !== null) silences.push({ target, at, until, by: str(s.by) ?? '?', reason: str(s.reason) });
  }
  const acks: Ack[] = [];
  for (const a of Array.isArray(data.acks) ? data.acks : []) {
    if (!isRecord(a)) continue;
    const key = str(a.key);
    const at = num(a.at);
    const until = num(a.until);
    if (key && at !== null && until !== null) acks.push({ key, at, until, by: str(a.by) ?? '?' });
  }
  return { silences, acks };
}

/** What still holds at `now`. */
export function current(all: Silences, now: number): Silences {
  return { silences: all.silences.filter((s) => s.until > now), acks: all.acks.filter((a) => a.until > now) };
}

/** The silence that holds `key` now, if any (the one that lasts longest). */
export function silenceFor(all: Silences, key: string, now: number): Silence | null {
  let found: Silence | null = null;
  for (const s of all.silences) {
    if (s.until > now && s.at <= now && targetCovers(s.target, key) && (!found || s.until > found.until)) found = s;
  }
  return found;
}

/** Whether the alert of `key` that started at `since` was acknowledged. */
export function acked(all: Silences, key: string, since: number, now: number): Ack | null {
  return all.acks.find((a) => a.key === key && a.until > now && a.at >= since) ?? null;
}

export function readSilences(env: Env, demo: string | null = null): Silences {
  if (!checkStateDir(env, null, false)) return NO_SILENCES;
  const text = readPrivate(silencesPath(env, demo), 'the silences file');
  return text === null ? NO_SILENCES : parseSilences(text);
}

function writeSilences(env: Env, demo: string | null, all: Silences, now: number): void {
  checkStateDir(env, null, true);
  writePrivate(silencesPath(env, demo), `${JSON.stringify(current(all, now), null, 1)}\n`, { sync: true });
}

/** Who says it, from where; `demo`: a demo scenario's silences, not the estate's. */
type Who = { from: 'console' | 'shell'; env: Env; now?: number; demo?: string | null };

function audit(env: Env, entry: Parameters<AuditLog['append']>[0]): void {
  new AuditLog(auditLogPath(env)).append(entry);
}

/** Sets a silence (written, then audited). */
export function addSilence(target: string, durationMs: number, reason: string | null, who: Who): Silence {
  const now = who.now ?? Date.now();
  const user = currentUser(who.env);
  const silence: Silence = { target, at: now, until: now + durationMs, by: user, reason };
  const all = readSilences(who.env, who.demo ?? null);
  writeSilences(who.env, who.demo ?? null, { ...all, silences: [...all.silences.filter((s) => s.target !== target), silence] }, now);
  audit(who.env, {
    event: 'silence',
    time: new Date(now).toISOString(),
    user,
    machine: hostname(),
    target,
    until: new Date(silence.until).toISOString(),
    ...(reason ? { reason } : {}),
    from: who.from,
  });
  return silence;
}

/** Lifts the silences set on `target`; false when there was none. */
export function liftSilence(target: string, who: Who): boolean {
  const now = who.now ?? Date.now();
  const all = readSilences(who.env, who.demo ?? null);
  const left = all.silences.filter((s) => s.target !== target || s.until <= now);
  if (left.length === all.silences.length) return false;
  writeSilences(who.env, who.demo ?? null, { ...all, silences: left }, now);
  audit(who.env, {
    event: 'unsilence',
    time: new Date(now).toISOString(),
    user: currentUser(who.env),
    machine: hostname(),
    target,
    from: who.from,
  });
  return true;
}

/** Acknowledges the alerts of these keys firing now. */
export function addAcks(keys: readonly string[], who: Who): Ack[] {
  const now = who.now ?? Date.now();
  const user = currentUser(who.env);
  const acks = keys.map((key) => ({ key, at: now, until: now + ACK_MS, by: user }));
  if (acks.length === 0) return acks;
  const all = readSilences(who.env, who.demo ?? null);
  writeSilences(who.env, who.demo ?? null, { ...all, acks: [...all.acks.filter((a) => !keys.includes(a.key)), ...acks] }, now);
  for (const ack of acks)
    audit(who.env, { event: 'ack', time: new Date(now).toISOString(), user, machine: hostname(), target: ack.key, from: who.from });
  return acks;
}

/**
 * The silences as they are now, read again only when the file changed (a stat per call): for
 * the watcher's ticks and the console's bell. A file that cannot be read counts as none, said
 * once through `onProblem`.
 */
export function silenceReader(env: Env, demo: string | null, onProblem: (message: string) => void = () => {}): () => Silences {
  let seen = '';
  let value = NO_SILENCES;
  let problem = '';
  return () => {
    try {
      if (!checkStateDir(env, null, false)) return NO_SILENCES;
      const fd = openPrivate(silencesPath(env, demo), constants.O_RDONLY, 'the silences file');
      if (fd === null) {
        seen = '';
        value = NO_SILENCES;
        return value;
      }
      let stamp: string;
      try {
        const stats = fstatSync(fd);
        stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
      } finally {
        closeSync(fd);
      }
      if (stamp !== seen) {
        value = readSilences(env, demo);
        seen = stamp;
      }
      problem = '';
    } catch (error) {
      const message = (error as Error).message;
      if (message !== problem) onProblem(message);
      problem = message;
      value = NO_SILENCES;
    }
    return value;
  };
}
