import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatDuration, parseDuration, parseSize } from '../../src/config/units.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['0s', 0],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1d2h', 93_600_000],
    ['1m30s500ms', 90_500],
    ['5 m', 300_000],
    ['  2s  ', 2000],
    ['0.0015s', 2],
    ['1.25s', 1250],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '   ',
    '2',
    '2000',
    'ms',
    's5',
    '2 sec',
    '2S',
    '2 M',
    '1m30',
    '1h,30m',
    '-1s',
    '+1s',
    '.5s',
    '1.s',
    '1e3ms',
    '2s!',
    'two seconds',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('reads "m" as minutes and "ms" as milliseconds', () => {
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1ms')).toBe(1);
    expect(parseDuration('1m1ms')).toBe(60_001);
  });

  it('gives the same answer when called again (no state kept between calls)', () => {
    expect([parseDuration('1h 30m'), parseDuration('1h 30m'), parseDuration('2s')]).toEqual([5_400_000, 5_400_000, 2000]);
  });
});

describe('parseSize', () => {
  it.each([
    ['8GiB', 8 * GiB],
    ['8 GiB', 8 * GiB],
    ['8gib', 8 * GiB],
    ['8G', 8 * GiB],
    ['8g', 8 * GiB],
    ['512MiB', 512 * MiB],
    ['512M', 512 * MiB],
    ['1.5TiB', 1.5 * TiB],
    ['4KiB', 4 * KiB],
    ['4k', 4 * KiB],
    ['8GB', 8e9],
    ['8 gb', 8e9],
    ['512 MB', 512e6],
    ['2TB', 2e12],
    ['1kB', 1000],
    ['100', 100],
    ['100B', 100],
    ['100 b', 100],
    ['0', 0],
    ['0.5k', 512],
    ['  1 MiB  ', MiB],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'GiB', '8 gigs', '-1', '-1GiB', '8 PiB', '8ib', '8 G B', '1e3', '.5G', '8,5G', 'eight'])('%j is not a size', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });

  it('rounds to whole bytes', () => {
    expect(parseSize('0.1k')).toBe(102);
    expect(parseSize('1.5')).toBe(2);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [999, '999ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1540, '1.5s'],
    [59_000, '59s'],
    [59_940, '59.9s'],
    [59_950, '1m'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [119_600, '2m'],
    [300_000, '5m'],
    [3_599_000, '59m59s'],
    [3_599_500, '1h'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [5_430_000, '1h30m'],
    [47 * 3_600_000, '47h'],
    [48 * 3_600_000, '2d'],
    [7 * 86_400_000, '7d'],
    [7.9 * 86_400_000, '7d'],
    [-5, '-5ms'],
    [-90_000, '-1m30s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([0, 500, 1500, 2000, 4000, 30_000, 90_000, 300_000, 3_600_000, 5_400_000, 14_400_000, 86_400_000, 604_800_000])(
    '%d ms reads back exactly',
    (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    },
  );
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [1000, '1s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_999, '59m'],
    [3_600_000, '1h'],
    [47 * 3_600_000, '47h'],
    [48 * 3_600_000 - 1, '47h'],
    [48 * 3_600_000, '2d'],
    [30 * 86_400_000, '30d'],
    [-5000, '0s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [MiB - 1, '1.0 MiB'],
    [512 * MiB, '512.0 MiB'],
    [12.1 * GiB, '12.1 GiB'],
    [64 * GiB, '64.0 GiB'],
    [2 * TiB, '2.0 TiB'],
    [1024 ** 5, '1.0 PiB'],
    [1024 ** 6, '1024.0 PiB'],
    [-2048, '-2.0 KiB'],
    [1023.4, '1023 B'],
  ])('%d bytes is %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('takes the number of decimals', () => {
    expect(formatBytes(12.345 * GiB, 2)).toBe('12.35 GiB');
    expect(formatBytes(190 * MiB, 0)).toBe('190 MiB');
    expect(formatBytes(1023.6 * MiB, 0)).toBe('1 GiB');
    expect(formatBytes(1023.6)).toBe('1.0 KiB');
  });
});
