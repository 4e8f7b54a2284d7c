// A step's output cut into lines as it streams, for whoever shows it (the run panel, `runbook
// run`). A line is held until its newline, but never beyond MAX_OUTPUT_LINE characters: a step
// printing megabytes without a newline is shown in pieces that long instead of gathered (and
// split again on every chunk) without end.

export const MAX_OUTPUT_LINE = 64 * 1024;

/** The whole lines in `partial + chunk`, and the unfinished rest (at most `maxLine` long). */
export function splitOutput(partial: string, chunk: string, maxLine = MAX_OUTPUT_LINE): { lines: string[]; rest: string } {
  const parts = (partial + chunk).split('\n');
  let rest = parts.pop() ?? '';
  const lines: string[] = [];
  for (const part of parts) {
    for (let at = 0; at < part.length || at === 0; at += maxLine) lines.push(part.slice(at, at + maxLine));
  }
  while (rest.length > maxLine) {
    lines.push(rest.slice(0, maxLine));
    rest = rest.slice(maxLine);
  }
  return { lines, rest };
}
