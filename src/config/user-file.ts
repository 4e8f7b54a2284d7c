// Reads a YAML file a user wrote and validates it, reporting every problem as one line
// `FILE:LINE:COL path.to.field: what is wrong` that points at the offending node.
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { readText } from './file-facts.js';
import { UserFileError } from './user-file-error.js';

export { UserFileError };

type PathKey = PropertyKey;

function positionOf(doc: Document, counter: LineCounter, path: readonly PathKey[], key?: string): { line: number; col: number } {
  const keys = path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  // Walk up until a node exists: a missing field is reported at its parent.
  for (let depth = keys.length; depth >= 0; depth--) {
    const prefix = keys.slice(0, depth);
    const node = (prefix.length === 0 ? doc.contents : doc.getIn(prefix, true)) as YamlNode | null | undefined;
    if (!node) continue;
    if (key !== undefined && depth === keys.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const keyNode = pair?.key as YamlNode | undefined;
      if (keyNode?.range) return counter.linePos(keyNode.range[0]);
    }
    if (node.range) return counter.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest known name, when it is close enough to be a likely typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `is required (${issue.expected})`;
  }
  if (issue.code === 'invalid_key') {
    // zod's own text ("Invalid key in record") does not say what is wrong with the key.
    const why = issue.issues[0]?.message;
    return `not a valid name${why ? ` (${why})` : ''}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

function knownKeysAt(schemaShape: unknown): string[] {
  return schemaShape && typeof schemaShape === 'object' ? Object.keys(schemaShape) : [];
}

/**
 * "Invalid input" for a union says nothing useful. Follow the branch the user evidently meant
 * (the one whose keys matched) down to the real problem, with the full path.
 */
function intoUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  let current = issue;
  for (let guard = 0; guard < 20 && current.code === 'invalid_union' && current.errors.length; guard++) {
    const fits = (branch: z.core.$ZodIssue[]) =>
      !branch.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0) &&
      !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0);
    const candidates = current.errors.filter(fits);
    const branch = (candidates.length ? candidates : current.errors).reduce((best, b) => (b.length < best.length ? b : best));
    const inner = branch[0];
    if (!inner) break;
    current = { ...inner, path: [...current.path, ...inner.path] } as z.core.$ZodIssue;
  }
  return current;
}

/** The path of a node from the visitor's ancestors: keys of pairs, indexes in sequences. */
function pathOf(ancestors: readonly unknown[], key: number | 'key' | 'value' | null): string {
  const parts: string[] = [];
  for (let index = 0; index < ancestors.length; index++) {
    const node = ancestors[index];
    const child = ancestors[index + 1];
    if (isPair(node) && isScalar(node.key)) parts.push(String(node.key.value));
    else if (isSeq(node)) {
      const at = child === undefined ? (typeof key === 'number' ? key : -1) : node.items.indexOf(child as never);
      if (at >= 0) parts.push(String(at));
    }
  }
  return parts.join('.');
}

type At = { line: number; col: number; path: string };

/**
 * One pass over the document before it becomes data, linear in its size: a key used twice in a
 * map, and an alias whose anchor is not above it, are located errors (the YAML library's own
 * checks are quadratic: a file of 20 000 keys or aliases took seconds). Returns where the first
 * alias is, to locate an alias bomb.
 */
function checkNodes(file: string, doc: Document, counter: LineCounter): At | null {
  let first: At | null = null;
  let problem: { at: At; message: string } | null = null;
  const anchors = new Set<string>();
  const where = (node: YamlNode, ancestors: readonly unknown[], key: number | 'key' | 'value' | null): At => ({
    ...(node.range ? counter.linePos(node.range[0]) : { line: 1, col: 1 }),
    path: pathOf(ancestors, key),
  });
  const keyOf = (key: unknown) => (typeof key === 'number' || key === 'key' || key === 'value' ? key : null);
  visit(doc, {
    Node(key, node, ancestors) {
      if (node.anchor) anchors.add(node.anchor);
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const id = `${typeof pair.key.value}:${String(pair.key.value)}`;
          if (seen.has(id)) {
            // As the YAML library words it, at the key used again.
            const pos = pair.key.range ? counter.linePos(pair.key.range[0]) : { line: 1, col: 1 };
            problem = { at: { ...pos, path: '' }, message: 'YAML: Map keys must be unique' };
            return visit.BREAK;
          }
          seen.add(id);
        }
      }
      void key;
      void ancestors;
      return undefined;
    },
    Alias(key, node, ancestors) {
      // Where it is only for the first and a bad one: the path costs a search of its parent.
      const unresolved = !anchors.has(node.source);
      if (first && !unresolved) return undefined;
      const at = where(node, ancestors, keyOf(key));
      first ??= at;
      if (unresolved) {
        problem = { at, message: `YAML: alias *${node.source} has no anchor &${node.source} before it` };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const found = problem as { at: At; message: string } | null;
  if (found) throw new UserFileError(file, found.at.line, found.at.col, found.at.path, found.message);
  return first;
}

/** Validates parsed YAML against a schema; throws UserFileError for the first problem found. */
export function validateDocument<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  try {
    return validate(file, text, schema);
  } catch (error) {
    if (error instanceof UserFileError) throw error;
    // Whatever else a hostile document makes the parser or validator do (a stack overflow on
    // deep nesting, say) is still a problem of this file: located at its top, exit 78.
    const why = error instanceof RangeError ? 'nested too deeply' : ((error as Error).message?.split('\n')[0] ?? String(error));
    throw new UserFileError(file, 1, 1, '', `cannot be read: ${why}`);
  }
}

/** Deeper than this, a user file is refused before it is parsed (the parser recurses). */
const MAX_NESTING = 256;

/**
 * Where the text nests deeper than MAX_NESTING, found in one linear pass: flow collections
 * ([ and { outside quotes and comments) and compact block sequences (- - - on one line). A
 * parser given 100 000 levels runs out of stack after seconds.
 */
function tooDeep(text: string): number | null {
  let depth = 0;
  let lineStart = true;
  let dashes = 0;
  let tokenStart = true;
  for (let index = 0; index < text.length; index++) {
    const ch = text[index];
    if (ch === '\n') {
      lineStart = true;
      tokenStart = true;
      dashes = 0;
      continue;
    }
    if (lineStart && (ch === ' ' || ch === '\t')) continue;
    if (lineStart && ch === '-' && (text[index + 1] === ' ' || text[index + 1] === '\n')) {
      if (++dashes > MAX_NESTING) return index;
      index++;
      continue;
    }
    lineStart = false;
    if (ch === '#' && tokenStart) {
      const end = text.indexOf('\n', index);
      if (end < 0) break;
      index = end - 1;
      continue;
    }
    if ((ch === '"' || ch === "'") && tokenStart) {
      // A quoted scalar: skip it ('' is a quote inside single quotes, \ escapes in double).
      let at = index + 1;
      while (at < text.length) {
        if (ch === '"' && text[at] === '\\') at += 2;
        else if (text[at] === ch && !(ch === "'" && text[at + 1] === "'")) break;
        else at += ch === "'" && text[at] === "'" ? 2 : 1;
      }
      index = at;
      tokenStart = false;
      continue;
    }
    if (ch === '[' || ch === '{') {
      if (++depth > MAX_NESTING) return index;
    } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    tokenStart = ch === ' ' || ch === '\t' || ch === '[' || ch === '{' || ch === ',' || ch === ':';
  }
  return null;
}

function validate<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const counter = new LineCounter();
  const deep = tooDeep(text);
  if (deep !== null) {
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    throw new UserFileError(file, line, deep - before.lastIndexOf('\n'), '', `YAML: nested more than ${MAX_NESTING} levels deep`);
  }
  // logLevel error: the YAML library prints nothing itself (a key that is a list or map would
  // print a Node warning after our one line); problems come back as errors here.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0] ?? counter.linePos(yamlError.pos[0]);
    const message = yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw new UserFileError(file, pos.line, pos.col, '', `YAML: ${message}`);
  }
  const alias = checkNodes(file, doc, counter);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // Aliases that would expand past a sane size (a "billion laughs"): said at the first one.
    if (alias && /alias/i.test((error as Error).message)) {
      throw new UserFileError(
        file,
        alias.line,
        alias.col,
        alias.path,
        'YAML: the aliases expand too far (a "billion laughs"?); write the values out',
      );
    }
    throw error;
  }
  // Each file is validated once: zod's compiled fast path for objects would cost more to
  // generate (a new Function per object schema, per keymap file) than it saves.
  const result = schema.safeParse(data, { jitless: true });
  if (result.success) return result.data;
  // A misspelt key also makes the real key look missing: report the spelling first.
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0] ? intoUnion(issues[0]) : undefined;
  if (!issue) throw new UserFileError(file, 1, 1, '', 'invalid');
  const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const pos = positionOf(doc, counter, path, key);
    const field = [...path, key].join('.');
    const known = knownKeysAt(shapeAt(schema, path));
    const hint = suggest(key, known);
    throw new UserFileError(
      file,
      pos.line,
      pos.col,
      field,
      `unknown field${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (known: ${known.filter((k) => k !== '$schema').join(', ')})` : ''}`,
    );
  }
  // A bad record key is at the end of its own path: point at the key, not at its value.
  const badKey = issue.code === 'invalid_key' ? path.at(-1) : undefined;
  const pos = typeof badKey === 'string' ? positionOf(doc, counter, path.slice(0, -1), badKey) : positionOf(doc, counter, path);
  throw new UserFileError(file, pos.line, pos.col, path.join('.'), describeIssue(issue));
}

// Finds the object shape that a path leads to, for "did you mean" hints. Best effort:
// unwraps defaults, optionals, pipes and arrays; gives up quietly on anything else.
function shapeAt(schema: z.ZodType, path: readonly PropertyKey[]): unknown {
  let current: unknown = schema;
  const unwrap = (value: unknown): unknown => {
    let node = value as { def?: { type?: string; innerType?: unknown; in?: unknown; element?: unknown; valueType?: unknown } } | undefined;
    for (let guard = 0; guard < 10 && node?.def; guard++) {
      const def = node.def;
      if (def.innerType) node = def.innerType as typeof node;
      else if (def.type === 'pipe' && def.in) node = def.in as typeof node;
      else break;
    }
    return node;
  };
  for (const part of path) {
    const node = unwrap(current) as { shape?: Record<string, unknown>; def?: { element?: unknown; valueType?: unknown } } | undefined;
    if (typeof part === 'number') current = node?.def?.element;
    else if (node?.shape && typeof part === 'string' && part in node.shape) current = node.shape[part];
    else if (node?.def?.valueType) current = node.def.valueType;
    else return undefined;
  }
  return (unwrap(current) as { shape?: unknown } | undefined)?.shape;
}

/** Where a field sits in a YAML file (its parent when it is missing); line 1 when unreadable. */
export function locateField(file: string, path: readonly (string | number)[]): { line: number; col: number } {
  try {
    const counter = new LineCounter();
    const doc = parseDocument(readText(file), { lineCounter: counter, logLevel: 'error' });
    return positionOf(doc, counter, path);
  } catch {
    return { line: 1, col: 1 };
  }
}

export function readUserFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    if (error instanceof UserFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String((error as Error).message);
    throw new UserFileError(file, 1, 1, '', `cannot read: ${why}`);
  }
  return validateDocument(file, text, schema);
}
