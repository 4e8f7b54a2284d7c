// A faster stand-in for Ink's sanitizeAnsi (ink/build/sanitize-ansi.js), swapped in by the
// bundle (scripts/build.mjs). Ink runs every text node of every frame through it: it walks
// the string character by character looking for control characters and, when there are any,
// tokenizes the whole string, only to keep colour (SGR) sequences and drop cursor movement.
// Our lines hold nothing but text and SGR sequences, which Ink keeps as they are: one regular
// expression finds that out, and anything else still goes to Ink's own implementation.
type Sanitize = (text: string) => string;

// An ESC that does not start an SGR sequence Ink keeps (CSI, digits, ":" or ";", "m"), or a C1
// control character: then Ink has something to strip or to judge.
const NEEDS_INK = /\u001b(?!\[[0-9:;]*m)|[\u0080-\u009f]/;

export function createFastSanitize(original: Sanitize): Sanitize {
  return (text) => (NEEDS_INK.test(text) ? original(text) : text);
}
