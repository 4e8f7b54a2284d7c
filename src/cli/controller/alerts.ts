// The ack and silence keys: what is wrong in a pane acknowledged, or silenced for a while after
// a form asks what and how long (written, and audited, by the alerts' own store).

import type { PaneId } from '../../model/panes.js';
import { type AlertActionDeps, acknowledge, applySilence, silenceForm } from '../alert-actions.js';
import type { ConsoleBoard } from './board.js';
import { type ControllerDeps, errorText } from './deps.js';
import type { Prompts } from './prompts.js';

export type AlertServiceDeps = Pick<ControllerDeps, 'env' | 'demo' | 'monitor'> & { board: ConsoleBoard; prompts: Prompts };

export class AlertService {
  constructor(private readonly deps: AlertServiceDeps) {}

  private alertDeps(): AlertActionDeps {
    return { env: this.deps.env, demo: this.deps.demo, snapshot: () => this.deps.monitor.current?.() ?? null };
  }

  /** Acknowledges what is wrong in the pane now (the silences file and the audit log). */
  ack(pane: PaneId): void {
    try {
      const result = acknowledge(pane, this.alertDeps());
      this.deps.board.say(result.text, result.tone);
    } catch (error) {
      this.deps.board.say(`not acknowledged: ${errorText(error)}`, 'crit');
    }
  }

  /** Asks what to silence and for how long, then silences it (audited). */
  async silence(pane: PaneId): Promise<void> {
    const asked = await this.deps.prompts.askInputs(silenceForm(pane, this.alertDeps()));
    if (asked.answer !== 'yes') {
      this.deps.board.say('nothing silenced', 'plain');
      return;
    }
    try {
      this.deps.board.say(applySilence(asked.values, this.alertDeps()), 'ok');
    } catch (error) {
      this.deps.board.say(`not silenced: ${errorText(error)}`, 'crit');
    }
  }
}
