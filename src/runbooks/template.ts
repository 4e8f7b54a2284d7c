// Templating in runbooks: `{{inputs.NAME}}`, `{{site.NAME}}` and `{{hosts.NAME.address}}`,
// resolved before anything runs. Other `{{…}}` text is left alone, because commands carry
// their own templates (`docker inspect -f '{{json .State}}'`, `docker ps --format '{{.Names}}'`).
import { shellQuote } from '../hosts/host.js';

export type TemplateRef =
  | { namespace: 'inputs'; name: string; text: string; index: number }
  | { namespace: 'site'; name: string; text: string; index: number }
  | { namespace: 'hosts'; name: string; field: string; text: string; index: number };

/** A `{{word.` that is not one of ours: most likely a misspelt namespace (`{{input.x}}`). */
export type TemplateTypo = { namespace: string; text: string; index: number };

export const NAMESPACES = ['inputs', 'site', 'hosts'] as const;

// `{{ ns.rest }}` with optional spaces; rest is a dotted path.
const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_.-]*?)\s*\}\}/g;

export type Scan = { refs: TemplateRef[]; problems: { text: string; index: number; message: string }[] };

/** Finds our references in a string, and the `{{…}}` that look like ours but are malformed. */
export function scanTemplate(text: string): Scan {
  const refs: TemplateRef[] = [];
  const problems: Scan['problems'] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const [whole, namespace = '', rest = ''] = match;
    const index = match.index ?? 0;
    const parts = rest.split('.');
    if (namespace === 'inputs' || namespace === 'site') {
      if (parts.length !== 1 || !parts[0]) problems.push({ text: whole, index, message: `${whole}: write {{${namespace}.NAME}}` });
      else refs.push({ namespace, name: parts[0], text: whole, index });
    } else if (namespace === 'hosts') {
      if (parts.length !== 2 || !parts[0] || parts[1] !== 'address')
        problems.push({ text: whole, index, message: `${whole}: write {{hosts.NAME.address}}` });
      else refs.push({ namespace, name: parts[0], field: parts[1], text: whole, index });
    } else if (/^(input|inputs?|sites?|host|hosts?|env|config)$/i.test(namespace) || closeTo(namespace)) {
      problems.push({ text: whole, index, message: `${whole}: unknown template namespace "${namespace}" (use inputs, site or hosts)` });
    }
  }
  return { refs, problems };
}

function closeTo(word: string): boolean {
  const lower = word.toLowerCase();
  return NAMESPACES.some((ns) => ns !== lower && (ns.startsWith(lower) || lower.startsWith(ns)) && Math.abs(ns.length - lower.length) <= 1);
}

export type TemplateContext = {
  inputs: Readonly<Record<string, string | number | boolean>>;
  site: Readonly<Record<string, string>>;
  hosts: Readonly<Record<string, { address?: string | undefined }>>;
};

export class TemplateError extends Error {}

/**
 * Replaces our references. With `shell`, input values and addresses are shell-quoted (a value
 * is one word; it cannot inject a command), while site snippets, which are shell text written by
 * the owner of the config, go in as they are; their own references are resolved the same way.
 */
export function renderTemplate(text: string, context: TemplateContext, options: { shell?: boolean; depth?: number } = {}): string {
  const depth = options.depth ?? 0;
  return text.replace(REFERENCE, (whole: string, namespace: string, rest: string) => {
    const parts = rest.split('.');
    const name = parts[0] ?? '';
    if (namespace === 'inputs') {
      if (!Object.hasOwn(context.inputs, name)) throw new TemplateError(`${whole}: no input "${name}"`);
      const value = String(context.inputs[name]);
      return options.shell ? shellQuote(value) : value;
    }
    if (namespace === 'site') {
      if (!Object.hasOwn(context.site, name)) throw new TemplateError(`${whole}: no site value "${name}"`);
      if (depth > 0) throw new TemplateError(`${whole}: a site value cannot use another site value`);
      return renderTemplate(context.site[name] ?? '', context, { ...options, depth: depth + 1 });
    }
    if (namespace === 'hosts') {
      const address = Object.hasOwn(context.hosts, name) ? context.hosts[name]?.address : undefined;
      if (address === undefined) throw new TemplateError(`${whole}: host "${name}" has no address`);
      return options.shell ? shellQuote(address) : address;
    }
    return whole;
  });
}
