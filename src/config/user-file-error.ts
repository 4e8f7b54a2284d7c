// The one-line error of a user file: FILE:LINE:COL field: problem (exit 78). Apart from the
// loader so that what only reports it does not load the YAML parser.
export class UserFileError extends Error {
  readonly field: string;
  readonly problem: string;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    field: string,
    problem: string,
  ) {
    const shortField = field.length > MAX_FIELD ? `${field.slice(0, MAX_FIELD - 1)}…` : field;
    const shortProblem = excerpts(problem);
    super(`${file}:${line}:${col} ${shortField ? `${shortField}: ` : ''}${shortProblem}`);
    this.field = shortField;
    this.problem = shortProblem;
    this.name = 'UserFileError';
  }
}

/**
 * A view or keymap asked for by a name that is neither built in nor in the user's folder. On
 * the command line (--view nope) it is a usage error (exit 64); named in the config it becomes
 * a UserFileError at that field.
 */
export class UnknownNameError extends Error {
  constructor(
    readonly kind: 'view' | 'keymap',
    readonly nameAsked: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnknownNameError';
  }
}

const MAX_FIELD = 120;
const MAX_PROBLEM = 400;
const MAX_QUOTED = 60;

/**
 * The problem with any long quoted value cut to a short excerpt that says its length: an error
 * line quotes at most a little of a bad value (a 20 MB string would be a 20 MB line).
 */
export function excerpts(problem: string): string {
  let out =
    problem.length <= MAX_QUOTED
      ? problem
      : problem.replace(/"((?:[^"\\]|\\.)*)"/g, (whole: string, inner: string) =>
          inner.length > MAX_QUOTED ? `"${inner.slice(0, MAX_QUOTED)}…" (${inner.length} characters)` : whole,
        );
  if (out.length > MAX_PROBLEM) out = `${out.slice(0, MAX_PROBLEM - 1)}…`;
  return out;
}
