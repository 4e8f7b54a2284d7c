// Ids that become file names: a runbook's lock (locks/ID.lock), a run's state (runs/RUNID.json),
// a demo scenario's folder. Whatever the id came from — a command line, a file someone could
// edit — it is one plain name inside its folder, never a path that leaves it ("../../x").

/** Letters, digits, ".", "_" and "-", starting with a letter or digit: no "/", no "..", no NUL. */
const PATH_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Room for an ending and a temporary suffix within a file name's 255 bytes. */
const MAX_LENGTH = 200;

export class IdError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string,
    why: string,
  ) {
    // The id is quoted as JSON: whatever it holds shows as text.
    super(`${JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id)} is not a ${kind} id: ${why}`);
    this.name = 'IdError';
  }
}

/** Why the id cannot be a file name, or null when it can. */
export function pathIdProblem(id: string): string | null {
  if (id.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (!PATH_ID.test(id)) return 'use letters, digits, ".", "_" or "-", starting with a letter or digit';
  return null;
}

/** `id` + `ending` as a file name, or an IdError saying why the id cannot be one. */
export function idFileName(kind: string, id: string, ending = ''): string {
  const problem = pathIdProblem(id);
  if (problem) throw new IdError(kind, id, problem);
  return `${id}${ending}`;
}
