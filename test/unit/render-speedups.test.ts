// The bundle swaps Ink's Output and string-width for faster versions (scripts/build.mjs);
// these tests hold them to the same answers as the originals.
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import widestLine from 'widest-line';
import inkMeasureText from '../../node_modules/ink/build/measure-text.js';
// Ink's Output is internal; the bundle uses it as the fallback.
import InkOutput from '../../node_modules/ink/build/output.js';
// Ink's sanitizeAnsi is internal too; the bundle uses it as the fallback.
import inkSanitize from '../../node_modules/ink/build/sanitize-ansi.js';
import { createMeasureText } from '../../src/terminal/ink-measure-text.js';
import { createFastOutput, type OutputClass } from '../../src/terminal/ink-output.js';
import { createFastSanitize } from '../../src/terminal/ink-sanitize-ansi.js';
import fastStringWidth from '../../src/terminal/string-width.js';

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
    const ranges: [number, number][] = [
      [0x20, 0x2ff],
      [0x2000, 0x22ff],
      [0x2500, 0x26ff],
    ];
    for (const [from, to] of ranges) {
      for (let code = from; code <= to; code++) {
        const char = String.fromCodePoint(code);
        expect(fastStringWidth(char), `U+${code.toString(16)}`).toBe(realStringWidth(char));
      }
    }
  });

  it('agrees on frame lines with colours, wide characters and emoji', () => {
    const samples = [
      '┃cpu  ▉░░░░░░ 5% of 2 threads┃',
      '\x1b[32m● ok\x1b[39m ╮',
      'データ 10 GiB',
      'mixed ▸ 日本 ✖ ⚠ ◌ °C',
      'emoji 🚀 here',
      '\x1b[1m\x1b[31mCRIT\x1b[22m\x1b[39m',
      '',
      'e\u0301 combining',
      '\u25fd\u25fe',
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

  it("hands overlapping writes and clipping to Ink, so their result is Ink's", () => {
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

describe('sanitizeAnsi stand-in', () => {
  const original = inkSanitize as (text: string) => string;
  const fast = createFastSanitize(original);

  it('gives the same text as Ink for text with colours, with cursor movement and with C1 controls', () => {
    const samples = [
      '',
      'plain ascii',
      '╭─ cpu ── ● ok ╮',
      'データ 🚀',
      '\x1b[32m● ok\x1b[39m',
      '\x1b[1m\x1b[7m\x1b[31m ✖ CRIT \x1b[39m\x1b[27m\x1b[22m',
      '\x1b[38;5;208morange\x1b[39m',
      '\x1b[38:2::1:2:3mrgb\x1b[m',
      'a\x1b[2Jb',
      'up\x1b[1Aback',
      '\x1b[?25l hidden',
      'lone \x1b',
      '\x1b]8;;https://x\x07link\x1b]8;;\x07',
      'c1 \u009b31m csi',
      'c1 \u0085 nel',
      '\x1b[31',
      '\x1bM reverse index',
      '\x1b[<1m',
      'ok\x1b[0m then \x1b[H home',
    ];
    for (const sample of samples) expect(fast(sample), JSON.stringify(sample)).toBe(original(sample));
  });

  it('leaves Ink out for text and colour sequences only', () => {
    let calls = 0;
    const counted = createFastSanitize((text) => {
      calls++;
      return original(text);
    });
    counted('\x1b[32m● ok\x1b[39m │ plain');
    expect(calls).toBe(0);
    counted('a\x1b[2Jb');
    expect(calls).toBe(1);
  });
});

describe('measureText stand-in', () => {
  it('measures as Ink does', () => {
    const measure = createMeasureText(widestLine);
    const original = inkMeasureText as (text: string) => { width: number; height: number };
    for (const text of ['', 'one', 'two\nlines', '\x1b[32m● ok\x1b[39m\n╭─╮', 'データ\n', 'a\n\nb']) {
      expect(measure(text), JSON.stringify(text)).toEqual(original(text));
    }
  });

  it('keeps at most its limit of sizes, and still answers after emptying', () => {
    let measured = 0;
    const measure = createMeasureText((text) => {
      measured++;
      return text.length;
    }, 3);
    for (const text of ['a', 'bb', 'ccc']) measure(text);
    measure('a');
    expect(measured).toBe(3);
    expect(measure('dddd')).toEqual({ width: 4, height: 1 });
    expect(measure('a')).toEqual({ width: 1, height: 1 });
    expect(measured).toBe(5);
  });
});
