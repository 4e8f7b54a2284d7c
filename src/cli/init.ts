// `homeops init`: writes a config to start from. `--from detect` (the default) writes the
// built-in default, this machine only, with comments; `--from estate` the reference estate.
// An existing file is never replaced without --force, and then it is kept beside as a backup.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { detectMachine } from '../config/machine.js';
import { machineConfigYaml } from '../config/machine-config.js';
import { type Env, estateConfigPath, expandHome, packageRoot, userConfigPath } from '../config/paths.js';
import { configSchema } from '../config/schema.js';
import { formatBytes } from '../config/units.js';
import { readUserFile, validateDocument } from '../config/user-file.js';
import type { GlobalOptions, InitRequest, InitSource } from './args.js';

/** EX_CANTCREAT: the file is there already (or cannot be made). */
export const EX_CANTCREAT = 73;

export type InitIo = { out(text: string): void; err(text: string): void; now(): Date };

/** Where init writes: --config FILE, else HOMEOPS_CONFIG, else ~/.config/homeops/config.yaml. */
export function initTarget(options: Pick<GlobalOptions, 'config'>, env: Env, cwd: string): string {
  if (options.config) return resolve(cwd, expandHome(options.config, env));
  if (env.HOMEOPS_CONFIG) return resolve(cwd, expandHome(env.HOMEOPS_CONFIG, env));
  return userConfigPath(env);
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');

/** The text written, and what to edit next. */
export function initText(from: InitSource, env: Env): { text: string; what: string; next: string[] } {
  const schemaPath = join(packageRoot(), 'docs', 'config.schema.json');
  const estate = readFileSync(estateConfigPath(), 'utf8');
  if (from === 'estate') {
    // The modeline points at the schema from the package's examples/; from the user's folder it
    // must be the schema's own path.
    const text = estate.replace(/^# yaml-language-server: \$schema=\S+/, `# yaml-language-server: $schema=${schemaPath}`);
    return {
      text,
      what: 'the reference estate (a workstation and a Synology NAS)',
      next: [
        "change every address under hosts:, dns: and vpn: to your own: until then the 10.0.10.x addresses are someone else's hosts",
        'plan: your cores and memory; backups: your paths; runbooks.site: how things are done in your house',
        'homeops check-config',
      ],
    };
  }
  const facts = detectMachine(env);
  const reference = readUserFile(estateConfigPath(), configSchema).plan;
  const text = machineConfigYaml(facts, reference, { purpose: 'init', schemaPath });
  return {
    text,
    what: `this machine only: ${facts.cores} ${facts.cores === 1 ? 'core' : 'cores'} × ${facts.threadsPerCore} ${facts.threadsPerCore === 1 ? 'thread' : 'threads'}, ${formatBytes(facts.memoryBytes)}${facts.docker ? ', its Docker engine' : ''}${facts.nvidiaSmi ? ', nvidia-smi' : ''}`,
    next: [
      'plan: the groups are a guess; give each group of services the cores and memory it owns, then remove plan.note',
      'hosts: add the other hosts (with ssh: for those reached over SSH), then profile: auto',
      'dns, vpn, backups: name what to watch (examples/estate.yaml has each; docs/config.md explains every field)',
      'homeops check-config',
    ],
  };
}

export function initCommand(request: InitRequest, options: GlobalOptions, env: Env, cwd: string, io: InitIo): number {
  const target = initTarget(options, env, cwd);
  const { text, what, next } = initText(request.from, env);
  // What is written must be what check-config accepts; a failure here is a bug, said as one.
  validateDocument(target, text, configSchema);
  try {
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    let kept: string | null = null;
    if (request.force) {
      kept = `${target}.${stamp(io.now())}.bak`;
      try {
        renameSync(target, kept);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        kept = null;
      }
    }
    // 'wx': never replaces a file, even one made since the check above.
    writeFileSync(target, text, { flag: 'wx', mode: 0o600 });
    io.out(
      `wrote ${target}: ${what}${kept ? ` (the one before is ${kept})` : ''}\nnext:\n${next.map((step, index) => `  ${index + 1}. ${step}\n`).join('')}`,
    );
    return 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      io.err(`homeops: ${target} exists; homeops init --force writes a new one and keeps that one as a backup\n`);
      return EX_CANTCREAT;
    }
    io.err(`homeops: cannot write ${target}: ${(error as Error).message}\n`);
    return EX_CANTCREAT;
  }
}
