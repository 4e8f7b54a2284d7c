// What the terminal sends, as key presses (src/ui/key-decoder.ts): every key of a read in order,
// escape sequences named as keymap files write them, bracketed paste as text only. Pure.
import { describe, expect, it } from 'vitest';
import { normaliseKey } from '../../src/config/keys.js';
import { createKeyDecoder, type KeyPress, PASTE_IDLE_MS, parseMouse, pastedText } from '../../src/ui/key-decoder.js';

/** The names of the presses that a sequence of Ink input events decodes to. */
function names(...events: string[]): (string | undefined)[] {
  const decoder = createKeyDecoder();
  return events.flatMap((e) => decoder.push(e, 0)).map((p) => p.name);
}

describe('a run of characters read at once', () => {
  it('is one press per key, in order', () => {
    expect(names('qq')).toEqual(['q', 'q']);
    expect(names('\t\t\t')).toEqual(['tab', 'tab', 'tab']);
    expect(names('21')).toEqual(['2', '1']);
    expect(names('jjjj')).toEqual(['j', 'j', 'j', 'j']);
    expect(names('/ngi\r')).toEqual(['/', 'n', 'g', 'i', 'enter']);
  });

  it('names control characters as ctrl+key, and Backspace, Enter, Tab and space by name', () => {
    expect(names('\x12\x03\x7f\x08\r \x00')).toEqual(['ctrl+r', 'ctrl+c', 'backspace', 'backspace', 'enter', 'space', 'ctrl+space']);
  });

  it('gives typed text for characters that type, and none for keys that do not', () => {
    const decoder = createKeyDecoder();
    expect(decoder.push('é ✅\t', 0)).toEqual([
      { name: 'é', text: 'é' },
      { name: 'space', text: ' ' },
      { name: '✅', text: '✅' },
      { name: 'tab', text: null },
    ]);
  });

  it('drops C1 controls', () => {
    expect(names('a\x9bb')).toEqual(['a', 'b']);
  });
});

describe('escape sequences', () => {
  it('names arrows, paging and editing keys, with their modifiers', () => {
    expect(names('\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1bOA', '\x1b[H', '\x1b[F', '\x1b[1~', '\x1b[4~')).toEqual([
      'up',
      'down',
      'right',
      'left',
      'up',
      'home',
      'end',
      'home',
      'end',
    ]);
    expect(names('\x1b[5~', '\x1b[6~', '\x1b[3~', '\x1b[2~', '\x1b[Z')).toEqual(['pageup', 'pagedown', 'delete', 'insert', 'shift+tab']);
    expect(names('\x1b[1;2A', '\x1b[1;5C', '\x1b[1;3D', '\x1b[5;5~', '\x1b[1;7B')).toEqual([
      'shift+up',
      'ctrl+right',
      'meta+left',
      'ctrl+pageup',
      'ctrl+meta+down',
    ]);
  });

  it('names escape alone, and alt+key as meta', () => {
    expect(names('\x1b', '\x1bx', '\x1bX', '\x1b\r', '\x1b\x1b[A')).toEqual(['escape', 'meta+x', 'meta+x', 'meta+enter', 'meta+up']);
  });

  it('names nothing it does not know (function keys, kitty sequences)', () => {
    expect(names('\x1b[15~', '\x1b[97;5u', '\x1b[[A')).toEqual([undefined, undefined, undefined]);
  });

  it('produces only names that keymap files can bind, unchanged by normaliseKey', () => {
    const all = names('q', 'V', '?', ' ', '\x12', '\x1bx', '\x1b[Z', '\x1b[1;5A', '\x1b[6~', '\x1b', '\r', '\x7f', '\x1b[3~', '\x1b[1;2A');
    for (const name of all) {
      expect(name).toBeDefined();
      expect(normaliseKey(name ?? '')).toEqual({ key: name });
    }
  });
});

describe('bracketed paste', () => {
  it('is one press of text, with no name: it can never act as a command', () => {
    const decoder = createKeyDecoder();
    const out: KeyPress[] = [];
    for (const e of ['\x1b[200~', 'qq', '\x1b[A', 'S\r', '\x1b[201~']) out.push(...decoder.push(e, 0));
    expect(out).toEqual([{ name: undefined, text: 'qqS ', paste: true }]);
  });

  it('keys after the paste act again', () => {
    expect(names('\x1b[200~', 'abc', '\x1b[201~', 'q')).toEqual([undefined, 'q']);
  });

  it('a paste whose end never comes stops holding keys after a while', () => {
    const decoder = createKeyDecoder();
    expect(decoder.push('\x1b[200~', 0)).toEqual([]);
    expect(decoder.push('abc', 10)).toEqual([]);
    const later = decoder.push('q', 10 + PASTE_IDLE_MS + 1);
    expect(later).toEqual([
      { name: undefined, text: 'abc', paste: true },
      { name: 'q', text: 'q' },
    ]);
  });

  it('pasted text loses line breaks, controls and escape sequences', () => {
    expect(pastedText('a\r\nb\nc\x1b]0;x\x07d\x1b[31me\x00')).toBe('a b cde');
  });
});

describe('mouse reports (SGR, DECSET 1006)', () => {
  it('decodes a left click, a release, the wheel and modifiers, with cells counted from 1', () => {
    expect(parseMouse('\x1b[<0;12;5M')).toEqual({ action: 'press', button: 0, x: 12, y: 5, shift: false, meta: false, ctrl: false });
    expect(parseMouse('\x1b[<0;12;5m')?.action).toBe('release');
    expect(parseMouse('\x1b[<64;3;4M')).toMatchObject({ action: 'wheel-up', button: null, x: 3, y: 4 });
    expect(parseMouse('\x1b[<65;3;4M')?.action).toBe('wheel-down');
    expect(parseMouse('\x1b[<2;1;1M')?.button).toBe(2);
    expect(parseMouse('\x1b[<32;7;7M')?.action).toBe('drag');
    expect(parseMouse('\x1b[<16;1;1M')).toMatchObject({ ctrl: true, shift: false });
  });

  it('refuses what is not a report: sideways wheel, cell 0, the old X10 form, junk', () => {
    expect(parseMouse('\x1b[<66;1;1M')).toBeNull();
    expect(parseMouse('\x1b[<0;0;1M')).toBeNull();
    expect(parseMouse('\x1b[M !!')).toBeNull();
    expect(parseMouse('\x1b[<0;1M')).toBeNull();
  });

  it('a report in a read is one press named mouse, with the time it was read, between the keys around it', () => {
    const decoder = createKeyDecoder();
    const presses = decoder.push('a', 100).concat(decoder.push('\x1b[<0;10;3M', 100), decoder.push('b', 100));
    expect(presses.map((p) => p.name)).toEqual(['a', 'mouse', 'b']);
    expect(presses[1]?.mouse).toMatchObject({ action: 'press', x: 10, y: 3, at: 100 });
    expect(presses[1]?.text).toBeNull();
  });
});
