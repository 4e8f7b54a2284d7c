// Container actions from the containers pane: restart, stop and start through the engine, and a
// shell in a container, to which the console hands its terminal. Each one is an audited action.

import { containerAction } from '../../actions/container.js';
import type { ActionSpec } from '../../actions/perform.js';
import { shellCommand } from '../../docker/exec-argv.js';
import type { ContainerAction, ContainerTarget } from '../../ui/console-state.js';
import type { AuditedActions } from './actions.js';
import type { ConsoleBoard } from './board.js';
import type { ControllerDeps } from './deps.js';
import type { ConsoleGuard } from './guard.js';

const VERB: Record<ContainerAction, { doing: string; done: string }> = {
  restart: { doing: 'restarting', done: 'restarted' },
  stop: { doing: 'stopping', done: 'stopped' },
  start: { doing: 'starting', done: 'started' },
};

/** A shell that ends with an error sooner than this after it was started never started. */
const SHELL_START_MS = 1500;

export type ContainerServiceDeps = Pick<ControllerDeps, 'config' | 'env' | 'hosts' | 'docker' | 'monitor' | 'demo' | 'handTerminal'> & {
  now: () => number;
  board: ConsoleBoard;
  guard: ConsoleGuard;
  actions: AuditedActions;
};

export class ContainerService {
  constructor(private readonly deps: ContainerServiceDeps) {}

  async act(action: ContainerAction, target: ContainerTarget): Promise<void> {
    const docker = this.deps.docker;
    if (!docker) {
      this.deps.board.say('no Docker engine configured (docker.endpoints)', 'warn');
      return;
    }
    const spec = containerAction(docker.actions, action, { host: target.host, id: target.id, name: target.name });
    const tried = await this.deps.actions.act(spec, `${VERB[action].doing} ${target.name}…`, `${target.name}: not ${VERB[action].done}`);
    if (tried && !this.deps.board.closed) this.deps.monitor.nudge('containers');
  }

  /**
   * A shell in the container: asked first (it can change anything there), written to the audit
   * log, refused in read-only mode and in a demo; the console hands the terminal to it and takes
   * it back when the shell exits.
   */
  async openShell(target: ContainerTarget): Promise<void> {
    const { config, env, hosts, handTerminal: hand } = this.deps;
    const what = `Shell in ${target.name} on ${target.host}`;
    const local = hosts.get(target.host)?.kind === 'local' || (!hosts.get(target.host) && config.hosts[target.host]?.local === true);
    const command = shellCommand(config, target, local, env);
    const spec: ActionSpec = {
      action: 'container.shell',
      target: `${target.name} on ${target.host}`,
      what,
      cannot: () => {
        if (this.deps.demo) return 'a demo scenario replays recordings: there is no container to open a shell in';
        if (!hand) return 'this console cannot hand its terminal over';
        return this.deps.guard.whileRunning('shell') ?? ('refusal' in command ? command.refusal : null);
      },
      confirm: {
        title: 'Shell in container',
        question: `Open a shell in ${target.name} on ${target.host}? The console steps aside until you leave the shell (exit or ctrl+d).`,
        yes: 'Open shell',
        danger: true,
      },
      run: async () => {
        if (!hand || 'refusal' in command) throw new Error('no shell');
        const started = this.deps.now();
        const ended = hand(
          command.argv,
          `a shell in ${target.name} on ${target.host} (${command.argv[0] === 'ssh' ? 'docker exec over ssh -t' : 'docker exec'}); exit it to come back to the console`,
        );
        if (ended.error) throw new Error(`${command.argv[0]} could not be run: ${ended.error}`);
        // A shell ends with the status of its last command; one that ends at once with an error
        // never started (the container is not running, docker or ssh refused).
        if (ended.code !== 0 && this.deps.now() - started < SHELL_START_MS)
          throw new Error(
            `${command.argv[0] === 'ssh' ? 'ssh -t … docker exec' : 'docker exec'} ended at once with exit status ${ended.code ?? 'unknown'}: is ${target.name} running?`,
          );
        return {
          result: 'ok',
          changed: false,
          message: `the shell in ${target.name} on ${target.host} ended${ended.code === 0 ? '' : ` (its last status ${ended.code ?? 'unknown'})`}`,
        };
      },
    };
    await this.deps.actions.act(spec, `shell in ${target.name}…`, `${target.name}: no shell opened`);
  }
}
