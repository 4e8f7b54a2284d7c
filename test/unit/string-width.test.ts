// One width function (src/terminal/string-width.ts, used by src/ui/text.ts, the frame writer and
// Ink in the bundle): the panes' measure of a text is string-width's, for any text, so that a
// line built to fit a pane is a line Ink agrees fits.
import fc from 'fast-check';
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import fastStringWidth from '../../src/terminal/string-width.js';
import { fitLine, lineText, pad, textWidth, truncate } from '../../src/ui/text.js';

/** What health checks and logs print: emoji with selectors and skin tones, CJK, combining marks, box drawing. */
const SPECIAL = ['✅', '❌', '⚡', '⏳', '❤️', '👍🏽', '🇳🇱', '👨‍👩‍👧', '漢', '한', 'é', 'é', '─', '█', '▏', '◽', '·', '…', '\u00ad', 'x'];
const text = fc
  .array(fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('textWidth', () => {
  it('agrees with string-width on any text', () => {
    fc.assert(
      fc.property(text, (s) => textWidth(s) === realStringWidth(s) && fastStringWidth(s) === realStringWidth(s)),
      { numRuns: 2000, seed: 42 },
    );
  });

  it.each(['✅', '❌', '⚡', '⏳', '❤️', '👍🏽'])('counts %s as string-width does (two cells)', (emoji) => {
    expect(textWidth(emoji)).toBe(realStringWidth(emoji));
    expect(textWidth(`ready ${emoji} done`)).toBe(realStringWidth(`ready ${emoji} done`));
  });
});

describe('cutting and padding', () => {
  it('truncate never cuts a grapheme in two and never goes past the width', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 20 }), (s, width) => {
        const cut = truncate(s, width);
        if (realStringWidth(cut) > width) return false;
        const body = cut.endsWith('…') && cut !== s ? cut.slice(0, -1) : cut;
        // What is kept is a run of whole graphemes from the start.
        return s.startsWith(body);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('pad and fitLine give exactly the width string-width measures', () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 1, max: 30 }),
        (s, width) =>
          realStringWidth(pad(s, width)) === width && realStringWidth(lineText(fitLine([{ text: s }, { text: s }], width))) === width,
      ),
      { numRuns: 1000, seed: 9 },
    );
  });
});
