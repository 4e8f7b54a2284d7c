// Loads user files with the loaders the binary uses, one after another, and says for each what
// came of it: loaded, a UserFileError (the binary's exit 78) or anything else (its exit 70),
// how long it took, how far above its start it took the process's memory, any Node warning. Run as a
// child of the fuzz test (node --expose-gc --import tsx), with a manifest of files on argv.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadKeymap } from '../../src/config/keymaps.js';
import { loadConfig } from '../../src/config/load.js';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile, UserFileError } from '../../src/config/user-file.js';
import { loadView } from '../../src/config/views.js';
import { loadRunbookFile } from '../../src/runbooks/load.js';

export type Kind = 'config' | 'view' | 'keymap' | 'runbook';
/** ms: wall time; cpuMs: the process's CPU time (what the file cost, whatever else the machine does). */
export type Outcome = {
  file: string;
  result: 'ok' | 'user-error' | 'crash';
  message: string;
  messageLength: number;
  ms: number;
  cpuMs: number;
  peakMb: number;
  warnings: string[];
};

const env = { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };
const config = readUserFile(estateConfigPath(), configSchema);
const load: Record<Kind, (file: string) => unknown> = {
  config: (file) => loadConfig(file, env, '/'),
  view: (file) => loadView(file, env, '/'),
  keymap: (file) => loadKeymap(file, env, '/'),
  runbook: (file) => loadRunbookFile(file, config, false),
};

const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * The process's peak resident memory since the last reset, in bytes: Linux keeps it as VmHWM
 * and resets it when 5 is written to clear_refs. Elsewhere, the peak of the whole run.
 */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the peak stays the run's
  }
}
function peak(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const manifest = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { kind: Kind; file: string }[];
for (const { kind, file } of manifest) {
  gc();
  const before = process.memoryUsage.rss();
  resetPeak();
  warnings.length = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  let result: Outcome['result'] = 'ok';
  let message = '';
  try {
    load[kind](file);
  } catch (error) {
    result = error instanceof UserFileError ? 'user-error' : 'crash';
    message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (result === 'user-error') message = (error as Error).message;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  // How far above where it started this file took the process's memory.
  const peakMb = Math.max(0, peak() - before) / 1024 / 1024;
  const outcome: Outcome = {
    file,
    result,
    message: message.length > 2000 ? `${message.slice(0, 2000)}…` : message,
    messageLength: message.length,
    ms,
    cpuMs,
    peakMb,
    warnings: [...warnings],
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
