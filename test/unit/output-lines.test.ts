// A step's output cut into lines as it streams: whole lines as they end, and a line without end
// shown in pieces of MAX_OUTPUT_LINE rather than held (and split again) without bound.
import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_LINE, splitOutput } from '../../src/ui/output-lines.js';
import { addOutput, type StepOutput } from '../../src/ui/run-view.js';

describe('splitOutput', () => {
  it('gives whole lines and keeps the unfinished rest, empty lines included', () => {
    expect(splitOutput('par', 'tial\n\nnext\nhalf')).toEqual({ lines: ['partial', '', 'next'], rest: 'half' });
    expect(splitOutput('', 'no newline')).toEqual({ lines: [], rest: 'no newline' });
  });

  it('a line longer than the limit comes out in pieces; the rest never grows past it', () => {
    const { lines, rest } = splitOutput('', 'x'.repeat(2 * MAX_OUTPUT_LINE + 10));
    expect(lines).toEqual(['x'.repeat(MAX_OUTPUT_LINE), 'x'.repeat(MAX_OUTPUT_LINE)]);
    expect(rest).toBe('x'.repeat(10));
    const long = splitOutput('', `${'y'.repeat(MAX_OUTPUT_LINE + 1)}\n`);
    expect(long.lines.map((l) => l.length)).toEqual([MAX_OUTPUT_LINE, 1]);
    expect(long.rest).toBe('');
  });

  it('nothing is lost: the pieces put together are the input', () => {
    const input = `${'a'.repeat(100_000)}\nshort\n${'b'.repeat(70_000)}`;
    const { lines, rest } = splitOutput('', input, 30_000);
    expect(lines.every((l) => l.length <= 30_000)).toBe(true);
    expect(rest.length).toBeLessThanOrEqual(30_000);
    expect(lines.join('').length + rest.length).toBe(input.length - 2);
  });
});

describe("the run panel's output", () => {
  it('a step printing 8 MB without a newline keeps its unfinished line under the limit', () => {
    let output: StepOutput = { phase: 'main', stepId: 's', lines: [], partial: { stdout: '', stderr: '', info: '' }, dropped: 0 };
    const chunk = 'z'.repeat(64 * 1024);
    for (let i = 0; i < 128; i++) output = addOutput(output, 'stdout', chunk);
    expect(output.partial.stdout.length).toBeLessThanOrEqual(MAX_OUTPUT_LINE);
    // Every full 64 KB went out as a line (the last one waits for more or a newline).
    expect(output.lines.length + output.dropped).toBe(127);
  });
});
