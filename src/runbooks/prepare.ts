// From a runbook and what the operator gave (--input pairs, a form) to a plan: inputs checked,
// secrets collected for the redactor, templates resolved. The CLI and the console share it.
import type { Config } from '../config/schema.js';
import type { Env } from '../config/paths.js';
import { InputError, isRequired, resolveInputs, type InputValue } from './inputs.js';
import type { Runbook } from './load.js';
import { planRun, selectPart, type RunPlan } from './plan.js';
import { buildRedactor } from './redact.js';
import type { RunState } from './state.js';

export type PrepareContext = { config: Config; env: Env };

/**
 * Throws InputError for bad or missing inputs, PlanError when the config cannot serve it or the
 * runbook has no such part. With a part, only its steps are planned.
 */
export function prepareRun(runbook: Runbook, given: Readonly<Record<string, string | InputValue>>, { config, env }: PrepareContext, part?: string | null): RunPlan {
  const inputs = resolveInputs(runbook.id, runbook.inputs, given, env);
  const plan = planRun(runbook, inputs, config, buildRedactor({ env, config }));
  return part ? selectPart(plan, part) : plan;
}

/**
 * The plan for resuming a saved run: its inputs as they were; secret inputs, which were not
 * kept, must be given again. Changing a kept input is refused (the done steps used it).
 */
export function prepareResume(runbook: Runbook, state: RunState, given: Readonly<Record<string, string | InputValue>>, context: PrepareContext): RunPlan {
  for (const [key, value] of Object.entries(given)) {
    if (Object.hasOwn(state.inputs, key) && String(state.inputs[key]) !== String(value)) {
      throw new InputError(`run ${state.runId} used ${key}=${String(state.inputs[key])}; a resumed run keeps its inputs`);
    }
  }
  const missing = state.secretInputs.filter((name) => !Object.hasOwn(given, name) && !context.env[`HOMEOPS_INPUT_${name.toUpperCase()}`]);
  if (missing.length) {
    throw new InputError(`secret input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not kept with run ${state.runId}: give ${missing.length > 1 ? 'them' : 'it'} again (--input ${missing[0]}=… or HOMEOPS_INPUT_${(missing[0] ?? '').toUpperCase()})`);
  }
  // An optional input that had no value was kept as "": it is absent again, not a value to check
  // (a pattern would refuse the empty string the first run never checked).
  const known = Object.fromEntries(Object.entries(state.inputs).filter(([k, v]) => {
    const spec = Object.hasOwn(runbook.inputs, k) ? runbook.inputs[k] : undefined;
    return spec !== undefined && !(v === '' && !isRequired(spec) && spec.default === undefined);
  }));
  return prepareRun(runbook, { ...known, ...given }, context, state.part ?? null);
}
