// The one-line error of a user file: FILE:LINE:COL field: problem (exit 78). Apart from the
// loader so that what only reports it does not load the YAML parser.
export class UserFileError extends Error {
  constructor(readonly file: string, readonly line: number, readonly col: number, readonly field: string, readonly problem: string) {
    super(`${file}:${line}:${col} ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'UserFileError';
  }
}
