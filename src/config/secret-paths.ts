// Where the config names its secrets, as paths: what the redactor masks. Kept equal to the
// fields schema.ts marks secret (test/integration/secrets.test.ts walks the schema), so that a new
// secret field cannot be forgotten; plain data here, so that reading it needs no validator.

/**
 * env: the field names an environment variable holding the secret · file: a file on this
 * machine (its first line) · host-file: a file on the host named by the sibling field `host`.
 */
export type SecretKind = 'env' | 'file' | 'host-file';

/** Every secret-bearing field of the config; `*` is any index or key. */
export const SECRET_PATHS: readonly { path: string; kind: SecretKind }[] = [
  { path: 'dns.servers.*.pihole.passwordEnv', kind: 'env' },
  { path: 'dns.servers.*.pihole.passwordFile', kind: 'file' },
  { path: 'vpn.apiKeyEnv', kind: 'env' },
  { path: 'vpn.apiKeyFile', kind: 'file' },
  { path: 'vpn.passwordEnv', kind: 'env' },
  { path: 'vpn.passwordFile', kind: 'file' },
  { path: 'backups.sets.*.passwordFile', kind: 'host-file' },
  { path: 'backups.sets.*.walArchive.passwordEnv', kind: 'env' },
  { path: 'alerts.channels.*.tokenEnv', kind: 'env' },
  { path: 'alerts.channels.*.tokenFile', kind: 'file' },
  { path: 'alerts.channels.*.passwordEnv', kind: 'env' },
  { path: 'alerts.channels.*.passwordFile', kind: 'file' },
];

/** A secret the config names, and the field that names it. */
export type SecretSource =
  | { kind: 'env'; name: string; path: string }
  | { kind: 'file'; file: string; path: string }
  | { kind: 'host-file'; host: string; file: string; path: string };

/** Every secret a config (as loaded) names. */
export function secretSources(config: unknown): SecretSource[] {
  const out: SecretSource[] = [];
  for (const { path, kind } of SECRET_PATHS) {
    const visit = (node: unknown, parts: readonly string[], at: string, parent: unknown) => {
      if (parts.length === 0) {
        if (typeof node !== 'string') return;
        if (kind === 'env') out.push({ kind, name: node, path: at });
        else if (kind === 'file') out.push({ kind, file: node, path: at });
        else {
          const host = (parent as { host?: unknown } | null)?.host;
          if (typeof host === 'string') out.push({ kind, host, file: node, path: at });
        }
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const [head = '', ...rest] = parts;
      const entries =
        head === '*' ? Object.entries(node as Record<string, unknown>) : [[head, (node as Record<string, unknown>)[head]] as const];
      for (const [key, child] of entries) visit(child, rest, at ? `${at}.${key}` : key, node);
    };
    visit(config, path.split('.'), '', null);
  }
  return out;
}
