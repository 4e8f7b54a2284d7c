import { describe, expect, it } from 'vitest';
import { lineCells } from '../../src/terminal/screen.js';
import { applySgr, blankPen, type Pen, PLAIN, penFor, samePen, sgrTransition } from '../../src/terminal/sgr.js';

const pen = (...params: string[]): Pen => params.reduce<Pen>((p, s) => applySgr(p, s) ?? PLAIN, PLAIN);

describe('SGR state', () => {
  it('reduces codes that cancel one another to the look they leave', () => {
    expect(samePen(pen('36', '39', '1', '22', '32'), pen('32'))).toBe(true);
    expect(pen('36', '39', '1', '22', '32')).toBe(pen('32'));
    expect(pen('1;2', '22')).toBe(PLAIN);
    expect(pen('38;5;208').fg).toBe('38;5;208');
    expect(pen('48;2;10;20;30').bg).toBe('48;2;10;20;30');
    expect(pen('7', '0')).toBe(PLAIN);
    expect(pen('41', '')).toBe(PLAIN);
  });

  it('gives up on codes it does not know, so the line is written as it is', () => {
    expect(applySgr(PLAIN, '6')).toBeNull();
    expect(applySgr(PLAIN, '38;5')).toBeNull();
    expect(lineCells('a\x1b[6mb')).toBeNull();
    expect(lineCells('a\x1b[4:3mb')).toBeNull();
    expect(lineCells('wide 漢')).toBeNull();
    expect(lineCells('a\x1b[32mb')?.ch).toEqual(['a', 'b']);
  });

  it('moves between looks with the shortest sequence', () => {
    expect(sgrTransition(PLAIN, PLAIN)).toBe('');
    expect(sgrTransition(pen('32'), pen('31'))).toBe('\x1b[31m');
    expect(sgrTransition(pen('1;32'), PLAIN)).toBe('\x1b[m');
    // Bold off but dim kept: 22 clears both, so dim comes back.
    expect(sgrTransition(pen('1;2;32'), pen('2;32'))).toBe('\x1b[22;2m');
    // Many attributes off and one on: a reset is shorter.
    expect(sgrTransition(pen('1;4;7;32;41'), pen('33'))).toBe('\x1b[0;33m');
  });

  it('lets a blank keep the colour in effect, but not a background or inverse', () => {
    expect(blankPen(pen('1;32'))).toBe(PLAIN);
    expect(blankPen(pen('7;32'))).toBe(pen('7;32'));
    expect(penFor(' ', PLAIN, pen('32'))).toBe(pen('32'));
    expect(penFor(' ', pen('41'), pen('32'))).toBe(pen('32;41'));
    expect(penFor('x', PLAIN, pen('32'))).toBe(PLAIN);
  });
});
