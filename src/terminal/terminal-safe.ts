// Text from outside (container names and health output, step output, nvidia-smi, Pi-hole and
// Gluetun answers, file names on the NAS, user files) made safe to print on a terminal: no C0
// or C1 control character, no escape sequence and no bidi override reaches the terminal. What
// is taken out is shown in a visible, readable form instead — `\e]0;…` for a title change,
// `\e[2J` for a clear, `\b` for a backspace, `\u202e` for a right-to-left override — so that
// nothing is hidden and no half-stripped junk ("]0;PWNED [2J") is left behind. The one place
// where this is decided: the panes, `status`, the runbook runner's output, the history,
// `check-config` and error messages all print through it.

export type SafeMode = {
  /**
   * `line` (the default): one line; a newline or tab becomes a space. `lines`: newlines are
   * kept (CRLF becomes LF) and tabs are expanded to the next multiple of 8 columns.
   */
  newlines?: 'line' | 'lines';
};

// Everything that is not printed as it is. C0 (but see below), DEL, C1, and the bidi controls:
// ALM, LRM, RLM, LRE/RLE/PDF/LRO/RLO and the isolates LRI/RLI/FSI/PDI.
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_ST = 0x9c;

/** Longest run of a sequence's parameters shown as they are; longer ones are cut with "…". */
const MAX_SHOWN = 24;

const NAMED: Record<number, string> = { 0x00: '\\0', 0x07: '\\a', 0x08: '\\b', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x1b: '\\e' };

function hex2(code: number): string {
  return code.toString(16).padStart(2, '0');
}

/** The visible form of one character that is not printed as it is. */
function shown(code: number): string {
  const named = NAMED[code];
  if (named) return named;
  if (code < 0x80) return `\\x${hex2(code)}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

// The C1 controls that open a sequence, by their 7-bit form (ESC + the letter).
const C1_INTRODUCER: Record<number, string> = { 0x9b: '[', 0x9d: ']', 0x90: 'P', 0x98: 'X', 0x9e: '^', 0x9f: '_' };

type Sequence = { end: number; text: string };

/** A control sequence (CSI): parameters, intermediates and a final byte. */
function csi(text: string, start: number, intro: string): Sequence {
  let index = start;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code >= 0x30 && code <= 0x3f) index++;
    else break;
  }
  const params = text.slice(start, index);
  const middle = index;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code >= 0x20 && code <= 0x2f) index++;
    else break;
  }
  const intermediates = text.slice(middle, index);
  const final = index < text.length ? text.charCodeAt(index) : -1;
  // A final byte ends it; anything else (another control, the end) ends it without one.
  const hasFinal = final >= 0x40 && final <= 0x7e;
  return { end: hasFinal ? index + 1 : index, text: `${intro}${cut(params + intermediates)}${hasFinal ? String.fromCharCode(final) : ''}` };
}

/**
 * A control string (OSC, DCS, SOS, PM, APC): up to its terminator — BEL or ST (ESC \ or the C1
 * ST) — or to the end of the text. Its contents are not shown: an OSC shows its number.
 */
function controlString(text: string, start: number, intro: string, osc: boolean): Sequence {
  let index = start;
  let end = text.length;
  let after = text.length;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === BEL || code === C1_ST) {
      end = index;
      after = index + 1;
      break;
    }
    if (code === ESC) {
      end = index;
      // ESC \ is the terminator; any other ESC cuts the string short and starts anew.
      after = text.charCodeAt(index + 1) === 0x5c ? index + 2 : index;
      break;
    }
    if (code === CAN || code === SUB) {
      end = index;
      after = index;
      break;
    }
    index++;
  }
  const body = text.slice(start, end);
  if (!osc) return { end: after, text: `${intro}${body ? '…' : ''}` };
  const number = /^\d{0,8}/.exec(body)?.[0] ?? '';
  const rest = body.slice(number.length);
  return { end: after, text: `${intro}${number}${rest ? (rest.startsWith(';') ? ';…' : '…') : ''}` };
}

/** The sequence an ESC at `index` starts, as shown; `end` is where the text goes on. */
function escapeSequence(text: string, index: number): Sequence {
  const next = index + 1 < text.length ? text.charCodeAt(index + 1) : -1;
  if (next === 0x5b) return csi(text, index + 2, '\\e[');
  if (next === 0x5d) return controlString(text, index + 2, '\\e]', true);
  if (next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f)
    return controlString(text, index + 2, `\\e${String.fromCharCode(next)}`, false);
  // nF, Fp, Fe, Fs: intermediates (space to "/") then one final byte ("0" to "~").
  let at = index + 1;
  while (at < text.length && text.charCodeAt(at) >= 0x20 && text.charCodeAt(at) <= 0x2f) at++;
  const final = at < text.length ? text.charCodeAt(at) : -1;
  if (final >= 0x30 && final <= 0x7e) return { end: at + 1, text: `\\e${cut(text.slice(index + 1, at))}${String.fromCharCode(final)}` };
  // A lone ESC (at the end, or before something that is not a sequence): shown alone.
  return { end: index + 1, text: '\\e' };
}

/**
 * The text as it may be printed on a terminal. Plain text (no control character, no bidi
 * control) comes back as it is, the same string, at the cost of one regular expression test.
 */
export function terminalSafe(text: string, mode: SafeMode = {}): string {
  const lines = mode.newlines === 'lines';
  if (!(lines ? UNSAFE_LINES : UNSAFE_LINE).test(text)) return text;
  let out = '';
  let column = 0;
  let index = 0;
  const put = (piece: string) => {
    out += piece;
    column += piece.length;
  };
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x0a) {
      if (lines) {
        out += '\n';
        column = 0;
      } else put(' ');
      index++;
      continue;
    }
    if (code === 0x0d && text.charCodeAt(index + 1) === 0x0a) {
      // CRLF is a line end, as LF is.
      index++;
      continue;
    }
    if (code === 0x09) {
      put(lines ? ' '.repeat(8 - (column % 8)) : ' ');
      index++;
      continue;
    }
    if (code === ESC) {
      const sequence = escapeSequence(text, index);
      put(sequence.text);
      index = sequence.end;
      continue;
    }
    const intro = C1_INTRODUCER[code];
    if (intro !== undefined) {
      const visible = shown(code);
      const sequence = intro === '[' ? csi(text, index + 1, visible) : controlString(text, index + 1, visible, intro === ']');
      put(sequence.text);
      index = sequence.end;
      continue;
    }
    if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x061c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    ) {
      put(shown(code));
      index++;
      continue;
    }
    // A run of ordinary characters at once.
    let end = index + 1;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (
        c < 0x20 ||
        (c >= 0x7f && c <= 0x9f) ||
        c === 0x061c ||
        c === 0x200e ||
        c === 0x200f ||
        (c >= 0x202a && c <= 0x202e) ||
        (c >= 0x2066 && c <= 0x2069)
      )
        break;
      end++;
    }
    put(text.slice(index, end));
    index = end;
  }
  return out;
}

/**
 * What a line of a command's output says last: a progress bar redraws its line with \r, and
 * the line shows what it was redrawn to (a CR before the line's end is part of a CRLF).
 */
export function lastRedraw(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  const at = trimmed.lastIndexOf('\r');
  return at < 0 ? trimmed : trimmed.slice(at + 1);
}

/** Whether printing the text could do anything but show characters (newlines allowed with `lines`). */
export function isTerminalSafe(text: string, mode: SafeMode = {}): boolean {
  return !(mode.newlines === 'lines' ? UNSAFE_LINES : UNSAFE_LINE).test(text);
}

// JSON escapes C0 but leaves C1 and the bidi controls as they are; \uXXXX for them keeps the
// value exact (a JSON reader gets the same string) and the terminal untouched.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify with the characters a terminal would act on written as \u escapes; same value. */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
