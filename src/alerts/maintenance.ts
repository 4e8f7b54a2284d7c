// The watcher's view of the maintenance window (the config's `maintenance`, src/config/
// maintenance.ts): its words while it holds, so that nothing is sent then and the timeline says
// why. Pure over the config and a clock.
import { clockOf, describeWindow, windowAt } from '../config/maintenance.js';
import type { MaintenanceConfig } from '../config/schema.js';

/** What the watcher asks each tick: the window in words while it holds ("sunday 02:00–04:00 …, until 04:00"), else null. */
export function maintenanceCheck(window: MaintenanceConfig | undefined): (now: number) => string | null {
  if (!window) return () => null;
  const name = describeWindow(window);
  return (now) => {
    const times = windowAt(window, now);
    return times ? `${name} (until ${clockOf(times.until)})` : null;
  };
}
