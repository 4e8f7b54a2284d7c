import { EventEmitter } from 'node:events';
import { Box, render, Text } from 'ink';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { diffFrame, FrameStream } from '../../src/terminal/screen.js';
import { painted, Vt } from '../helpers/vt.js';

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';

/** Rows (from 1) that an update writes or erases in, on a screen of the given size. */
function rowsTouched(update: string, width = 40, height = 10): number[] {
  const vt = new Vt(width, height);
  vt.feed(update);
  return vt.touched;
}

const body = (update: string) => update.slice(BEGIN_SYNC.length, -END_SYNC.length);

/** Applies frames one after the other as FrameStream would, checking the screen after each. */
function run(frames: readonly string[][], width: number, height: number): { vt: Vt; bytes: number[] } {
  const vt = new Vt(width, height);
  const bytes: number[] = [];
  let previous: string[] | null = null;
  for (const [tick, frame] of frames.entries()) {
    const update = diffFrame(previous, frame);
    bytes.push(Buffer.byteLength(update));
    vt.feed(update);
    expect(vt.seen(), `frame ${tick}`).toEqual(painted(frame, width, height));
    previous = frame;
  }
  return { vt, bytes };
}

/** The bytes of rewriting every changed row whole, colours as Ink wrote them. */
const wholeRows = (previous: readonly string[], next: readonly string[]) =>
  Array.from({ length: Math.max(previous.length, next.length) }, (_, row) => next[row]).reduce(
    (sum: number, line, row) =>
      sum + (line === previous[row] ? 0 : Buffer.byteLength(`\x1b[${row + 1};1H\x1b[0m\x1b[2K${line ?? ''}\x1b[0m`)),
    0,
  );

describe('diffFrame', () => {
  it('clears the screen and paints every row of the first frame', () => {
    const update = diffFrame(null, ['one', 'two', 'three']);
    expect(update.startsWith(`${BEGIN_SYNC}\x1b[H`)).toBe(true);
    expect(update).toContain('\x1b[2J');
    expect(update.endsWith(END_SYNC)).toBe(true);
    const vt = new Vt(10, 5);
    vt.feed('\x1b[31mgarbage everywhere');
    vt.feed(update);
    expect(vt.touched).toEqual([1, 2, 3]);
    expect(vt.seen()).toEqual(painted(['one', 'two', 'three'], 10, 5));
  });

  it('does not write blank rows of a first frame (the screen is already clear)', () => {
    expect(rowsTouched(diffFrame(null, ['top', '', '', 'bottom']))).toEqual([1, 4]);
  });

  it('writes nothing at all when nothing changed', () => {
    expect(diffFrame(['a', 'b'], ['a', 'b'])).toBe('');
    // Nor when only the way Ink spelled the colours changed.
    expect(diffFrame(['\x1b[36m\x1b[39m\x1b[32mok\x1b[39m'], ['\x1b[32mok\x1b[0m'])).toBe('');
  });

  it('rewrites only the rows that changed, and in a row only the cells that changed', () => {
    const update = diffFrame(['cpu 10%', 'gpu 40%', 'ok'], ['cpu 10%', 'gpu 95%', 'ok']);
    // Row 2 from column 5: the two digits that changed, nothing else.
    expect(body(update)).toBe('\x1b[2;5H95');
    run(
      [
        ['cpu 10%', 'gpu 40%', 'ok'],
        ['cpu 10%', 'gpu 95%', 'ok'],
      ],
      10,
      3,
    );
  });

  it('a status bar whose clock ticks costs a few bytes a tick, not the whole line', () => {
    const bar = (time: string) =>
      `\x1b[7m ok \x1b[0m workstation · view tmux/small · refresh 2s · ${time} · self 0.4% 80 MiB · ? help · q quit`;
    const { bytes } = run([[bar('14:02:07')], [bar('14:02:09')]], 100, 1);
    expect(bytes[1]).toBeLessThan(30);
  });

  it('keeps colours right when only part of a coloured row changes', () => {
    // The new colour for the bar, kept for the blank after it (a blank shows no colour), back
    // to plain for the figure.
    const before = 'cpu \x1b[32m██░░\x1b[0m 40%';
    const after = 'cpu \x1b[31m████\x1b[0m 95%';
    const update = diffFrame([before], [after]);
    expect(body(update)).toBe('\x1b[1;5H\x1b[31m████ \x1b[m95');
    run([[before], [after]], 20, 1);
  });

  it('sends only the colour in effect, not the codes Ink piles up to reach it', () => {
    const line = (bar: string) => `\x1b[36m┃\x1b[39m\x1b[1m\x1b[36m\x1b[39m\x1b[22m\x1b[32m${bar}\x1b[39m\x1b[90m░░\x1b[39m  14%`;
    const update = diffFrame([line('▉')], [line('█')]);
    expect(body(update)).toBe('\x1b[1;2H\x1b[32m█\x1b[m');
    run([[line('▉')], [line('█')]], 20, 1);
  });

  it('jumps over unchanged cells between two changes when that is shorter', () => {
    const row = (a: string, b: string) => `load ${a} ${'-'.repeat(30)} ${b}`;
    const update = diffFrame([row('1.00', 'up')], [row('2.00', 'dn')]);
    expect(body(update)).toBe('\x1b[1;6H2\x1b[42Gdn');
    run([[row('1.00', 'up')], [row('2.00', 'dn')]], 60, 1);
  });

  it('rewrites a few unchanged cells rather than jump over them when that is shorter', () => {
    const update = diffFrame(['12:00:59'], ['12:01:00']);
    // The colon between the two changes is rewritten: one byte, where a jump takes four.
    expect(body(update)).toBe('\x1b[1;5H1:00');
  });

  it('erases the end of a row that became blank instead of writing spaces over it', () => {
    const update = diffFrame(['status: degraded (2 probes failing)'], ['status: ok']);
    expect(body(update)).toBe('\x1b[1;9Hok\x1b[K');
    run([['status: degraded (2 probes failing)'], ['status: ok']], 40, 1);
  });

  it('writes blanks between coloured words without changing colour for them', () => {
    const line = (n: string) => `\x1b[32m${n}\x1b[39m   \x1b[32mok\x1b[39m`;
    const update = diffFrame([line('1')], [line('2')]);
    expect(body(update)).toBe('\x1b[H\x1b[32m2\x1b[m');
    run([[line('1')], [line('2')]], 10, 1);
  });

  it('moves to the next row with the shortest sequence', () => {
    const frame = (a: string, b: string, c: string) => [...Array<string>(9).fill('-'), a, b, c];
    const frames = [frame('a1', 'xx9', '5'), frame('a2', 'xx8', '6')];
    // Row 10 by its position; row 11 straight down (the cursor is in the right column); row 12
    // by carriage return and down.
    expect(body(diffFrame(frames[0] ?? null, frames[1] ?? []))).toBe('\x1b[10;2H2\x1b[B8\r\x1b[B6');
    run(frames, 5, 12);
  });

  it('clears rows left over from a taller frame', () => {
    const vt = new Vt(12, 5);
    const first = ['alpha', 'beta', 'gamma', 'delta'];
    vt.feed(diffFrame(null, first));
    vt.touched.length = 0;
    vt.feed(diffFrame(first, ['alpha', 'BETA']));
    expect(vt.touched).toEqual([2, 3, 4]);
    expect(vt.seen()).toEqual(painted(['alpha', 'BETA'], 12, 5));
  });

  it('never erases with the cursor on the last column, so a line filling it keeps its last cell', () => {
    const width = 8;
    const vt = new Vt(width, 3);
    const first = ['12345678', 'short', 'abcdefgh'];
    vt.feed(diffFrame(null, first));
    expect(vt.text()).toEqual(['12345678', 'short   ', 'abcdefgh']);
    const next = ['ABCDEFGH', 'x', 'abcdefgZ'];
    vt.feed(diffFrame(first, next));
    expect(vt.text()).toEqual(['ABCDEFGH', 'x       ', 'abcdefgZ']);
    for (const at of vt.eraseLog) expect(at.endsWith(`:${width - 1}`), at).toBe(false);
  });

  it('leaves the terminal with plain colours after each update, so nothing bleeds into what follows', () => {
    for (const update of [diffFrame(['a'], ['\x1b[31mred']), diffFrame(null, ['\x1b[41;1mx']), diffFrame(['\x1b[7mx'], ['\x1b[7my'])]) {
      const vt = new Vt(10, 2);
      vt.feed(update);
      vt.feed('\x1b[2;1Hz');
      expect(vt.seen()[1]).toBe('z'.padEnd(10));
    }
  });

  it('rewrites a line it cannot model cell by cell whole, and right', () => {
    run(
      [
        ['wide 漢字 1', 'x'],
        ['wide 漢字 2', 'y'],
        ['plain', 'z'],
      ],
      20,
      2,
    );
  });

  it('wraps every update in one synchronized-output block', () => {
    for (const update of [diffFrame(null, ['a']), diffFrame(['a', 'b'], ['a', 'c']), diffFrame(['a', 'b'], ['a'])]) {
      expect(update.startsWith(BEGIN_SYNC)).toBe(true);
      expect(update.endsWith(END_SYNC)).toBe(true);
      expect(update.split(BEGIN_SYNC)).toHaveLength(2);
      expect(update.split(END_SYNC)).toHaveLength(2);
    }
  });

  it('keeps the screen equal to the newest frame, colours included, through a long run of changes', () => {
    const width = 24;
    const height = 8;
    // A small deterministic generator, so that a failure can be replayed.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const styles = ['', '\x1b[32m', '\x1b[1m\x1b[36m', '\x1b[7m', '\x1b[90m', '\x1b[41m', '\x1b[4m', '\x1b[38;5;208m', '\x1b[2m\x1b[1m'];
    const ends = ['\x1b[0m', '\x1b[39m', '\x1b[22m', '\x1b[49m', '\x1b[27m', ''];
    const line = () => {
      let text = '';
      let cells = 0;
      const length = random(width + 1);
      while (cells < length) {
        const n = Math.min(length - cells, 1 + random(6));
        const from = random(5);
        text += (styles[random(styles.length)] ?? '') + ' ab░█·'.repeat(3).slice(from, from + n) + (ends[random(ends.length)] ?? '');
        cells += n;
      }
      return text;
    };
    let frame = Array.from({ length: height }, line);
    const frames = [frame];
    for (let tick = 0; tick < 300; tick++) {
      frame = frame.slice(0, 1 + random(height)).map((l) => (random(3) === 0 ? line() : l));
      while (frame.length < height && random(2) === 0) frame.push(line());
      frames.push(frame);
    }
    const { bytes } = run(frames, width, height);
    // And never more than rewriting the changed rows whole would (beyond the sync block).
    for (let i = 1; i < frames.length; i++) {
      if (bytes[i] === 0) continue;
      expect(bytes[i] as number, `frame ${i}`).toBeLessThanOrEqual(
        wholeRows(frames[i - 1] ?? [], frames[i] ?? []) + BEGIN_SYNC.length + END_SYNC.length,
      );
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
    const screen = new Vt(30, 8);
    const view = (gpu: string) =>
      createElement(
        Box,
        { flexDirection: 'column', width: 30 },
        createElement(Text, null, 'HomeOps'),
        createElement(Text, null, `GPU ${gpu}`),
        createElement(Text, null, 'x'.repeat(30)),
      );
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
