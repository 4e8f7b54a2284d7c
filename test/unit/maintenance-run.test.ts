// The maintenance window's runbook asks first when it is run outside the window (the console's
// dialog and the CLI's confirmation are the runner's confirm step), and then does not refuse on
// its own time check; inside the window, or for one of its parts, nothing is added.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile } from '../../src/config/user-file.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { prepareRun } from '../../src/runbooks/prepare.js';

const config = readUserFile(estateConfigPath(), configSchema);
const env = { HOME: '/nonexistent' };
const runbook = loadRunbooks({ config, env, cwd: '/' }).get('maintenance-window')!;
// Sunday 6 December 2026 is the first Sunday of its month.
const at = (day: number, h: number) => () => new Date(2026, 11, day, h, 30).getTime();

describe('the maintenance runbook and the window', () => {
  it('outside the window: a first step asks, naming the window and the next one; its own time check is then skipped', () => {
    const plan = prepareRun(runbook, {}, { config, env, now: at(6, 5) });
    expect(plan.steps[0]).toMatchObject({ id: 'outside-window', kind: 'confirm', index: 0 });
    expect(plan.steps[0]?.confirm).toBe(
      'It is not the maintenance window (Sundays 02:00–04:00, the first of each month; the next begins Sun Jan 03 02:00). Run it now anyway?',
    );
    expect(plan.inputs.outsideWindow).toBe(true);
    expect(plan.steps.find((s) => s.id === 'in-window')?.skip).toBe('outsideWindow is true, not false');
    expect(plan.steps.map((s) => s.index)).toEqual(plan.steps.map((_, i) => i));
  });

  it("inside the window: nothing asked beyond the runbook's own steps", () => {
    const plan = prepareRun(runbook, {}, { config, env, now: at(6, 2) });
    expect(plan.steps[0]?.id).toBe('in-window');
    expect(plan.inputs.outsideWindow).toBe(false);
  });

  it('a part (verify-backups, run on any day) is not asked about; nor is a run without a window in the config', () => {
    expect(prepareRun(runbook, {}, { config, env, now: at(6, 5) }, 'verify-backups').steps.some((s) => s.id === 'outside-window')).toBe(
      false,
    );
    const { maintenance: _, ...noWindow } = config;
    expect(prepareRun(runbook, {}, { config: noWindow, env, now: at(6, 5) }).steps[0]?.id).toBe('in-window');
  });

  it('an outsideWindow the operator gave is kept', () => {
    expect(prepareRun(runbook, { outsideWindow: 'false' }, { config, env, now: at(6, 5) }).inputs.outsideWindow).toBe(false);
  });
});
