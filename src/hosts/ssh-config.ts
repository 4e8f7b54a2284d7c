// The part of ~/.ssh/config that names hosts: Host blocks with HostName, Port, User and
// IdentityFile (first match wins per keyword, as ssh does). Pure.

export type SshAlias = { hostName?: string; port?: number; user?: string; identityFiles: string[] };

type Block = { patterns: string[]; options: [string, string][] };

export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const match = /^(\S+?)\s*(?:=\s*|\s+)(.+)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (keyword === 'host') blocks.push({ patterns: value.split(/\s+/), options: [] });
    else if (keyword === 'match')
      blocks.push({ patterns: [], options: [] }); // Match blocks are not followed
    else blocks.at(-1)?.options.push([keyword, value]);
  }
  return blocks;
}

function matches(patterns: readonly string[], alias: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    if (new RegExp(`^${body}$`, 'i').test(alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** What ~/.ssh/config says about `alias`; %h in HostName becomes the alias. */
export function resolveAlias(blocks: readonly Block[], alias: string): SshAlias {
  const result: SshAlias = { identityFiles: [] };
  for (const block of blocks) {
    if (!matches(block.patterns, alias)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === 'hostname' && result.hostName === undefined) result.hostName = value.replace(/%h/g, alias);
      else if (keyword === 'port' && result.port === undefined && /^\d+$/.test(value)) result.port = Number(value);
      else if (keyword === 'user' && result.user === undefined) result.user = value;
      else if (keyword === 'identityfile') result.identityFiles.push(value);
    }
  }
  return result;
}
