// The one width function: how many terminal cells a text takes, as string-width counts them
// (graphemes, emoji, East Asian wide characters), with a cache and a fast path. The panes'
// layout (src/ui/text.ts), the frame writer (screen.ts) and Ink itself (the bundle resolves
// every `string-width` import here, scripts/build.mjs) all measure with it, so that a line
// built to fit is a line Ink agrees fits. Ink measures every line and every character of
// every frame; the package segments graphemes and runs emoji regexes for anything that is not
// ASCII, and our frames are full of box-drawing and block characters. Same answers, a
// fraction of the work.
import realStringWidth from 'string-width';
import { detached } from './detached.js';

type Options = Parameters<typeof realStringWidth>[1];

// Printable ASCII and Latin-1, general punctuation, arrows, box drawing, blocks and geometric
// shapes up to U+25FC: all one cell wide for string-width (ambiguous counts as narrow), none
// of them an emoji on its own. U+25FD/U+25FE are emoji and stay on the slow path.
const NARROW = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc]*$/;
const ANSI =
  /[\u001b\u009b][[\]()#;?]*(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007|(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~])/g;

const cache = new Map<string, number>();
// Lines of the frames being drawn, not of every frame since the start.
const CACHE_LIMIT = 1024;

/** The graphemes of a text (a flag, a skin-toned hand, ❤️ with its selector: one each). */
let segmenter: Intl.Segmenter | null = null;
export function graphemes(text: string): string[] {
  if (NARROW.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter();
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export default function stringWidth(input: string, options?: Options): number {
  if (options && (options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes)) return realStringWidth(input, options);
  if (typeof input !== 'string' || input.length === 0) return 0;
  const plain = input.includes('\u001b') || input.includes('\u009b') ? input.replace(ANSI, '') : input;
  // Every character NARROW takes is in the BMP: one UTF-16 unit, one cell.
  if (NARROW.test(plain)) return plain.length;
  let width = cache.get(input);
  if (width === undefined) {
    width = realStringWidth(input);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(detached(input), width);
  }
  return width;
}
