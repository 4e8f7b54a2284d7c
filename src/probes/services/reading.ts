// From judged checks and their history to the services reading: each service's state, response
// times, error rates, certificate, outage against its recovery budget, and the verdict on it.
// Pure; the probe keeps the history.
import { windowAt } from '../../config/maintenance.js';
import type { MaintenanceConfig, ServiceConfig, ServicesConfig } from '../../config/schema.js';
import { formatDuration } from '../../config/units.js';
import { troubleFirst } from '../../model/services.js';
import { type Alert, type Assessment, assessmentFromAlerts } from '../probe.js';
import type { ServiceHistory } from './history.js';
import type { CheckKind, CheckResult, ServiceReading, ServicesReading } from './types.js';

export { troubleFirst };

const DAY_MS = 86_400_000;

export function checkKind(service: ServiceConfig): CheckKind {
  const check = service.check;
  return 'http' in check ? 'http' : 'tcp' in check ? 'tcp' : 'tls' in check ? 'tls' : 'dns' in check ? 'dns' : 'container';
}

export function checkTarget(service: ServiceConfig): string {
  const check = service.check;
  if ('http' in check) return check.http.url;
  if ('tcp' in check) return `${check.tcp.address}:${check.tcp.port}`;
  if ('tls' in check) return `${check.tls.address}:${check.tls.port}`;
  if ('dns' in check) return `${check.dns.name} @${check.dns.server}${check.dns.port === 53 ? '' : `:${check.dns.port}`}`;
  return `container ${check.container.name}${(check.container.host ?? service.runsOn) ? ` on ${check.container.host ?? service.runsOn}` : ''}`;
}

function percentText(fraction: number): string {
  const value = fraction * 100;
  return `${value < 10 && value > 0 ? value.toFixed(1) : Math.round(value)}%`;
}

/** "auth down 3m12s of 5m": an outage against the service's recovery budget. */
export function outageText(name: string, downForMs: number, budgetMs: number): string {
  return `${name} down ${formatDuration(downForMs)} of ${formatDuration(budgetMs)}`;
}

type Verdict = Pick<ServiceReading, 'level' | 'problems'>;

function verdictOf(
  service: ServiceConfig,
  reading: Omit<ServiceReading, 'level' | 'problems'>,
  config: ServicesConfig,
  now: number,
  inWindow: boolean,
): Verdict {
  const problems: Verdict['problems'] = [];
  if (reading.state === 'unknown') return { level: 'unknown', problems };
  if (reading.state === 'down') {
    // Expected downtime: said on the row, not alerted.
    if (reading.standby) return { level: 'standby', problems };
    if (inWindow) return { level: 'maintenance', problems };
    const downFor = reading.downSince === null ? 0 : Math.max(0, now - Date.parse(reading.downSince));
    const text = `${outageText(service.name, downFor, reading.budgetMs)}${reading.why ? `: ${reading.why}` : ''}`;
    if (downFor > reading.budgetMs)
      problems.push({ level: 'crit', message: `${text} (priority ${service.priority}: past its recovery budget)` });
    else if (downFor > reading.budgetMs / 2)
      problems.push({ level: 'warn', message: `${text} (priority ${service.priority}: past half its recovery budget)` });
    else problems.push({ level: 'warn', message: `${text} (priority ${service.priority})` });
  } else if (!inWindow) {
    const slow = service.slow ?? config.slow;
    if (reading.p95.m5 !== null && reading.p95.m5 > slow) {
      problems.push({
        level: 'warn',
        message: `${service.name} slow: p95 ${formatDuration(reading.p95.m5)} over 5m (above ${formatDuration(slow)})`,
      });
    }
    const errors = reading.errorRate.m5;
    if (errors !== null && errors * 100 >= config.errorRate.warn && errors > 0) {
      const level = errors * 100 >= config.errorRate.crit ? 'crit' : 'warn';
      problems.push({
        level,
        message: `${service.name} erroring: ${percentText(errors)} of checks failed over 5m (${reading.checks.m5} checks)`,
      });
    }
  }
  const days = reading.certDaysLeft;
  if (days !== null && reading.state === 'up') {
    const left = days * DAY_MS;
    if (left <= config.certificate.crit)
      problems.push({ level: 'crit', message: `${service.name} certificate expires in ${formatDuration(Math.max(0, left))}` });
    else if (left <= config.certificate.warn)
      problems.push({ level: 'warn', message: `${service.name} certificate expires in ${formatDuration(left)}` });
  }
  const level = problems.some((p) => p.level === 'crit') ? 'crit' : problems.length ? 'warn' : 'ok';
  return { level, problems };
}

/**
 * The reading at `now`: each configured service with its newest result (from `latest`) and its
 * history's windows. `inWindow`: now is inside the maintenance window.
 */
export function servicesReading(
  config: ServicesConfig,
  latest: ReadonlyMap<string, CheckResult>,
  history: ServiceHistory,
  now: number,
  maintenance: MaintenanceConfig | undefined,
): ServicesReading {
  const window = windowAt(maintenance, now);
  const services = config.list.map((service): ServiceReading => {
    const result = latest.get(service.name);
    const windows = history.windows(service.name, now);
    // One failed check of a service that was up is a blip (its error rate says so); downAfter in
    // a row, or failing since it was first seen, is an outage.
    const failed = result?.up === false;
    const outage = failed && (windows.failStreak >= config.downAfter || !windows.seenUp);
    const state = result === undefined || result.up === null ? 'unknown' : outage ? 'down' : 'up';
    const base = {
      name: service.name,
      description: service.description ?? null,
      priority: service.priority,
      group: service.group ?? null,
      runsOn: service.runsOn ?? null,
      standby: service.standby,
      from: service.from ?? null,
      kind: checkKind(service),
      target: checkTarget(service),
      state,
      why: failed && !outage ? null : (result?.why ?? (result ? null : 'not checked yet')),
      note: failed && !outage ? `the last check failed: ${result?.why ?? 'no answer'}` : (result?.note ?? null),
      lastCheck: result ? new Date(result.at).toISOString() : null,
      lastMs: result?.ms ?? null,
      p95: windows.p95,
      errorRate: windows.errorRate,
      checks: windows.checks,
      certDaysLeft: result?.certDaysLeft ?? null,
      downSince: state === 'down' && windows.downSince !== null ? new Date(windows.downSince).toISOString() : null,
      upSince: state === 'up' && windows.upSince !== null ? new Date(windows.upSince).toISOString() : null,
      budgetMs: config.budgets[service.priority],
    } satisfies Omit<ServiceReading, 'level' | 'problems'>;
    return { ...base, ...verdictOf(service, base, config, now, window !== null) };
  });
  return { at: new Date(now).toISOString(), services, maintenance: window ? { until: new Date(window.until).toISOString() } : null };
}

export function assessServices(reading: ServicesReading): Assessment {
  const alerts: Alert[] = [];
  for (const service of troubleFirst(reading.services))
    for (const problem of service.problems) alerts.push({ level: problem.level, message: problem.message });
  const serving = reading.services.filter((s) => !s.standby);
  const up = serving.filter((s) => s.state === 'up').length;
  const down = serving.filter((s) => s.state === 'down');
  const parts = [`${up}/${serving.length} up`];
  const worstDown = troubleFirst(down)[0];
  if (worstDown)
    parts.push(
      worstDown.level === 'maintenance'
        ? `${down.length} down in the maintenance window`
        : `${worstDown.name} DOWN${down.length > 1 ? ` (+${down.length - 1})` : ''}`,
    );
  const degraded = reading.services.filter((s) => s.state === 'up' && s.level !== 'ok').length;
  if (degraded) parts.push(`${degraded} degraded`);
  const standing = reading.services.filter((s) => s.standby && s.state === 'up').length;
  if (standing) parts.push(`${standing} standby serving`);
  if (reading.maintenance) parts.push(`maintenance window until ${new Date(reading.maintenance.until).toTimeString().slice(0, 5)}`);
  return assessmentFromAlerts(alerts, parts.join(' · '));
}
