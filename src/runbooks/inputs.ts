// A runbook's inputs: typed values from `--input KEY=VALUE`, a form in the console, the
// environment (HOMEOPS_INPUT_NAME, for secrets that should not be on a command line) or the
// defaults, checked against what the runbook declares. Pure.
import type { InputValue } from '../model/runs.js';

export type InputType = 'string' | 'integer' | 'number' | 'boolean' | 'enum';

export type InputSpec = {
  type: InputType;
  description?: string | undefined;
  required?: boolean | undefined;
  default?: InputValue | undefined;
  min?: number | undefined;
  max?: number | undefined;
  pattern?: string | undefined;
  values?: string[] | undefined;
  secret: boolean;
};

export class InputError extends Error {
  /** The input at fault and what is wrong with it, for a form to point at; null when it is not one input's. */
  constructor(
    message: string,
    readonly input: string | null = null,
    readonly problem: string | null = null,
  ) {
    super(message);
  }
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** A value as typed by a person (text) or as written in YAML, checked against its spec. */
export function checkInputValue(spec: InputSpec, raw: InputValue): { value: InputValue } | { error: string } {
  const text = String(raw).trim();
  switch (spec.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (TRUE.has(text.toLowerCase())) return { value: true };
      if (FALSE.has(text.toLowerCase())) return { value: false };
      return { error: `"${raw}" is not true or false` };
    }
    case 'integer':
    case 'number': {
      const value = typeof raw === 'number' ? raw : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(value)) return { error: `"${raw}" is not a ${spec.type === 'integer' ? 'whole number' : 'number'}` };
      if (spec.type === 'integer' && !Number.isInteger(value)) return { error: `${raw} is not a whole number` };
      if (spec.min !== undefined && value < spec.min) return { error: `${value} is less than the minimum ${spec.min}` };
      if (spec.max !== undefined && value > spec.max) return { error: `${value} is more than the maximum ${spec.max}` };
      return { value };
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (!values.includes(String(raw))) return { error: `"${raw}" is not one of ${values.join(', ')}` };
      return { value: String(raw) };
    }
    case 'string': {
      const value = String(raw);
      // No program can be given a NUL in an argument or the environment.
      if (value.includes('\0')) return { error: 'contains a NUL character' };
      if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(value)) {
        return { error: `${spec.secret ? 'the value' : `"${value}"`} does not match the pattern ${spec.pattern}` };
      }
      if (spec.min !== undefined && value.length < spec.min) return { error: `is shorter than ${spec.min} characters` };
      if (spec.max !== undefined && value.length > spec.max) return { error: `is longer than ${spec.max} characters` };
      return { value };
    }
  }
}

export function isRequired(spec: InputSpec): boolean {
  return spec.required ?? spec.default === undefined;
}

export function envNameFor(input: string): string {
  return `HOMEOPS_INPUT_${input.toUpperCase()}`;
}

/**
 * The values a run uses: given ones, then HOMEOPS_INPUT_NAME from the environment, then
 * defaults. Unknown names, bad values and missing required inputs are errors that say which.
 * An optional input without a default and without a value is the empty string.
 */
export function resolveInputs(
  runbookId: string,
  specs: Readonly<Record<string, InputSpec>>,
  given: Readonly<Record<string, string | InputValue>>,
  env: Readonly<Record<string, string | undefined>> = {},
): Record<string, InputValue> {
  const names = Object.keys(specs);
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      throw new InputError(`${runbookId} has no input "${key}" (${names.length ? `inputs: ${names.join(', ')}` : 'it takes no inputs'})`);
    }
  }
  const values: Record<string, InputValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const fromEnv = env[envNameFor(name)];
    const raw = Object.hasOwn(given, name) ? given[name] : fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.default;
    if (raw === undefined) {
      if (isRequired(spec)) {
        throw new InputError(
          `${runbookId} needs input "${name}"${spec.description ? ` (${spec.description})` : ''}: pass --input ${name}=…${spec.secret ? ` or set ${envNameFor(name)}` : ''}`,
          name,
          'needs a value',
        );
      }
      values[name] = '';
      continue;
    }
    const checked = checkInputValue(spec, raw);
    if ('error' in checked) throw new InputError(`input ${name}: ${checked.error}`, name, checked.error);
    values[name] = checked.value;
  }
  return values;
}

/** `KEY=VALUE` pairs from the command line; a repeated key is an error. */
export function parseInputPairs(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--input "${pair}": write KEY=VALUE`);
    const key = pair.slice(0, eq);
    if (Object.hasOwn(values, key)) throw new InputError(`--input ${key} is given twice`);
    values[key] = pair.slice(eq + 1);
  }
  return values;
}

/** Inputs as shown or recorded: secrets replaced by ***. */
export function displayInputs(
  specs: Readonly<Record<string, InputSpec>>,
  values: Readonly<Record<string, InputValue>>,
): Record<string, InputValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, specs[k]?.secret ? '***' : v]));
}
