// A faster stand-in for Ink's Output (ink/build/output.js), swapped in by the bundle
// (scripts/build.mjs). Ink's Output builds a grid of styled cells for the whole screen on every
// frame and re-encodes every row from it; for a frame made of rows of text that do not
// overlap (all of ours) a row is simply its texts, placed at their columns. Anything else —
// clipping, overlapping writes — goes to Ink's own implementation, unchanged.
import stringWidth from './string-width.js';

type Transformer = (line: string, index: number) => string;
type Clip = { x1?: number; x2?: number; y1?: number; y2?: number };
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

type OutputLike = {
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
  clip(clip: Clip): void;
  unclip(): void;
  get(): { output: string; height: number };
};

export type OutputClass = new (options: { width: number; height: number }) => OutputLike;

type Piece = { x: number; width: number; text: string };

export function createFastOutput(Original: OutputClass): OutputClass {
  return class FastOutput implements OutputLike {
    readonly width: number;
    readonly height: number;
    private readonly operations: Operation[] = [];

    constructor(options: { width: number; height: number }) {
      this.width = options.width;
      this.height = options.height;
    }

    write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
      if (!text) return;
      this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
    }

    clip(clip: Clip): void {
      this.operations.push({ type: 'clip', clip });
    }

    unclip(): void {
      this.operations.push({ type: 'unclip' });
    }

    get(): { output: string; height: number } {
      return this.fast() ?? this.slow();
    }

    private slow(): { output: string; height: number } {
      const original = new Original({ width: this.width, height: this.height });
      for (const op of this.operations) {
        if (op.type === 'write') original.write(op.x, op.y, op.text, { transformers: op.transformers });
        else if (op.type === 'clip') original.clip(op.clip);
        else original.unclip();
      }
      return original.get();
    }

    private fast(): { output: string; height: number } | undefined {
      const rows: Piece[][] = Array.from({ length: this.height }, () => []);
      for (const op of this.operations) {
        if (op.type !== 'write') return undefined;
        const lines = op.text.split('\n');
        for (let index = 0; index < lines.length; index++) {
          const row = rows[op.y + index];
          if (!row) continue;
          let line = lines[index] ?? '';
          for (const transform of op.transformers) line = transform(line, index);
          const width = stringWidth(line);
          if (op.x < 0 || op.x + width > this.width) return undefined;
          row.push({ x: op.x, width, text: line });
        }
      }
      const out: string[] = [];
      for (const row of rows) {
        row.sort((a, b) => a.x - b.x);
        let text = '';
        let column = 0;
        for (const piece of row) {
          if (piece.x < column) return undefined;
          text += ' '.repeat(piece.x - column) + piece.text;
          column = piece.x + piece.width;
        }
        out.push(text.trimEnd());
      }
      return { output: out.join('\n'), height: this.height };
    }
  };
}
