// The layering of DESIGN.md as rules: which folder of src/ may import which, and no import
// cycles. An import that crosses a boundary the wrong way fails here: a word two layers share
// belongs in model/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';

const SRC = join(packageRoot(), 'src');

/**
 * What each layer may import besides itself, lowest first. `cli` (with src/cli.tsx) is the
 * composition root, the one place that wires layers. Nothing points back up.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  terminal: [],
  model: [],
  config: ['model'],
  hosts: ['config', 'model'],
  plan: ['config', 'model'],
  docker: ['hosts', 'config', 'model'],
  probes: ['docker', 'hosts', 'plan', 'config', 'model'],
  drills: ['probes', 'docker', 'hosts', 'config', 'model'],
  monitor: ['probes', 'plan', 'hosts', 'config', 'model'],
  demo: ['probes', 'docker', 'hosts', 'config', 'model'],
  actions: ['probes', 'docker', 'hosts', 'config', 'model'],
  runbooks: ['actions', 'drills', 'probes', 'docker', 'hosts', 'config', 'model'],
  alerts: ['monitor', 'runbooks', 'actions', 'probes', 'hosts', 'config', 'model'],
  // (runbooks: the state directory the store shares with the audit log and the runs.)
  store: ['alerts', 'runbooks', 'monitor', 'probes', 'config', 'model'],
  // The Prometheus endpoint of `homeops watch`: the Snapshot, the config and the alerts firing as metrics.
  metrics: ['alerts', 'monitor', 'probes', 'config', 'model'],
  ui: ['terminal', 'config', 'model'],
  // The pane registry: each pane kind's source (a probe, live or from a demo) and its view (the
  // ui's drawing), registered once; only the composition root and the Snapshot's types use it.
  panes: ['ui', 'demo', 'drills', 'probes', 'docker', 'hosts', 'plan', 'config', 'model', 'terminal'],
  cli: ['*'],
};

type Import = { from: string; to: string; typeOnly: boolean };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(files: readonly string[]): Import[] {
  const known = new Set(files);
  const found: Import[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[3] ?? m[4]) as string;
      const base = resolve(dirname(file), spec).replace(/\.js$/, '');
      const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => known.has(c));
      if (target === undefined) throw new Error(`${relative(SRC, file)}: import of ${spec} names no file in src/`);
      found.push({ from: relative(SRC, file), to: relative(SRC, target), typeOnly: m[2] !== undefined });
    }
  }
  return found;
}

function layerOf(path: string): string {
  return path.includes('/') ? (path.split('/')[0] as string) : 'cli';
}

const files = sourceFiles(SRC);
const imports = importsOf(files);

describe('the layers of src/', () => {
  it('every folder of src/ is a layer with its rule', () => {
    const layers = new Set(files.map((f) => layerOf(relative(SRC, f))));
    expect([...layers].filter((l) => !(l in MAY_IMPORT))).toEqual([]);
  });

  it('no layer imports one above it', () => {
    const crossings = imports
      .filter(({ from, to }) => {
        const [a, b] = [layerOf(from), layerOf(to)];
        const allowed = MAY_IMPORT[a] ?? [];
        return a !== b && !allowed.includes('*') && !allowed.includes(b);
      })
      .map(({ from, to }) => `${from} -> ${to}`);
    expect([...new Set(crossings)].sort(), 'imports against the layering').toEqual([]);
  });

  it('no module imports itself back through others (type-only imports aside)', () => {
    const graph = new Map<string, string[]>();
    for (const { from, to, typeOnly } of imports) if (!typeOnly) graph.set(from, [...(graph.get(from) ?? []), to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]): void => {
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node, [node]);
    expect(cycles).toEqual([]);
  });
});
