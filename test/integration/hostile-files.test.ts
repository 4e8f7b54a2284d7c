// Hostile files and names given to the built binary: ids that would leave the state directory,
// state and cache directories that are not the user's own, and broken user files (issue 13,
// points 3, 8 and 9).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale, runCli } from '../helpers/cli.js';

let home: string;
let n = 0;

beforeAll(() => {
  buildIfStale();
  home = mkdtempSync(join(tmpdir(), 'homeops-files-'));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

function freshHome(): string {
  const dir = join(home, `h${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('ids that become paths', () => {
  it('runbook unlock ../../../victim is refused (exit 64) and deletes nothing outside the state directory', async () => {
    const dir = freshHome();
    mkdirSync(join(dir, 'state', 'homeops', 'locks'), { recursive: true, mode: 0o700 });
    const victim = join(dir, 'victim.lock');
    writeFileSync(victim, '{}');
    const result = await runCli(['runbook', 'unlock', '../../../victim', '--force'], { home: dir });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('homeops: "../../../victim" is not a runbook id: use letters, digits, ".", "_" or "-", starting with a letter or digit\n');
    expect(existsSync(victim)).toBe(true);
  });
});
