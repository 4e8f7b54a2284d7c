// The config's secret-bearing fields, marked where they are declared (schema.ts), and the schema
// walks that list them: the test that keeps SECRET_PATHS (secret-paths.ts, what the redactor
// reads at run time without loading the validators) equal to what the schema marks, and that
// no field with a secret-looking name is left unmarked.
import { z } from 'zod';
import type { SecretKind } from './secret-paths.js';

export const secretFields = z.registry<{ secret: SecretKind }>();

type Def = {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
};

function defOf(schema: unknown): Def | undefined {
  return (schema as { def?: Def } | undefined)?.def;
}

/** Paths of every secret-bearing field the schema declares (record keys and indexes as `*`). */
export function secretFieldPaths(schema: z.ZodType): { path: string; kind: SecretKind }[] {
  const out: { path: string; kind: SecretKind }[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: string) => {
    const meta = secretFields.get(node as z.ZodType);
    if (meta) {
      out.push({ path, kind: meta.secret });
      return;
    }
    const def = defOf(node);
    if (!def || seen.has(node)) return;
    seen.add(node);
    if (def.type === 'object') for (const [key, field] of Object.entries(def.shape ?? {})) walk(field, path ? `${path}.${key}` : key);
    else if (def.type === 'array') walk(def.element, `${path}.*`);
    else if (def.type === 'record') walk(def.valueType, `${path}.*`);
    else if (def.type === 'union') for (const option of def.options ?? []) walk(option, path);
    else if (def.type === 'pipe') walk(def.in, path);
    else if (def.innerType) walk(def.innerType, path);
  };
  walk(schema, '');
  // A field in several options of a union (each channel type's tokenEnv) is one path.
  return out.filter((f, i) => out.findIndex((g) => g.path === f.path && g.kind === f.kind) === i);
}

/** Every field of the schema, with its path (to check that secret-looking names are marked). */
export function allFieldPaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: string) => {
    const def = defOf(node);
    if (!def || seen.has(node)) return;
    seen.add(node);
    if (def.type === 'object') {
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        out.push(path ? `${path}.${key}` : key);
        walk(field, path ? `${path}.${key}` : key);
      }
    } else if (def.type === 'array') walk(def.element, `${path}.*`);
    else if (def.type === 'record') walk(def.valueType, `${path}.*`);
    else if (def.type === 'union') for (const option of def.options ?? []) walk(option, path);
    else if (def.type === 'pipe') walk(def.in, path);
    else if (def.innerType) walk(def.innerType, path);
  };
  walk(schema, '');
  return out;
}
