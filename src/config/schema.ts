// The config file's shape. Types are derived from these schemas; nothing else declares them.
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

/** A duration: milliseconds as a number, or text such as "2s", "500ms", "5m". */
export const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (use e.g. 500ms, 2s, 5m, 1h)` });
    return z.NEVER;
  }
  return ms;
});

/** A size: bytes as a number, or text such as "8GiB", "512 MB". */
export const size = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size (use e.g. 8GiB, 512MiB, 2TB)` });
    return z.NEVER;
  }
  return bytes;
});

// Spelt out rather than /i: JSON Schema patterns have no flags, and zod drops them when it
// publishes docs/config.schema.json.
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');
const percent = z.number().min(0).max(100);

const sshSchema = z.strictObject({
  host: z.string().optional().describe('Address or ~/.ssh/config alias; defaults to the host\'s address'),
  user: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: z.string().optional(),
  knownHosts: z.string().optional().describe('known_hosts file; defaults to ~/.ssh/known_hosts'),
  hostKey: z.enum(['strict', 'accept-new']).default('strict'),
  connectTimeout: duration.default(8000),
});

export const hostSchema = z.strictObject({
  address: z.string().optional().describe('LAN address, shown in panes'),
  description: z.string().optional(),
  local: z.boolean().default(false).describe('The console runs on this host'),
  ssh: sshSchema.optional(),
});

const planContainer = z.union([
  name,
  z.strictObject({ name, memory: size.optional() }),
]);

export const planGroupSchema = z.strictObject({
  name,
  description: z.string().optional(),
  cores: z.number().int().positive().describe('Physical cores the group owns'),
  coreIds: z.array(z.number().int().nonnegative()).optional()
    .describe('Which physical cores; by default groups take cores in order'),
  memory: size.optional(),
  containers: z.array(planContainer).default([]),
});

export const planSchema = z.strictObject({
  host: name.describe('The host the plan describes (a key of hosts)'),
  threadsPerCore: z.number().int().min(1).max(8).default(2),
  groups: z.array(planGroupSchema).min(1),
  reserved: z.array(z.strictObject({ name, memory: size, description: z.string().optional() })).default([])
    .describe('Memory set aside outside the groups: container overhead, file cache, GPU, reserve'),
});

export const triggersSchema = z.strictObject({
  cpu: z.strictObject({ percent: percent.default(80), sustained: duration.default(300_000) }).default({ percent: 80, sustained: 300_000 }),
  memory: z.strictObject({ percent: percent.default(85) }).default({ percent: 85 }),
  storage: z.strictObject({ freePercent: percent.default(20) }).default({ freePercent: 20 }),
  network: z.strictObject({ percent: percent.default(70) }).default({ percent: 70 }),
});

const probeTiming = { interval: duration, timeout: duration };

export const probesSchema = z.strictObject({
  cpu: z.strictObject({
    enabled: z.boolean().default(true),
    interval: probeTiming.interval.default(2000),
    timeout: probeTiming.timeout.default(1500),
    disksInterval: duration.default(30_000).describe('Filesystems change slowly; read them less often'),
    ignoreFilesystems: z.array(z.string()).default(['tmpfs', 'devtmpfs', 'overlay', 'squashfs', 'efivarfs'])
      .describe('Filesystem types neither shown nor checked by the storage trigger'),
    ignoreInterfaces: z.array(z.string()).default(['lo', 'veth*', 'br-*', 'docker*', 'virbr*'])
      .describe('Network interfaces neither shown nor checked by the network trigger; a trailing * matches any rest'),
  }).prefault({}),
  gpu: z.strictObject({
    enabled: z.boolean().default(true),
    interval: probeTiming.interval.default(5000),
    timeout: probeTiming.timeout.default(4000),
    command: z.string().default('nvidia-smi'),
    temperature: z.strictObject({ warn: z.number().default(80), crit: z.number().default(90) }).prefault({}),
    memoryPercent: z.strictObject({ warn: percent.default(90), crit: percent.default(98) }).prefault({}),
  }).prefault({}),
});

// Sections filled in by later parts of the console; their shapes are settled here so that
// a config written today stays valid.
export const dockerSchema = z.strictObject({
  endpoints: z.array(z.strictObject({ host: name, socket: z.string().optional() })).default([]),
});

export const dnsSchema = z.strictObject({
  servers: z.array(z.strictObject({
    name,
    address: z.string(),
    port: z.number().int().min(1).max(65535).default(53),
    host: name.optional(),
    pihole: z.strictObject({
      url: z.string(),
      passwordEnv: z.string().optional(),
      passwordFile: z.string().optional(),
    }).optional(),
  })).default([]),
  names: z.array(z.strictObject({ name: z.string(), type: z.enum(['A', 'AAAA', 'TXT']).default('A'), local: z.boolean().default(false) })).default([]),
  timeout: duration.default(1500),
});

export const vpnSchema = z.strictObject({
  url: z.string(),
  container: z.string().optional(),
  apiKeyEnv: z.string().optional(),
  apiKeyFile: z.string().optional(),
  directIpUrl: z.string().optional(),
});

export const backupsSchema = z.strictObject({
  sets: z.array(z.strictObject({
    name,
    host: name,
    path: z.string(),
    glob: z.string().optional(),
    kind: z.enum(['files', 'restic', 'borg']).default('files'),
    schedule: duration,
    keep: z.union([z.number().int().positive(), duration]).optional(),
    walArchive: z.boolean().default(false),
  })).default([]),
});

export const runbooksSchema = z.strictObject({
  dirs: z.array(z.string()).default([]),
  site: z.record(z.string(), z.string()).default({}).describe('Site-specific commands the built-in runbooks call'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  refresh: duration.default(2000).describe('How often the console redraws with the newest readings'),
  view: z.string().default('auto').describe('auto, a view name, or a view file'),
  views: z.array(z.string()).min(1).max(9).default(['workstation', 'tmux', 'outage'])
    .describe('Views the number keys switch between, in order; names or files'),
  keymap: z.string().default('default').describe('A keymap name or a keymap file'),
  readOnly: z.boolean().default(false),
  hosts: z.record(name, hostSchema),
  plan: planSchema,
  triggers: triggersSchema.prefault({}),
  probes: probesSchema.prefault({}),
  docker: dockerSchema.optional(),
  dns: dnsSchema.optional(),
  vpn: vpnSchema.optional(),
  backups: backupsSchema.optional(),
  runbooks: runbooksSchema.optional(),
}).superRefine((config, ctx) => {
  // Own keys only: `in` would accept "toString" or "constructor" as a host.
  if (!Object.hasOwn(config.hosts, config.plan.host)) {
    ctx.addIssue({ code: 'custom', path: ['plan', 'host'], message: `no host "${config.plan.host}" in hosts (have: ${Object.keys(config.hosts).join(', ') || 'none'})` });
  }
  const seenGroups = new Set<string>();
  const owner = new Map<number, string>();
  config.plan.groups.forEach((group, index) => {
    if (seenGroups.has(group.name)) {
      ctx.addIssue({ code: 'custom', path: ['plan', 'groups', index, 'name'], message: `group "${group.name}" is defined twice` });
    }
    seenGroups.add(group.name);
    if (group.coreIds && group.coreIds.length !== group.cores) {
      ctx.addIssue({ code: 'custom', path: ['plan', 'groups', index, 'coreIds'], message: `lists ${group.coreIds.length} cores but cores is ${group.cores}` });
    }
    group.coreIds?.forEach((core, coreIndex) => {
      const previous = owner.get(core);
      if (previous !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['plan', 'groups', index, 'coreIds', coreIndex], message: `core ${core} is already owned by group "${previous}"` });
      }
      owner.set(core, group.name);
    });
  });
  for (const [index, server] of (config.dns?.servers ?? []).entries()) {
    if (server.host !== undefined && !Object.hasOwn(config.hosts, server.host)) {
      ctx.addIssue({ code: 'custom', path: ['dns', 'servers', index, 'host'], message: `no host "${server.host}" in hosts` });
    }
  }
  for (const [index, set] of (config.backups?.sets ?? []).entries()) {
    if (!Object.hasOwn(config.hosts, set.host)) {
      ctx.addIssue({ code: 'custom', path: ['backups', 'sets', index, 'host'], message: `no host "${set.host}" in hosts` });
    }
  }
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type HostConfig = z.output<typeof hostSchema>;
export type Plan = z.output<typeof planSchema>;
export type PlanGroup = z.output<typeof planGroupSchema>;
export type Triggers = z.output<typeof triggersSchema>;
export type ProbesConfig = z.output<typeof probesSchema>;
