import type { Key } from 'ink';
import { describe, it, expect } from 'vitest';
import { keyName, NAMED_KEYS, normaliseKey } from '../../src/ui/keys.js';

/** An Ink Key with nothing pressed, then the given fields set. */
function key(pressed: Partial<Key> = {}): Key {
  const none: Key = {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
    backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
  };
  return { ...none, ...pressed };
}

function errorOf(text: string): string {
  const result = normaliseKey(text);
  if (!('error' in result)) throw new Error(`"${text}" was accepted as ${result.key}`);
  return result.error;
}

describe('normaliseKey', () => {
  it('keeps single characters as they are, case included', () => {
    expect(normaliseKey('q')).toEqual({ key: 'q' });
    expect(normaliseKey('V')).toEqual({ key: 'V' });
    expect(normaliseKey('?')).toEqual({ key: '?' });
    expect(normaliseKey('1')).toEqual({ key: '1' });
    expect(normaliseKey('+')).toEqual({ key: '+' });
    expect(normaliseKey(' ')).toEqual({ key: 'space' });
  });

  it('lowercases modifiers and the key after them', () => {
    expect(normaliseKey('ctrl+B')).toEqual({ key: 'ctrl+b' });
    expect(normaliseKey('Ctrl+B')).toEqual({ key: 'ctrl+b' });
    expect(normaliseKey('CTRL+f')).toEqual({ key: 'ctrl+f' });
    expect(normaliseKey('Tab')).toEqual({ key: 'tab' });
    expect(normaliseKey('PageDown')).toEqual({ key: 'pagedown' });
  });

  it('writes alt as meta and puts modifiers in one order', () => {
    expect(normaliseKey('alt+x')).toEqual({ key: 'meta+x' });
    expect(normaliseKey('Alt+X')).toEqual({ key: 'meta+x' });
    expect(normaliseKey('meta+ctrl+x')).toEqual({ key: 'ctrl+meta+x' });
    expect(normaliseKey('shift+ctrl+up')).toEqual({ key: 'ctrl+shift+up' });
    expect(normaliseKey('shift+tab')).toEqual({ key: 'shift+tab' });
  });

  it('accepts esc and return as other names of escape and enter', () => {
    expect(normaliseKey('esc')).toEqual({ key: 'escape' });
    expect(normaliseKey('Esc')).toEqual({ key: 'escape' });
    expect(normaliseKey('escape')).toEqual({ key: 'escape' });
    expect(normaliseKey('return')).toEqual({ key: 'enter' });
  });

  it('accepts every named key', () => {
    for (const name of NAMED_KEYS) expect(normaliseKey(name)).toEqual({ key: name });
  });

  it('rejects emacs-style "S-Tab", naming the keys it knows', () => {
    const error = errorOf('S-Tab');
    expect(error).toContain('unknown key "S-Tab"');
    expect(error).toContain('tab');
  });

  it('asks for the capital letter instead of shift+a', () => {
    expect(errorOf('shift+a')).toBe('write shift+a as "A"');
    expect(errorOf('Shift+A')).toBe('write shift+a as "A"');
  });

  it('rejects unknown keys and modifiers', () => {
    expect(errorOf('f13')).toContain('unknown key "f13"');
    expect(errorOf('ctrl+nope')).toContain('unknown key "nope"');
    expect(errorOf('hyper+x')).toContain('unknown modifier "hyper"');
    expect(errorOf('super+x')).toContain('use ctrl, meta/alt or shift');
  });

  it('rejects a raw control character', () => {
    expect(errorOf('\x02')).toContain('ctrl+x');
    expect(errorOf('\x7f')).toContain('ctrl+x');
  });
});

describe('keyName', () => {
  it('names plain characters as typed', () => {
    expect(keyName('q', key())).toBe('q');
    expect(keyName('V', key({ shift: true }))).toBe('V');
    expect(keyName('?', key())).toBe('?');
    expect(keyName(' ', key())).toBe('space');
  });

  it('names ctrl and meta combinations the way keymap files write them', () => {
    expect(keyName('f', key({ ctrl: true }))).toBe('ctrl+f');
    expect(keyName('F', key({ ctrl: true, shift: true }))).toBe('ctrl+f');
    expect(keyName('c', key({ ctrl: true }))).toBe('ctrl+c');
    expect(keyName('x', key({ meta: true }))).toBe('meta+x');
  });

  it('matches a keymap’s alt+X binding when alt+shift+x is pressed (normaliseKey lowercases after a modifier)', () => {
    const bound = normaliseKey('alt+X');
    expect(bound).toEqual({ key: 'meta+x' });
    expect(keyName('X', key({ meta: true, shift: true }))).toBe('meta+x');
  });

  it('names navigation keys, with shift where it matters', () => {
    expect(keyName('', key({ tab: true }))).toBe('tab');
    expect(keyName('', key({ tab: true, shift: true }))).toBe('shift+tab');
    expect(keyName('', key({ upArrow: true }))).toBe('up');
    expect(keyName('', key({ downArrow: true }))).toBe('down');
    expect(keyName('', key({ leftArrow: true, shift: true }))).toBe('shift+left');
    expect(keyName('', key({ rightArrow: true, ctrl: true }))).toBe('ctrl+right');
    expect(keyName('', key({ pageUp: true }))).toBe('pageup');
    expect(keyName('', key({ pageDown: true }))).toBe('pagedown');
    expect(keyName('', key({ home: true }))).toBe('home');
    expect(keyName('', key({ end: true }))).toBe('end');
    expect(keyName('\r', key({ return: true }))).toBe('enter');
  });

  it('names escape only when nothing else came with it (not alt+key)', () => {
    expect(keyName('', key({ escape: true }))).toBe('escape');
    expect(keyName('', key({ escape: true, meta: true }))).toBe('escape');
  });

  it('names the Backspace key backspace, as Ink reports it either way', () => {
    expect(keyName('', key({ backspace: true }))).toBe('backspace');
    expect(keyName('', key({ delete: true }))).toBe('backspace');
  });

  it('gives every name it produces back unchanged through normaliseKey', () => {
    const pressed: [string, Partial<Key>][] = [
      ['q', {}], ['V', { shift: true }], ['f', { ctrl: true }], ['x', { meta: true }], ['X', { meta: true, shift: true }], [' ', {}],
      ['', { tab: true, shift: true }], ['', { upArrow: true, ctrl: true }], ['', { pageDown: true }], ['', { escape: true }],
    ];
    for (const [input, flags] of pressed) {
      const name = keyName(input, key(flags));
      expect(name).toBeDefined();
      expect(normaliseKey(name ?? '')).toEqual({ key: name });
    }
  });

  it('does not name pasted text', () => {
    expect(keyName('hello', key())).toBeUndefined();
    expect(keyName('', key())).toBeUndefined();
  });
});
