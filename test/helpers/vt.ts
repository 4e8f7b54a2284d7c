/**
 * Just enough of a terminal (auto-wrap off, as the console sets it) to see what a stream of
 * output leaves on screen, colours included: cursor moves (absolute, column, up/down/forward,
 * carriage return), erase line/screen, SGR, private modes (ignored). Written independently of
 * the console's own SGR model so that it can check it.
 */
type Look = Record<string, string>;

const COLOURS = new Set([...Array.from({ length: 8 }, (_, i) => [30 + i, 40 + i, 90 + i, 100 + i])].flat());
const ON: Record<number, string> = {
  1: 'bold',
  2: 'dim',
  3: 'italic',
  4: 'underline',
  5: 'blink',
  7: 'inverse',
  8: 'hidden',
  9: 'strike',
  53: 'overline',
};
const OFF: Record<number, string[]> = {
  22: ['bold', 'dim'],
  23: ['italic'],
  24: ['underline'],
  25: ['blink'],
  27: ['inverse'],
  28: ['hidden'],
  29: ['strike'],
  55: ['overline'],
};

export class Vt {
  readonly chars: string[][];
  readonly looks: Look[][];
  private row = 0;
  private col = 0;
  private look: Look = {};
  /** Rows (from 1) that text was written on or erased in, in order, without repeats. */
  readonly touched: number[] = [];
  /** Every erase-in-line after which text stood in the last column, as "row:col". */
  readonly eraseLog: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.chars = Array.from({ length: height }, () => Array<string>(width).fill(' '));
    this.looks = Array.from({ length: height }, () => Array.from({ length: width }, () => ({})));
  }

  private touch(): void {
    if (this.touched[this.touched.length - 1] !== this.row + 1) this.touched.push(this.row + 1);
  }

  private sgr(params: string): void {
    const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as number;
      if (code === 0) this.look = {};
      else if (ON[code]) this.look = { ...this.look, [ON[code] as string]: 'on' };
      else if (OFF[code]) {
        const look = { ...this.look };
        for (const name of OFF[code] as string[]) delete look[name];
        this.look = look;
      } else if (COLOURS.has(code))
        this.look = { ...this.look, [(code >= 30 && code <= 37) || (code >= 90 && code <= 97) ? 'fg' : 'bg']: String(code) };
      else if (code === 39 || code === 49) {
        const look = { ...this.look };
        delete look[code === 39 ? 'fg' : 'bg'];
        this.look = look;
      } else if (code === 38 || code === 48) {
        const n = codes[i + 1] === 5 ? 1 : 3;
        this.look = { ...this.look, [code === 38 ? 'fg' : 'bg']: codes.slice(i, i + 2 + n).join(';') };
        i += 1 + n;
      } else throw new Error(`unknown SGR code ${code}`);
    }
  }

  private erase(from: number, to: number): void {
    const chars = this.chars[this.row];
    const looks = this.looks[this.row];
    if (!chars || !looks) return;
    this.touch();
    const bg = this.look.bg;
    for (let c = from; c < to; c++) {
      chars[c] = ' ';
      looks[c] = bg ? { bg } : {};
    }
  }

  feed(data: string): void {
    const pattern = /\x1b\[([?\d;]*)([A-Za-z])|([^\x1b])/gu;
    let consumed = 0;
    for (const match of data.matchAll(pattern)) {
      if (match.index !== consumed)
        throw new Error(`unknown sequence at ${consumed}: ${JSON.stringify(data.slice(consumed, consumed + 10))}`);
      consumed = match.index + match[0].length;
      const [, params = '', final, char] = match;
      if (char !== undefined) {
        if (char === '\r') {
          this.col = 0;
          continue;
        }
        if (char === '\n') throw new Error('a newline scrolls at the bottom row: frames must not use it');
        const chars = this.chars[this.row];
        const looks = this.looks[this.row];
        if (chars && looks) {
          this.touch();
          chars[this.col] = char;
          looks[this.col] = this.look;
        }
        // Auto-wrap off: the cursor stays on the last column.
        this.col = Math.min(this.width - 1, this.col + 1);
        continue;
      }
      if (params.startsWith('?')) continue;
      if (final === 'm') {
        this.sgr(params);
        continue;
      }
      const numbers = params.split(';').map((n) => (n === '' ? undefined : Number(n)));
      const n = numbers[0] ?? 1;
      switch (final) {
        case 'H':
          this.row = Math.min(this.height, numbers[0] ?? 1) - 1;
          this.col = Math.min(this.width, numbers[1] ?? 1) - 1;
          break;
        case 'G':
          this.col = Math.min(this.width, n) - 1;
          break;
        case 'B':
          this.row = Math.min(this.height - 1, this.row + n);
          break;
        case 'A':
          this.row = Math.max(0, this.row - n);
          break;
        case 'C':
          this.col = Math.min(this.width - 1, this.col + n);
          break;
        case 'J': {
          if (numbers[0] !== 2) throw new Error(`unsupported erase in display ${params}`);
          const row = this.row;
          for (this.row = 0; this.row < this.height; this.row++) this.erase(0, this.width);
          this.row = row;
          this.touched.length = 0;
          break;
        }
        case 'K':
          this.eraseLog.push(`${this.row}:${this.col}`);
          if (numbers[0] === 2) this.erase(0, this.width);
          else if (numbers[0] === undefined || numbers[0] === 0) this.erase(this.col, this.width);
          else throw new Error(`unsupported erase in line ${params}`);
          break;
        default:
          throw new Error(`unsupported sequence ${JSON.stringify(match[0])}`);
      }
    }
    if (consumed !== data.length) throw new Error(`trailing bytes ${JSON.stringify(data.slice(consumed))}`);
  }

  text(): string[] {
    return this.chars.map((line) => line.join(''));
  }

  /**
   * The screen as a person sees it: each cell's character and look, a blank's look without what
   * a blank cannot show (foreground, weight, slant, blinking; unless inverted).
   */
  seen(): string[] {
    return this.chars.map((line, r) =>
      line
        .map((ch, c) => {
          const look = { ...(this.looks[r]?.[c] ?? {}) };
          if (ch === ' ' && !look.inverse) for (const name of ['fg', 'bold', 'dim', 'italic', 'blink']) delete look[name];
          const keys = Object.keys(look).sort();
          return keys.length ? `${ch}{${keys.map((k) => `${k}=${look[k]}`).join(',')}}` : ch;
        })
        .join(''),
    );
  }
}

/** What a frame looks like painted naively, row by row, on a clean screen. */
export function painted(lines: readonly string[], width: number, height: number): string[] {
  const vt = new Vt(width, height);
  lines.forEach((line, row) => {
    vt.feed(`\x1b[${row + 1};1H\x1b[0m${line}\x1b[0m`);
  });
  return vt.seen();
}
