import { EventEmitter } from 'node:events';
import { createElement } from 'react';
import { Box, render, Text } from 'ink';
import { describe, it, expect } from 'vitest';
import { diffFrame, FrameStream } from '../../src/cli/screen.js';

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';

/**
 * Just enough of a terminal (auto-wrap off, as the console sets it) to see what a stream of
 * output leaves on screen: absolute and home cursor moves, erase line/screen, SGR, private modes.
 */
class Screen {
  cells: string[][];
  private row = 0;
  private col = 0;
  /** Every erase-in-line after which text stood in the last column, as "row:col". */
  readonly log: string[] = [];

  constructor(readonly width: number, readonly height: number) {
    this.cells = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  }

  feed(data: string): void {
    const pattern = /\x1b\[([?\d;]*)([A-Za-z])|([^\x1b])/gu;
    let consumed = 0;
    for (const match of data.matchAll(pattern)) {
      if (match.index !== consumed) throw new Error(`unknown sequence at ${consumed}: ${JSON.stringify(data.slice(consumed, consumed + 10))}`);
      consumed = match.index + match[0].length;
      const [, params = '', final, char] = match;
      if (char !== undefined) {
        if (char === '\n' || char === '\r') throw new Error('frames must position rows absolutely, not with newlines');
        const line = this.cells[this.row];
        if (line) line[this.col] = char;
        // Auto-wrap off: the cursor stays on the last column.
        this.col = Math.min(this.width - 1, this.col + 1);
        continue;
      }
      if (params.startsWith('?') || final === 'm') continue;
      const numbers = params.split(';').map((n) => (n === '' ? undefined : Number(n)));
      switch (final) {
        case 'H':
          this.row = (numbers[0] ?? 1) - 1;
          this.col = (numbers[1] ?? 1) - 1;
          break;
        case 'J':
          if (numbers[0] !== 2) throw new Error(`unsupported erase in display ${params}`);
          for (const line of this.cells) line.fill(' ');
          break;
        case 'K': {
          const line = this.cells[this.row];
          this.log.push(`${this.row}:${this.col}`);
          if (!line) break;
          if (numbers[0] === 2) line.fill(' ');
          else if (numbers[0] === undefined || numbers[0] === 0) line.fill(' ', this.col);
          else throw new Error(`unsupported erase in line ${params}`);
          break;
        }
        default:
          throw new Error(`unsupported sequence ${match[0]}`);
      }
    }
    if (consumed !== data.length) throw new Error(`trailing bytes ${JSON.stringify(data.slice(consumed))}`);
  }

  text(): string[] {
    return this.cells.map((line) => line.join(''));
  }
}

const padded = (lines: string[], width: number, height: number) =>
  Array.from({ length: height }, (_, i) => (lines[i] ?? '').padEnd(width));

/** Row numbers (from 1) that an update moves the cursor to. */
function rowsTouched(update: string): number[] {
  return [...update.matchAll(/\x1b\[(\d+);\d+H/g)].map((m) => Number(m[1]));
}

describe('diffFrame', () => {
  it('clears the screen and paints every row of the first frame', () => {
    const update = diffFrame(null, ['one', 'two', 'three']);
    expect(update.startsWith(`${BEGIN_SYNC}\x1b[H\x1b[2J`)).toBe(true);
    expect(update.endsWith(END_SYNC)).toBe(true);
    expect(rowsTouched(update)).toEqual([1, 2, 3]);
    const screen = new Screen(10, 5);
    screen.feed('garbage everywhere');
    screen.feed(update);
    expect(screen.text()).toEqual(padded(['one', 'two', 'three'], 10, 5));
  });

  it('does not write blank rows of a first frame (the screen is already clear)', () => {
    expect(rowsTouched(diffFrame(null, ['top', '', '', 'bottom']))).toEqual([1, 4]);
  });

  it('writes nothing at all when nothing changed', () => {
    expect(diffFrame(['a', 'b'], ['a', 'b'])).toBe('');
  });

  it('rewrites only the rows that changed, and in a row only the cells that changed', () => {
    const update = diffFrame(['cpu 10%', 'gpu 40%', 'ok'], ['cpu 10%', 'gpu 95%', 'ok']);
    expect(rowsTouched(update)).toEqual([2]);
    expect(update).not.toContain('cpu');
    expect(update).not.toContain('\x1b[2J');
    // Row 2 from column 5: the two digits that changed.
    expect(update).toContain('\x1b[2;5H\x1b[0m95\x1b[0m');
    const screen = new Screen(10, 3);
    screen.feed(diffFrame(null, ['cpu 10%', 'gpu 40%', 'ok']));
    screen.feed(update);
    expect(screen.text()).toEqual(padded(['cpu 10%', 'gpu 95%', 'ok'], 10, 3));
  });

  it('a status bar whose clock ticks costs a few bytes a tick, not the whole line', () => {
    const bar = (time: string) => `\x1b[7m ok \x1b[0m workstation · view tmux/small · refresh 2s · ${time} · self 0.4% 80 MiB · ? help · q quit`;
    const update = diffFrame([bar('14:02:07')], [bar('14:02:09')]);
    expect(update.length).toBeLessThan(40);
    const screen = new Screen(100, 1);
    screen.feed(diffFrame(null, [bar('14:02:07')]));
    screen.feed(update);
    expect(screen.text()[0]?.trimEnd()).toBe(' ok  workstation · view tmux/small · refresh 2s · 14:02:09 · self 0.4% 80 MiB · ? help · q quit');
  });

  it('keeps colours right when only part of a coloured row changes', () => {
    const before = 'cpu \x1b[32m██░░\x1b[0m 40%';
    const after = 'cpu \x1b[31m████\x1b[0m 95%';
    const update = diffFrame([before], [after]);
    // The changed span starts with a reset and the new colour; nothing after it stays coloured.
    expect(update).toContain('\x1b[1;5H\x1b[0m\x1b[31m████\x1b[0m 95\x1b[0m');
  });

  it('clears rows left over from a taller frame', () => {
    const screen = new Screen(12, 5);
    const first = ['alpha', 'beta', 'gamma', 'delta'];
    screen.feed(diffFrame(null, first));
    const update = diffFrame(first, ['alpha', 'BETA']);
    expect(rowsTouched(update)).toEqual([2, 3, 4]);
    screen.feed(update);
    expect(screen.text()).toEqual(padded(['alpha', 'BETA'], 12, 5));
  });

  it('erases a row before writing it, so a line filling the last column keeps its last cell', () => {
    const width = 8;
    const screen = new Screen(width, 3);
    const first = ['12345678', 'short', 'abcdefgh'];
    screen.feed(diffFrame(null, first));
    expect(screen.text()).toEqual(['12345678', 'short   ', 'abcdefgh']);
    const next = ['ABCDEFGH', 'x', 'abcdefgZ'];
    screen.feed(diffFrame(first, next));
    expect(screen.text()).toEqual(['ABCDEFGH', 'x       ', 'abcdefgZ']);
    // No erase ever happened with the cursor on the last column (it would eat the last cell).
    for (const at of screen.log) expect(at.endsWith(`:${width - 1}`), at).toBe(false);
  });

  it('resets colours around each row so one row’s colour cannot bleed into the next', () => {
    const update = diffFrame(['a'], ['\x1b[31mred']);
    expect(update).toMatch(/\x1b\[1;1H\x1b\[0m(\x1b\[2K)?\x1b\[31mred\x1b\[0m/);
  });

  it('wraps every update in one synchronized-output block', () => {
    for (const update of [diffFrame(null, ['a']), diffFrame(['a', 'b'], ['a', 'c']), diffFrame(['a', 'b'], ['a'])]) {
      expect(update.startsWith(BEGIN_SYNC)).toBe(true);
      expect(update.endsWith(END_SYNC)).toBe(true);
      expect(update.split(BEGIN_SYNC)).toHaveLength(2);
      expect(update.split(END_SYNC)).toHaveLength(2);
    }
  });

  it('keeps the screen equal to the newest frame through a long run of changes', () => {
    const width = 16;
    const height = 8;
    const screen = new Screen(width, height);
    let previous: string[] | null = null;
    for (let tick = 0; tick < 60; tick++) {
      const count = 1 + ((tick * 5) % height);
      const frame = Array.from({ length: count }, (_, row) => (row % 3 === tick % 3 ? `t${tick} r${row}`.padEnd((tick + row) % (width + 1), '#').slice(0, width) : `row ${row}`));
      screen.feed(diffFrame(previous, frame));
      expect(screen.text(), `tick ${tick}`).toEqual(padded(frame, width, height));
      previous = frame;
    }
  });
});

/** A stand-in for process.stdout that records what the console would put on the terminal. */
class FakeTerminal extends EventEmitter {
  columns: number | undefined = 40;
  rows: number | undefined = 10;
  readonly writes: string[] = [];
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
  asStream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }
}

describe('FrameStream', () => {
  it('reports the terminal’s size, or 80x24 when it does not know', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    expect([frames.columns, frames.rows]).toEqual([40, 10]);
    terminal.columns = 132;
    terminal.rows = 50;
    expect([frames.columns, frames.rows]).toEqual([132, 50]);
    terminal.columns = undefined;
    terminal.rows = undefined;
    expect([frames.columns, frames.rows]).toEqual([80, 24]);
    expect(frames.isTTY).toBe(true);
  });

  it('puts the first frame on a cleared screen and then only the rows that change', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    frames.write('header\ncpu 10%\nfooter');
    expect(terminal.writes).toHaveLength(1);
    expect(terminal.writes[0]).toContain('\x1b[2J');
    frames.write('header\ncpu 12%\nfooter');
    expect(terminal.writes).toHaveLength(2);
    expect(rowsTouched(terminal.writes[1] ?? '')).toEqual([2]);
    frames.write('header\ncpu 12%\nfooter');
    expect(terminal.writes).toHaveLength(2);
    expect(frames.bytesWritten).toBe(Buffer.byteLength(terminal.writes.join('')));
  });

  it('accepts bytes as well as strings and calls the write callback', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    let called = 0;
    frames.write(new TextEncoder().encode('héllo'), () => called++);
    frames.write('héllo\nworld', 'utf8', () => called++);
    expect(called).toBe(2);
    expect(terminal.writes[0]).toContain('héllo');
    expect(rowsTouched(terminal.writes[1] ?? '')).toEqual([2]);
  });

  it('passes a resize on and repaints the whole frame after it', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    let resized = 0;
    frames.on('resize', () => resized++);
    frames.write('a\nb\nc');
    terminal.emit('resize');
    expect(resized).toBe(1);
    // The same frame again: after a resize the terminal cannot be trusted, so all of it.
    frames.write('a\nb\nc');
    expect(terminal.writes).toHaveLength(2);
    expect(terminal.writes[1]).toContain('\x1b[2J');
    expect(rowsTouched(terminal.writes[1] ?? '')).toEqual([1, 2, 3]);
  });

  it('ignores Ink’s cursor show and hide writes', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    frames.write('a\nb');
    let called = false;
    frames.write('\x1b[?25l', () => (called = true));
    frames.write('\x1b[?25h');
    expect(called).toBe(true);
    expect(terminal.writes).toHaveLength(1);
    // The screen it remembers is still the frame, so an unchanged frame writes nothing.
    frames.write('a\nb');
    expect(terminal.writes).toHaveLength(1);
  });

  it('stops passing frames and resizes on after close()', () => {
    const terminal = new FakeTerminal();
    const frames = new FrameStream(terminal.asStream());
    let resized = 0;
    frames.on('resize', () => resized++);
    frames.write('a');
    frames.close();
    let called = false;
    frames.write('last frame while unmounting', () => (called = true));
    expect(called).toBe(true);
    expect(terminal.writes).toHaveLength(1);
    terminal.emit('resize');
    expect(resized).toBe(0);
    expect(terminal.listenerCount('resize')).toBe(0);
  });

  it('keeps a real Ink app’s frames on screen exactly, rewriting only what changed', async () => {
    const terminal = new FakeTerminal();
    terminal.columns = 30;
    terminal.rows = 8;
    const frames = new FrameStream(terminal.asStream());
    const screen = new Screen(30, 8);
    const view = (gpu: string) =>
      createElement(Box, { flexDirection: 'column', width: 30 },
        createElement(Text, null, 'HomeOps'),
        createElement(Text, null, `GPU ${gpu}`),
        createElement(Text, null, 'x'.repeat(30)));
    const instance = render(view('40%'), {
      stdout: frames as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const write of terminal.writes) screen.feed(write);
      expect(screen.text().slice(0, 3)).toEqual(['HomeOps'.padEnd(30), 'GPU 40%'.padEnd(30), 'x'.repeat(30)]);
      const before = terminal.writes.length;
      instance.rerender(view('95%'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const updates = terminal.writes.slice(before);
      expect(updates.length).toBeGreaterThan(0);
      for (const write of updates) {
        screen.feed(write);
        expect(rowsTouched(write)).toEqual([2]);
      }
      expect(screen.text().slice(0, 3)).toEqual(['HomeOps'.padEnd(30), 'GPU 95%'.padEnd(30), 'x'.repeat(30)]);
    } finally {
      frames.close();
      instance.unmount();
    }
  });
});
