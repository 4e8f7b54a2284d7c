// Key names as written in keymap files, and the name of a key Ink reports. Pure.
import type { Key } from 'ink';

export const NAMED_KEYS = [
  'tab', 'enter', 'escape', 'space', 'up', 'down', 'left', 'right', 'pageup', 'pagedown',
  'home', 'end', 'backspace', 'delete',
] as const;

const MODIFIERS = ['ctrl', 'meta', 'shift'] as const;

/** Normalises a key as written by a user ("Ctrl+B", "alt+x", "S-Tab") or says what is wrong. */
export function normaliseKey(text: string): { key: string } | { error: string } {
  if (text.length === 1) {
    if (text === ' ') return { key: 'space' };
    if (/[\x00-\x1f\x7f]/.test(text)) return { error: 'control characters are written as ctrl+x' };
    return { key: text };
  }
  const parts = text.split('+');
  const base = parts.pop() ?? '';
  const baseLower = base.toLowerCase();
  const mods = new Set<string>();
  for (const raw of parts) {
    const mod = raw.toLowerCase() === 'alt' ? 'meta' : raw.toLowerCase();
    if (!(MODIFIERS as readonly string[]).includes(mod)) return { error: `unknown modifier "${raw}" (use ctrl, meta/alt or shift)` };
    mods.add(mod);
  }
  let name: string;
  if (base.length === 1) name = mods.size ? base.toLowerCase() : base;
  else if ((NAMED_KEYS as readonly string[]).includes(baseLower)) name = baseLower;
  else if (baseLower === 'esc') name = 'escape';
  else if (baseLower === 'return') name = 'enter';
  else return { error: `unknown key "${base}" (a single character or one of ${NAMED_KEYS.join(', ')})` };
  if (mods.has('shift') && name.length === 1) return { error: `write shift+${name} as "${name.toUpperCase()}"` };
  const ordered = MODIFIERS.filter((m) => mods.has(m));
  return { key: [...ordered, name].join('+') };
}

/** Prefix keys of tmux (its default and the common screen-style one): a console inside tmux never sees them. */
export const TMUX_PREFIXES = ['ctrl+b', 'ctrl+a'] as const;

/** The normalised name of a key press as Ink reports it, or undefined for keys we do not name. */
export function keyName(input: string, key: Key): string | undefined {
  const mods = (name: string, withShift = false) =>
    [key.ctrl ? 'ctrl' : '', key.meta ? 'meta' : '', withShift && key.shift ? 'shift' : '', name].filter(Boolean).join('+');
  if (key.tab) return mods('tab', true);
  if (key.return) return mods('enter');
  if (key.escape && !input) return 'escape';
  if (key.upArrow) return mods('up', true);
  if (key.downArrow) return mods('down', true);
  if (key.leftArrow) return mods('left', true);
  if (key.rightArrow) return mods('right', true);
  if (key.pageUp) return mods('pageup');
  if (key.pageDown) return mods('pagedown');
  if (key.home) return mods('home');
  if (key.end) return mods('end');
  // Ink 6 reports the Backspace key (DEL, 0x7f) as delete.
  if (key.backspace || key.delete) return mods('backspace');
  if (input === ' ') return mods('space');
  if (input.length === 1) {
    if (key.ctrl) return `ctrl+${input.toLowerCase()}`;
    if (key.meta) return `meta+${input.toLowerCase()}`;
    return input;
  }
  return undefined;
}

/**
 * The text a key press types into a text prompt (a filter, a typed confirmation), or null for
 * keys that type nothing: named keys, and anything with ctrl or meta. A paste is many characters.
 */
export function typedText(input: string, key: Key): string | null {
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete) return null;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end) return null;
  const text = input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
  return text ? text : null;
}

/**
 * The key presses in what Ink reports as one: Ink 6 hands over a read of several characters
 * (a paste, or keys typed faster than it reads) as one input, so text with Enter or Backspace
 * in it is split into its presses.
 */
export function keyPresses(input: string, key: Key): { name: string | undefined; text: string | null }[] {
  if (input.length <= 1 || key.ctrl || key.meta || !/[\r\x7f\x08]/.test(input) || input.startsWith('\x1b')) {
    return [{ name: keyName(input, key), text: typedText(input, key) }];
  }
  const presses: { name: string | undefined; text: string | null }[] = [];
  for (const part of input.split(/([\r\x7f\x08])/)) {
    if (part === '') continue;
    if (part === '\r') presses.push({ name: 'enter', text: null });
    else if (part === '\x7f' || part === '\x08') presses.push({ name: 'backspace', text: null });
    else {
      const text = part.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
      // Text only: characters that came with others never act as command keys.
      if (text) presses.push({ name: undefined, text });
    }
  }
  return presses;
}
