// Secrets named in the config (an environment variable, or a file holding the value). They
// are read when needed, so that the console starts without them and picks up a change
// without a restart; the value itself never leaves the caller (no logs, errors or readings).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

export type SecretSource = { env?: string | undefined; file?: string | undefined };

export type Secret = { value: string | null; where: string };

/** Where the secret is looked for, for hints like "set HOMEOPS_PIHOLE_PASSWORD". */
export function describeSecretSource(source: SecretSource): string {
  const places = [source.env, source.file ? `file ${source.file}` : undefined].filter((p): p is string => !!p);
  return places.length ? places.join(' or ') : 'none configured';
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

export class SecretError extends Error {}

/**
 * The secret's value, or null when none is configured or the variable is unset. The variable
 * wins over the file; a file that is named but cannot be read is an error (its path is named,
 * never its content).
 */
export async function readSecret(source: SecretSource, env: Readonly<Record<string, string | undefined>> = process.env): Promise<Secret> {
  const where = describeSecretSource(source);
  const fromEnv = source.env ? env[source.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, where: source.env ?? where };
  if (source.file) {
    let text: string;
    try {
      text = await readFile(expandHome(source.file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new SecretError(`cannot read ${source.file} (${code})`);
    }
    const line = text.split(/\r?\n/)[0]?.trim() ?? '';
    return { value: line === '' ? null : line, where: `file ${source.file}` };
  }
  return { value: null, where };
}
