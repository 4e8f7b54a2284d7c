// What the terminal sent, as key presses in the order they were typed. Pure but for the state a
// bracketed paste keeps between reads.
//
// Ink splits a read into escape sequences and runs of plain characters, and hands a run over as
// one input: keys typed faster than it reads (over SSH they arrive bunched all the time) would
// then be one "key" that matches nothing. Here every character of a run is its own press, and
// every escape sequence is named as keymap files write keys. Text that the terminal marks as
// pasted (bracketed paste, DECSET 2004) is one press with `paste` set: it types into a text field
// and never runs a command.

/**
 * A mouse report (SGR, DECSET 1006): a button pressed or released, a drag with a button held,
 * or the wheel; x and y count cells from 1 at the top left, as the terminal does.
 */
export type MouseEvent = {
  action: 'press' | 'release' | 'drag' | 'wheel-up' | 'wheel-down';
  /** 0 left, 1 middle, 2 right; null for the wheel or a release some terminals leave unnamed. */
  button: 0 | 1 | 2 | null;
  x: number;
  y: number;
  shift: boolean;
  meta: boolean;
  ctrl: boolean;
};

/** A key press: its name as keymaps write it, and the text it types (for text fields). */
export type KeyPress = {
  name: string | undefined;
  text: string | null;
  /** Pasted text: it types into a text field and never acts as a command key. */
  paste?: true;
  /** A mouse report (name 'mouse'); `at`: when it was read, for double-clicks. */
  mouse?: MouseEvent & { at: number };
  /** A command the mouse stands for (the wheel scrolls), whatever key the keymap gives it. */
  command?: string;
};

const SGR_MOUSE = /^\x1b\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])$/;

/** An SGR mouse report (ESC [ < b ; x ; y M|m), or null when the sequence is not one. */
export function parseMouse(seq: string): MouseEvent | null {
  const match = SGR_MOUSE.exec(seq);
  if (!match) return null;
  const code = Number(match[1]);
  const x = Number(match[2]);
  const y = Number(match[3]);
  if (x < 1 || y < 1) return null;
  const mods = { shift: (code & 4) !== 0, meta: (code & 8) !== 0, ctrl: (code & 16) !== 0 };
  const low = code & 3;
  if (code & 64) {
    // The wheel: 64 up, 65 down (66, 67: sideways, not used).
    if (low > 1) return null;
    return { action: low === 0 ? 'wheel-up' : 'wheel-down', button: null, x, y, ...mods };
  }
  if (code & 128) return null;
  const button = low === 3 ? null : (low as 0 | 1 | 2);
  if (match[4] === 'm') return { action: 'release', button, x, y, ...mods };
  if (code & 32) return { action: 'drag', button, x, y, ...mods };
  // Button 3 in a press is the release of the X10 protocol, which SGR does not send.
  return button === null ? { action: 'release', button, x, y, ...mods } : { action: 'press', button, x, y, ...mods };
}

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/** A paste whose end never came (a terminal gone wrong) stops holding keys after this long. */
export const PASTE_IDLE_MS = 2_000;
/** Beyond this much, a paste is cut (nothing the console takes is longer). */
export const PASTE_MAX = 64 * 1024;

const CSI_TILDE: Readonly<Record<string, string>> = {
  '1': 'home',
  '7': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '8': 'end',
  '5': 'pageup',
  '6': 'pagedown',
};
const CSI_LETTER: Readonly<Record<string, string>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};

/** ctrl, meta and shift as a modifier parameter encodes them (1 + a bit for each). */
function withModifiers(name: string, param: string | undefined): string {
  const bits = Math.max(0, Number(param ?? 1) - 1);
  if (!Number.isInteger(bits)) return name;
  const mods = [bits & 4 ? 'ctrl' : '', bits & 2 ? 'meta' : '', bits & 1 ? 'shift' : ''].filter(Boolean);
  return [...mods, name].join('+');
}

const press = (name: string | undefined, text: string | null = null): KeyPress => ({ name, text });

/** One character of a plain run. */
function charPress(ch: string): KeyPress | null {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\r' || ch === '\n') return press('enter');
  if (ch === '\t') return press('tab');
  if (code === 0x7f || code === 0x08) return press('backspace');
  if (ch === ' ') return press('space', ' ');
  if (code === 0) return press('ctrl+space');
  if (code < 0x20) return press(`ctrl+${String.fromCharCode(code + 0x60)}`);
  if (code >= 0x80 && code < 0xa0) return null;
  return press(ch, ch);
}

/** A whole escape sequence as Ink's input parser cuts it. */
function escapePress(seq: string): KeyPress {
  if (seq === '\x1b') return press('escape');
  const body = seq.slice(1);
  // ESC ESC [ … : meta with a sequence (some terminals send alt+arrow this way).
  if (body.startsWith('\x1b') && body.length > 1) {
    const inner = escapePress(body);
    return press(inner.name === undefined || inner.name.includes('meta+') ? inner.name : `meta+${inner.name}`);
  }
  const csi = /^\[([0-9;]*)([A-Za-z~])$/.exec(body);
  if (csi) {
    const [, params = '', final = ''] = csi;
    const parts = params.split(';');
    if (final === '~') {
      const base = CSI_TILDE[parts[0] ?? ''];
      return press(base === undefined ? undefined : withModifiers(base, parts[1]));
    }
    if (final === 'Z') return press('shift+tab');
    const base = CSI_LETTER[final];
    return press(base === undefined ? undefined : withModifiers(base, parts.length > 1 ? parts[1] : undefined));
  }
  const ss3 = /^O([A-Za-z])$/.exec(body);
  if (ss3) {
    const base = CSI_LETTER[ss3[1] ?? ''];
    return press(base);
  }
  // ESC and one character: alt (meta) with that key.
  if (Array.from(body).length === 1) {
    const plain = charPress(body);
    if (!plain || plain.name === undefined) return press(undefined);
    if (plain.name.length === 1) return press(`meta+${plain.name.toLowerCase()}`);
    return press(plain.name.includes('+') ? plain.name.replace(/^ctrl\+/, 'ctrl+meta+') : `meta+${plain.name}`);
  }
  return press(undefined);
}

/** Pasted text for a one-line field: line breaks become spaces, controls and sequences go. */
export function pastedText(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])?/g, '')
      .replace(/\r\n|[\r\n]/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f-\x9f]/g, '')
  );
}

export type KeyDecoder = {
  /** One input event from Ink's parser (a plain run or one escape sequence), at time `now`. */
  push(event: string, now?: number): KeyPress[];
};

export function createKeyDecoder(): KeyDecoder {
  let paste: { text: string; at: number } | null = null;
  const endPaste = (out: KeyPress[]) => {
    const text = paste ? pastedText(paste.text).slice(0, PASTE_MAX) : '';
    paste = null;
    if (text) out.push({ name: undefined, text, paste: true });
  };
  return {
    push(event, now = Date.now()) {
      const out: KeyPress[] = [];
      if (paste && now - paste.at > PASTE_IDLE_MS) endPaste(out);
      if (paste) {
        if (event === PASTE_END) {
          endPaste(out);
        } else {
          if (paste.text.length < PASTE_MAX * 2) paste.text += event;
          paste.at = now;
        }
        return out;
      }
      if (event === PASTE_START) {
        paste = { text: '', at: now };
        return out;
      }
      if (event === PASTE_END) return out;
      if (event.startsWith('\x1b')) {
        const mouse = event.startsWith('\x1b[<') ? parseMouse(event) : null;
        out.push(mouse ? { name: 'mouse', text: null, mouse: { ...mouse, at: now } } : escapePress(event));
        return out;
      }
      for (const ch of event) {
        const p = charPress(ch);
        if (p) out.push(p);
      }
      return out;
    },
  };
}
