import { configSchema, type Config } from './schema.js';
import { resolveConfigPath, type ConfigSource, type Env } from './paths.js';
import { readUserFile } from './user-file.js';

export type LoadedConfig = { config: Config; source: ConfigSource };

/** Finds and validates the config; throws UserFileError with file:line:col on any problem. */
export function loadConfig(flag: string | undefined, env: Env, cwd: string): LoadedConfig {
  const source = resolveConfigPath(flag, env, cwd);
  return { config: readUserFile(source.path, configSchema), source };
}
