// Seeded mutations of YAML text for the user-file fuzz test: the ways files go wrong by hand
// (a deleted, doubled or shifted line, a cut file, stray characters, a value of the wrong type)
// and the ways they are made to go wrong (alias bombs, unresolved aliases, collection keys, deep
// nesting, huge values and files, tags, NULs, bad UTF-8). Reproducible: the same seed, the same
// files.

/** mulberry32: a small, fast, seeded generator. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));

const HOSTILE_VALUES = [
  '',
  '~',
  'null',
  '[]',
  '{}',
  '[[[]]]',
  '-1',
  '1e309',
  '0x7fffffffffffffff',
  'NaN',
  '.inf',
  'yes',
  'true',
  '"\\e]0;PWNED\\a"',
  '!!binary aGVsbG8=',
  '!js/function "function(){}"',
  '!!timestamp 2001-12-14',
  '!custom x',
  '&a [1, *a]',
  '*undefined_anchor',
  '"unterminated',
  "'also",
  '{a: 1',
  '[1, 2',
  '| \n  block',
  '> \n  folded',
  ':',
  '- - -',
  '? x',
  '"\\u0000"',
  '"\\x1b[2J"',
  '12:30:00',
  '2026-13-45',
  '99999999999999999999999',
  '"a\\tb"',
  '@reserved',
  '`reserved',
  '%directive',
];

const STRAY = [
  '\t',
  '\0',
  '\x1b',
  '"',
  "'",
  ':',
  '#',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  ',',
  '?',
  '-',
  '\r',
  '\u202e',
  '\ufeff',
  ' ',
  '\n',
];

function lines(text: string): string[] {
  return text.split('\n');
}

function billionLaughs(depth: number): string {
  const out = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= depth; i++) out.push(`x${i}: &x${i} [${Array.from({ length: 9 }, () => `*x${i - 1}`).join(', ')}]`);
  return `${out.join('\n')}\n`;
}

export type Mutation = { name: string; text: string | Buffer };

/** One mutated file from `text`. */
export function mutate(text: string, rng: Rng): Mutation {
  const ls = lines(text);
  const line = () => int(rng, 0, Math.max(0, ls.length - 1));
  const valueLines = () => ls.map((l, i) => [l, i] as const).filter(([l]) => /:\s+\S/.test(l) && !/^\s*#/.test(l));
  const op = int(rng, 0, 17);
  switch (op) {
    case 0: {
      const at = line();
      ls.splice(at, 1);
      return { name: `delete line ${at + 1}`, text: ls.join('\n') };
    }
    case 1: {
      const at = line();
      ls.splice(at, 0, ls[at] ?? '');
      return { name: `duplicate line ${at + 1}`, text: ls.join('\n') };
    }
    case 2: {
      const a = line();
      const b = line();
      [ls[a], ls[b]] = [ls[b] ?? '', ls[a] ?? ''];
      return { name: `swap lines ${a + 1} and ${b + 1}`, text: ls.join('\n') };
    }
    case 3: {
      const at = int(rng, 0, text.length);
      return { name: `cut at ${at}`, text: text.slice(0, at) };
    }
    case 4: {
      let out = text;
      const count = int(rng, 1, 6);
      for (let i = 0; i < count; i++) {
        const at = int(rng, 0, out.length);
        out = out.slice(0, at) + pick(rng, STRAY) + out.slice(at);
      }
      return { name: `${count} stray characters`, text: out };
    }
    case 5: {
      const candidates = valueLines();
      const found = candidates.length ? pick(rng, candidates) : undefined;
      if (!found) return { name: 'no value to replace', text };
      const [l, i] = found;
      const value = pick(rng, HOSTILE_VALUES);
      ls[i] = l.replace(/:\s+.*$/, `: ${value}`);
      return { name: `line ${i + 1} value ${JSON.stringify(value)}`, text: ls.join('\n') };
    }
    case 6: {
      const at = line();
      const shift = pick(rng, [-4, -2, -1, 1, 2, 4]);
      ls[at] = shift > 0 ? ' '.repeat(shift) + (ls[at] ?? '') : (ls[at] ?? '').slice(-shift);
      return { name: `indent line ${at + 1} by ${shift}`, text: ls.join('\n') };
    }
    case 7:
      return { name: 'billion laughs', text: `${billionLaughs(int(rng, 6, 12))}${text}` };
    case 8: {
      const candidates = valueLines();
      const found = candidates.length ? pick(rng, candidates) : undefined;
      if (!found) return { name: 'no value', text };
      ls[found[1]] = found[0].replace(/:\s+.*$/, ': *nowhere');
      return { name: `unresolved alias at line ${found[1] + 1}`, text: ls.join('\n') };
    }
    case 9: {
      const at = line();
      const indent = /^\s*/.exec(ls[at] ?? '')?.[0] ?? '';
      ls.splice(at, 0, `${indent}? ${pick(rng, ['[a, b]', '{x: 1}', '[[1]]'])}`, `${indent}: 1`);
      return { name: `collection key at line ${at + 1}`, text: ls.join('\n') };
    }
    case 10: {
      const depth = pick(rng, [100, 300, 1000, 10_000, 100_000]);
      const candidates = valueLines();
      const found = candidates.length ? pick(rng, candidates) : undefined;
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      if (!found) return { name: `nesting ${depth}`, text: nested };
      ls[found[1]] = found[0].replace(/:\s+.*$/, `: ${nested}`);
      return { name: `nesting ${depth} at line ${found[1] + 1}`, text: ls.join('\n') };
    }
    case 11: {
      // A long value under the size cap: the error may quote only a little of it.
      const candidates = valueLines();
      const found = candidates.length ? pick(rng, candidates) : undefined;
      const long = 'A'.repeat(int(rng, 100, 50_000));
      if (!found) return { name: 'long value', text: `x: ${long}` };
      ls[found[1]] = found[0].replace(/:\s+.*$/, `: ${pick(rng, [long, `"${long}"`, `${long}s`])}`);
      return { name: `value of ${long.length} characters at line ${found[1] + 1}`, text: ls.join('\n') };
    }
    case 12:
      // Over the cap: refused before it is parsed.
      return { name: 'file over the size cap', text: `${text}\n# ${'x'.repeat(int(rng, 300_000, 4_000_000))}\n` };
    case 13: {
      const count = int(rng, 100, 3000);
      const keys = Array.from({ length: count }, (_, i) => `k${i}: ${i}`).join('\n');
      return { name: `${count} unknown keys`, text: `${keys}\n${text}` };
    }
    case 14: {
      const count = int(rng, 100, 3000);
      return {
        name: `${count} aliases of one anchor`,
        text: `big: &big [${Array.from({ length: 50 }, (_, i) => i).join(', ')}]\nmany: [${Array.from({ length: count }, () => '*big').join(', ')}]\n${text}`,
      };
    }
    case 15: {
      const buffer = Buffer.from(text, 'utf8');
      const out = Buffer.from(buffer);
      const count = int(rng, 1, 8);
      for (let i = 0; i < count && out.length; i++) out[int(rng, 0, out.length - 1)] = pick(rng, [0x00, 0xff, 0xc3, 0x80, 0xfe, 0x1b]);
      return { name: `${count} bad bytes`, text: out };
    }
    case 16:
      return {
        name: 'a document that is not a map',
        text: pick(rng, ['- a\n- b\n', '"just text"\n', '42\n', '---\n---\n', '...\n', '', '\ufeff', `%YAML 1.1\n---\n${text}`]),
      };
    default: {
      // Merge keys and a second document.
      return {
        name: 'merge key and second document',
        text: `base: &base { a: 1 }\nmerged: { <<: *base, b: 2 }\n${text}\n---\nsecond: 1\n`,
      };
    }
  }
}

/**
 * The worst a file can be within the size cap, one of each, for every kind: as many keys and as
 * many aliases as fit, a value as long as fits, nesting far past the limit, an alias bomb.
 */
export function extremes(text: string, capBytes: number): Mutation[] {
  const room = capBytes - text.length - 64;
  const keys = Math.floor(room / 12);
  return [
    {
      name: `${keys} unknown keys (the cap's worth)`,
      text: `${Array.from({ length: keys }, (_, i) => `k${String(i).padStart(6, '0')}: 1`).join('\n')}\n${text}`,
    },
    {
      name: `${Math.floor(room / 7)} aliases of one anchor (the cap's worth)`,
      text: `big: &big [1, 2, 3]\nmany: [${Array.from({ length: Math.floor(room / 7) }, () => '*big').join(', ')}]\n${text}`,
    },
    // The first plain `key: value` line (not a comment) given the long value instead.
    {
      name: `a value of ${room} characters`,
      text: text.replace(/^(\s*[A-Za-z_][\w.-]*):[ \t]+[^\s#].*$/m, `$1: "${'A'.repeat(room - 10)}"`),
    },
    { name: 'nesting 100000 at the top', text: `x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n${text}` },
    { name: 'billion laughs, deep', text: `${billionLaughs(12)}${text}` },
  ];
}
