// Outside text on a terminal: no control character, escape sequence or bidi override gets
// through, and what was taken out is shown in a readable form (issue 13, point 1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe, terminalSafe, terminalSafeJson } from '../../src/terminal/terminal-safe.js';
import { hostileText } from '../helpers/hostile-text.js';

// Anything a terminal acts on: C0 (newline aside in `lines` mode), DEL, C1, bidi controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('shows a title change and a clear as escapes, not as half-stripped junk', () => {
    expect(terminalSafe('\x1b]0;PWNED-TITLE\x07\x1b[2J')).toBe('\\e]0;…\\e[2J');
    expect(terminalSafe('ok \x1b]0;PWNED-TITLE\x1b\\ then')).toBe('ok \\e]0;… then');
  });

  it('shows a clipboard write (OSC 52) without its payload', () => {
    expect(terminalSafe('\x1b]52;c;cm0gLXJmIH4K\x07done')).toBe('\\e]52;…done');
  });

  it('handles the 8-bit (C1) forms of CSI, OSC and ST as their 7-bit ones', () => {
    expect(terminalSafe('\x9b2Jx')).toBe('\\u009b2Jx');
    expect(terminalSafe('\x9d0;title\x9cx')).toBe('\\u009d0;…x');
    expect(terminalSafe('a\x85b')).toBe('a\\u0085b');
  });

  it('shows device control and other strings, charset and reset escapes', () => {
    expect(terminalSafe('\x1bP1$qm\x1b\\x')).toBe('\\eP…x');
    expect(terminalSafe('\x1b_payload\x1b\\x')).toBe('\\e_…x');
    expect(terminalSafe('\x1b(B\x1bc\x1b7')).toBe('\\e(B\\ec\\e7');
  });

  it('shows C0 controls by their usual names and bidi overrides by code point', () => {
    expect(terminalSafe('back\bspace\x00bell\x07 \x7f')).toBe('back\\bspace\\0bell\\a \\x7f');
    expect(terminalSafe('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
    expect(terminalSafe('a\u2066b\u2069')).toBe('a\\u2066b\\u2069');
  });

  it('one line: newlines and tabs are spaces; lines: newlines kept, CRLF is LF, tabs to columns of 8', () => {
    expect(terminalSafe('a\nb\r\nc\td')).toBe('a b c d');
    expect(terminalSafe('a\nb\r\nc\td', { newlines: 'lines' })).toBe('a\nb\nc       d');
    expect(terminalSafe('progress\rdone', { newlines: 'lines' })).toBe('progress\\rdone');
  });

  it('cuts a sequence with very long parameters', () => {
    const shown = terminalSafe(`\x1b[${'1;'.repeat(500)}m`);
    expect(shown.length).toBeLessThan(40);
    expect(shown).toMatch(/^\\e\[1;1;.*…m$/);
  });

  it('gives plain text back as the same string', () => {
    const text = 'cpu 12% · 日本語 · ✔ ok';
    expect(terminalSafe(text)).toBe(text);
    expect(isTerminalSafe(text)).toBe(true);
  });

  it('property: nothing a terminal acts on survives, in either mode', () => {
    fc.assert(
      fc.property(hostileText(), (text) => {
        expect(terminalSafe(text)).not.toMatch(CONTROL);
        expect(terminalSafe(text, { newlines: 'lines' })).not.toMatch(CONTROL_BUT_NEWLINE);
      }),
      { seed: 1313, numRuns: 3000 },
    );
  });

  it('property: any string at all (full Unicode) comes out safe', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(terminalSafe(text)).not.toMatch(CONTROL);
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('property: safe text is left alone, and cleaning twice changes nothing more', () => {
    fc.assert(
      fc.property(hostileText(), (text) => {
        const once = terminalSafe(text);
        expect(terminalSafe(once)).toBe(once);
        if (isTerminalSafe(text)) expect(once).toBe(text);
        // What was taken out is shown: a control (other than a line end or tab, which are spaces)
        // leaves a backslash in the output.
        else if (!isTerminalSafe(text.replace(/\r?\n|\t/g, ''))) expect(once).toContain('\\');
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('terminalSafeJson', () => {
  it('writes C1 and bidi controls as \\u escapes: the same value for a JSON reader', () => {
    const value = { name: 'a\x9b2J\u202eb', plain: 'ok', n: 1 };
    const json = terminalSafeJson(value, 2);
    expect(json).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('property: any value round-trips exactly and prints nothing a terminal acts on', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 30 })), (value) => {
        const json = terminalSafeJson(value, 2);
        expect(json).not.toMatch(CONTROL_BUT_NEWLINE);
        expect(JSON.parse(json)).toEqual(value);
      }),
      { seed: 52, numRuns: 1000 },
    );
  });
});
