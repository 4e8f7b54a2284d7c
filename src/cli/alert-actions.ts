// What the console's ack and silence keys do, apart from the controller: the keys of what is
// wrong in a pane, the form that asks what to silence and for how long, and the writes (the
// silences file and the audit log, through src/alerts/silences.ts).
import { paneAlertKeys } from '../alerts/conditions.js';
import { addAcks, addSilence } from '../alerts/silences.js';
import type { Env } from '../config/paths.js';
import { parseDuration } from '../config/units.js';
import type { PaneId } from '../model/panes.js';
import type { Snapshot } from '../model/snapshot.js';
import type { FormField, Prompt } from '../ui/console-state.js';

export const SILENCE_LENGTHS = ['30m', '1h', '2h', '4h', '8h', '1d'] as const;

export type AlertActionDeps = { env: Env; demo: string | null; snapshot(): Snapshot | null };

/** Acknowledges what is wrong in the pane now; the words for the status bar. */
export function acknowledge(pane: PaneId, deps: AlertActionDeps): { text: string; tone: 'ok' | 'plain' } {
  const snapshot = deps.snapshot();
  const keys = snapshot ? paneAlertKeys(snapshot, pane) : [];
  if (keys.length === 0) return { text: `${pane} has no alerts to acknowledge`, tone: 'plain' };
  addAcks(keys, { from: 'console', env: deps.env, demo: deps.demo });
  return {
    text: `acknowledged ${keys.length === 1 ? keys[0] : `${keys.length} alerts of ${pane}`}: no reminders until ${keys.length === 1 ? 'it resolves' : 'they resolve'}`,
    tone: 'ok',
  };
}

/** The form for a silence: what (the pane, or one of its alerts), how long, why. */
export function silenceForm(pane: PaneId, deps: AlertActionDeps): Omit<Extract<Prompt, { kind: 'inputs' }>, 'id'> {
  const snapshot = deps.snapshot();
  const keys = snapshot ? paneAlertKeys(snapshot, pane) : [];
  const fields: FormField[] = [
    { name: 'what', description: `the whole ${pane} pane, or one of its alerts`, choices: [pane, ...keys], secret: false, required: true },
    { name: 'for', description: 'how long', choices: [...SILENCE_LENGTHS], secret: false, required: true },
    { name: 'reason', description: 'why (for the audit log and the timeline)', choices: null, secret: false, required: false },
  ];
  return {
    kind: 'inputs',
    title: `Silence · ${pane}`,
    fields,
    values: { what: pane, for: '1h', reason: '' },
    error: null,
    focus: 0,
    submit: 'Silence',
    lines: ['No notification about it until the silence ends; the timeline still records it.', `From a shell: homeops silence ${pane} 2h`],
  };
}

/** Sets the silence the form asked for; the words for the status bar. */
export function applySilence(values: Readonly<Record<string, string>>, deps: AlertActionDeps): string {
  const target = values.what ?? '';
  const ms = parseDuration(values.for ?? '') ?? 3_600_000;
  const reason = (values.reason ?? '').trim() || null;
  const silence = addSilence(target, ms, reason, { from: 'console', env: deps.env, demo: deps.demo });
  return `silenced ${target} until ${new Date(silence.until).toTimeString().slice(0, 5)}`;
}
