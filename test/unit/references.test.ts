// Nothing in the repository sends a reader to a file it does not hold: every path that a
// document, a comment, a runbook or a script names (`docs/alerts.md`, `src/terminal/screen.ts`,
// `scripts/lab.sh`) is there. A module named as its compiled `.js` counts when its `.ts` or
// `.tsx` is there; a path inside src/ may be named without the `src/` (`runbooks/lock.ts`).
// Placeholders (`keymaps/NAME.yaml`) are not paths.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TOP = ['src', 'test', 'docs', 'scripts', 'examples', 'views', 'keymaps', 'runbooks', 'fixtures'];
/** A path after a space, quote, backtick, bracket or at the start of a line: not the tail of `../x`. */
const MENTION = new RegExp(`(?:^|[\\s\`'"(\\[])((?:${TOP.join('|')})/[A-Za-z0-9_./-]+\\.(?:ts|tsx|md|mjs|sh|yaml|json|js))\\b`, 'gm');
/** `keymaps/NAME.yaml`, `runbooks/ID.yaml`: what the reader puts there. */
const PLACEHOLDER = /^(NAME|ID|FILE|SET)\./;
const BINARY = /\.(png|gz|tgz|ndjson|tar)$/;

function held(path: string): boolean {
  const candidates = [path, `src/${path}`];
  for (const base of [...candidates])
    if (base.endsWith('.js')) candidates.push(base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'));
  return candidates.some((candidate) => existsSync(join(ROOT, candidate)));
}

describe('references between files', () => {
  it('every file a tracked file names is in the repository', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !BINARY.test(f) && !f.startsWith('fixtures/') && f !== 'package-lock.json' && existsSync(join(ROOT, f)));
    const missing: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        for (const match of line.matchAll(MENTION)) {
          const path = match[1] ?? '';
          if (PLACEHOLDER.test(path.split('/').pop() ?? '')) continue;
          if (!held(path)) missing.push(`${file}:${index + 1}: ${path}`);
        }
      });
    }
    expect(missing).toEqual([]);
  });
});
