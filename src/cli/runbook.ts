// `homeops runbook list | show ID | run ID | history | unlock ID`: the runner without the console.
// Exit codes: 0 ok, 1 a step failed, 130 aborted (SIGINT) or interrupted (SIGHUP, SIGTERM),
// 64 usage or input errors, 73 the state directory cannot be used (not the user's own, writable
// by others, a symbolic link where a file should be, not a directory), 75 the runbook is already
// running (lock), 77 refused in read-only mode, 78 a broken config or runbook file (thrown as
// UserFileError to the caller).
import { createInterface } from 'node:readline';
import { readOnlyReason } from '../actions/guard.js';
import { BUILTIN_CONFIG_NAME, loadConfig } from '../config/load.js';
import { IdError } from '../config/path-id.js';
import type { Env } from '../config/paths.js';
import { PrivatePathError } from '../config/private-files.js';
import type { Config } from '../config/schema.js';
import { formatDuration, formatTime } from '../config/units.js';
import { suggest, UserFileError } from '../config/user-file.js';
import { chooseProfile, resolveHosts, thisMachine as thisHostMachine } from '../hosts/profile.js';
import { hostsFromConfig } from '../hosts/registry.js';
import { runLabel } from '../model/audit.js';
import type { RunEvent } from '../model/runs.js';
import { readHistory } from '../runbooks/audit.js';
import { InputError, isRequired, parseInputPairs } from '../runbooks/inputs.js';
import { loadRunbooks, type Runbook } from '../runbooks/load.js';
import { LockedError, thisMachine, unlock } from '../runbooks/lock.js';
import { describeOrphan, type Orphan, type OrphanChoice, OrphanError } from '../runbooks/orphans.js';
import { formatPlan, PlanError, type RunPlan, runScope } from '../runbooks/plan.js';
import { prepareResume, prepareRun } from '../runbooks/prepare.js';
import { type ConfirmRequest, ReadOnlyError, ResumeError, RunInterruption, runPlan } from '../runbooks/runner.js';
import { type CheckSpec, templatedStrings } from '../runbooks/schema.js';
import { abandonRun, findInterruptedRuns, firstUnfinished, interruptedBecause, listRunStates, type RunState } from '../runbooks/state.js';
import { scanTemplate } from '../runbooks/template.js';
import { lastRedraw, terminalSafe } from '../terminal/terminal-safe.js';
import { splitOutput } from '../ui/output-lines.js';
import type { GlobalOptions, RunbookRequest } from './args.js';

export const EXIT = { ok: 0, failed: 1, usage: 64, state: 73, locked: 75, refused: 77, config: 78, aborted: 130 } as const;

export type RunbookIo = {
  out(text: string): void;
  err(text: string): void;
  env: Env;
  cwd: string;
  /** stdin and stdout are a terminal: confirm steps and the resume offer can ask. */
  interactive: boolean;
  /** Asks a question on the terminal; resolves with the answer line. */
  ask(question: string): Promise<string>;
};

export function processIo(env: Env, cwd: string): RunbookIo {
  // The terminal may vanish mid-run (a dropped SSH session): writing must not crash the run.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const write = (stream: NodeJS.WriteStream, text: string) => {
    try {
      stream.write(text);
    } catch {
      // gone
    }
  };
  return {
    out: (text) => write(process.stdout, text),
    err: (text) => write(process.stderr, text),
    env,
    cwd,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    ask: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
        rl.once('close', () => resolve(''));
        // Ctrl-C at a question aborts the run, as it does anywhere else.
        rl.once('SIGINT', () => {
          rl.close();
          process.kill(process.pid, 'SIGINT');
        });
      }),
  };
}

/** Columns of cells; a cell is one line whatever it holds. */
function table(cells: string[][]): string {
  const rows = cells.map((row) => row.map((cell) => terminalSafe(cell)));
  const widths: number[] = [];
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function find(runbooks: Runbook[], id: string): Runbook {
  const found = runbooks.find((r) => r.id === id);
  if (found) return found;
  const ids = runbooks.map((r) => r.id);
  const hint = suggest(id, ids);
  throw new UsageFailure(`no runbook "${id}" (${hint ? `did you mean "${hint}"? ` : ''}have: ${ids.join(', ') || 'none'})`);
}

class UsageFailure extends Error {}

function listRunbooks(runbooks: Runbook[]): string {
  const rows = [['ID', 'TITLE', 'DANGEROUS', 'HOSTS']];
  for (const r of runbooks) rows.push([r.id, r.title, r.dangerous ? 'yes' : 'no', r.hostsUsed.join(', ') || '-']);
  const lines = [table(rows)];
  for (const r of runbooks.filter((x) => x.unavailable)) lines.push(`unavailable: ${r.id}: ${r.unavailable}`);
  return `${lines.join('\n')}\n`;
}

function showRunbook(runbook: Runbook, config: Config): string {
  const lines = [`${runbook.id} · ${runbook.title}`];
  lines.push(`dangerous: ${runbook.dangerous ? 'yes (refused in read-only mode)' : 'no'}`);
  lines.push(`file: ${runbook.file}${runbook.builtin ? ' (built-in)' : ''}`);
  lines.push(`hosts: ${runbook.hostsUsed.join(', ') || '-'}`);
  if (runbook.unavailable) lines.push(`unavailable with this config: ${runbook.unavailable}`);
  if (runbook.description) lines.push('', ...runbook.description.trimEnd().split('\n'));
  const inputs = Object.entries(runbook.inputs);
  lines.push('', inputs.length ? 'inputs:' : 'inputs: none');
  for (const [name, spec] of inputs) {
    const type = spec.type === 'enum' ? `one of ${spec.values?.join('|')}` : spec.type;
    const range = spec.min !== undefined || spec.max !== undefined ? ` ${spec.min ?? ''}..${spec.max ?? ''}` : '';
    const facts = [
      isRequired(spec) ? 'required' : spec.default !== undefined ? `default ${String(spec.default)}` : 'optional',
      ...(spec.pattern ? [`pattern ${spec.pattern}`] : []),
      ...(spec.secret ? ['secret'] : []),
    ];
    lines.push(`  ${name}  ${type}${range}  ${facts.join(', ')}${spec.description ? `  ${spec.description}` : ''}`);
  }
  const site = config.runbooks?.site ?? {};
  const section = (title: string, steps: Runbook['steps']) => {
    lines.push('', title);
    steps.forEach((step, i) => {
      const host =
        step.run?.host ??
        step.check?.container?.host ??
        step.check?.backup?.host ??
        step.wait?.check.container?.host ??
        step.wait?.check.backup?.host;
      lines.push(
        `  ${i + 1}. ${step.id}  ${step.kind}${host ? ` on ${host}` : ''}${step.onFailure === 'continue' ? '  (on failure: continue)' : ''}${step.when ? `  (when ${step.when.input} is ${JSON.stringify(step.when.is)})` : ''}`,
      );
      if (step.title) lines.push(`     ${step.title}`);
      const check = step.check ?? step.wait?.check;
      const wait = step.wait
        ? ` (every ${formatDuration(step.wait.every)}${step.wait.holdFor ? `, holding ${formatDuration(step.wait.holdFor)}` : ''}, at most ${formatDuration(step.wait.timeout)})`
        : '';
      const body = step.run
        ? `$ ${step.run.command ?? step.run.argv?.join(' ') ?? ''}`
        : check
          ? `${rawCheck(check)}${wait}`
          : (step.confirm ?? step.note ?? '');
      if (body) for (const line of body.trimEnd().split('\n')) lines.push(`     ${line}`);
      const used = new Set<string>();
      for (const { text } of templatedStrings(step))
        for (const ref of scanTemplate(text).refs) if (ref.namespace === 'site') used.add(ref.name);
      for (const name of used) lines.push(`     site.${name} = ${site[name] ?? '(not in the config)'}`);
    });
  };
  section('steps:', runbook.steps);
  if (runbook.rollback.length) section('rollback (when a step fails and the run stops):', runbook.rollback);
  const parts = Object.entries(runbook.parts);
  if (parts.length) {
    lines.push('', 'parts (run alone with --part NAME):');
    for (const [name, part] of parts) {
      const danger = (part.dangerous ?? runbook.dangerous) ? 'dangerous' : 'not dangerous';
      lines.push(`  ${name}  ${part.title} (${danger})`, `     steps: ${part.steps.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A check as written (templates unresolved): "dns: server=… name=… expect=failing". */
function rawCheck(check: CheckSpec): string {
  const fields = check[check.kind] ?? {};
  const words = Object.entries(fields).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return `${check.kind}: ${words.join(' ')}`;
}

/** The history as a table; null when the audit log has no runs (of that id). */
function history(env: Env, id: string | undefined, limit: number): string | null {
  const runs = readHistory(env, { limit, ...(id ? { runbook: id } : {}) });
  if (!runs.length) return null;
  const rows = [['STARTED', 'RUNBOOK OR ACTION', 'STATUS', 'DURATION', 'USER', 'ID']];
  for (const run of runs) {
    const status = run.status === 'failed' && run.failedStep ? `failed at ${run.failedStep}` : run.status;
    rows.push([
      formatTime(Date.parse(run.startedAt)),
      runLabel(run),
      `${status}${run.resumed ? ' (resumed)' : ''}`,
      run.durationMs === null ? '-' : formatDuration(run.durationMs),
      run.user,
      run.runId,
    ]);
  }
  return `${table(rows)}\n`;
}

/**
 * Progress lines from run events: a header per step, its output indented, its end with state and
 * time. Every piece that came from outside (output, messages, the runbook's own text with its
 * inputs) is one line safe for a terminal; a progress bar's line shows what it was redrawn to.
 */
export function progressPrinter(out: (text: string) => void): (event: RunEvent) => void {
  const safe = (text: string) => terminalSafe(text);
  const outputLine = (stream: string, line: string) => out(`      ${stream === 'info' ? '→' : '│'} ${safe(lastRedraw(line))}\n`);
  let total = 0;
  let rollbackTotal = 0;
  let title = '';
  const partial = new Map<string, string>();
  const flush = () => {
    for (const [stream, rest] of partial) if (rest) outputLine(stream, rest);
    partial.clear();
  };
  return (event) => {
    switch (event.type) {
      case 'run-start':
        total = event.steps.length;
        rollbackTotal = event.rollback.length;
        title = safe(event.runbook.id);
        out(`${title} · ${safe(event.runbook.title)} · run ${safe(event.runId)}\n`);
        for (const note of event.notes) out(`note: ${safe(note)}\n`);
        if (event.resumedFrom) {
          const done = event.steps.filter((s) => s.state === 'ok' || s.state === 'skipped').map((s) => s.id);
          out(`resuming at step ${safe(event.resumedFrom)}${done.length ? ` (done before: ${safe(done.join(', '))})` : ''}\n`);
        }
        break;
      case 'step-start': {
        const label = event.phase === 'rollback' ? `R${event.index + 1}/${rollbackTotal}` : `${event.index + 1}/${total}`;
        const where = event.host ?? (event.kind === 'confirm' || event.kind === 'note' ? 'operator' : 'this machine');
        const [first = '', ...rest] = event.display.split('\n');
        out(`[${label}] ${safe(event.stepId)} · ${safe(where)} · ${safe(first)}${rest.length ? ' …' : ''}\n`);
        break;
      }
      case 'output': {
        const { lines, rest } = splitOutput(partial.get(event.stream) ?? '', event.chunk);
        partial.set(event.stream, rest);
        for (const line of lines) outputLine(event.stream, line);
        break;
      }
      case 'step-end': {
        flush();
        const time = formatDuration(event.durationMs);
        if (event.state === 'skipped') {
          const label = event.phase === 'rollback' ? `R${event.index + 1}/${rollbackTotal}` : `${event.index + 1}/${total}`;
          out(`[${label}] ${safe(event.stepId)} · ${safe(event.message ?? 'skipped')}\n`);
        } else if (event.state === 'ok') out(`      ok · ${time}${event.exitCode !== null ? ` · exit ${event.exitCode}` : ''}\n`);
        else {
          // "exit 5 (expected 0)" says the code already.
          const code = event.exitCode !== null && !event.message?.startsWith('exit ') ? ` · exit ${event.exitCode}` : '';
          out(`      ${event.state.toUpperCase()} · ${time}${code}${event.message ? ` · ${safe(event.message)}` : ''}\n`);
        }
        break;
      }
      case 'rollback-start':
        out(`rollback after ${safe(event.afterStep)} failed:\n`);
        break;
      case 'run-end': {
        flush();
        const time = formatDuration(event.durationMs);
        if (event.status === 'ok') out(`${title}: ok in ${time}\n`);
        else if (event.status === 'failed')
          out(
            `${title}: FAILED${event.failedStep ? ` at ${safe(event.failedStep)}` : ''} after ${time}${event.message ? ` — ${safe(event.message)}` : ''}\n`,
          );
        else
          out(
            `${title}: ${event.status.toUpperCase()} after ${time}${event.message ? ` — ${safe(event.message)}` : ''}; continue it with: homeops runbook run ${title} --resume\n`,
          );
        break;
      }
    }
  };
}

/** Runs and aborted or interrupted runs of a runbook that `--resume` can continue, newest first. */
function resumable(env: Env, id: string): RunState[] {
  const machine = thisMachine();
  return listRunStates(env).filter(
    (s) =>
      s.runbook === id &&
      s.phase === 'main' &&
      firstUnfinished(s) !== null &&
      (s.status === 'aborted' || interruptedBecause(s, machine) !== null),
  );
}

async function runCommand(
  request: Extract<RunbookRequest, { action: 'run' }>,
  options: GlobalOptions,
  io: RunbookIo,
  runbook: Runbook,
  config: Config,
  configFile: string,
): Promise<number> {
  const { env } = io;
  if (runbook.unavailable) {
    io.err(`${runbook.unavailable}\n`);
    return EXIT.config;
  }
  let dangerous: boolean;
  try {
    ({ dangerous } = runScope(runbook, request.part));
  } catch (error) {
    io.err(`homeops: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  const readOnly = readOnlyReason(options.readOnly, config.readOnly, configFile);
  if (readOnly && dangerous && !request.dryRun) {
    io.err(`homeops: ${new ReadOnlyError(runbook.id, readOnly).message}\n`);
    return EXIT.refused;
  }
  const given = parseInputPairs(request.inputs);
  let resume: RunState | undefined;
  if (request.resume) {
    resume = resumable(env, runbook.id)[0];
    if (!resume) {
      io.err(`homeops: no interrupted or aborted run of ${runbook.id} to resume\n`);
      return EXIT.usage;
    }
  } else if (!request.dryRun) {
    for (const found of findInterruptedRuns(env, { runbook: runbook.id })) {
      const what = `run ${found.state.runId} of ${runbook.id} (started ${formatTime(Date.parse(found.state.startedAt))} by ${found.state.user}) was interrupted at step ${found.resumeFrom}: ${found.why}`;
      if (!resume && io.interactive) {
        const answer = await io.ask(`${what}.\nResume it from step ${found.resumeFrom}? [y/N] `);
        if (/^y(es)?$/i.test(answer.trim())) {
          resume = found.state;
          continue;
        }
      } else if (!resume)
        io.err(`note: ${what}; starting a new run (homeops runbook run ${runbook.id} --resume would have continued it)\n`);
      abandonRun(env, found.state.runId);
    }
  }
  const plan: RunPlan = resume
    ? prepareResume(runbook, resume, given, { config, env })
    : prepareRun(runbook, given, { config, env }, request.part);
  if (request.dryRun) {
    io.out(formatPlan(plan, config));
    if (readOnly && plan.runbook.dangerous) io.out(`note: ${runbook.id} is dangerous and ${readOnly}: a real run would be refused\n`);
    return EXIT.ok;
  }
  const hosts = hostsFromConfig(config, env, resolveHosts(config, chooseProfile(options.profile, env, config), thisHostMachine()));
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.aborted);
    io.err('\nhomeops: aborting: stopping the running step (Ctrl-C again to quit at once)\n');
    controller.abort(new Error('aborted by the operator'));
  };
  const onHangup = (signal: NodeJS.Signals) => () =>
    controller.abort(new RunInterruption(`${signal}: ${signal === 'SIGHUP' ? 'the terminal went away' : 'homeops was told to stop'}`));
  const hup = onHangup('SIGHUP');
  const term = onHangup('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGHUP', hup);
  process.on('SIGTERM', term);
  const confirm = async ({ prompt }: ConfirmRequest): Promise<boolean> => {
    if (request.yes) {
      io.out(`      ? ${prompt} → yes (--yes)\n`);
      return true;
    }
    if (!io.interactive)
      throw new Error(
        'a confirm step needs an answer, and there is no terminal to ask: run homeops in a terminal, or pass --yes to answer yes',
      );
    const answer = await io.ask(`      ? ${prompt} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  };
  // A step of an earlier run still running where this one would run: as asked on the command
  // line, else asked here; never run beside it.
  const onOrphan = async (orphan: Orphan): Promise<OrphanChoice> => {
    const what = describeOrphan(orphan);
    if (request.stillRunning) {
      io.out(
        `${what} is still running: ${request.stillRunning === 'kill' ? 'stopping it' : 'waiting for it to end'} (--still-running ${request.stillRunning})\n`,
      );
      return request.stillRunning;
    }
    if (!io.interactive) return 'refuse';
    const answer = (await io.ask(`${what} is still running.\n[k] stop it, [w] wait for it to end, anything else: run nothing? `))
      .trim()
      .toLowerCase();
    if (answer === 'k' || answer === 'kill') return 'kill';
    if (answer === 'w' || answer === 'wait') {
      io.out(`waiting for it to end…\n`);
      return 'wait';
    }
    return 'refuse';
  };
  try {
    const result = await runPlan(
      plan,
      { config, hosts, env, confirm, onOrphan, onEvent: progressPrinter(io.out), signal: controller.signal, readOnly: readOnly !== null },
      resume ? { resume } : {},
    );
    if (result.status === 'ok') return EXIT.ok;
    if (result.status === 'failed') return EXIT.failed;
    return EXIT.aborted;
  } catch (error) {
    if (error instanceof LockedError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.locked;
    }
    if (error instanceof ReadOnlyError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.refused;
    }
    if (error instanceof ResumeError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof OrphanError) {
      io.err(
        `homeops: ${error.message}${io.interactive || request.stillRunning ? '' : ' (--still-running kill|wait decides without asking)'}\n`,
      );
      return EXIT.locked;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGHUP', hup);
    process.off('SIGTERM', term);
    hosts.closeAll();
  }
}

/** `homeops runbook …`. UserFileErrors (config or runbook files) go to the caller: exit 78. */
export async function runbookCommand(request: RunbookRequest, options: GlobalOptions, rawIo: RunbookIo): Promise<number> {
  // Everything printed may hold outside text (step output, names, messages, inputs): what reaches
  // the terminal is made safe here, newlines kept. Lines are also made safe where they are
  // built, so that a newline in a value cannot pass for a line of its own.
  const lines = { newlines: 'lines' } as const;
  const io: RunbookIo = {
    ...rawIo,
    out: (text) => rawIo.out(terminalSafe(text, lines)),
    err: (text) => rawIo.err(terminalSafe(text, lines)),
    ask: (question) => rawIo.ask(terminalSafe(question, lines)),
  };
  const { env, cwd } = io;
  try {
    if (request.action === 'history') {
      const shown = history(env, request.id, request.limit);
      // No runs of an id no runbook has: a mistyped id, said as such (runs of a runbook since
      // removed are still shown).
      if (shown === null && request.id !== undefined) {
        const { config, source } = loadConfig(options.config, env, cwd);
        find(loadRunbooks({ config, env, cwd, configFile: source.path ?? undefined }).runbooks, request.id);
      }
      io.out(shown ?? `no runs${request.id ? ` of ${request.id}` : ' or actions'} in the audit log yet\n`);
      return EXIT.ok;
    }
    if (request.action === 'unlock') {
      const result = unlock(env, request.id, request.force);
      (result.cleared || !result.verdict ? io.out : io.err)(`${result.message}\n`);
      return result.cleared || !result.verdict ? EXIT.ok : EXIT.locked;
    }
    const { config, source } = loadConfig(options.config, env, cwd);
    const catalog = loadRunbooks({ config, env, cwd, configFile: source.path ?? undefined });
    if (request.action === 'list') {
      io.out(listRunbooks(catalog.runbooks));
      return EXIT.ok;
    }
    const runbook = find(catalog.runbooks, request.id);
    if (request.action === 'show') {
      io.out(showRunbook(runbook, config));
      return EXIT.ok;
    }
    return await runCommand(request, options, io, runbook, config, source.path ?? BUILTIN_CONFIG_NAME);
  } catch (error) {
    if (error instanceof UsageFailure || error instanceof InputError || error instanceof IdError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof PlanError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.config;
    }
    if (error instanceof PrivatePathError) {
      io.err(`homeops: ${error.message}\n`);
      return EXIT.state;
    }
    if (error instanceof UserFileError) throw error;
    throw error;
  }
}
