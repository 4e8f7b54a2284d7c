// The bundle swaps Ink's Output and string-width for faster versions (scripts/build.mjs);
// these tests hold them to the same answers as the originals.
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
// Ink's Output is internal; the bundle uses it as the fallback.
import InkOutput from '../../node_modules/ink/build/output.js';
import { createFastOutput, type OutputClass } from '../../src/ui/fast-output.js';
import fastStringWidth from '../../src/ui/string-width.js';

const Original = InkOutput as OutputClass;
const Fast = createFastOutput(Original);
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function render(Cls: OutputClass, width: number, height: number, ops: (o: InstanceType<OutputClass>) => void): string {
  const output = new Cls({ width, height });
  ops(output);
  return output.get().output;
}

describe('string-width stand-in', () => {
  it('agrees with string-width on every character of the ranges it fast-paths, and around them', () => {
    const ranges: [number, number][] = [[0x20, 0x2ff], [0x2000, 0x22ff], [0x2500, 0x26ff]];
    for (const [from, to] of ranges) {
      for (let code = from; code <= to; code++) {
        const char = String.fromCodePoint(code);
        expect(fastStringWidth(char), `U+${code.toString(16)}`).toBe(realStringWidth(char));
      }
    }
  });

  it('agrees on frame lines with colours, wide characters and emoji', () => {
    const samples = [
      '┃cpu  ▉░░░░░░ 5% of 2 threads┃', '\x1b[32m● ok\x1b[39m ╮', 'データ 10 GiB', 'mixed ▸ 日本 ✖ ⚠ ◌ °C', 'emoji 🚀 here', '\x1b[1m\x1b[31mCRIT\x1b[22m\x1b[39m',
      '', 'e\u0301 combining', '\u25fd\u25fe',
    ];
    for (const sample of samples) expect(fastStringWidth(sample), sample).toBe(realStringWidth(sample));
  });
});

describe('Output stand-in', () => {
  it('produces the same screen as Ink for rows of non-overlapping texts', () => {
    const ops = (o: InstanceType<OutputClass>) => {
      o.write(0, 0, '┏━ CPU ━┓', { transformers: [] });
      o.write(9, 0, '\x1b[32m● ok\x1b[39m', { transformers: [] });
      o.write(0, 1, 'line one\nline two', { transformers: [(line) => `\x1b[1m${line}\x1b[22m`] });
      o.write(4, 3, 'データ', { transformers: [] });
      o.write(12, 3, 'end', { transformers: [] });
    };
    const fast = render(Fast, 20, 5, ops);
    const slow = render(Original, 20, 5, ops);
    expect(stripAnsi(fast)).toBe(stripAnsi(slow));
    expect(fast.split('\n')).toHaveLength(5);
    expect(fast).toContain('\x1b[32m● ok\x1b[39m');
  });

  it('hands overlapping writes and clipping to Ink, so their result is Ink\'s', () => {
    const overlap = (o: InstanceType<OutputClass>) => {
      o.write(0, 0, 'aaaaaaaa', { transformers: [] });
      o.write(2, 0, 'BB', { transformers: [] });
    };
    expect(render(Fast, 10, 1, overlap)).toBe(render(Original, 10, 1, overlap));
    expect(stripAnsi(render(Fast, 10, 1, overlap))).toBe('aaBBaaaa');
    const clipped = (o: InstanceType<OutputClass>) => {
      o.clip({ x1: 0, x2: 4, y1: 0, y2: 1 });
      o.write(0, 0, 'abcdefgh', { transformers: [] });
      o.unclip();
    };
    expect(render(Fast, 10, 1, clipped)).toBe(render(Original, 10, 1, clipped));
  });

  it('falls back when a text runs past the right edge', () => {
    const wide = (o: InstanceType<OutputClass>) => o.write(6, 0, 'abcdefgh', { transformers: [] });
    expect(render(Fast, 10, 1, wide)).toBe(render(Original, 10, 1, wide));
  });
});
