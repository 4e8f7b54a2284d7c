// Secrets out of everything a run records or shows: secret inputs, values of environment
// variables whose names look secret (PASSWORD, TOKEN, KEY, SECRET…), and the secrets the
// config names (Pi-hole passwords, Gluetun's API key), by variable or by file.
import { readFileSync } from 'node:fs';
import { type Env, expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { secretSources } from '../config/secret-paths.js';

export const MASK = '***';

/** A word of the name (split at "_") ends in a secret-ish word: PGPASSWORD, API_KEY, GH_TOKEN. */
export function looksSecret(envName: string): boolean {
  return envName
    .toUpperCase()
    .split(/[_\W]+/)
    .some((part) => /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|KEY|CREDENTIALS?)$/.test(part) && !/^(KEYMAP|KEYBOARD)$/.test(part));
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so that a secret containing another is masked whole.
    this.secrets = [...new Set([...secrets].filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.length;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** A new redactor that also masks these values. */
  with(more: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }
}

/**
 * The environment variables and files the config names as holding secrets: every field the
 * schema marks secret (src/config/secret-paths.ts). A file on a host of the config is here when
 * that host is this machine; `hostFiles` lists the others, read through the host.
 */
export function configSecretSources(config: Config): { envs: string[]; files: string[]; hostFiles: { host: string; file: string }[] } {
  const envs: string[] = [];
  const files: string[] = [];
  const hostFiles: { host: string; file: string }[] = [];
  for (const source of secretSources(config)) {
    if (source.kind === 'env') envs.push(source.name);
    else if (source.kind === 'file') files.push(source.file);
    else if (Object.hasOwn(config.hosts, source.host) && config.hosts[source.host]?.local) files.push(source.file);
    else hostFiles.push({ host: source.host, file: source.file });
  }
  return { envs, files, hostFiles };
}

/** The first line of a secret file's text, trimmed: what the programs that read it use. */
function firstLine(text: string): string | undefined {
  return text.split(/\r?\n/)[0]?.trim() || undefined;
}

/**
 * The redactor with the secrets of files on other hosts added (a restic set's passwordFile on
 * the NAS), read through `read`; a file that cannot be read adds nothing.
 */
export async function withHostSecrets(
  redactor: Redactor,
  config: Config,
  read: (host: string, file: string) => Promise<string>,
): Promise<Redactor> {
  const { hostFiles } = configSecretSources(config);
  if (!hostFiles.length) return redactor;
  const found = await Promise.all(hostFiles.map(({ host, file }) => read(host, file).then(firstLine, () => undefined)));
  const values = found.filter((v): v is string => v !== undefined);
  return values.length ? redactor.with(values) : redactor;
}

/** Every string in a value (a probe's reading) with the secrets masked; the same object when none was there. */
export function redactValue<T>(value: T, redactor: Redactor): T {
  if (redactor.size === 0) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactor.redact(node);
    if (Array.isArray(node)) {
      let changed = false;
      const out = node.map((item) => {
        const next = walk(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : node;
    }
    if (node && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const next = walk(item);
        if (next !== item) changed = true;
        out[key] = next;
      }
      return changed ? out : node;
    }
    return node;
  };
  return walk(value) as T;
}

/**
 * Values shorter than 4 characters found by name alone ("1", "yes") are not masked: masking
 * them would garble every line of output. Secrets the config names are masked at any length.
 */
export function buildRedactor(options: { env: Env; config: Config; secrets?: Iterable<string> }): Redactor {
  const values: string[] = [...(options.secrets ?? [])];
  for (const [name, value] of Object.entries(options.env)) {
    if (value && value.length >= 4 && looksSecret(name)) values.push(value);
  }
  const { envs, files } = configSecretSources(options.config);
  for (const name of envs) {
    const value = options.env[name];
    if (value) values.push(value);
  }
  for (const file of files) {
    try {
      const first = firstLine(readFileSync(expandHome(file, options.env), 'utf8'));
      if (first) values.push(first);
    } catch {
      // not there: nothing to mask
    }
  }
  return new Redactor(values);
}
