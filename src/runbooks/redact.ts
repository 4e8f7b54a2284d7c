// Secrets out of everything a run records or shows: secret inputs, values of environment
// variables whose names look secret (PASSWORD, TOKEN, KEY, SECRET…), and the secrets the
// config names (Pi-hole passwords, Gluetun's API key), by variable or by file.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { expandHome, type Env } from '../config/paths.js';

export const MASK = '***';

/** A word of the name (split at "_") ends in a secret-ish word: PGPASSWORD, API_KEY, GH_TOKEN. */
export function looksSecret(envName: string): boolean {
  return envName.toUpperCase().split(/[_\W]+/).some((part) => /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|KEY|CREDENTIALS?)$/.test(part) && !/^(KEYMAP|KEYBOARD)$/.test(part));
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

/** The environment variables and files the config names as holding secrets. */
export function configSecretSources(config: Config): { envs: string[]; files: string[] } {
  const envs: string[] = [];
  const files: string[] = [];
  for (const server of config.dns?.servers ?? []) {
    if (server.pihole?.passwordEnv) envs.push(server.pihole.passwordEnv);
    if (server.pihole?.passwordFile) files.push(server.pihole.passwordFile);
  }
  if (config.vpn?.apiKeyEnv) envs.push(config.vpn.apiKeyEnv);
  if (config.vpn?.passwordEnv) envs.push(config.vpn.passwordEnv);
  if (config.vpn?.apiKeyFile) files.push(config.vpn.apiKeyFile);
  if (config.vpn?.passwordFile) files.push(config.vpn.passwordFile);
  return { envs, files };
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
      const first = readFileSync(expandHome(file, options.env), 'utf8').split(/\r?\n/)[0]?.trim();
      if (first) values.push(first);
    } catch {
      // not there: nothing to mask
    }
  }
  return new Redactor(values);
}
