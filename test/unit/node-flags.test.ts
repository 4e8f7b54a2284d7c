// `npm start`, the `homeops` binary and the benchmark run node with the same V8 options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/paths.js';
// @ts-expect-error: a plain script module without types
import { NODE_FLAGS } from '../../scripts/node-flags.mjs';

describe('node options', () => {
  it('npm start passes the options the binary\'s shebang has', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${(NODE_FLAGS as string[]).join(' ')} dist/cli.js`);
    const build = readFileSync(join(packageRoot(), 'scripts', 'build.mjs'), 'utf8');
    expect(build).toContain('#!/usr/bin/env -S node ${NODE_FLAGS.join(\' \')}');
  });
});
