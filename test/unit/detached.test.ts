import { describe, expect, it } from 'vitest';
import { detached } from '../../src/terminal/detached.js';

describe('detached strings for caches', () => {
  it('keeps every character, emoji, lone surrogates and escapes included', () => {
    const frame = `${'─'.repeat(40)}\n│ 🧑‍💻 api-gateway \ud800 \x1b[31mred\x1b[39m │\n${'x'.repeat(5000)}`;
    for (const line of frame.split('\n')) expect(detached(line)).toBe(line);
    expect(detached('short')).toBe('short');
  });
});
