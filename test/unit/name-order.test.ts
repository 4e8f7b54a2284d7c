// Hosts and containers come in the order localeCompare gave them.
import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/probes/containers/name-order.js';

const sign = (n: number) => Math.sign(n);

describe('compareNames', () => {
  it('puts punctuation before digits before letters, case aside, then lower case first', () => {
    const names = ['web-10', 'Web-2', 'web_1', 'web.1', 'web-1', 'WEB-1', 'db', 'Db', 'api', '_x', '0x', 'web'];
    expect([...names].sort(compareNames)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it("agrees with localeCompare on random names, Docker's characters and others", () => {
    const alphabet = 'aAbBzZ09_-.xX';
    const others = ['é', 'ß', ' ', '/', 'Ω', '😀', '+'];
    let seed = 11;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const name = () => {
      let out = '';
      const length = Math.floor(random() * 6);
      for (let i = 0; i < length; i++)
        out += random() < 0.05 ? others[Math.floor(random() * others.length)] : alphabet[Math.floor(random() * alphabet.length)];
      return out;
    };
    for (let i = 0; i < 20_000; i++) {
      const a = name();
      const b = random() < 0.2 ? a.toUpperCase() : name();
      expect(sign(compareNames(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sign(a.localeCompare(b)));
    }
  });
});
