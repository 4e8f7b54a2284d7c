import { detectMachine, type MachineFacts } from './machine.js';
import { machineConfigYaml } from './machine-config.js';
import { type ConfigSource, type Env, estateConfigPath, resolveConfigPath } from './paths.js';
import { type Config, configSchema } from './schema.js';
import { readUserFile, validateDocument } from './user-file.js';

/** `machine`: the facts the built-in default was made from; null when a file was read. */
export type LoadedConfig = { config: Config; source: ConfigSource; machine: MachineFacts | null };

/** How the built-in default is named where a file name would be (it has none). */
export const BUILTIN_CONFIG_NAME = '(built-in default: this machine)';

/** The built-in default for these facts: this machine alone, its plan scaled from the reference estate's. */
export function builtinConfig(facts: MachineFacts): Config {
  const reference = readUserFile(estateConfigPath(), configSchema).plan;
  return validateDocument(BUILTIN_CONFIG_NAME, machineConfigYaml(facts, reference, { purpose: 'builtin' }), configSchema);
}

/** Finds and validates the config; throws UserFileError with file:line:col on any problem. */
export function loadConfig(
  flag: string | undefined,
  env: Env,
  cwd: string,
  options: { demo?: boolean; machine?: MachineFacts } = {},
): LoadedConfig {
  const source = resolveConfigPath(flag, env, cwd, options);
  if (source.kind === 'builtin') {
    const machine = options.machine ?? detectMachine(env);
    return { config: builtinConfig(machine), source, machine };
  }
  return { config: readUserFile(source.path, configSchema), source, machine: null };
}
