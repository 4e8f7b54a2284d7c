// How tones look. Colour is never the only carrier of meaning: every status is also a word.
import type { Status } from '../model/status.js';
import type { Tone } from './text.js';

export const THEME_NAMES = ['dark', 'light', 'high-contrast'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

export function isThemeName(value: string): value is ThemeName {
  return (THEME_NAMES as readonly string[]).includes(value);
}

/**
 * How the console looks. `color: false` is the monochrome of NO_COLOR and --no-color alike:
 * no colour at all, bold and reverse video kept (the selection stays visible).
 */
export type Theme = {
  color: boolean;
  name?: ThemeName;
  palette?: Readonly<Record<Tone, string | undefined>>;
  /** Tones always drawn bold (high contrast: every status). */
  emphasis?: readonly Tone[];
};

/** For a dark background: the terminal's own colours. */
const DARK: Record<Tone, string | undefined> = {
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

/** For a light background: no yellow, cyan or white text, which vanish on white; darker tones. */
const LIGHT: Record<Tone, string | undefined> = {
  ok: '#1a7f37',
  warn: '#9a5b00',
  crit: '#c21b1b',
  stale: '#8250df',
  down: '#c21b1b',
  off: '#6e7781',
  accent: '#0550ae',
  muted: '#6e7781',
  plain: undefined,
  group0: '#0550ae',
  group1: '#8250df',
  group2: '#1a7f37',
  group3: '#bf3989',
  group4: '#9a5b00',
  group5: '#24292f',
};

/** Bright colours, no dim grey, and every status word bold. */
const HIGH_CONTRAST: Record<Tone, string | undefined> = {
  ok: 'greenBright',
  warn: 'yellowBright',
  crit: 'redBright',
  stale: 'magentaBright',
  down: 'redBright',
  off: 'white',
  accent: 'cyanBright',
  muted: 'white',
  plain: undefined,
  group0: 'cyanBright',
  group1: 'blueBright',
  group2: 'greenBright',
  group3: 'magentaBright',
  group4: 'yellowBright',
  group5: 'whiteBright',
};

const PALETTES: Record<ThemeName, Record<Tone, string | undefined>> = { dark: DARK, light: LIGHT, 'high-contrast': HIGH_CONTRAST };

export function themeNamed(name: ThemeName): Theme {
  return {
    color: true,
    name,
    palette: PALETTES[name],
    ...(name === 'high-contrast' ? { emphasis: ['ok', 'warn', 'crit', 'stale', 'down'] as const } : {}),
  };
}

export const MONOCHROME: Theme = { color: false };

export function colorOf(tone: Tone | undefined, theme: Theme): string | undefined {
  return theme.color && tone ? (theme.palette ?? DARK)[tone] : undefined;
}

/** Whether a segment of this tone is drawn bold. */
export function boldOf(tone: Tone | undefined, bold: boolean | undefined, theme: Theme): boolean {
  return !!bold || (tone !== undefined && (theme.emphasis?.includes(tone) ?? false));
}

/** NO_COLOR (any non-empty value) turns colour off, as https://no-color.org asks. */
export function themeFromEnv(env: Readonly<Record<string, string | undefined>>): Theme {
  return env.NO_COLOR ? MONOCHROME : themeNamed('dark');
}

export type ThemeChoice = {
  /** --theme */
  flag?: ThemeName | undefined;
  /** --no-color */
  noColor: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** `theme:` in the config */
  config?: ThemeName | undefined;
  /** The theme last chosen in the console (the app's remembered state). */
  remembered?: ThemeName | undefined;
};

/**
 * The theme in force: --no-color and NO_COLOR alike make it monochrome; else --theme, then the
 * config's, then the one last chosen in the console, then dark.
 */
export function chooseTheme(choice: ThemeChoice): Theme {
  if (choice.noColor || choice.env.NO_COLOR) return MONOCHROME;
  return themeNamed(choice.flag ?? choice.config ?? choice.remembered ?? 'dark');
}

/** The theme after `name` in THEME_NAMES (the theme key). */
export function nextThemeName(name: ThemeName | undefined): ThemeName {
  return THEME_NAMES[(THEME_NAMES.indexOf(name ?? 'dark') + 1) % THEME_NAMES.length] ?? 'dark';
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
