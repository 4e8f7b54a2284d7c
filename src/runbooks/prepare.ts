// From a runbook and what the operator gave (--input pairs, a form) to a plan: inputs checked,
// secrets collected for the redactor, templates resolved. The CLI and the console share it.

import { clockOf, describeWindow, nextWindow, windowAt } from '../config/maintenance.js';
import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { InputValue } from '../model/runs.js';
import { InputError, isRequired, resolveInputs } from './inputs.js';
import type { Runbook } from './load.js';
import { type PlannedStep, planRun, type RunPlan, selectPart } from './plan.js';
import { buildRedactor } from './redact.js';
import type { RunState } from './state.js';

export type PrepareContext = {
  config: Config;
  env: Env;
  /** The clock the maintenance window is judged by. */
  now?: () => number;
  /** A saved run resumed: it was agreed to when it started, and its steps are the ones saved. */
  resuming?: boolean;
};

/** The step that asks before the maintenance window's runbook runs outside the window. */
function outsideWindowStep(config: Config, now: number): PlannedStep | null {
  const window = config.maintenance;
  if (!window || windowAt(window, now)) return null;
  const next = nextWindow(window, now);
  const when = next ? `; the next begins ${new Date(next.from).toDateString().slice(0, 10)} ${clockOf(next.from)}` : '';
  const prompt = `It is not the maintenance window (${describeWindow(window)}${when}). Run it now anyway?`;
  return {
    id: 'outside-window',
    title: 'Outside the maintenance window',
    kind: 'confirm',
    phase: 'main',
    index: 0,
    onFailure: 'stop',
    skip: undefined,
    host: null,
    display: prompt,
    displayEnv: '',
    confirm: prompt,
  };
}

/**
 * Throws InputError for bad or missing inputs, PlanError when the config cannot serve it or the
 * runbook has no such part. With a part, only its steps are planned. The maintenance window's
 * runbook (maintenance.runbook), run whole outside the window, first asks whether to go on; the
 * runbook's own outsideWindow input is then set, so that its own check of the time does not
 * refuse what the operator agreed to.
 */
export function prepareRun(
  runbook: Runbook,
  given: Readonly<Record<string, string | InputValue>>,
  context: PrepareContext,
  part?: string | null,
): RunPlan {
  const { config, env } = context;
  const ask =
    !part && !context.resuming && config.maintenance?.runbook === runbook.id
      ? outsideWindowStep(config, (context.now ?? Date.now)())
      : null;
  const withWindow =
    ask && runbook.inputs.outsideWindow?.type === 'boolean' && !Object.hasOwn(given, 'outsideWindow')
      ? { ...given, outsideWindow: true }
      : given;
  const inputs = resolveInputs(runbook.id, runbook.inputs, withWindow, env);
  const plan = planRun(runbook, inputs, config, buildRedactor({ env, config }));
  if (part) return selectPart(plan, part);
  return ask ? { ...plan, steps: [ask, ...plan.steps.map((step) => ({ ...step, index: step.index + 1 }))] } : plan;
}

/**
 * The plan for resuming a saved run: its inputs as they were; secret inputs, which were not
 * kept, must be given again. Changing a kept input is refused (the done steps used it).
 */
export function prepareResume(
  runbook: Runbook,
  state: RunState,
  given: Readonly<Record<string, string | InputValue>>,
  context: PrepareContext,
): RunPlan {
  for (const [key, value] of Object.entries(given)) {
    if (Object.hasOwn(state.inputs, key) && String(state.inputs[key]) !== String(value)) {
      throw new InputError(`run ${state.runId} used ${key}=${String(state.inputs[key])}; a resumed run keeps its inputs`);
    }
  }
  const missing = state.secretInputs.filter((name) => !Object.hasOwn(given, name) && !context.env[`HOMEOPS_INPUT_${name.toUpperCase()}`]);
  if (missing.length) {
    throw new InputError(
      `secret input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not kept with run ${state.runId}: give ${missing.length > 1 ? 'them' : 'it'} again (--input ${missing[0]}=… or HOMEOPS_INPUT_${(missing[0] ?? '').toUpperCase()})`,
    );
  }
  // An optional input that had no value was kept as "": it is absent again, not a value to check
  // (a pattern would refuse the empty string the first run never checked).
  const known = Object.fromEntries(
    Object.entries(state.inputs).filter(([k, v]) => {
      const spec = Object.hasOwn(runbook.inputs, k) ? runbook.inputs[k] : undefined;
      return spec !== undefined && !(v === '' && !isRequired(spec) && spec.default === undefined);
    }),
  );
  // A run that was agreed to outside the maintenance window is not asked about again.
  return prepareRun(runbook, { ...known, ...given }, { ...context, resuming: true }, state.part ?? null);
}
