// The built console (dist/) runs our stand-ins where Ink would run its own: the renderer's
// Output, the text nodes' sanitizer, the layout's measureText and every string-width. The build
// fails when a stand-in replaces nothing; this checks what it built.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/built.js';

type Chunk = { entryPoint: string | null; imports: string[]; packages: string[] };
type Inputs = { inputs: string[]; inkImports: Record<string, string[]>; chunks: Record<string, Chunk> };
let bundle: Inputs;

beforeAll(() => {
  const file = join(root, 'dist', 'bundle-inputs.json');
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(file) || !existsSync(cli) || statSync(file).mtimeMs < statSync(cli).mtimeMs - 5_000) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  }
  bundle = JSON.parse(readFileSync(file, 'utf8')) as Inputs;
}, 120_000);

describe('the bundle', () => {
  it('holds each stand-in', () => {
    for (const file of [
      'src/terminal/ink-output.ts',
      'src/terminal/ink-sanitize-ansi.ts',
      'src/terminal/ink-measure-text.ts',
      'src/terminal/string-width.ts',
      'src/terminal/screen.ts',
    ]) {
      expect(bundle.inputs, file).toContain(file);
    }
  });

  it('Ink imports the stand-ins, not its own files', () => {
    const importers = (target: RegExp) =>
      Object.entries(bundle.inkImports)
        .filter(([, imports]) => imports.some((i) => target.test(i)))
        .map(([file]) => file);
    expect(bundle.inkImports['node_modules/ink/build/renderer.js']).toContain('scripts/bundle/ink-output.js');
    // Ink's own output.js is reached only through the stand-in (its fallback), never from Ink.
    expect(importers(/^node_modules\/ink\/build\/output\.js$/)).toEqual([]);
    expect(importers(/^node_modules\/ink\/build\/sanitize-ansi\.js$/)).toEqual([]);
    expect(importers(/^scripts\/bundle\/ink-sanitize-ansi\.js$/).length).toBeGreaterThan(0);
    expect(bundle.inputs).not.toContain('node_modules/ink/build/measure-text.js');
    expect(importers(/^scripts\/bundle\/ink-measure-text\.js$/).length).toBeGreaterThan(0);
    // Every string-width Ink uses is ours.
    expect(importers(/^node_modules\/string-width\//)).toEqual([]);
  });

  // A console start always loads the entry, the console, the cached setup's reader and the
  // runtime, and with them every chunk they import statically. The YAML parser, the validators
  // and the state file's writer are loaded only when a file must be read and validated, or
  // something is remembered: a start from the cache that changes nothing never loads them.
  it('a console start from the cache loads neither the YAML parser nor zod nor conf', () => {
    const starts = ['src/cli.tsx', 'src/cli/console.tsx', 'src/cli/setup-core.ts', 'src/cli/runtime.ts'];
    const entries = Object.entries(bundle.chunks).filter(([, chunk]) => chunk.entryPoint !== null && starts.includes(chunk.entryPoint));
    expect(entries.map(([, chunk]) => chunk.entryPoint).sort()).toEqual([...starts].sort());
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const next of bundle.chunks[file]?.imports ?? []) visit(next);
    };
    for (const [file] of entries) visit(file);
    const packages = new Set([...loaded].flatMap((file) => bundle.chunks[file]?.packages ?? []));
    expect(packages.has('ink')).toBe(true);
    for (const name of ['yaml', 'zod', 'conf', 'ajv']) expect([...packages], name).not.toContain(name);
  });
});
