// Themes: which one is in force, and that NO_COLOR and --no-color are one and the same.
import { describe, expect, it } from 'vitest';
import type { Tone } from '../../src/ui/text.js';
import { boldOf, chooseTheme, colorOf, MONOCHROME, nextThemeName, THEME_NAMES, themeNamed } from '../../src/ui/theme.js';

const TONES: Tone[] = [
  'ok',
  'warn',
  'crit',
  'stale',
  'down',
  'off',
  'accent',
  'muted',
  'plain',
  'group0',
  'group1',
  'group2',
  'group3',
  'group4',
  'group5',
];

describe('themes', () => {
  it('--no-color and NO_COLOR give the same monochrome theme, whatever else is asked', () => {
    expect(chooseTheme({ noColor: true, env: {}, flag: 'light', config: 'high-contrast' })).toEqual(MONOCHROME);
    expect(chooseTheme({ noColor: false, env: { NO_COLOR: '1' }, flag: 'light' })).toEqual(MONOCHROME);
    // An empty NO_COLOR is unset (no-color.org).
    expect(chooseTheme({ noColor: false, env: { NO_COLOR: '' } }).name).toBe('dark');
    for (const tone of TONES) expect(colorOf(tone, MONOCHROME)).toBeUndefined();
  });

  it('--theme, then the config, then the one chosen last in the console, then dark', () => {
    expect(chooseTheme({ noColor: false, env: {}, flag: 'light', config: 'high-contrast', remembered: 'dark' }).name).toBe('light');
    expect(chooseTheme({ noColor: false, env: {}, config: 'high-contrast', remembered: 'light' }).name).toBe('high-contrast');
    expect(chooseTheme({ noColor: false, env: {}, remembered: 'light' }).name).toBe('light');
    expect(chooseTheme({ noColor: false, env: {} }).name).toBe('dark');
  });

  it('light has no yellow, cyan or white text; high contrast no grey and every status bold', () => {
    const light = themeNamed('light');
    for (const tone of TONES) expect(colorOf(tone, light) ?? '', tone).not.toMatch(/yellow|cyan|white/i);
    const high = themeNamed('high-contrast');
    for (const tone of TONES) expect(colorOf(tone, high) ?? '', tone).not.toMatch(/gray|grey/);
    for (const tone of ['ok', 'warn', 'crit', 'stale', 'down'] as const) expect(boldOf(tone, false, high), tone).toBe(true);
    expect(boldOf('plain', false, high)).toBe(false);
    expect(boldOf('ok', false, themeNamed('dark'))).toBe(false);
  });

  it('T goes round the three themes', () => {
    expect(THEME_NAMES.map((name) => nextThemeName(name))).toEqual(['light', 'high-contrast', 'dark']);
    expect(nextThemeName(undefined)).toBe('light');
  });
});
