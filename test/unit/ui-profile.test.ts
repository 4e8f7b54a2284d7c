// HOMEOPS_PROFILE: a JSON line per pane build and per frame, in order, the frame's lines written
// together when the frame is done; nothing at all without the variable.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profilerFromEnv } from '../../src/ui/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'homeops-render-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('render profile', () => {
  it('writes the panes built for a frame, then the frame, once the frame is done', () => {
    const file = join(dir, 'profile.jsonl');
    const profiler = profilerFromEnv({ HOMEOPS_PROFILE: file });
    expect(profiler).not.toBeNull();
    expect(profiler?.time('cpu', () => 42)).toBe(42);
    profiler?.time('gpu', () => null);
    expect(existsSync(file)).toBe(false);
    profiler?.frame(1.23456);
    profiler?.time('cpu', () => 1);
    profiler?.frame(0.5);
    const all = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pane: string; ms: number; memory?: Record<string, number> });
    // Once a minute (the first frame included) a line says where the memory is.
    const memory = all.filter((l) => l.memory);
    expect(memory).toHaveLength(1);
    expect(memory[0]?.memory).toMatchObject({
      rss: expect.any(Number),
      heapUsed: expect.any(Number),
      heapTotal: expect.any(Number),
      external: expect.any(Number),
    });
    const lines = all.filter((l) => !l.memory);
    expect(lines.map((l) => l.pane)).toEqual(['cpu', 'gpu', 'frame', 'cpu', 'frame']);
    expect(lines[2]?.ms).toBe(1.235);
    expect(lines.every((l) => typeof l.ms === 'number' && l.ms >= 0)).toBe(true);
  });

  it('is off without HOMEOPS_PROFILE', () => {
    expect(profilerFromEnv({})).toBeNull();
  });
});
