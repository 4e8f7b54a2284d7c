// How tones look. Colour is never the only carrier of meaning: every status is also a word.
import type { Status } from '../monitor/status.js';
import type { Tone } from './text.js';

export type Theme = { color: boolean };

const COLORS: Record<Tone, string | undefined> = {
  ok: 'green',
  warn: 'yellow',
  crit: 'red',
  stale: 'magenta',
  down: 'red',
  off: 'gray',
  accent: 'cyan',
  muted: 'gray',
  plain: undefined,
  group0: 'cyan',
  group1: 'blue',
  group2: 'green',
  group3: 'magenta',
  group4: 'yellow',
  group5: 'white',
};

export function colorOf(tone: Tone | undefined, theme: Theme): string | undefined {
  return theme.color && tone ? COLORS[tone] : undefined;
}

/** NO_COLOR (any non-empty value) turns colour off, as https://no-color.org asks. */
export function themeFromEnv(env: Readonly<Record<string, string | undefined>>): Theme {
  return { color: !env.NO_COLOR };
}

export const STATUS_WORD: Record<Status, string> = {
  ok: 'ok',
  warn: 'WARN',
  crit: 'CRIT',
  stale: 'STALE',
  down: 'DOWN',
  off: 'off',
};

export const STATUS_SYMBOL: Record<Status, string> = {
  ok: '●',
  warn: '▲',
  crit: '✖',
  stale: '◌',
  down: '✖',
  off: '○',
};

export function groupTone(index: number): Tone {
  return (['group0', 'group1', 'group2', 'group3', 'group4', 'group5'] as const)[index % 6] ?? 'plain';
}
