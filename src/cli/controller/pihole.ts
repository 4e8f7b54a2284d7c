// Pi-hole blocking switched from the DNS pane, on every configured Pi-hole at once, as an
// audited action; disabling lasts dns.disableFor (5 minutes unless configured).
import { blockingAction } from '../../actions/blocking.js';
import type { BlockingRequest } from '../../probes/pihole/blocking.js';
import type { AuditedActions } from './actions.js';
import type { ConsoleBoard } from './board.js';
import type { ControllerDeps } from './deps.js';

export type PiholeServiceDeps = Pick<ControllerDeps, 'config' | 'dns' | 'monitor' | 'setBlocking'> & {
  board: ConsoleBoard;
  actions: AuditedActions;
};

export class PiholeService {
  constructor(private readonly deps: PiholeServiceDeps) {}

  async setBlocking(enabled: boolean): Promise<void> {
    const forMs = this.deps.config.dns?.disableFor ?? 300_000;
    const request: BlockingRequest = enabled ? { enabled: true } : { enabled: false, forMs };
    const spec = blockingAction(this.deps.dns?.piholes ?? [], request, this.deps.setBlocking);
    const tried = await this.deps.actions.act(spec, `${enabled ? 'enabling' : 'disabling'} blocking…`, 'blocking not changed');
    if (tried && !this.deps.board.closed) this.deps.monitor.nudge('dns');
  }
}
