// The estate as metric families, from the newest Snapshot, the alerts firing and the store:
// each pane's status, the alerts, the plan groups' CPU and memory against the plan, the GPUs,
// the backups' ages against their schedules, DNS latency per server, the containers, the
// services' checks (state, verdict, response times, error rates, outage against its budget,
// certificate), the hosts that do not answer. Pure. The list, for dashboards, is in docs/alerts.md.
import type { Config } from '../config/schema.js';
import type { ServiceReading, Windowed } from '../model/services.js';
import type { Snapshot } from '../model/snapshot.js';
import { STATUSES } from '../model/status.js';
import { SEVERITIES, type Severity } from '../model/timeline.js';
import { REPLIED } from '../probes/dns/query.js';
import type { Family, Sample } from './exposition.js';

export type FiringAlert = { key: string; pane: string | null; host: string | null; severity: Severity };

export type MetricsInput = {
  snapshot: Snapshot;
  config: Config;
  firing: readonly FiringAlert[];
  /** The store's size on disk, when there is one. */
  storeBytes: number | null;
};

const MIB = 1024 * 1024;
const SERVICE_STATES = ['up', 'down', 'unknown'] as const satisfies readonly ServiceReading['state'][];
const SERVICE_LEVELS = ['ok', 'warn', 'crit', 'maintenance', 'standby', 'unknown'] as const satisfies readonly ServiceReading['level'][];

export function families(input: MetricsInput): Family[] {
  const { snapshot, config } = input;
  const out: Family[] = [];
  const family = (name: string, helpText: string, samples: Sample[], unit?: string) =>
    out.push({ name, help: helpText, samples, ...(unit ? { unit } : {}) });

  family(
    'homeops_pane_status',
    "The pane's status: 1 for the one it has (ok, warn, crit, stale, down, off), 0 for the others",
    Object.entries(snapshot.panes).flatMap(([pane, entry]) =>
      STATUSES.map((status) => ({ labels: { pane, status }, value: entry.status === status ? 1 : 0 })),
    ),
  );
  family(
    'homeops_pane_data_age_seconds',
    'Age of the data the pane shows',
    Object.entries(snapshot.panes)
      .filter(([, e]) => e.ageMs !== null)
      .map(([pane, e]) => ({ labels: { pane }, value: (e.ageMs ?? 0) / 1000 })),
    'seconds',
  );

  const bySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const a of input.firing) bySeverity.set(a.severity, (bySeverity.get(a.severity) ?? 0) + 1);
  family(
    'homeops_alerts_firing',
    'Alerts firing now, by severity',
    [...bySeverity].map(([severity, n]) => ({ labels: { severity }, value: n })),
  );
  family(
    'homeops_alert_firing',
    'One per alert firing now (1), by its key',
    input.firing.map((a) => ({ labels: { key: a.key, pane: a.pane ?? '', host: a.host ?? '', severity: a.severity }, value: 1 })),
  );

  family(
    'homeops_host_unreachable',
    'Hosts reached over SSH that do not answer now (1), with the reason',
    snapshot.unreachable.map((u) => ({ labels: { host: u.host, reason: u.reason }, value: 1 })),
  );

  const cpu = snapshot.panes.cpu.data;
  if (cpu) {
    const { plan } = cpu;
    const groups = plan.groups.filter((g) => g.verdict !== 'absent');
    family('homeops_cpu_used_ratio', "The plan host's CPU in use, 0 to 1", [{ value: plan.totalPercent / 100 }], 'ratio');
    family(
      'homeops_plan_group_cpu_cores',
      'Physical cores the plan gives each group',
      plan.groups.map((g) => ({ labels: { group: g.name }, value: g.coreIds.length })),
    );
    family(
      'homeops_plan_group_cpu_used_cores',
      "Cores' worth in use on each group's cores (a core with all threads busy is 1)",
      groups.map((g) => ({ labels: { group: g.name }, value: g.usedCores })),
    );
    family(
      'homeops_plan_group_cpu_used_ratio',
      "Each group's cores in use against its plan, 0 to 1 (above the CPU trigger sustained is an alert)",
      groups.map((g) => ({ labels: { group: g.name }, value: g.percent / 100 })),
      'ratio',
    );
    family('homeops_memory_used_bytes', "The plan host's memory in use", [{ value: plan.memory.usedBytes }], 'bytes');
    family('homeops_memory_total_bytes', "The plan host's memory", [{ value: plan.memory.totalBytes }], 'bytes');
    family(
      'homeops_memory_planned_bytes',
      'Memory the plan gives its groups and reserves',
      [{ value: plan.memory.plannedBytes + plan.memory.reservedBytes }],
      'bytes',
    );
  }
  const planned = new Map(config.plan.groups.map((g) => [g.name, g.memory ?? null]));
  family(
    'homeops_plan_group_memory_planned_bytes',
    'Memory the plan gives each group',
    [...planned].filter(([, m]) => m !== null).map(([group, m]) => ({ labels: { group }, value: m ?? 0 })),
    'bytes',
  );
  const containers = snapshot.panes.containers.data;
  if (containers) {
    family(
      'homeops_plan_group_memory_used_bytes',
      'Memory the containers of each group use',
      containers.groups.map((g) => ({ labels: { group: g.group }, value: g.memoryUsedBytes })),
      'bytes',
    );
    family(
      'homeops_plan_group_containers_used_cores',
      "Cores' worth the containers of each group use",
      containers.groups.map((g) => ({ labels: { group: g.group }, value: g.usedCores })),
    );
    const running = containers.containers.filter((c) => c.state === 'running');
    family(
      'homeops_container_cpu_ratio',
      "A running container's CPU, 1 = one thread busy (as docker stats / 100)",
      running
        .filter((c) => c.cpuPercent !== null)
        .map((c) => ({ labels: { host: c.host, container: c.name, group: c.group }, value: (c.cpuPercent ?? 0) / 100 })),
      'ratio',
    );
    family(
      'homeops_container_memory_used_bytes',
      "A running container's memory",
      running
        .filter((c) => c.memoryUsedBytes !== null)
        .map((c) => ({ labels: { host: c.host, container: c.name, group: c.group }, value: c.memoryUsedBytes ?? 0 })),
      'bytes',
    );
    family(
      'homeops_container_healthy',
      "A container's health check passes (1) or fails (0); containers without one are left out",
      containers.containers
        .filter((c) => c.health === 'healthy' || c.health === 'unhealthy')
        .map((c) => ({ labels: { host: c.host, container: c.name }, value: c.health === 'healthy' ? 1 : 0 })),
    );
  }

  const gpu = snapshot.panes.gpu.data;
  if (gpu) {
    const label = (g: { index: number; name: string }) => ({ gpu: String(g.index), name: g.name });
    family(
      'homeops_gpu_utilization_ratio',
      'GPU busy, 0 to 1',
      gpu.gpus.filter((g) => g.utilizationPercent !== null).map((g) => ({ labels: label(g), value: (g.utilizationPercent ?? 0) / 100 })),
      'ratio',
    );
    family(
      'homeops_gpu_temperature_celsius',
      'GPU temperature',
      gpu.gpus.filter((g) => g.temperatureC !== null).map((g) => ({ labels: label(g), value: g.temperatureC ?? 0 })),
      'celsius',
    );
    family(
      'homeops_gpu_memory_used_bytes',
      'GPU memory in use',
      gpu.gpus.filter((g) => g.memoryUsedMiB !== null).map((g) => ({ labels: label(g), value: (g.memoryUsedMiB ?? 0) * MIB })),
      'bytes',
    );
    family(
      'homeops_gpu_memory_total_bytes',
      'GPU memory',
      gpu.gpus.filter((g) => g.memoryTotalMiB !== null).map((g) => ({ labels: label(g), value: (g.memoryTotalMiB ?? 0) * MIB })),
      'bytes',
    );
    family(
      'homeops_gpu_power_watts',
      'GPU power draw',
      gpu.gpus.filter((g) => g.powerDrawW !== null).map((g) => ({ labels: label(g), value: g.powerDrawW ?? 0 })),
      'watts',
    );
  }

  const backups = snapshot.panes.backups.data;
  if (backups) {
    family(
      'homeops_backup_age_seconds',
      "Age of each set's newest backup",
      backups.sets.filter((s) => s.ageMs !== null).map((s) => ({ labels: { set: s.name, host: s.host }, value: (s.ageMs ?? 0) / 1000 })),
      'seconds',
    );
    family(
      'homeops_backup_schedule_seconds',
      'How often each set is backed up: older than this is due, than 1.5 times this overdue',
      backups.sets.map((s) => ({ labels: { set: s.name, host: s.host }, value: s.scheduleMs / 1000 })),
      'seconds',
    );
    family(
      'homeops_backup_state',
      "Each set's state: 1 for the one it has (fresh, due, overdue, missing, unknown)",
      backups.sets.flatMap((s) =>
        (['fresh', 'due', 'overdue', 'missing', 'unknown'] as const).map((state) => ({
          labels: { set: s.name, state },
          value: s.state === state ? 1 : 0,
        })),
      ),
    );
  }

  const dns = snapshot.panes.dns.data;
  if (dns) {
    family(
      'homeops_dns_up',
      'A DNS server answers clients (1) or not (0)',
      dns.servers.map((s) => ({ labels: { server: s.name, address: s.address }, value: s.answering ? 1 : 0 })),
    );
    const latency: Sample[] = [];
    for (const s of dns.servers) {
      const replies = s.answers
        .filter((a) => REPLIED.has(a.outcome) && a.latencyMs !== null)
        .map((a) => a.latencyMs ?? 0)
        .sort((a, b) => a - b);
      if (replies.length)
        latency.push({
          labels: { server: s.name, address: s.address },
          value: (replies[Math.floor((replies.length - 1) / 2)] ?? 0) / 1000,
        });
    }
    family('homeops_dns_latency_seconds', 'The median time a DNS server took to answer the names asked', latency, 'seconds');
    family('homeops_dns_failover', 'Clients use a server other than the first (1)', [{ value: dns.failover ? 1 : 0 }]);
  }

  const services = snapshot.panes.services.data;
  if (services) {
    const at = Date.parse(services.at);
    const who = (s: ServiceReading) => ({ service: s.name, priority: String(s.priority) });
    const windows = (s: ServiceReading, w: Windowed, scale: number): Sample[] =>
      (
        [
          ['5m', w.m5],
          ['1h', w.m60],
        ] as const
      )
        .filter(([, v]) => v !== null)
        .map(([window, v]) => ({ labels: { service: s.name, window }, value: (v ?? 0) * scale }));
    family(
      'homeops_service_state',
      "The service's last check: 1 for the state it is in (up, down, unknown), 0 for the others",
      services.services.flatMap((s) => SERVICE_STATES.map((state) => ({ labels: { ...who(s), state }, value: s.state === state ? 1 : 0 }))),
    );
    family(
      'homeops_service_level',
      "The service's verdict: 1 for the one it has (ok, warn, crit, maintenance: down in the window, standby: a standby service down, unknown)",
      services.services.flatMap((s) =>
        SERVICE_LEVELS.map((level) => ({ labels: { service: s.name, level }, value: s.level === level ? 1 : 0 })),
      ),
    );
    family(
      'homeops_service_response_seconds',
      "How long the service's last check took to get its answer",
      services.services
        .filter((s) => s.state === 'up' && s.lastMs !== null)
        .map((s) => ({ labels: who(s), value: (s.lastMs ?? 0) / 1000 })),
      'seconds',
    );
    family(
      'homeops_service_response_p95_seconds',
      "The 95th percentile of the service's response times over the window (5m, 1h), checks that got an answer",
      services.services.flatMap((s) => windows(s, s.p95, 1 / 1000)),
      'seconds',
    );
    family(
      'homeops_service_error_ratio',
      "Share of the service's checks that failed over the window (5m, 1h), 0 to 1",
      services.services.flatMap((s) => windows(s, s.errorRate, 1)),
      'ratio',
    );
    family(
      'homeops_service_down_seconds',
      'How long the service has been down (since its first failed check); absent while up',
      services.services
        .filter((s) => s.downSince !== null)
        .map((s) => ({ labels: who(s), value: Math.max(0, at - Date.parse(s.downSince ?? '')) / 1000 })),
      'seconds',
    );
    family(
      'homeops_service_budget_seconds',
      "The service's recovery budget (by its priority): down longer than this is critical",
      services.services.map((s) => ({ labels: who(s), value: s.budgetMs / 1000 })),
      'seconds',
    );
    family(
      'homeops_service_certificate_expiry_seconds',
      "Time left before the service's TLS certificate expires",
      services.services
        .filter((s) => s.certDaysLeft !== null)
        .map((s) => ({ labels: { service: s.name }, value: (s.certDaysLeft ?? 0) * 86_400 })),
      'seconds',
    );
  }

  family('homeops_watch_resident_memory_bytes', "The watcher's own resident memory", [{ value: snapshot.self.rssBytes }], 'bytes');
  if (snapshot.self.cpuPercent !== null)
    family('homeops_watch_cpu_ratio', "The watcher's own CPU, 1 = one core busy", [{ value: snapshot.self.cpuPercent / 100 }], 'ratio');
  if (input.storeBytes !== null)
    family('homeops_store_bytes', 'The timeline and history database on disk', [{ value: input.storeBytes }], 'bytes');
  return out;
}
