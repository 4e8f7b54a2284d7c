// Pi-hole's counts read as they did when toLocaleString('en-US') wrote them.
import { describe, expect, it } from 'vitest';
import { thousands } from '../../src/config/thousands.js';

describe('thousands', () => {
  it('groups digits in threes, rounded, as en-US does', () => {
    expect(thousands(0)).toBe('0');
    expect(thousands(999)).toBe('999');
    expect(thousands(1000)).toBe('1,000');
    expect(thousands(1234567.6)).toBe('1,234,568');
    expect(thousands(-1234.5)).toBe('-1,234');
  });

  it('writes every number exactly as Number#toLocaleString("en-US") does', () => {
    const edge = [
      -0,
      -0.4,
      0.5,
      -0.5,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      2 ** 60,
      1e21,
      1.5e22,
      123456789012345680000,
      1e300,
      Number.MAX_VALUE,
      -1e25,
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const values = [...edge, ...Array.from({ length: 2000 }, () => (random() - 0.3) * 10 ** Math.floor(random() * 25))];
    for (const value of values) expect(thousands(value), String(value)).toBe(Math.round(value).toLocaleString('en-US'));
  });
});
