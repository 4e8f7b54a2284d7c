import { describe, expect, it } from 'vitest';
import { STATUSES } from '../../src/model/status.js';
import { type FrameInput, frameLines, maxScroll, scrollInSight } from '../../src/ui/frame.js';
import { type Line, lineText, textWidth } from '../../src/ui/text.js';

function input(overrides: Partial<FrameInput> = {}): FrameInput {
  return { title: 'GPU', lines: [], status: 'ok', age: null, width: 40, height: 8, focused: false, scroll: 0, ...overrides };
}

const numbered = (count: number): Line[] => Array.from({ length: count }, (_, i) => [{ text: `line ${i + 1}` }]);
const texts = (frame: Line[]) => frame.map(lineText);

function expectExactBox(frame: Line[], width: number, height: number) {
  expect(frame).toHaveLength(Math.max(0, height));
  frame.forEach((line, row) => {
    expect(textWidth(lineText(line)), `row ${row}: "${lineText(line)}"`).toBe(Math.max(0, width));
  });
}

describe('frameLines', () => {
  it('draws exactly height lines of exactly width cells, with a light border when not focused', () => {
    const frame = frameLines(input({ lines: numbered(3) }));
    expectExactBox(frame, 40, 8);
    const [top, ...rest] = texts(frame);
    expect(top?.startsWith('╭─ GPU ')).toBe(true);
    expect(top?.endsWith('╮')).toBe(true);
    expect(rest.at(-1)?.startsWith('╰')).toBe(true);
    expect(rest.at(-1)?.endsWith('╯')).toBe(true);
    expect(rest[0]).toBe(`│${'line 1'.padEnd(38)}│`);
    expect(rest[3]).toBe(`│${' '.repeat(38)}│`);
    expect(texts(frame).join('\n')).not.toMatch(/[┏┓┗┛━┃▸]/);
  });

  it('shows the title and the status word (not only a colour) in the top border', () => {
    for (const status of STATUSES) {
      const top = lineText(frameLines(input({ title: 'Containers', status, age: '12s' }))[0] ?? []);
      expect(top).toContain('Containers');
      const word = { ok: 'ok', warn: 'WARN', crit: 'CRIT', stale: 'STALE', down: 'DOWN', off: 'off' }[status];
      expect(top).toMatch(new RegExp(`[●▲✖◌○] ${word} 12s ╮$`));
    }
  });

  it('marks the focused pane with a heavy border and ▸', () => {
    const frame = texts(frameLines(input({ focused: true, lines: numbered(2) })));
    expect(frame[0]?.startsWith('┏━ ▸ GPU ')).toBe(true);
    expect(frame[0]?.endsWith('┓')).toBe(true);
    expect(frame[1]?.startsWith('┃')).toBe(true);
    expect(frame[1]?.endsWith('┃')).toBe(true);
    expect(frame.at(-1)?.startsWith('┗')).toBe(true);
    expect(frame.at(-1)?.endsWith('┛')).toBe(true);
    expectExactBox(frameLines(input({ focused: true })), 40, 8);
  });

  it('says how many lines are below the window', () => {
    const frame = texts(frameLines(input({ lines: numbered(20), height: 8 })));
    expect(frame[1]).toContain('line 1');
    expect(frame[6]).toContain('line 6');
    expect(frame.at(-1)).toContain('↓14 more');
    expect(frame.at(-1)).not.toContain('↑');
  });

  it('says how many problems are out of sight and where, before the plain scroll counts', () => {
    const problem = (level: 'crit' | 'warn', n: number): Line => [
      { text: `${level === 'crit' ? '✖ CRIT' : '▲ WARN'} `, tone: level, bold: true },
      { text: `trouble ${n}` },
    ];
    const lines = [...numbered(3), problem('warn', 1), ...numbered(10), problem('crit', 2), problem('warn', 3)];
    const below = texts(frameLines(input({ lines, width: 60, height: 8 })));
    expect(below.at(-1)).toMatch(/ 2 problems below ↓ · ↓10 more ─╯$/);
    const above = texts(frameLines(input({ lines, width: 60, height: 8, scroll: 5 })));
    expect(above.at(-1)).toMatch(/ 1 problem above ↑ · 2 problems below ↓ · ↑5 ↓5 more ─╯$/);
    // The problems' tone colours the hint: crit when any hidden one is crit.
    const hint = frameLines(input({ lines, width: 60, height: 8 }))
      .at(-1)
      ?.find((s) => s.text.includes('problem'));
    expect(hint?.tone).toBe('crit');
    // Narrow: the short form, the problems before the scroll counts.
    expect(texts(frameLines(input({ lines, width: 24, height: 8 }))).at(-1)).toMatch(/ 2 problems ↓ · ↓10 ─╯$/);
    expect(texts(frameLines(input({ lines, width: 18, height: 8 }))).at(-1)).toMatch(/ 2 problems ↓ ─╯$/);
    // Nothing in trouble out of sight: the scroll counts alone.
    expect(texts(frameLines(input({ lines: numbered(20), width: 60, height: 8 }))).at(-1)).not.toContain('problem');
  });

  it('scrolls, showing how far it has scrolled and what is left', () => {
    const frame = texts(frameLines(input({ lines: numbered(20), height: 8, scroll: 5 })));
    expect(frame[1]).toContain('line 6');
    expect(frame.at(-1)).toContain('↑5');
    expect(frame.at(-1)).toContain('↓9 more');
    expectExactBox(frameLines(input({ lines: numbered(20), height: 8, scroll: 5 })), 40, 8);
  });

  it('clamps the scroll offset so the window is never past the last line or before the first', () => {
    expect(maxScroll(20, 8)).toBe(14);
    expect(maxScroll(3, 8)).toBe(0);
    const far = texts(frameLines(input({ lines: numbered(20), height: 8, scroll: 1000 })));
    expect(far[1]).toContain('line 15');
    expect(far[6]).toContain('line 20');
    expect(far.at(-1)).toContain('↑14');
    expect(far.at(-1)).not.toContain('more');
    const negative = texts(frameLines(input({ lines: numbered(20), height: 8, scroll: -4 })));
    expect(negative[1]).toContain('line 1');
    expect(negative.at(-1)).not.toContain('↑');
    // Content that fits never scrolls.
    const short = texts(frameLines(input({ lines: numbered(3), scroll: 2 })));
    expect(short[1]).toContain('line 1');
  });

  it('cuts long and wide content to the box and strips control characters', () => {
    const lines: Line[] = [[{ text: 'x'.repeat(200) }], [{ text: '日本語のプロセス名'.repeat(5) }], [{ text: 'evil\x1b[2Jtitle\x07' }]];
    for (const width of [5, 9, 17, 40, 41]) {
      const frame = frameLines(input({ title: '日本語のタイトル', lines, width, height: 6, status: 'crit', age: '3m' }));
      expectExactBox(frame, width, 6);
      expect(texts(frame).join('')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
  });

  it('keeps the status word when a long title has to give way', () => {
    const top = lineText(frameLines(input({ title: 'A very long pane title that cannot fit', status: 'warn', width: 30 }))[0] ?? []);
    expect(textWidth(top)).toBe(30);
    expect(top).toContain('WARN');
    expect(top).toContain('…');
  });

  it('draws something exactly the right size at tiny sizes', () => {
    for (let width = 0; width <= 12; width++) {
      for (let height = 0; height <= 4; height++) {
        for (const focused of [false, true]) {
          const frame = frameLines(input({ width, height, focused, lines: numbered(9), status: 'down', age: '5s' }));
          expectExactBox(frame, width, height);
        }
      }
    }
  });

  it('falls back to one line with the title and status word when there is no room for a box', () => {
    expect(texts(frameLines(input({ width: 20, height: 1, status: 'warn' })))).toEqual(['GPU WARN            ']);
    expect(texts(frameLines(input({ width: 3, height: 3, status: 'crit' })))).toEqual(['GP…', '   ', '   ']);
    expect(frameLines(input({ height: 0 }))).toEqual([]);
  });

  it('holds the exact size for every width and height in a wide range', () => {
    for (let width = 4; width <= 90; width += 1) {
      for (const height of [2, 3, 5, 11, 30]) {
        const frame = frameLines(
          input({
            width,
            height,
            title: 'CPU · workstation',
            status: 'stale',
            age: '2h',
            lines: numbered(40),
            scroll: 3,
            focused: width % 2 === 0,
          }),
        );
        expectExactBox(frame, width, height);
      }
    }
  });
});

describe('scrollInSight', () => {
  // A pane 8 high shows 6 lines: with scroll 0, lines 0-5.
  it("keeps the pane's scroll while the selected line is in the window", () => {
    expect(scrollInSight(0, 5, 8)).toBe(0);
    expect(scrollInSight(3, 3, 8)).toBe(3);
    expect(scrollInSight(4, undefined, 8)).toBe(4);
  });

  it('moves the window the least that brings a selection past either edge into sight', () => {
    expect(scrollInSight(0, 6, 8)).toBe(1);
    expect(scrollInSight(0, 20, 8)).toBe(15);
    expect(scrollInSight(10, 2, 8)).toBe(2);
  });
});
