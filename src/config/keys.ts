// Key names as written in keymap files (ui/key-decoder.ts names what the terminal sends the same way). Pure.

export const NAMED_KEYS = [
  'tab',
  'enter',
  'escape',
  'space',
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'backspace',
  'delete',
  'insert',
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
