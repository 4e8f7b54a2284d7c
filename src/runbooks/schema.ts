// A runbook file's shape. Validated through readUserFile/validateDocument, so every problem is
// one line FILE:LINE:COL path: message. Two levels: `runbookSchema(null)` checks the file on its
// own (shape, step ids, inputs, template references to inputs); `runbookSchema(config)` also
// checks what depends on the config: hosts, site values, host addresses.
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { duration } from '../config/schema.js';
import { suggest } from '../config/user-file.js';
import { STEP_KINDS } from '../model/runs.js';
import { hostFields, parseHostField, templatedStrings } from './fields.js';
import { checkInputValue, type InputSpec } from './inputs.js';
import { misplacedInputs } from './shell-places.js';
import { scanTemplate, type TemplateRef } from './template.js';

export { hostFields, parseHostField, templatedStrings };

type Path = (string | number)[];

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');
const inputName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and "_", not starting with a digit');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const inputSchema = z
  .strictObject({
    type: z.enum(['string', 'integer', 'number', 'boolean', 'enum']),
    description: z.string().optional(),
    required: z.boolean().optional().describe('Default: required unless it has a default'),
    default: scalar.optional(),
    min: z.number().optional().describe('Numbers: smallest value; strings: shortest length'),
    max: z.number().optional().describe('Numbers: largest value; strings: longest length'),
    pattern: z.string().optional().describe('Strings: a regular expression the whole value must match'),
    values: z.array(z.string()).min(1).optional().describe('enum: the allowed values'),
    secret: z.boolean().default(false).describe('Never shown, logged or kept in the run state'),
  })
  .superRefine((input, rawCtx) => {
    let problems = 0;
    const ctx = {
      addIssue: (issue: { code: 'custom'; path: Path; message: string }) => {
        problems++;
        rawCtx.addIssue(issue);
      },
    };
    if (input.type === 'enum' && !input.values)
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'an enum input needs values: [...]' });
    if (input.type !== 'enum' && input.values)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `values belong to enum inputs, not ${input.type}` });
    if (input.pattern !== undefined) {
      if (input.type !== 'string')
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `pattern belongs to string inputs, not ${input.type}` });
      else {
        try {
          new RegExp(input.pattern);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a regular expression: ${(error as Error).message}` });
        }
      }
    }
    if ((input.min !== undefined || input.max !== undefined) && (input.type === 'boolean' || input.type === 'enum')) {
      ctx.addIssue({
        code: 'custom',
        path: [input.min !== undefined ? 'min' : 'max'],
        message: `min and max do not apply to ${input.type} inputs`,
      });
    }
    if (input.min !== undefined && input.max !== undefined && input.min > input.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max ${input.max} is less than min ${input.min}` });
    }
    if (input.default !== undefined && problems === 0) {
      const checked = checkInputValue(input, input.default);
      if ('error' in checked) ctx.addIssue({ code: 'custom', path: ['default'], message: `the default ${checked.error}` });
      else if (input.type !== 'string' && input.type !== 'enum' && typeof input.default === 'string') {
        ctx.addIssue({ code: 'custom', path: ['default'], message: `write the default as a ${input.type}, not in quotes` });
      }
    }
    if (input.secret && input.default !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: 'a secret input cannot have a default (it would be written in the file)',
      });
  });

const dnsCheck = z.strictObject({
  server: z.string().min(1).describe('address[:port] of the DNS server asked'),
  name: z.string().min(1).describe('The name asked for'),
  type: z.enum(['A', 'AAAA', 'TXT']).default('A'),
  expect: z.enum(['answering', 'failing']).default('answering'),
});
const containerCheck = z.strictObject({
  host: z.string().min(1),
  name: z.string().min(1).describe('Container name'),
  expect: z.enum(['healthy', 'running']).default('healthy'),
});
const backupCheck = z
  .strictObject({
    set: name.optional().describe('A backup set of the config: its host, path, glob, and schedule as maxAge'),
    host: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    glob: z.string().optional().describe('Which files count, e.g. "*.dump"; default all files'),
    maxAge: duration.optional(),
  })
  .superRefine((backup, ctx) => {
    if (backup.set === undefined) {
      if (backup.host === undefined)
        ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required (or name a backup set with set:)' });
      else if (backup.path === undefined)
        ctx.addIssue({ code: 'custom', path: ['path'], message: 'is required (or name a backup set with set:)' });
      else if (backup.maxAge === undefined)
        ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'is required (or name a backup set with set:)' });
    } else if (backup.host !== undefined || backup.path !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [backup.host !== undefined ? 'host' : 'path'],
        message: 'give either set: or host: and path:, not both',
      });
    }
  });
const tcpCheck = z.strictObject({
  host: z.string().min(1).describe('A host of the config (its address) or an address'),
  port: z.number().int().min(1).max(65535),
  expect: z.enum(['open', 'closed']).default('open'),
});
const httpCheck = z.strictObject({
  url: z.string().min(1),
  status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).default(200),
  expect: z.enum(['ok', 'failing']).default('ok').describe('ok: the status is one of status; failing: it is not, or no answer'),
});

const drillCheck = z.strictObject({
  set: name.describe('A backup set of the config with a drill: (homeops drill): its newest backup is restored and checked'),
});

const CHECK_KINDS = ['dns', 'container', 'backup', 'tcp', 'http', 'drill'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const checkSchema = z
  .strictObject({
    dns: dnsCheck.optional(),
    container: containerCheck.optional(),
    backup: backupCheck.optional(),
    tcp: tcpCheck.optional(),
    http: httpCheck.optional(),
    drill: drillCheck.optional(),
    timeout: duration.default(5000).describe('Time allowed for one try of the check'),
  })
  .superRefine((check, ctx) => {
    const kinds = CHECK_KINDS.filter((k) => check[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: kinds[1] ? [kinds[1]] : [],
        message: `a check needs exactly one of ${CHECK_KINDS.join(', ')}${kinds.length ? ` (has ${kinds.join(' and ')})` : ''}`,
      });
    }
  })
  .transform((check) => ({ ...check, kind: CHECK_KINDS.find((k) => check[k] !== undefined) ?? 'dns' }));

const exitCodes = z.union([z.number().int().min(0).max(255), z.array(z.number().int().min(0).max(255)).min(1)]);

const runSchema = z
  .strictObject({
    host: z.string().min(1).describe('A host of the config, or {{site.NAME}} naming one'),
    command: z.string().min(1).optional().describe('A shell command line'),
    argv: z.array(z.string()).min(1).optional().describe('Or a program and its arguments, no shell'),
    env: z.record(envName, z.string()).optional().describe('Environment for the command; values may use templates'),
    timeout: duration.default(60_000).describe('The command is stopped (on the host too) after this long'),
    expect: z
      .strictObject({
        exit: exitCodes.default(0).describe('Exit code(s) that count as success'),
        output: z.string().optional().describe('A regular expression the output (stdout and stderr) must match'),
      })
      .prefault({}),
  })
  .superRefine((run, ctx) => {
    if ((run.command === undefined) === (run.argv === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: run.command !== undefined ? ['argv'] : [],
        message: 'a run step needs exactly one of command (a shell line) or argv (a program and its arguments)',
      });
    }
    if (run.expect.output !== undefined) {
      try {
        new RegExp(run.expect.output, 'm');
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['expect', 'output'], message: `not a regular expression: ${(error as Error).message}` });
      }
    }
  });

const waitSchema = z.strictObject({
  check: checkSchema,
  timeout: duration.describe('Give up (the step fails) after this long'),
  every: duration.default(5000).describe('Time between tries'),
  holdFor: duration.default(0).describe('The check must hold this long without a break (e.g. "down for 60s")'),
});

const stepSchema = z
  .strictObject({
    id: name,
    title: z.string().optional(),
    when: z
      .strictObject({
        input: z.string(),
        is: z.union([scalar, z.array(scalar).min(1)]),
      })
      .optional()
      .describe('Run the step only when an input has this value (or one of these)'),
    onFailure: z.enum(['stop', 'continue']).default('stop'),
    run: runSchema.optional(),
    check: checkSchema.optional(),
    wait: waitSchema.optional(),
    confirm: z.string().min(1).optional().describe('A question for the operator; no stops the run'),
    note: z.string().min(1).optional().describe('Text shown to the operator'),
  })
  .superRefine((step, ctx) => {
    const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: kinds[1] ? [kinds[1]] : [],
        message: `a step needs exactly one of ${STEP_KINDS.join(', ')}${kinds.length ? ` (has ${kinds.join(' and ')})` : ''}`,
      });
    }
  })
  .transform((step) => ({ ...step, kind: STEP_KINDS.find((k) => step[k] !== undefined) ?? 'note' }));

export type RunbookStep = z.output<typeof stepSchema>;
export type RunSpec = z.output<typeof runSchema>;
export type CheckSpec = z.output<typeof checkSchema>;
export type WaitSpec = z.output<typeof waitSchema>;

// What a trigger watches: services of the services pane picked by name, host, check kind,
// priority or standby, all (or any) of them down or up. docs/services.md, "Triggers".
const serviceSelector = z.strictObject({
  name: z.array(name).min(1).optional().describe('These services (names of services.list)'),
  runsOn: name.optional().describe('The services that run on this host'),
  kind: z.enum(['http', 'tcp', 'tls', 'dns', 'container']).optional().describe('The services checked this way'),
  priority: z
    .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
    .min(1)
    .optional(),
  standby: z.boolean().optional().describe("true: only the standby services (the NAS's backup services); false: none of them"),
});

export const triggerConditionSchema = z.strictObject({
  services: serviceSelector,
  state: z.enum(['down', 'up']).describe('down: failing their checks; up: answering them'),
  match: z.enum(['all', 'any']).default('all').describe('all of the services picked, or any one of them'),
});

export const triggerSchema = z.strictObject({
  when: z
    .union([triggerConditionSchema, z.array(triggerConditionSchema).min(1)])
    .describe('The condition on the services, or a list of conditions that must all hold'),
  for: duration.describe('How long the condition must have held'),
  reason: z.string().min(1).describe('Why the runbook is called for, in words, as the banner and `status` say it'),
  response: z
    .enum(['offer', 'auto'])
    .default('offer')
    .describe(
      'offer: the console shows a banner and `status` lists it; auto: for the watcher to run (runbooks.triggers in the config overrides this)',
    ),
  supersedes: z.array(name).default([]).describe('Runbooks not offered while this one is (a primary failover includes the DNS failover)'),
});

export type TriggerSpec = z.output<typeof triggerSchema>;
export type TriggerCondition = z.output<typeof triggerConditionSchema>;

const baseSchema = z.strictObject({
  $schema: z.string().optional(),
  id: name.describe('What `homeops runbook run ID` and key bindings call it'),
  title: z.string().min(1),
  description: z.string().optional(),
  hosts: z.array(name).optional().describe('The hosts the runbook acts on; a step naming its host directly must name one of them'),
  dangerous: z.boolean().default(false).describe('Changes things: refused in read-only mode'),
  inputs: z.record(inputName, inputSchema).default({}),
  steps: z.array(stepSchema).min(1),
  rollback: z.array(stepSchema).default([]).describe('Run when a step fails and the run stops'),
  trigger: triggerSchema.optional().describe('When the situation calls for this runbook: the console offers it, or the watcher runs it'),
  parts: z
    .record(
      name,
      z.strictObject({
        title: z.string().min(1),
        steps: z.array(name).min(1).describe("Ids of main steps; they run in the runbook's order"),
        dangerous: z.boolean().optional().describe("Default: the runbook's own"),
      }),
    )
    .default({})
    .describe('Named subsets of the steps that can be run alone (`--part NAME`), without rollback'),
});

export type RunbookDoc = z.output<typeof baseSchema>;

type Issue = { path: Path; message: string };

/** Backup sets named by `set:`, with their paths. */
function backupSets(step: RunbookStep): { path: Path; set: string; drill?: true }[] {
  const out: { path: Path; set: string; drill?: true }[] = [];
  if (step.check?.backup?.set !== undefined) out.push({ path: ['check', 'backup', 'set'], set: step.check.backup.set });
  if (step.wait?.check.backup?.set !== undefined) out.push({ path: ['wait', 'check', 'backup', 'set'], set: step.wait.check.backup.set });
  if (step.check?.drill) out.push({ path: ['check', 'drill', 'set'], set: step.check.drill.set, drill: true });
  if (step.wait?.check.drill) out.push({ path: ['wait', 'check', 'drill', 'set'], set: step.wait.check.drill.set, drill: true });
  return out;
}

function known(list: readonly string[]): string {
  return list.length ? list.join(', ') : 'none';
}

function didYouMean(word: string, list: readonly string[]): string {
  const hint = suggest(word, list);
  return hint ? `did you mean "${hint}"?` : `have: ${known(list)}`;
}

/** What the file says on its own: ids, `when`, references to inputs, literal hosts and URLs. */
function checkRunbook(doc: RunbookDoc): Issue[] {
  const issues: Issue[] = [];
  const inputs = Object.keys(doc.inputs);
  const seen = new Map<string, string>();
  const all: { section: 'steps' | 'rollback'; index: number; step: RunbookStep }[] = [
    ...doc.steps.map((step, index) => ({ section: 'steps' as const, index, step })),
    ...doc.rollback.map((step, index) => ({ section: 'rollback' as const, index, step })),
  ];
  for (const { section, index, step } of all) {
    const at = (path: Path): Path => [section, index, ...path];
    const previous = seen.get(step.id);
    if (previous) issues.push({ path: at(['id']), message: `step id "${step.id}" is used twice (also ${previous})` });
    seen.set(step.id, `${section}.${index}`);
    if (step.when) {
      const spec = doc.inputs[step.when.input];
      if (!spec)
        issues.push({ path: at(['when', 'input']), message: `no input "${step.when.input}" (${didYouMean(step.when.input, inputs)})` });
      else {
        for (const value of Array.isArray(step.when.is) ? step.when.is : [step.when.is]) {
          const checked = checkInputValue(spec, value);
          if ('error' in checked) issues.push({ path: at(['when', 'is']), message: `input ${step.when.input}: ${checked.error}` });
        }
      }
    }
    for (const { path, text } of templatedStrings(step)) {
      const scan = scanTemplate(text);
      for (const problem of scan.problems) issues.push({ path: at(path), message: problem.message });
      for (const ref of scan.refs) {
        if (ref.namespace === 'inputs' && !inputs.includes(ref.name)) {
          issues.push({ path: at(path), message: `${ref.text}: no input "${ref.name}" (${didYouMean(ref.name, inputs)})` });
        }
      }
    }
    // An input goes into a shell line as one quoted word: only where the shell reads it so.
    if (step.run) for (const { path, message } of misplacedInputs(step.run, scanTemplate)) issues.push({ path: at(path), message });
    for (const { path, value } of hostFields(step)) {
      const parsed = parseHostField(value);
      if ('error' in parsed) issues.push({ path: at(path), message: parsed.error });
      else if ('name' in parsed && doc.hosts && !doc.hosts.includes(parsed.name)) {
        issues.push({ path: at(path), message: `host "${parsed.name}" is not in this runbook's hosts (${known(doc.hosts)})` });
      }
    }
    const url = step.check?.http?.url ?? step.wait?.check.http?.url;
    if (url !== undefined && !url.includes('{{') && !/^https?:\/\/[^\s/?#]+/.test(url)) {
      issues.push({
        path: at([step.check ? 'check' : 'wait', ...(step.wait ? ['check'] : []), 'http', 'url']),
        message: `"${url}" is not an http:// or https:// URL`,
      });
    }
  }
  const stepIds = doc.steps.map((step) => step.id);
  for (const [partName, part] of Object.entries(doc.parts)) {
    part.steps.forEach((id, index) => {
      if (!stepIds.includes(id))
        issues.push({ path: ['parts', partName, 'steps', index], message: `no step "${id}" in steps (${didYouMean(id, stepIds)})` });
      else if (part.steps.indexOf(id) !== index)
        issues.push({ path: ['parts', partName, 'steps', index], message: `step "${id}" is listed twice` });
    });
  }
  return issues;
}

/** What depends on the config: hosts exist and can run commands, site values, addresses, backup sets. */
export function checkAgainstConfig(doc: RunbookDoc, config: Config): Issue[] {
  const issues: Issue[] = [];
  const hostNames = Object.keys(config.hosts);
  const site = config.runbooks?.site ?? {};
  const siteNames = Object.keys(site);
  const inputs = Object.keys(doc.inputs);
  const sets = (config.backups?.sets ?? []).map((s) => s.name);
  const hostProblem = (host: string): string | undefined => {
    const entry = Object.hasOwn(config.hosts, host) ? config.hosts[host] : undefined;
    if (!entry) return `no host "${host}" in the config (${didYouMean(host, hostNames)})`;
    if (!entry.local && !entry.ssh) return `host "${host}" can run nothing: give it ssh: (or local: true) in the config`;
    return undefined;
  };
  const refProblem = (ref: TemplateRef, via?: string): string | undefined => {
    const where = via ? `site value "${via}" uses ${ref.text}: ` : `${ref.text}: `;
    if (ref.namespace === 'inputs')
      return via && !inputs.includes(ref.name) ? `${where}no input "${ref.name}" in this runbook (${known(inputs)})` : undefined;
    if (ref.namespace === 'site') {
      if (via) return `${where}a site value cannot use another site value`;
      if (!Object.hasOwn(site, ref.name)) return `${where}no runbooks.site.${ref.name} in the config (${didYouMean(ref.name, siteNames)})`;
      return undefined;
    }
    const entry = Object.hasOwn(config.hosts, ref.name) ? config.hosts[ref.name] : undefined;
    if (!entry) return `${where}no host "${ref.name}" in the config (${didYouMean(ref.name, hostNames)})`;
    if (entry.address === undefined) return `${where}host "${ref.name}" has no address in the config`;
    return undefined;
  };
  const all: { section: 'steps' | 'rollback'; index: number; step: RunbookStep }[] = [
    ...doc.steps.map((step, index) => ({ section: 'steps' as const, index, step })),
    ...doc.rollback.map((step, index) => ({ section: 'rollback' as const, index, step })),
  ];
  for (const { section, index, step } of all) {
    const at = (path: Path): Path => [section, index, ...path];
    for (const { path, text } of templatedStrings(step)) {
      for (const ref of scanTemplate(text).refs) {
        const problem = refProblem(ref);
        if (problem) {
          issues.push({ path: at(path), message: problem });
          continue;
        }
        if (ref.namespace === 'site') {
          const inner = scanTemplate(site[ref.name] ?? '');
          for (const p of inner.problems) issues.push({ path: at(path), message: `site value "${ref.name}": ${p.message}` });
          for (const innerRef of inner.refs) {
            const innerProblem = refProblem(innerRef, ref.name);
            if (innerProblem) issues.push({ path: at(path), message: innerProblem });
          }
        }
      }
    }
    // Site values are shell text put in as they are: an input in one is placed with their quotes.
    if (step.run && issues.length === 0) {
      for (const { path, message } of misplacedInputs(step.run, scanTemplate, (name) =>
        Object.hasOwn(site, name) ? site[name] : undefined,
      ))
        issues.push({ path: at(path), message });
    }
    for (const { path, value } of hostFields(step)) {
      const parsed = parseHostField(value);
      if ('error' in parsed) continue;
      let host: string;
      if ('site' in parsed) {
        const named = Object.hasOwn(site, parsed.site) ? site[parsed.site] : undefined;
        if (named === undefined) {
          issues.push({ path: at(path), message: `no runbooks.site.${parsed.site} in the config (${didYouMean(parsed.site, siteNames)})` });
          continue;
        }
        // The site decides where (the host that changes the router's DHCP, say): it is not
        // held to the runbook's own list of hosts.
        host = named.trim();
      } else host = parsed.name;
      const problem = hostProblem(host);
      if (problem) issues.push({ path: at(path), message: 'site' in parsed ? `runbooks.site.${parsed.site}: ${problem}` : problem });
    }
    for (const { path, set, drill } of backupSets(step)) {
      const found = config.backups?.sets.find((s) => s.name === set);
      if (!found)
        issues.push({ path: at(path), message: `no backup set "${set}" in the config's backups.sets (${didYouMean(set, sets)})` });
      else if (drill && !found.drill)
        issues.push({
          path: at(path),
          message: `backup set "${set}" has no drill: in the config (how it is restored to prove it: docs/backups.md, "Drills")`,
        });
      else {
        const problem = hostProblem(drill ? (found.drill?.host ?? found.host) : found.host);
        if (problem) issues.push({ path: at(path), message: `backup set "${set}": ${problem}` });
      }
    }
  }
  for (const [index, host] of (doc.hosts ?? []).entries()) {
    if (!Object.hasOwn(config.hosts, host))
      issues.push({ path: ['hosts', index], message: `no host "${host}" in the config (${didYouMean(host, hostNames)})` });
  }
  // A trigger's services: the hosts it names exist; the services it names, where the config
  // lists services (without them the trigger never holds, and the console says nothing of it).
  if (doc.trigger) {
    const when = doc.trigger.when;
    const conditions = Array.isArray(when) ? when : [when];
    const services = config.services?.list.map((s) => s.name) ?? [];
    conditions.forEach((condition, index) => {
      const at = Array.isArray(when) ? ['trigger', 'when', index, 'services'] : ['trigger', 'when', 'services'];
      const host = condition.services.runsOn;
      if (host !== undefined && !Object.hasOwn(config.hosts, host))
        issues.push({ path: [...at, 'runsOn'], message: `no host "${host}" in the config (${didYouMean(host, hostNames)})` });
      if (!config.services) return;
      (condition.services.name ?? []).forEach((service, i) => {
        if (!services.includes(service))
          issues.push({
            path: [...at, 'name', i],
            message: `no service "${service}" in the config's services.list (${didYouMean(service, services)})`,
          });
      });
    });
  }
  return issues;
}

/** The schema a runbook file is validated with; with a config, references to it are checked too. */
export function runbookSchema(config: Config | null) {
  return baseSchema.superRefine((doc, ctx) => {
    const issues = checkRunbook(doc);
    if (!issues.length && config) issues.push(...checkAgainstConfig(doc, config));
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
}

export type InputSpecs = Record<string, InputSpec>;
