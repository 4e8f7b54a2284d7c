// A container restarted, stopped or started, as an action (perform.ts): what it is called in
// the log and the question asked first. The engine call itself is the Docker layer's.
import type { ActionName, ContainerActions, ContainerRef } from '../docker/actions.js';
import type { ActionSpec } from './perform.js';

const VERB: Record<ActionName, string> = { restart: 'Restart', stop: 'Stop', start: 'Start' };

export function containerAction(actions: ContainerActions, action: ActionName, ref: ContainerRef & { name: string }): ActionSpec {
  const verb = VERB[action];
  return {
    action: `container.${action}`,
    target: `${ref.name} on ${ref.host}`,
    what: `${verb} ${ref.name} on ${ref.host}`,
    cannot: () => actions.refusal(action),
    // Stopping or restarting takes a service away; starting one does not.
    confirm: { title: `${verb} container`, question: `${verb} ${ref.name} on ${ref.host}?`, yes: verb, danger: action !== 'start' },
    async run(signal) {
      const result = await actions[action](ref, { signal });
      return { result: 'ok', changed: result.changed, message: result.message };
    },
  };
}
