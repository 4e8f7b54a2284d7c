// The inputs a run uses, asked in a form that opens with their defaults (or HOMEOPS_INPUT_*) and
// is asked again, with the reason, until the values are good or it is cancelled.

import type { Env } from '../../config/paths.js';
import type { Config } from '../../config/schema.js';
import { envNameFor, InputError, isRequired } from '../../runbooks/inputs.js';
import type { Runbook } from '../../runbooks/load.js';
import type { RunPlan } from '../../runbooks/plan.js';
import { prepareRun } from '../../runbooks/prepare.js';
import type { FormField } from '../../ui/console-state.js';
import { errorText } from './deps.js';
import type { Prompts, Values } from './prompts.js';

/** The plan, or null when the operator cancelled or the runbook cannot be planned (said). */
export async function planWithForm(
  deps: { config: Config; env: Env; prompts: Prompts },
  runbook: Runbook,
  part: string | null,
  names: readonly string[],
  submit: string,
): Promise<RunPlan | null> {
  const { config, env, prompts } = deps;
  const fields: FormField[] = names.map((name) => {
    const spec = runbook.inputs[name];
    const choices = spec?.type === 'enum' ? (spec.values ?? []) : spec?.type === 'boolean' ? ['true', 'false'] : null;
    return {
      name,
      description: spec?.description ?? '',
      choices,
      secret: spec?.secret ?? false,
      required: spec ? isRequired(spec) : false,
    };
  });
  let values: Values = Object.fromEntries(
    names.map((name) => {
      const fromEnv = env[envNameFor(name)];
      const fallback = runbook.inputs[name]?.default;
      return [name, fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback === undefined ? '' : String(fallback)];
    }),
  );
  let error: string | null = null;
  let focus = 0;
  const name = part ? `${runbook.id} · ${part}` : runbook.id;
  for (;;) {
    const asked = await prompts.askInputs({
      kind: 'inputs',
      title: `${name} · inputs`,
      fields,
      values,
      error,
      focus,
      submit,
      lines: [runbook.title, `Other inputs keep their defaults; from a shell: homeops runbook run ${runbook.id} --input KEY=VALUE`],
    });
    if (asked.answer !== 'yes') return null;
    values = asked.values;
    // An empty field gives no value: the default (or the environment's) stands.
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    try {
      return prepareRun(runbook, given, { config, env }, part);
    } catch (caught) {
      if (!(caught instanceof InputError)) {
        prompts.notice(`${runbook.id} cannot start`, [errorText(caught)], 'crit');
        return null;
      }
      error = caught.input ? `${caught.input}: ${caught.problem ?? caught.message}` : caught.message;
      focus = Math.max(0, names.indexOf(caught.input ?? ''));
    }
  }
}
