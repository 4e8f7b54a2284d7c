import { describe, expect, it } from 'vitest';
import { bar, cellWidth, fitLine, type Line, level, lineText, pad, textWidth, truncate } from '../../src/ui/text.js';

const widthOf = (line: Line) => textWidth(lineText(line));

describe('textWidth', () => {
  it('counts CJK, Hangul, fullwidth and emoji as two cells and combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('한국')).toBe(4);
    expect(textWidth('ＡＢ')).toBe(4);
    expect(textWidth('🔥')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(cellWidth('…')).toBe(1);
  });

  it('a text is as wide as the sum of its characters, whatever mix they come in', () => {
    const pool = ['a', ' ', '█', '▏', '─', '┃', '●', '·', '°', '…', '↓', 'é', '日', '🔥', '\u0301', '\u200b', 'ÿ', '‐', '⁞', '◿', '\u2028'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: next() % 12 }, () => pool[next() % pool.length]).join('');
      expect(textWidth(text), JSON.stringify(text)).toBe(Array.from(text).reduce((sum, ch) => sum + cellWidth(ch), 0));
    }
  });
});

describe('fitLine and outside text', () => {
  it('shows escape sequences and control characters visibly instead of leaving half-stripped junk', () => {
    expect(lineText(fitLine([{ text: 'a\x1b]0;PWNED-TITLE\x07\x1b[2Jb' }], 20))).toBe('a\\e]0;…\\e[2Jb'.padEnd(20));
    expect(lineText(fitLine([{ text: 'tab\there\r\n' }], 10))).toBe('tab here  ');
    expect(lineText(fitLine([{ text: 'x\x7fy\u202ez' }], 13))).toBe('x\\x7fy\\u202ez');
    expect(lineText(fitLine([{ text: '日本 ok' }], 7))).toBe('日本 ok');
  });
});

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('日本', 4)).toBe('日本');
  });

  it('cuts to at most the width and ends in …', () => {
    expect(truncate('hello world', 5)).toBe('hell…');
    expect(truncate('hello', 1)).toBe('…');
    expect(truncate('hello', 0)).toBe('');
    expect(truncate('hello', -3)).toBe('');
  });

  it('never splits a wide character and never exceeds the width', () => {
    expect(truncate('日本語テキスト', 5)).toBe('日本…');
    // The third cell would be half a character: one cell short instead.
    expect(truncate('日本語', 4)).toBe('日…');
    expect(truncate('日本語', 1)).toBe('…');
    for (let width = 0; width <= 16; width++) {
      expect(textWidth(truncate('日本語のテキストab', width))).toBeLessThanOrEqual(width);
    }
  });
});

describe('pad', () => {
  it('pads left-aligned and right-aligned text to exactly the width', () => {
    expect(pad('ab', 5)).toBe('ab   ');
    expect(pad('ab', 5, 'right')).toBe('   ab');
    expect(pad('abcdef', 4)).toBe('abc…');
  });

  it('pads wide text by cells, not by string length', () => {
    expect(pad('日本', 6)).toBe('日本  ');
    expect(pad('日本', 6, 'right')).toBe('  日本');
    for (let width = 0; width <= 12; width++) {
      expect(textWidth(pad('日本語テキスト', width))).toBe(width);
      expect(textWidth(pad('日本語テキスト', width, 'right'))).toBe(width);
    }
  });
});

describe('fitLine', () => {
  it('pads a short line with spaces and keeps the segments’ tones', () => {
    const line = fitLine([{ text: 'ok', tone: 'ok', bold: true }, { text: ' gpu' }], 10);
    expect(lineText(line)).toBe('ok gpu    ');
    expect(line[0]).toEqual({ text: 'ok', tone: 'ok', bold: true });
  });

  it('cuts a long line inside a segment with …', () => {
    expect(lineText(fitLine([{ text: 'abc' }, { text: 'defghij' }], 6))).toBe('abcde…');
    expect(lineText(fitLine([{ text: 'abcdef' }, { text: 'more' }], 6))).toBe('abcdef');
  });

  it('strips control characters from every segment', () => {
    const text = lineText(fitLine([{ text: 'evil\x1b]0;title\x07' }, { text: '\x1b[2J' }], 30));
    expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(textWidth(text)).toBe(30);
  });

  it('gives exactly `width` cells whatever mix of wide and narrow text it is given', () => {
    const samples: Line[] = [
      [{ text: '日本語テキスト' }],
      [{ text: 'a' }, { text: '日本語' }, { text: 'b' }],
      [{ text: 'GPU 🔥 hot' }, { text: ' — 한국어' }],
      [{ text: 'plain ascii only, quite long' }],
      [],
    ];
    for (const sample of samples) {
      for (let width = 0; width <= 24; width++) {
        expect(widthOf(fitLine(sample, width)), `${JSON.stringify(sample)} at ${width}`).toBe(width);
      }
    }
  });
});

describe('bar', () => {
  it('fills whole cells and the remainder in eighths, always exactly `width` cells', () => {
    expect(bar(0.5, 4)).toEqual({ filled: '██', empty: '░░' });
    expect(bar(1, 3)).toEqual({ filled: '███', empty: '' });
    expect(bar(0, 3)).toEqual({ filled: '', empty: '░░░' });
    // 1/16 of two cells is one eighth of a cell.
    expect(bar(1 / 16, 2)).toEqual({ filled: '▏', empty: '░' });
    // 7/8 of one cell.
    expect(bar(7 / 8, 1)).toEqual({ filled: '▉', empty: '' });
    // 3 cells and 4 eighths of 10.
    expect(bar(0.35, 10)).toEqual({ filled: '███▌', empty: '░░░░░░' });
    for (let i = 0; i <= 100; i++) {
      const { filled, empty } = bar(i / 100, 7);
      expect(textWidth(filled + empty)).toBe(7);
    }
  });

  it('clamps out-of-range and non-finite fractions', () => {
    expect(bar(1.7, 4)).toEqual({ filled: '████', empty: '' });
    expect(bar(-0.3, 4)).toEqual({ filled: '', empty: '░░░░' });
    expect(bar(Number.NaN, 4)).toEqual({ filled: '', empty: '░░░░' });
    expect(bar(0.5, 0)).toEqual({ filled: '', empty: '' });
  });
});

describe('level', () => {
  it('maps 0..1 to a block height, and an idle core is still a visible cell', () => {
    expect(level(0)).toBe('▁');
    expect(level(0.5)).toBe('▅');
    expect(level(0.99)).toBe('█');
    expect(level(1)).toBe('█');
    expect(level(-1)).toBe('▁');
    expect(level(5)).toBe('█');
    expect(level(Number.NaN)).toBe('▁');
  });

  it('never goes down as the load goes up', () => {
    const blocks = '▁▂▃▄▅▆▇█';
    let previous = -1;
    for (let i = 0; i <= 100; i++) {
      const index = blocks.indexOf(level(i / 100));
      expect(index).toBeGreaterThanOrEqual(previous);
      previous = index;
    }
  });
});
