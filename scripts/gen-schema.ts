// Publishes the config schema for editors (docs/config.schema.json) and keeps the worked
// example in docs/config.md equal to the reference estate (examples/estate.yaml).
//
//   npm run schema              rewrite both files
//   npm run schema -- --check   exit 1 if either is out of date (CI, and the unit tests)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { configSchema, duration, size } from '../src/config/schema.js';
import { formatDuration, parseDuration } from '../src/config/units.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_FILE = 'docs/config.schema.json';
export const DOC_FILE = 'docs/config.md';
export const DEFAULT_CONFIG_FILE = 'examples/estate.yaml';
export const BLOCK_START = '<!-- default-config:start -->';
export const BLOCK_END = '<!-- default-config:end -->';

// What parseDuration and parseSize accept, for editors; the tests hold these to the parsers.
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)\\s*)+$';
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(([kKmMgGtT][iI]?)?[bB]|[kKmMgGtT])?\\s*$';

type Json = z.core.JSONSchema.BaseSchema;

const durationJson = (): Json => ({
  description: 'A duration: milliseconds as a number, or text such as 500ms, 2s, 5m, 1h30m, 7d',
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: DURATION_PATTERN },
  ],
});

const sizeJson = (): Json => ({
  description:
    'A size: bytes as a number, or text such as 512MiB, 8GiB, 2TB (KiB/MiB/GiB/TiB and K/M/G/T are powers of 1024; kB/MB/GB/TB powers of 1000)',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: SIZE_PATTERN },
  ],
});

/** Durations are shown the way a user writes them ("2s"), when that reads back exactly. */
function presentDefault(inner: unknown, value: unknown): unknown {
  if (inner === duration && typeof value === 'number') {
    const text = formatDuration(value);
    return parseDuration(text) === value ? text : value;
  }
  return value;
}

// zod writes Number.MAX_SAFE_INTEGER bounds for every .int(); they only add noise for a reader.
function dropSafeIntegerBounds(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(dropSafeIntegerBounds);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  Object.values(record).forEach(dropSafeIntegerBounds);
}

/** The JSON Schema of what a user may write: the input side, since durations and sizes accept text. */
export function buildConfigJsonSchema(): Json {
  const generated = z.toJSONSchema(configSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // The cross-field checks (superRefine) are not part of the published shape; anything else
    // that JSON Schema cannot say should stop the build rather than become a silent `{}`.
    unrepresentable: ({ path, message }) => {
      throw new Error(`${path.join('.') || '(root)'}: ${message}`);
    },
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === duration || zodSchema === size) {
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        Object.assign(jsonSchema, zodSchema === duration ? durationJson() : sizeJson());
        return;
      }
      // zod leaves out defaults of transforming schemas in input mode; ours are valid input.
      if (zodSchema instanceof z.ZodDefault && jsonSchema.default === undefined) {
        const inner: unknown = zodSchema.def.innerType;
        jsonSchema.default = presentDefault(inner, zodSchema.def.defaultValue) as Json['default'];
      }
    },
  });
  const { $schema, ...body } = generated;
  const result: Json = {
    $schema,
    title: 'HomeOps configuration',
    description: 'The homeops config file ($XDG_CONFIG_HOME/homeops/config.yaml, --config or HOMEOPS_CONFIG). Reference: docs/config.md.',
    $comment: 'Generated from src/config/schema.ts by `npm run schema`; do not edit by hand.',
    ...body,
  };
  dropSafeIntegerBounds(result);
  return result;
}

export function renderSchemaFile(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}

/** Replaces the block between the markers in docs/config.md with the reference estate, verbatim. */
export function renderConfigDoc(doc: string, defaultYaml: string): string {
  const start = doc.indexOf(BLOCK_START);
  const end = doc.indexOf(BLOCK_END);
  if (start < 0 || end < start) throw new Error(`${DOC_FILE}: needs ${BLOCK_START} … ${BLOCK_END}`);
  const longestTicks = Math.max(0, ...[...defaultYaml.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestTicks + 1));
  const body = defaultYaml.endsWith('\n') ? defaultYaml : `${defaultYaml}\n`;
  return `${doc.slice(0, start)}${BLOCK_START}\n${fence}yaml\n${body}${fence}\n${doc.slice(end)}`;
}

type Output = { file: string; current: string | undefined; wanted: string };

function outputs(root: string): Output[] {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(join(root, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const doc = read(DOC_FILE);
  const defaultYaml = read(DEFAULT_CONFIG_FILE);
  if (doc === undefined) throw new Error(`${DOC_FILE}: missing`);
  if (defaultYaml === undefined) throw new Error(`${DEFAULT_CONFIG_FILE}: missing`);
  return [
    { file: SCHEMA_FILE, current: read(SCHEMA_FILE), wanted: renderSchemaFile() },
    { file: DOC_FILE, current: doc, wanted: renderConfigDoc(doc, defaultYaml) },
  ];
}

/** The generated files that differ from what the generator would write; empty when up to date. */
export function checkGenerated(root: string = ROOT): string[] {
  return outputs(root)
    .filter((o) => o.current !== o.wanted)
    .map((o) => o.file);
}

/** Writes the generated files; returns the ones that changed. */
export function writeGenerated(root: string = ROOT): string[] {
  const changed = outputs(root).filter((o) => o.current !== o.wanted);
  for (const o of changed) writeFileSync(join(root, o.file), o.wanted);
  return changed.map((o) => o.file);
}

function main(argv: readonly string[]): number {
  if (argv.includes('--check')) {
    const stale = checkGenerated();
    if (stale.length === 0) return 0;
    process.stderr.write(`${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} out of date: run \`npm run schema\`\n`);
    return 1;
  }
  const changed = writeGenerated();
  process.stdout.write(
    changed.length ? `wrote ${changed.map((f) => relative(process.cwd(), join(ROOT, f))).join(', ')}\n` : 'up to date\n',
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`gen-schema: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
