// Keymaps: command name → keys, as YAML. A keymap may extend another (a user file usually
// extends default or vim); unknown commands, `runbook:<id>` with an id no runbook has, bad key
// names and one key bound to two commands are errors with file:line:col.
import { z } from 'zod';
import { boundRunbooks, COMMAND_NAMES, type Command, isCommand, isStaticCommand, RUNBOOK_PREFIX, runbookOf } from '../model/commands.js';
import { normaliseKey } from './keys.js';
import { type Env, resolveNamed } from './paths.js';
import { readUserFile, suggest, UserFileError } from './user-file.js';
import { UnknownNameError } from './user-file-error.js';

export type Bindings = Map<Command, string[]>;
/**
 * `byKey`: what a key does; `logsByKey`: what it does in a logs panel, where the logs view's own
 * commands come first (they may reuse keys of the panes: n, N, t).
 */
export type Keymap = { name: string; files: string[]; bindings: Bindings; byKey: Map<string, Command>; logsByKey: Map<string, Command> };

export const BUILTIN_KEYMAPS = ['default', 'vim'] as const;

export type KeymapOptions = {
  /** The ids of the runbooks found; when given, `runbook:<id>` must name one of them. */
  runbooks?: readonly string[];
};

function commandProblem(command: string, runbooks: readonly string[] | undefined): string | null {
  if (isStaticCommand(command)) return null;
  if (command.startsWith(RUNBOOK_PREFIX)) {
    const id = runbookOf(command);
    if (id === null) return `"${command}": a runbook id is letters, digits, ".", "_" or "-"`;
    if (runbooks === undefined || runbooks.includes(id)) return null;
    const hint = suggest(id, runbooks);
    return `no runbook "${id}"${hint ? ` (did you mean "${RUNBOOK_PREFIX}${hint}"?)` : ''} (runbooks: ${runbooks.join(', ') || 'none'})`;
  }
  const hint = suggest(command, COMMAND_NAMES);
  return `unknown command "${command}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

const keyList = z.union([z.string(), z.array(z.string()), z.null()]);

/** The schema of one keymap file, checked against the bindings it inherits. */
function keymapFileSchema(inherited: Bindings, options: KeymapOptions) {
  return z
    .strictObject({
      $schema: z.string().optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      extends: z.string().optional(),
      bindings: z.record(z.string(), keyList).default({}),
    })
    .superRefine((file, ctx) => {
      const mine = new Map<Command, string[]>();
      for (const [command, value] of Object.entries(file.bindings)) {
        const problem = commandProblem(command, options.runbooks);
        if (problem !== null || !isCommand(command)) {
          ctx.addIssue({ code: 'custom', path: ['bindings', command], message: problem ?? `unknown command "${command}"` });
          continue;
        }
        const keys = value === null ? [] : typeof value === 'string' ? [value] : value;
        const normalised: string[] = [];
        keys.forEach((key, index) => {
          const result = normaliseKey(key);
          const path = typeof value === 'string' ? ['bindings', command] : ['bindings', command, index];
          if ('error' in result) ctx.addIssue({ code: 'custom', path, message: `"${key}": ${result.error}` });
          else if (result.key === 'ctrl+c' && command !== 'quit')
            ctx.addIssue({ code: 'custom', path, message: 'ctrl+c always quits; bind another key' });
          else normalised.push(result.key);
        });
        mine.set(command, normalised);
      }
      // One key, one command: check the merged result, blaming this file's binding.
      const merged = new Map(inherited);
      for (const [command, keys] of mine) merged.set(command, keys);
      const owner = new Map<string, Command>();
      const logsOwner = new Map<string, Command>();
      for (const [command, keys] of merged) {
        for (const key of keys) {
          // The logs view's commands share a key only with commands that do nothing while it is open.
          const other = isLogsCommand(command)
            ? (logsOwner.get(key) ?? panelOwner(owner.get(key)))
            : (owner.get(key) ?? (ACTIVE_IN_LOGS.has(command) ? logsOwner.get(key) : undefined));
          if (other && other !== command) {
            const blamed = mine.has(command) ? command : other;
            const otherCommand = blamed === command ? other : command;
            ctx.addIssue({
              code: 'custom',
              path: ['bindings', blamed],
              message: `key "${key}" is also bound to ${otherCommand}${mine.has(otherCommand) ? '' : ' (inherited)'}; unbind one of them`,
            });
          }
          if (isLogsCommand(command)) logsOwner.set(key, command);
          else owner.set(key, command);
        }
      }
    });
}

/** The commands of the logs view alone: active only while a logs panel is open. */
export function isLogsCommand(command: Command): boolean {
  return command.startsWith('logs.');
}

/** Commands that still act while a logs panel is open: a logs command may not share their keys. */
const ACTIVE_IN_LOGS: ReadonlySet<Command> = new Set<Command>([
  'quit',
  'help',
  'close',
  'select',
  'redraw',
  'refresh',
  'filter',
  'scroll.up',
  'scroll.down',
  'page.up',
  'page.down',
  'scroll.top',
  'scroll.bottom',
]);

function panelOwner(command: Command | undefined): Command | undefined {
  return command !== undefined && ACTIVE_IN_LOGS.has(command) ? command : undefined;
}

function loadChain(nameOrFile: string, env: Env, cwd: string, seen: string[], options: KeymapOptions): Keymap {
  const found = resolveNamed('keymaps', nameOrFile, env, cwd);
  if (!found) {
    throw new UnknownNameError(
      'keymap',
      nameOrFile,
      `no keymap "${nameOrFile}" (built in: ${BUILTIN_KEYMAPS.join(', ')}; or give a file path)`,
    );
  }
  // Read the parent first so the child's conflicts can be located in the child's file; a
  // parent that does not exist, or a circle, is reported at the child's `extends:` line.
  const chain = [...seen, found.path];
  const head = readUserFile(
    found.path,
    z.looseObject({
      extends: z
        .string()
        .optional()
        .superRefine((parentName, ctx) => {
          if (parentName === undefined) return;
          const parentFile = resolveNamed('keymaps', parentName, env, cwd);
          if (!parentFile)
            ctx.addIssue({
              code: 'custom',
              message: `no keymap "${parentName}" (built in: ${BUILTIN_KEYMAPS.join(', ')}; or give a file path)`,
            });
          else if (chain.includes(parentFile.path))
            ctx.addIssue({ code: 'custom', message: `keymaps extend each other in a circle: ${[...chain, parentFile.path].join(' → ')}` });
        }),
    }),
  );
  const parent = head.extends ? loadChain(head.extends, env, cwd, chain, options) : undefined;
  const inherited: Bindings = parent ? new Map(parent.bindings) : new Map();
  const file = readUserFile(found.path, keymapFileSchema(inherited, options));
  const bindings = new Map(inherited);
  for (const [command, value] of Object.entries(file.bindings)) {
    if (!isCommand(command)) continue;
    const keys = value === null ? [] : typeof value === 'string' ? [value] : value;
    bindings.set(
      command,
      keys.map((k) => {
        const result = normaliseKey(k);
        return 'key' in result ? result.key : k;
      }),
    );
  }
  const byKey = new Map<string, Command>();
  const logsByKey = new Map<string, Command>();
  for (const [command, keys] of bindings) for (const key of keys) (isLogsCommand(command) ? logsByKey : byKey).set(key, command);
  return { name: file.name ?? nameOrFile, files: [...(parent?.files ?? []), found.path], bindings, byKey, logsByKey };
}

export function loadKeymap(nameOrFile: string, env: Env, cwd: string, options: KeymapOptions = {}): Keymap {
  return loadChain(nameOrFile, env, cwd, [], options);
}

/**
 * Checks the keymap's `runbook:<id>` bindings against the runbooks found (which are only known
 * once the config is loaded). An unknown id is a UserFileError at its binding, like any other
 * keymap error: the files are read again to locate it.
 */
export function checkRunbookBindings(keymap: Keymap, runbooks: readonly string[], env: Env, cwd: string): void {
  const unknown = boundRunbooks(keymap).filter((id) => !runbooks.includes(id));
  if (unknown.length === 0) return;
  const top = keymap.files.at(-1);
  if (top) loadKeymap(top, env, cwd, { runbooks });
  // Not located (the file changed since): still an error, at the top of the keymap.
  throw new UserFileError(
    top ?? '--keymap',
    1,
    1,
    `bindings.${RUNBOOK_PREFIX}${unknown[0]}`,
    `no runbook "${unknown[0]}" (runbooks: ${runbooks.join(', ') || 'none'})`,
  );
}
