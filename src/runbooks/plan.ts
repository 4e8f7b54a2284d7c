// A runbook made concrete for one run: inputs checked, templates resolved, hosts and exact
// commands known, `when` decided. The runner executes a plan; a dry run prints it. Pure.
import type { Config } from '../config/schema.js';
import { formatDuration } from '../config/units.js';
import { type Command, commandLine, shellQuote } from '../hosts/host.js';
import type { InputValue, Phase, StepKind } from '../model/runs.js';
import type { BackupSetConfig } from '../probes/backups/types.js';
import { parseHostField, templatedStrings } from './fields.js';
import type { Runbook } from './load.js';
import { looksSecret, MASK, type Redactor } from './redact.js';
import type { CheckSpec, RunbookStep } from './schema.js';
import { argvScriptIndex } from './shell-places.js';
import { renderTemplate, scanTemplate, type TemplateContext } from './template.js';

export type PlannedCheck =
  | {
      kind: 'dns';
      server: string;
      address: string;
      port: number;
      name: string;
      recordType: 'A' | 'AAAA' | 'TXT';
      expect: 'answering' | 'failing';
      timeoutMs: number;
    }
  | { kind: 'container'; host: string; name: string; expect: 'healthy' | 'running'; timeoutMs: number; argv: string[] }
  | { kind: 'backup'; host: string; path: string; glob: string | undefined; maxAgeMs: number; set: string | undefined; timeoutMs: number }
  | { kind: 'tcp'; address: string; port: number; expect: 'open' | 'closed'; timeoutMs: number }
  | { kind: 'http'; url: string; statuses: number[]; expect: 'ok' | 'failing'; timeoutMs: number }
  | { kind: 'drill'; set: BackupSetConfig; host: string; timeoutMs: number };

export type PlannedRun = {
  host: string;
  command: Command;
  env: Record<string, string>;
  timeoutMs: number;
  exit: number[];
  output: string | undefined;
};

export type PlannedStep = {
  id: string;
  title: string;
  kind: StepKind;
  phase: Phase;
  /** Position within its phase, from 0. */
  index: number;
  onFailure: 'stop' | 'continue';
  /** Why the step is skipped (its `when` does not hold); undefined when it runs. */
  skip: string | undefined;
  /** The host it acts on; null for this machine (dns, tcp, http checks) or the operator. */
  host: string | null;
  /** The exact command, secrets masked: for dry runs, the panel and the audit log. */
  display: string;
  /** The command's environment as NAME=value words, secrets masked; empty when none. */
  displayEnv: string;
  run?: PlannedRun;
  check?: PlannedCheck;
  wait?: { check: PlannedCheck; timeoutMs: number; everyMs: number; holdForMs: number };
  confirm?: string;
  note?: string;
};

export type RunPlan = {
  /** With a part, the runbook as that part runs: its title and danger are the part's. */
  runbook: Runbook;
  /** The part of the runbook this plan runs (its steps only, no rollback); null: all of it. */
  part: string | null;
  inputs: Record<string, InputValue>;
  steps: PlannedStep[];
  rollback: PlannedStep[];
  /** Masks secret inputs, secret-looking environment values and the config's secrets. */
  redactor: Redactor;
};

export class PlanError extends Error {}

/** "10.0.10.10", "10.0.10.10:5353", "[fd00::1]:53", "fd00::1". */
export function parseServer(text: string): { address: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1]) return { address: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : 53 };
  const colons = (text.match(/:/g) ?? []).length;
  if (colons === 1) {
    const [address = '', port = ''] = text.split(':');
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      throw new PlanError(`"${text}": the port is not a number from 1 to 65535`);
    return { address, port: Number(port) };
  }
  if (!text) throw new PlanError('empty DNS server');
  return { address: text, port: 53 };
}

function context(config: Config, inputs: Record<string, InputValue>): TemplateContext {
  return {
    inputs,
    site: config.runbooks?.site ?? {},
    hosts: Object.fromEntries(Object.entries(config.hosts).map(([name, host]) => [name, { address: host.address }])),
  };
}

function resolveHost(value: string, config: Config): string {
  const parsed = parseHostField(value);
  if ('error' in parsed) throw new PlanError(parsed.error);
  if ('name' in parsed) return parsed.name;
  const named = config.runbooks?.site[parsed.site];
  if (named === undefined) throw new PlanError(`no runbooks.site.${parsed.site} in the config`);
  return named.trim();
}

function whenHolds(step: RunbookStep, inputs: Record<string, InputValue>): string | undefined {
  if (!step.when) return undefined;
  const value = inputs[step.when.input];
  const wanted = Array.isArray(step.when.is) ? step.when.is : [step.when.is];
  if (wanted.some((w) => String(w) === String(value))) return undefined;
  return `${step.when.input} is ${JSON.stringify(value)}, not ${wanted.map((w) => JSON.stringify(w)).join(' or ')}`;
}

function planCheck(check: CheckSpec, config: Config, ctx: TemplateContext): PlannedCheck {
  const text = (s: string) => renderTemplate(s, ctx);
  const timeoutMs = check.timeout;
  if (check.dns) {
    const server = text(check.dns.server);
    return {
      kind: 'dns',
      server,
      ...parseServer(server),
      name: text(check.dns.name),
      recordType: check.dns.type,
      expect: check.dns.expect,
      timeoutMs,
    };
  }
  if (check.container) {
    const name = text(check.container.name);
    return {
      kind: 'container',
      host: resolveHost(check.container.host, config),
      name,
      expect: check.container.expect,
      timeoutMs,
      argv: ['docker', 'inspect', '-f', '{{json .State}}', name],
    };
  }
  if (check.backup) {
    const b = check.backup;
    if (b.set !== undefined) {
      const set = config.backups?.sets.find((s) => s.name === b.set);
      if (!set) throw new PlanError(`no backup set "${b.set}" in the config`);
      return {
        kind: 'backup',
        host: set.host,
        path: set.path,
        glob: b.glob ?? set.glob,
        maxAgeMs: b.maxAge ?? set.schedule,
        set: set.name,
        timeoutMs,
      };
    }
    return {
      kind: 'backup',
      host: resolveHost(b.host ?? '', config),
      path: text(b.path ?? ''),
      glob: b.glob === undefined ? undefined : text(b.glob),
      maxAgeMs: b.maxAge ?? 0,
      set: undefined,
      timeoutMs,
    };
  }
  if (check.tcp) {
    const target = text(check.tcp.host);
    const host = Object.hasOwn(config.hosts, target) ? config.hosts[target] : undefined;
    const address = host ? (host.address ?? (host.local ? '127.0.0.1' : target)) : target;
    return { kind: 'tcp', address, port: check.tcp.port, expect: check.tcp.expect, timeoutMs };
  }
  if (check.drill) {
    const name = check.drill.set;
    const set = config.backups?.sets.find((s) => s.name === name);
    if (!set?.drill) throw new PlanError(`no backup set "${name}" with a drill: in the config`);
    // The drill's own time limit, unless the step allows it less.
    return {
      kind: 'drill',
      set: { ...set, drill: { ...set.drill, timeout: Math.min(set.drill.timeout, timeoutMs) } },
      host: set.drill.host ?? set.host,
      timeoutMs,
    };
  }
  if (check.http) {
    const statuses = Array.isArray(check.http.status) ? check.http.status : [check.http.status];
    return { kind: 'http', url: text(check.http.url), statuses, expect: check.http.expect, timeoutMs };
  }
  throw new PlanError('a check of no known kind');
}

/** One line saying what a check does: what the dry run and the panel show. */
export function describeCheck(check: PlannedCheck): string {
  switch (check.kind) {
    case 'dns':
      return `dns: ask ${check.address}:${check.port} for ${check.name} (${check.recordType}); expect ${check.expect}`;
    case 'container':
      return `${check.argv.map(shellQuote).join(' ')}; expect ${check.expect}`;
    case 'backup':
      return `backup${check.set ? ` set ${check.set}` : ''}: newest ${check.glob ?? 'file'} in ${check.path} at most ${formatDuration(check.maxAgeMs)} old`;
    case 'tcp':
      return `tcp: connect to ${check.address.includes(':') ? `[${check.address}]` : check.address}:${check.port}; expect ${check.expect}`;
    case 'http':
      return `http: GET ${check.url}; expect ${check.expect === 'ok' ? `status ${check.statuses.join(' or ')}` : `no answer or a status other than ${check.statuses.join(', ')}`}`;
    case 'drill':
      return `drill: restore the newest backup of set ${check.set.name} ${check.set.kind === 'restic' || check.set.kind === 'borg' ? `(a sample of ${check.set.drill?.sample ?? 0} files) on ${check.host}` : `into a throwaway PostgreSQL on ${check.host}`}; expect restorable`;
  }
}

function checkHost(check: PlannedCheck): string | null {
  return check.kind === 'container' || check.kind === 'backup' || check.kind === 'drill' ? check.host : null;
}

function planStep(
  step: RunbookStep,
  phase: Phase,
  index: number,
  config: Config,
  inputs: Record<string, InputValue>,
  redactor: Redactor,
): PlannedStep {
  const ctx = context(config, inputs);
  const base = {
    id: step.id,
    title: renderTemplate(step.title ?? step.id, ctx),
    kind: step.kind,
    phase,
    index,
    onFailure: step.onFailure,
    skip: whenHolds(step, inputs),
  };
  if (step.run) {
    const run = step.run;
    const host = resolveHost(run.host, config);
    // A shell script among the arguments (sh -c SCRIPT) gets its inputs quoted as a shell line does.
    const script = run.argv ? argvScriptIndex(run.argv) : null;
    const command: Command = run.argv
      ? { argv: run.argv.map((a, i) => renderTemplate(a, ctx, { shell: i === script })) }
      : { shell: renderTemplate(run.command ?? '', ctx, { shell: true }) };
    const env = Object.fromEntries(Object.entries(run.env ?? {}).map(([k, v]) => [k, renderTemplate(v, ctx)]));
    const secretEnv = Object.entries(env)
      .filter(([k]) => looksSecret(k))
      .map(([, v]) => v);
    const mask = secretEnv.length ? redactor.with(secretEnv) : redactor;
    return {
      ...base,
      host,
      display: mask.redact(commandLine(command)),
      displayEnv: mask.redact(
        Object.entries(env)
          .map(([k, v]) => `${k}=${looksSecret(k) ? MASK : shellQuote(v)}`)
          .join(' '),
      ),
      run: {
        host,
        command,
        env,
        timeoutMs: run.timeout,
        exit: Array.isArray(run.expect.exit) ? run.expect.exit : [run.expect.exit],
        output: run.expect.output,
      },
    };
  }
  if (step.check) {
    const check = planCheck(step.check, config, ctx);
    return { ...base, host: checkHost(check), display: redactor.redact(describeCheck(check)), displayEnv: '', check };
  }
  if (step.wait) {
    const check = planCheck(step.wait.check, config, ctx);
    const hold = step.wait.holdFor ? `, holding ${formatDuration(step.wait.holdFor)}` : '';
    return {
      ...base,
      host: checkHost(check),
      display: redactor.redact(
        `until ${describeCheck(check)}${hold} (every ${formatDuration(step.wait.every)}, at most ${formatDuration(step.wait.timeout)})`,
      ),
      displayEnv: '',
      check,
      wait: { check, timeoutMs: step.wait.timeout, everyMs: step.wait.every, holdForMs: step.wait.holdFor },
    };
  }
  if (step.confirm !== undefined) {
    const prompt = redactor.redact(renderTemplate(step.confirm, ctx).trim());
    return { ...base, host: null, display: prompt, displayEnv: '', confirm: prompt };
  }
  const note = redactor.redact(renderTemplate(step.note ?? '', ctx).trimEnd());
  return { ...base, host: null, display: note, displayEnv: '', note };
}

/**
 * The plan for a run with checked inputs (see resolveInputs). Throws PlanError when the runbook
 * cannot run with this config (the reason is the runbook's `unavailable` message).
 */
export function planRun(runbook: Runbook, inputs: Record<string, InputValue>, config: Config, redactor: Redactor): RunPlan {
  if (runbook.unavailable) throw new PlanError(runbook.unavailable);
  const secretInputs = Object.entries(runbook.inputs)
    .filter(([, spec]) => spec.secret)
    .map(([name]) => String(inputs[name] ?? ''))
    .filter(Boolean);
  const mask = secretInputs.length ? redactor.with(secretInputs) : redactor;
  return {
    runbook,
    part: null,
    inputs,
    steps: runbook.steps.map((step, index) => planStep(step, 'main', index, config, inputs, mask)),
    rollback: runbook.rollback.map((step, index) => planStep(step, 'rollback', index, config, inputs, mask)),
    redactor: mask,
  };
}

/**
 * The inputs a run of the runbook (or of one part) uses: named in its steps' templates or
 * `when`, in the order the runbook declares them. A form asks for these and no others.
 */
export function inputsUsed(runbook: Runbook, part: string | null = null): string[] {
  const only = runScope(runbook, part).part?.steps ?? null;
  const steps = only ? runbook.steps.filter((s) => only.includes(s.id)) : [...runbook.steps, ...runbook.rollback];
  const used = new Set<string>();
  for (const step of steps) {
    if (step.when) used.add(step.when.input);
    for (const { text } of templatedStrings(step))
      for (const ref of scanTemplate(text).refs) if (ref.namespace === 'inputs') used.add(ref.name);
  }
  return Object.keys(runbook.inputs).filter((name) => used.has(name));
}

export type RunbookPart = Runbook['parts'][string];

/**
 * What a run of the runbook, or of one of its parts, covers: the part (null: the whole
 * runbook) and whether it counts as dangerous (a part's own flag, else the runbook's). Throws
 * PlanError for a part the runbook does not have.
 */
export function runScope(runbook: Runbook, name: string | null): { part: RunbookPart | null; dangerous: boolean } {
  if (name === null) return { part: null, dangerous: runbook.dangerous };
  const part = Object.hasOwn(runbook.parts, name) ? runbook.parts[name] : undefined;
  if (!part) {
    const names = Object.keys(runbook.parts);
    throw new PlanError(`${runbook.id} has no part "${name}" (parts: ${names.length ? names.join(', ') : 'none'})`);
  }
  return { part, dangerous: part.dangerous ?? runbook.dangerous };
}

/**
 * The plan narrowed to one of the runbook's parts: its steps in the runbook's order, numbered
 * afresh, and no rollback (a part checks or does one thing; undoing is the whole runbook's job).
 */
export function selectPart(plan: RunPlan, name: string): RunPlan {
  const { runbook } = plan;
  const { part, dangerous } = runScope(runbook, name);
  if (!part) return plan;
  const steps = plan.steps.filter((step) => part.steps.includes(step.id)).map((step, index) => ({ ...step, index }));
  return {
    ...plan,
    runbook: { ...runbook, title: `${runbook.title}: ${part.title}`, dangerous },
    part: name,
    steps,
    rollback: [],
  };
}

/** The dry run: every step's host and exact command, nothing run. */
export function formatPlan(plan: RunPlan, config: Config): string {
  const { runbook } = plan;
  const where = (host: string | null, kind: StepKind): string => {
    if (host === null) return kind === 'confirm' || kind === 'note' ? 'operator' : 'this machine';
    const entry = config.hosts[host];
    if (entry?.local) return `${host} (local)`;
    const ssh = entry?.ssh;
    return `${host} (ssh ${ssh?.user ? `${ssh.user}@` : ''}${ssh?.host ?? entry?.address ?? host}${ssh?.port && ssh.port !== 22 ? `:${ssh.port}` : ''})`;
  };
  const shown = Object.entries(plan.inputs).map(([k, v]) => `${k}=${runbook.inputs[k]?.secret ? '***' : String(v)}`);
  const lines = [
    `${runbook.id}${plan.part ? ` --part ${plan.part}` : ''} · ${runbook.title}${runbook.dangerous ? ' · dangerous' : ''}`,
    'dry run: nothing is run, nothing is locked or logged',
    ...(shown.length ? [`inputs: ${shown.join(' ')}`] : []),
  ];
  const width = Math.max(...[...plan.steps, ...plan.rollback].map((s) => s.id.length));
  const step = (s: PlannedStep, label: string): string[] => {
    const head = `${label.padStart(4)} ${s.id.padEnd(width)}  ${s.kind.padEnd(7)} ${where(s.host, s.kind)}`;
    const out = [head];
    if (s.title !== s.id) out.push(`${' '.repeat(6)}${s.title}`);
    if (s.skip) out.push(`${' '.repeat(6)}skipped: ${s.skip}`);
    if (s.displayEnv) out.push(`${' '.repeat(6)}env ${s.displayEnv}`);
    const detail = s.run ? `$ ${s.display}` : s.display;
    for (const line of detail.split('\n')) out.push(`${' '.repeat(6)}${line}`);
    if (s.run) {
      out.push(
        `${' '.repeat(6)}timeout ${formatDuration(s.run.timeoutMs)}, expect exit ${s.run.exit.join(' or ')}${s.run.output ? `, output matching /${s.run.output}/` : ''}${s.onFailure === 'continue' ? '; on failure: continue' : ''}`,
      );
    } else if (s.onFailure === 'continue') out.push(`${' '.repeat(6)}on failure: continue`);
    return out;
  };
  lines.push('steps:');
  for (const [i, s] of plan.steps.entries()) lines.push(...step(s, `${i + 1}.`));
  if (plan.rollback.length) {
    lines.push('rollback (when a step fails and the run stops):');
    for (const [i, s] of plan.rollback.entries()) lines.push(...step(s, `R${i + 1}.`));
  }
  return `${lines.join('\n')}\n`;
}
