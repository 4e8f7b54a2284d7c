// The console's one guard (src/cli/controller/guard.ts): read-only mode, a demo, a runbook that
// cannot run with the config, and the run in progress, each said in the same words wherever asked.
import { describe, expect, it } from 'vitest';
import { ConsoleGuard, DEMO_REFUSAL } from '../../src/cli/controller/guard.js';
import type { MessageTone } from '../../src/ui/console-state.js';
import { failedToStart, type RunView, startingRun } from '../../src/ui/run-view.js';

function guardWith(options: { readOnly?: boolean; demo?: string | null; run?: RunView | null } = {}) {
  const said: Array<[string, MessageTone]> = [];
  let run = options.run ?? null;
  const guard = new ConsoleGuard({
    readOnly: options.readOnly ?? false,
    demo: options.demo ?? null,
    run: () => run,
    say: (text, tone) => said.push([text, tone]),
  });
  return {
    guard,
    said,
    setRun: (next: RunView | null) => {
      run = next;
    },
  };
}

const backup = startingRun({ id: 'db-backup', title: 'Back up the database', dangerous: false }, 0);

describe('ConsoleGuard', () => {
  it('lets everything wait for nothing while no run is in progress, and says nothing', () => {
    const { guard, said } = guardWith();
    expect(guard.runActive).toBe(false);
    for (const what of ['panel', 'run', 'shell'] as const) expect(guard.waits(what)).toBe(false);
    expect(said).toEqual([]);
  });

  it('holds panels, a second run and a shell while a run is in progress, naming the run', () => {
    const { guard, said } = guardWith({ run: backup });
    expect(guard.waits('panel')).toBe(true);
    expect(guard.waits('run')).toBe(true);
    expect(guard.waits('shell')).toBe(true);
    expect(said).toEqual([
      ['db-backup is running; its panel stays until it ends', 'warn'],
      ['db-backup is running; one run at a time (esc aborts it)', 'warn'],
      ['db-backup is running: a shell waits until it ends', 'warn'],
    ]);
  });

  it('lets go once the run has ended', () => {
    const { guard, setRun } = guardWith({ run: backup });
    expect(guard.whileRunning('panel')).not.toBeNull();
    setRun(failedToStart(backup, 'locked by another run', 10));
    expect(guard.runActive).toBe(false);
    expect(guard.whileRunning('panel')).toBeNull();
  });

  it('refuses every change in read-only mode, naming the mode, and only dangerous runbooks', () => {
    const { guard } = guardWith({ readOnly: true });
    expect(guard.changes.refusal('Restart web on ws')).toBe(
      'Restart web on ws refused: read-only mode (--read-only or readOnly: true in the config); nothing was changed',
    );
    expect(guard.runbook({ id: 'restore', unavailable: undefined }, true)).toBe(
      'restore is dangerous (it changes things) and homeops is in read-only mode (--read-only or readOnly: true in the config); nothing was run',
    );
    expect(guard.runbook({ id: 'check', unavailable: undefined }, false)).toBeNull();
  });

  it('allows changes when not read-only', () => {
    const { guard } = guardWith();
    expect(guard.changes.refusal('Restart web on ws')).toBeNull();
    expect(guard.runbook({ id: 'restore', unavailable: undefined }, true)).toBeNull();
  });

  it('refuses every runbook in a demo, and one the config cannot run before anything else', () => {
    const { guard } = guardWith({ demo: 'dns-outage', readOnly: true });
    expect(guard.runbook({ id: 'check', unavailable: undefined }, false)).toBe(`check is not run: ${DEMO_REFUSAL}`);
    expect(guard.runbook({ id: 'failover', unavailable: 'no host nas' }, true)).toBe('failover cannot run with this config: no host nas');
  });
});
