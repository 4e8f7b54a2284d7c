// Strings for property tests of what reaches a terminal: dense in escape sequences, control
// characters and bidi controls, mixed with any text at all.
import fc from 'fast-check';

export const hostileText = (): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.constantFrom(
          '\x1b',
          '\x1b[',
          '\x1b]',
          '\x1bP',
          '\x1b_',
          '\x1b\\',
          '\x07',
          '\x9b',
          '\x9d',
          '\x9c',
          '\x90',
          '\r',
          '\n',
          '\t',
          '\b',
          '\x7f',
          '\u202e',
          '\u2066',
          '\u200f',
          '2J',
          '0;',
          '52;c;',
          'm',
          ';',
          '/',
          '..',
        ),
        fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join(''));
