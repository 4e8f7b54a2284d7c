import { describe, expect, it } from 'vitest';
import { NAMED_KEYS, normaliseKey } from '../../src/config/keys.js';

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
