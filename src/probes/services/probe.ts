// The services probe: every service's check (checks.ts, or a demo's recording) judged against
// the config (judge.ts), kept for an hour (history.ts), and read as the services pane's reading
// (reading.ts).
import type { MaintenanceConfig, ServicesConfig } from '../../config/schema.js';
import type { Probe } from '../probe.js';
import { ServiceHistory } from './history.js';
import { judgeCheck } from './judge.js';
import { assessServices, servicesReading } from './reading.js';
import type { CheckResult, ServicesRaw, ServicesReading } from './types.js';

export type { ServicesReading } from './types.js';

export function servicesProbe(
  read: (signal: AbortSignal) => Promise<ServicesRaw>,
  config: ServicesConfig,
  maintenance?: MaintenanceConfig,
): Probe<ServicesRaw, ServicesReading> {
  const history = new ServiceHistory();
  const latest = new Map<string, CheckResult>();
  const byName = new Map(config.list.map((service) => [service.name, service]));
  const names = new Set(byName.keys());
  return {
    id: 'services',
    intervalMs: config.interval,
    // Checks run side by side, each within config.timeout; the read as a whole gets a little more.
    timeoutMs: config.timeout + 1000,
    read,
    parse(raw) {
      const results = raw.checks.flatMap((check) => {
        const service = byName.get(check.service);
        return service ? [judgeCheck(check, service, config.timeout)] : [];
      });
      history.record(results);
      for (const result of results) {
        const previous = latest.get(result.service);
        if (!previous || previous.at <= result.at) latest.set(result.service, result);
      }
      history.prune(raw.at, names);
      return servicesReading(config, latest, history, raw.at, maintenance);
    },
    assess: (reading) => assessServices(reading),
  };
}
