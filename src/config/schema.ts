// The config file's shape. Types are derived from these schemas; nothing else declares them.
import { z } from 'zod';
import { WEEKDAYS } from './maintenance.js';
import { secretFields } from './secret-fields.js';
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
  host: z.string().optional().describe("Address or ~/.ssh/config alias; defaults to the host's address"),
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

const planContainer = z.union([name, z.strictObject({ name, memory: size.optional() })]);

export const planGroupSchema = z.strictObject({
  name,
  description: z.string().optional(),
  cores: z.number().int().positive().describe('Physical cores the group owns'),
  coreIds: z.array(z.number().int().nonnegative()).optional().describe('Which physical cores; by default groups take cores in order'),
  memory: size.optional(),
  containers: z.array(planContainer).default([]),
});

export const planSchema = z.strictObject({
  host: name.describe('The host the plan describes (a key of hosts)'),
  threadsPerCore: z.number().int().min(1).max(8).default(2),
  note: z.string().optional().describe('Shown with the plan in the CPU pane, e.g. that it is a guess still to be written'),
  groups: z.array(planGroupSchema).min(1),
  reserved: z
    .array(z.strictObject({ name, memory: size, description: z.string().optional() }))
    .default([])
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
  cpu: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: name.optional().describe('The host measured (a key of hosts); default: plan.host'),
      interval: probeTiming.interval.default(2000),
      timeout: probeTiming.timeout.default(1500),
      disksInterval: duration.default(30_000).describe('Filesystems change slowly; read them less often'),
      ignoreFilesystems: z
        .array(z.string())
        .default(['tmpfs', 'devtmpfs', 'overlay', 'squashfs', 'efivarfs'])
        .describe('Filesystem types neither shown nor checked by the storage trigger'),
      ignoreInterfaces: z
        .array(z.string())
        .default(['lo', 'veth*', 'br-*', 'docker*', 'virbr*'])
        .describe('Network interfaces neither shown nor checked by the network trigger; a trailing * matches any rest'),
    })
    .prefault({}),
  gpu: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: name.optional().describe('The host whose nvidia-smi is run (a key of hosts); default: plan.host'),
      interval: probeTiming.interval.default(5000),
      timeout: probeTiming.timeout.default(4000),
      command: z.string().default('nvidia-smi'),
      temperature: z.strictObject({ warn: z.number().default(80), crit: z.number().default(90) }).prefault({}),
      memoryPercent: z.strictObject({ warn: percent.default(90), crit: percent.default(98) }).prefault({}),
    })
    .prefault({}),
});

// Sections filled in by later parts of the console; their shapes are settled here so that
// a config written today stays valid.
export const dockerEndpointSchema = z.strictObject({
  host: name.describe('The host whose Docker engine this is (a key of hosts): local, or reached over its SSH connection'),
  socket: z
    .string()
    .optional()
    .describe(
      "The engine's socket on that host (unix:///path, /path, or tcp:// for the local host); default: DOCKER_HOST on the local host, else /var/run/docker.sock",
    ),
  dockerCommand: z
    .string()
    .min(1)
    .default('docker')
    .describe('On a remote host: the docker CLI that runs `docker system dial-stdio` (e.g. /usr/local/bin/docker on Synology)'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe('Stats requests in flight at once; default 64 on a local socket, 4 over SSH (sshd allows 10 sessions per connection)'),
});

export const dockerSchema = z
  .strictObject({
    endpoints: z.array(dockerEndpointSchema).default([]).describe('Docker engines to watch, one per host'),
    interval: duration
      .default(2000)
      .describe("How often the container list is read; health changes arrive sooner, through the engine's events"),
    timeout: duration.default(3000).describe('Time allowed for one read of an engine'),
    statsInterval: duration
      .default(2000)
      .describe(
        "How often running containers' CPU and memory are sampled (all in parallel; with more than 20 running, each proportionally less often)",
      ),
    startingGrace: duration.default(120_000).describe('A health check still "starting" after this long is a warning'),
    restartLoop: z
      .strictObject({
        restarts: z.number().int().min(1).default(3).describe('Restarts within the window that count as a loop'),
        window: duration.default(600_000),
      })
      .prefault({})
      .describe('When a container counts as restarting in a loop (besides being in the restarting state)'),
    stopTimeout: duration.default(10_000).describe('Time a container gets to stop before it is killed, for the stop and restart actions'),
    logLines: z.number().int().min(1).max(10_000).default(200).describe('Lines the logs view starts with'),
  })
  .superRefine((docker, ctx) => {
    const seen = new Set<string>();
    docker.endpoints.forEach((endpoint, index) => {
      if (seen.has(endpoint.host))
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', index, 'host'],
          message: `host "${endpoint.host}" has an endpoint already (one engine per host)`,
        });
      seen.add(endpoint.host);
    });
  });

// Secrets are named, never written in the file: an environment variable or a file holding the
// value (its first line). The console starts without them; the pane says which one to set.
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/?#@]+(:\d+)?(\/[^\s?#]*)?$/, 'an http:// or https:// URL without user or password, e.g. http://10.0.10.10');

export const piholeSchema = z.strictObject({
  url: httpUrl.describe("Pi-hole's web address (v6 API under /api)"),
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .register(secretFields, { secret: 'env' })
    .optional()
    .describe('Environment variable holding the Pi-hole password or an app password'),
  passwordFile: z
    .string()
    .register(secretFields, { secret: 'file' })
    .optional()
    .describe('Or a file holding it (first line); used when the variable is unset'),
});

export const dnsServerSchema = z.strictObject({
  name,
  address: z.string().min(1).describe('Address queried (IPv4 or IPv6)'),
  port: z.number().int().min(1).max(65535).default(53),
  host: name.optional().describe('The host it runs on (a key of hosts)'),
  pihole: piholeSchema.optional(),
});

export const dnsSchema = z
  .strictObject({
    servers: z.array(dnsServerSchema).default([]).describe('DNS servers in the order DHCP hands them to clients (primary first)'),
    names: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          type: z.enum(['A', 'AAAA', 'TXT']).default('A'),
          local: z.boolean().default(false).describe('A LAN name only your own servers answer'),
        }),
      )
      .min(1)
      .default([{ name: 'example.com', type: 'A', local: false }])
      .describe('Names asked of every server'),
    interval: duration.default(10_000).describe('How often the servers are asked'),
    timeout: duration.default(1500).describe('Time allowed for each DNS query'),
    piholeTimeout: duration.default(3000).describe('Time allowed for each Pi-hole API call'),
    syncTolerance: duration
      .default(3_600_000)
      .describe("How far apart the Pi-holes' gravity update times may be before the secondary counts as out of sync"),
    disableFor: duration.default(300_000).describe('How long the disable-blocking action offers to pause blocking'),
  })
  .superRefine((dns, ctx) => {
    const seen = new Set<string>();
    dns.servers.forEach((server, index) => {
      if (seen.has(server.name))
        ctx.addIssue({ code: 'custom', path: ['servers', index, 'name'], message: `server "${server.name}" is defined twice` });
      seen.add(server.name);
    });
  });

export const vpnSchema = z
  .strictObject({
    url: httpUrl.describe("Gluetun's control server, e.g. http://10.0.10.10:8000"),
    container: z.string().optional().describe("The Gluetun container's name, for its health"),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .register(secretFields, { secret: 'env' })
      .optional()
      .describe("Environment variable holding the control server's API key (X-API-Key)"),
    apiKeyFile: z
      .string()
      .register(secretFields, { secret: 'file' })
      .optional()
      .describe('Or a file holding it; used when the variable is unset'),
    username: z.string().optional().describe('Basic auth user, for a role with auth = "basic"'),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .register(secretFields, { secret: 'env' })
      .optional()
      .describe('Environment variable holding the basic auth password'),
    passwordFile: z.string().register(secretFields, { secret: 'file' }).optional().describe('Or a file holding it'),
    directIpUrl: httpUrl.optional().describe('A URL answering with the public IP seen without the VPN'),
    interval: duration.default(15_000),
    timeout: duration.default(4000),
  })
  .superRefine((vpn, ctx) => {
    const basic = vpn.username !== undefined || vpn.passwordEnv !== undefined || vpn.passwordFile !== undefined;
    const apiKey = vpn.apiKeyEnv !== undefined || vpn.apiKeyFile !== undefined;
    if (basic && apiKey) {
      ctx.addIssue({
        code: 'custom',
        path: [vpn.username !== undefined ? 'username' : vpn.passwordEnv !== undefined ? 'passwordEnv' : 'passwordFile'],
        message: 'use either an API key (apiKeyEnv/apiKeyFile) or basic auth (username + passwordEnv/passwordFile), not both',
      });
    } else if (basic && vpn.username === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [vpn.passwordEnv !== undefined ? 'passwordEnv' : 'passwordFile'],
        message: 'basic auth needs username as well',
      });
    } else if (vpn.username !== undefined && vpn.passwordEnv === undefined && vpn.passwordFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'basic auth needs passwordEnv or passwordFile as well' });
    }
  });

// PostgreSQL's WAL archiving, read from pg_stat_archiver with psql on a host of the estate.
export const walArchiveSchema = z.strictObject({
  host: name.optional().describe("The host psql runs on (a key of hosts); default: the set's host"),
  psql: z
    .array(z.string().min(1))
    .min(1)
    .default(['psql'])
    .describe('The psql command as argv, e.g. [docker, exec, postgres, psql] when PostgreSQL runs in a container'),
  address: z.string().min(1).optional().describe("Server address (psql -h); default: psql's own (PGHOST, else the local socket)"),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional().describe('Role (psql -U); it needs only to read pg_stat_archiver'),
  database: z.string().min(1).default('postgres'),
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .register(secretFields, { secret: 'env' })
    .optional()
    .describe("Environment variable holding the role's password, handed to psql as PGPASSWORD"),
});

// Proving a set restorable (homeops drill, docs/backups.md "Drills"): a pg_dump archive restored
// into a throwaway PostgreSQL container, or a sample of a restic or borg repository's files
// restored and compared.
export const drillSchema = z.strictObject({
  schedule: duration.default(7 * 86_400_000).describe('How often the set should be drilled: a last drill older than this is a warning'),
  host: name.optional().describe("files: the host whose Docker runs the throwaway PostgreSQL (a key of hosts); default: the set's host"),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("files: where that host sees the set's directory (the NAS's share mounted on the workstation); default: the set's path"),
  image: z.string().min(1).optional().describe("files: the throwaway server's image, e.g. postgres:15"),
  container: z
    .string()
    .min(1)
    .optional()
    .describe('files: or the image of this running container (the live server, which the drill never touches)'),
  docker: z.array(z.string().min(1)).min(1).default(['docker']).describe('files: the docker command on that host, e.g. [sudo, -n, docker]'),
  sample: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('restic, borg: how many files of the newest snapshot are restored and compared'),
  timeout: duration.default(900_000).describe('Time allowed for the whole drill'),
});

export const backupSetSchema = z.strictObject({
  name,
  host: name.describe('The host holding the backups (a key of hosts): the local one, or one reached over SSH (SFTP)'),
  kind: z
    .enum(['files', 'dirs', 'restic', 'borg'])
    .default('files')
    .describe('files: each file in path is a backup · dirs: each directory in path is one · restic, borg: the snapshots of a repository'),
  path: z.string().min(1).describe('files, dirs: the directory on that host · restic, borg: the repository'),
  glob: z
    .string()
    .min(1)
    .optional()
    .describe('files, dirs: which names count, e.g. "*.dump" (*, ? and [...]); default every name not starting with "."'),
  schedule: duration.describe('How often a backup is made: the newest older than this is due, older than 1.5 times this overdue'),
  // A number is a count of versions; an age is written as text ("7d"), so the two never mix.
  // The text is kept as written (a parsed config parses again the same).
  keep: z
    .union([
      z.number().int().positive(),
      z
        .string()
        .describe('An age, e.g. 7d')
        .refine((text) => (parseDuration(text) ?? 0) > 0, {
          error: (issue) => `${JSON.stringify(issue.input)} is not an age (use e.g. 12h, 7d) or a number of versions`,
        }),
    ])
    .optional()
    .describe('Retention: a number of versions (30) or an age (7d); absent = kept until deleted'),
  command: z.string().min(1).optional().describe('restic, borg: the program on that host; default restic or borg'),
  args: z.array(z.string()).default([]).describe('restic, borg: more arguments, e.g. [--host, workstation, --tag, db]'),
  passwordFile: z
    .string()
    .min(1)
    .register(secretFields, { secret: 'host-file' })
    .optional()
    .describe('restic, borg: a file on that host holding the repository password'),
  walArchive: z
    .union([z.boolean(), walArchiveSchema])
    .default(false)
    .describe("PostgreSQL WAL archiving goes with this set: true (psql on the set's host, its defaults) or where and how psql connects"),
  drill: drillSchema
    .optional()
    .describe(
      'How the set is proven restorable (homeops drill): files of pg_dump archives into a throwaway PostgreSQL, restic and borg by a sample of files',
    ),
});

export const backupsSchema = z
  .strictObject({
    sets: z.array(backupSetSchema).default([]),
    interval: duration.default(60_000).describe('How often every set is looked at'),
    timeout: duration.default(10_000).describe('Time allowed for each listing or command'),
    sizeDrop: percent.default(50).describe('A newest backup smaller than this share of the one before is a warning'),
  })
  .superRefine((backups, ctx) => {
    const seen = new Set<string>();
    backups.sets.forEach((set, index) => {
      if (seen.has(set.name))
        ctx.addIssue({ code: 'custom', path: ['sets', index, 'name'], message: `set "${set.name}" is defined twice` });
      seen.add(set.name);
      if (set.schedule <= 0)
        ctx.addIssue({ code: 'custom', path: ['sets', index, 'schedule'], message: 'must be longer than 0 (how often a backup is made)' });
      const repository = set.kind === 'restic' || set.kind === 'borg';
      if (repository && set.glob !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['sets', index, 'glob'],
          message: `a ${set.kind} repository has no files to match (glob is for kind files or dirs)`,
        });
      if (!repository) {
        const field =
          set.command !== undefined ? 'command' : set.passwordFile !== undefined ? 'passwordFile' : set.args.length > 0 ? 'args' : null;
        if (field) ctx.addIssue({ code: 'custom', path: ['sets', index, field], message: `is for kind restic or borg, not ${set.kind}` });
      }
      const drill = set.drill;
      if (drill) {
        const at = (field: string) => ['sets', index, 'drill', field];
        if (set.kind === 'dirs')
          ctx.addIssue({
            code: 'custom',
            path: ['sets', index, 'drill'],
            message: 'a drill restores pg_dump archives (kind files) or a sample of a restic or borg repository, not directories',
          });
        else if (repository) {
          const field = (['host', 'path', 'image', 'container'] as const).find((f) => drill[f] !== undefined);
          if (field)
            ctx.addIssue({
              code: 'custom',
              path: at(field),
              message: `is for a set of pg_dump archives (kind files); a ${set.kind} drill runs on the set's host`,
            });
        } else if ((drill.image === undefined) === (drill.container === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: drill.image !== undefined ? at('container') : ['sets', index, 'drill'],
            message:
              "give the throwaway PostgreSQL's image: image (e.g. postgres:15) or container (the live server's, whose image is used), one of them",
          });
        }
      }
    });
  });

// Services and how each is checked: from a host of the config (this machine by default, or over
// that host's SSH connection), one check per service. docs/services.md.
const port = z.number().int().min(1).max(65535);
const hostAddress = z
  .string()
  .min(1)
  .regex(/^[^\s/]+$/, 'an address or host name, without a scheme or path');

const httpCheck = z.strictObject({
  url: httpUrl.describe("What is fetched (GET); https:// also reads the certificate's days left"),
  status: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .optional()
    .describe('The status code(s) that count as up; default any 2xx or 3xx'),
  keyword: z.string().min(1).optional().describe('Text the body must contain (in its first 64 KiB)'),
  ca: z
    .string()
    .min(1)
    .optional()
    .describe('https: a PEM file of the certificate authority (a self-signed estate), on the machine running the console'),
  insecure: z.boolean().default(false).describe('https: accept a certificate that cannot be verified (its days left are still checked)'),
});
const tcpCheck = z.strictObject({ address: hostAddress, port });
const tlsCheck = z.strictObject({
  address: hostAddress,
  port: port.default(443),
  serverName: z.string().min(1).optional().describe('The name asked for (SNI) and verified; default the address'),
  ca: z.string().min(1).optional().describe('A PEM file of the certificate authority'),
  insecure: z.boolean().default(false).describe('Accept a certificate that cannot be verified (its days left are still checked)'),
});
const dnsAnswerCheck = z.strictObject({
  server: hostAddress.describe('The DNS server asked (an address)'),
  port: port.default(53),
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'TXT']).default('A'),
});
const containerServiceCheck = z.strictObject({
  name: z.string().min(1).describe("The container's name"),
  host: name.optional().describe("The host whose Docker engine runs it (a docker.endpoints host); default: the service's runsOn"),
});

export const serviceCheckSchema = z
  .union([
    z.strictObject({ http: httpCheck }),
    z.strictObject({ tcp: tcpCheck }),
    z.strictObject({ tls: tlsCheck }),
    z.strictObject({ dns: dnsAnswerCheck }),
    z.strictObject({ container: containerServiceCheck }),
  ])
  .describe('One of http, tcp, tls, dns or container');

export const PRIORITIES = [1, 2, 3, 4] as const;

export const serviceSchema = z.strictObject({
  name,
  description: z.string().optional(),
  priority: z
    .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
    .default(4)
    .describe('Recovery priority: how soon it must be back (services.budgets); 1 is the most urgent'),
  group: name.optional().describe('The plan group it belongs to (a plan.groups name)'),
  runsOn: name.optional().describe('The host it runs on (a key of hosts): what triggers about that host look at'),
  from: name.optional().describe('The host the check runs on (a key of hosts), locally or over its SSH connection; default this machine'),
  check: serviceCheckSchema,
  slow: duration.optional().describe('A p95 response time over 5 minutes above this is a warning; default services.slow'),
  standby: z
    .boolean()
    .default(false)
    .describe(
      "Runs only while the estate has failed over (the NAS's backup services): down is expected then, and up means the standby serves",
    ),
});

export const servicesSchema = z
  .strictObject({
    list: z.array(serviceSchema).default([]).describe('The services, in the order the pane lists them (it puts those in trouble first)'),
    interval: duration.default(15_000).describe('How often every service is checked'),
    timeout: duration.default(5000).describe('Time allowed for one check'),
    downAfter: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(2)
      .describe('Checks in a row that must fail before a service that was up counts as down (one failure alone shows in its error rate)'),
    budgets: z
      .strictObject({
        1: duration.default(300_000),
        2: duration.default(1_800_000),
        3: duration.default(7_200_000),
        4: duration.default(86_400_000),
      })
      .prefault({})
      .describe('Recovery budget per priority: a down service warns past half of it and is critical past it'),
    slow: duration.default(1000).describe('Default p95 response time over 5 minutes above which a service is slow (a warning)'),
    errorRate: z
      .strictObject({ warn: percent.default(5), crit: percent.default(25) })
      .prefault({})
      .describe('Share of checks failing over 5 minutes that is a warning, or critical'),
    certificate: z
      .strictObject({ warn: duration.default(14 * 86_400_000), crit: duration.default(3 * 86_400_000) })
      .prefault({})
      .describe('A TLS certificate expiring within warn is a warning, within crit critical'),
  })
  .superRefine((services, ctx) => {
    const seen = new Set<string>();
    services.list.forEach((service, index) => {
      if (seen.has(service.name))
        ctx.addIssue({ code: 'custom', path: ['list', index, 'name'], message: `service "${service.name}" is defined twice` });
      seen.add(service.name);
    });
  });

// When expected downtime happens: inside a window nothing is alerted or triggered for it.
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. 02:00');

export const maintenanceSchema = z
  .strictObject({
    weekday: z.enum(WEEKDAYS).describe('The day of the window'),
    weeks: z
      .array(z.union([z.number().int().min(1).max(5), z.literal('last')]))
      .min(1)
      .optional()
      .describe("Which of the month's such days: 1 the first, 2 the second … or last; default every one"),
    from: clockTime.describe('Start, local time'),
    to: clockTime.describe('End, local time (the same day)'),
    runbook: name.optional().describe('The runbook of the window: run outside it, it asks first'),
  })
  .superRefine((window, ctx) => {
    if (window.to <= window.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be later than from (${window.from}) on the same day` });
  });

export const runbooksSchema = z.strictObject({
  dirs: z
    .array(z.string())
    .default([])
    .describe('More runbook directories (relative to the config file), besides the built-in ones and ~/.config/homeops/runbooks'),
  site: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and "_"'), z.string())
    .default({})
    .describe(
      'Site-specific commands and values the runbooks call as {{site.NAME}}: how DHCP is changed on this router, how services start on the NAS',
    ),
  triggers: z
    .record(
      name,
      z.strictObject({
        response: z
          .enum(['offer', 'auto', 'off'])
          .optional()
          .describe(
            "offer: the console shows a banner; auto: for the watcher to run (the console still offers it); off: never; default the runbook's own (offer)",
          ),
        for: duration.optional().describe("How long the condition must hold; default the runbook's own"),
      }),
    )
    .default({})
    .describe('Per runbook id: how its trigger responds, and how long its condition must hold'),
});

// Alerts: how long trouble must last, how urgent it is, and who is told (docs/alerts.md).
const severityWord = z.enum(['critical', 'high', 'medium', 'low']);
const ruleKey = z
  .string()
  .regex(
    /^(host|(cpu|gpu|containers|dns|vpn|backups)(\.(crit|warn|down|stale))?)$/,
    'a pane (cpu, gpu, containers, dns, vpn, backups), PANE.LEVEL (crit, warn, down, stale), or host',
  );
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const channelCommon = {
  name,
  severities: z
    .array(severityWord)
    .min(1)
    .optional()
    .describe(
      'The severities sent here (firing, reminders and resolutions); default by type: ntfy and command critical, email high, webhook critical, high and medium',
    ),
  timeout: duration.default(10_000).describe('Time allowed for one delivery'),
};

export const webhookChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('webhook'),
  url: httpUrl.describe('Where the JSON is POSTed'),
  tokenEnv: envName
    .register(secretFields, { secret: 'env' })
    .optional()
    .describe('Environment variable holding a token sent as Authorization: Bearer'),
  tokenFile: z.string().min(1).register(secretFields, { secret: 'file' }).optional().describe('Or a file holding it (first line)'),
});

export const ntfyChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('ntfy'),
  url: httpUrl.describe('The ntfy server, e.g. https://ntfy.sh or your own'),
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'letters, digits, "-" or "_", at most 64'),
  tokenEnv: envName.register(secretFields, { secret: 'env' }).optional().describe('Environment variable holding an access token'),
  tokenFile: z.string().min(1).register(secretFields, { secret: 'file' }).optional().describe('Or a file holding it (first line)'),
});

export const emailChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('email'),
  host: z.string().min(1).describe('The SMTP server'),
  port: z.number().int().min(1).max(65535).default(587),
  security: z
    .enum(['starttls', 'tls', 'none'])
    .default('starttls')
    .describe(
      'starttls: plain connection upgraded with STARTTLS, refused without it (port 587) · tls: TLS from the start (465) · none: no TLS (a relay on this machine only)',
    ),
  caFile: z.string().min(1).optional().describe("A CA certificate (PEM) to trust for the server, besides the system's"),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  user: z.string().min(1).optional().describe('Login for SMTP AUTH'),
  passwordEnv: envName.register(secretFields, { secret: 'env' }).optional().describe('Environment variable holding the SMTP password'),
  passwordFile: z.string().min(1).register(secretFields, { secret: 'file' }).optional().describe('Or a file holding it (first line)'),
});

export const commandChannelSchema = z.strictObject({
  ...channelCommon,
  type: z.literal('command'),
  host: name.describe('The host it runs on (a key of hosts): the NAS for its own notifier'),
  command: z
    .array(z.string().min(1))
    .min(1)
    .describe('argv, run without a shell; the alert comes in HOMEOPS_ALERT_STATE, _SEVERITY, _TITLE, _TEXT, _PANE, _SINCE, _KEY and _JSON'),
});

export const channelSchema = z.discriminatedUnion('type', [
  webhookChannelSchema,
  ntfyChannelSchema,
  emailChannelSchema,
  commandChannelSchema,
]);

export const alertsSchema = z
  .strictObject({
    sustain: duration.default(120_000).describe('How long trouble must last before its alert fires'),
    sustainFor: z
      .record(ruleKey, duration)
      .default({})
      .describe('The sustain time per pane, PANE.LEVEL or host, e.g. { dns: 30s, cpu.warn: 10m }'),
    clear: duration.default(60_000).describe("How long a firing alert's trouble must be gone before it resolves"),
    remind: duration.default(3_600_000).describe('A reminder this often while an alert fires unacknowledged; 0: never'),
    severity: z.record(ruleKey, severityWord).default({}).describe('Severities other than the defaults, per pane, PANE.LEVEL or host'),
    bell: z.boolean().default(true).describe('The console rings the terminal bell when a critical alert appears'),
    channels: z.array(channelSchema).default([]).describe('Who is told: webhook, ntfy, email, command'),
  })
  .superRefine((alerts, ctx) => {
    const seen = new Set<string>();
    alerts.channels.forEach((channel, index) => {
      if (seen.has(channel.name))
        ctx.addIssue({ code: 'custom', path: ['channels', index, 'name'], message: `channel "${channel.name}" is defined twice` });
      seen.add(channel.name);
      if (
        channel.type === 'email' &&
        channel.user === undefined &&
        (channel.passwordEnv !== undefined || channel.passwordFile !== undefined)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', index, channel.passwordEnv !== undefined ? 'passwordEnv' : 'passwordFile'],
          message: 'a password needs user as well',
        });
      }
      if (
        channel.type === 'email' &&
        channel.user !== undefined &&
        channel.passwordEnv === undefined &&
        channel.passwordFile === undefined
      ) {
        ctx.addIssue({ code: 'custom', path: ['channels', index, 'user'], message: 'SMTP AUTH needs passwordEnv or passwordFile as well' });
      }
    });
  });

export const storeSchema = z.strictObject({
  history: duration.default(7 * 86_400_000).describe('How long the per-minute samples are kept'),
  timeline: duration.default(30 * 86_400_000).describe("How long the timeline's events are kept"),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    refresh: duration.default(2000).describe('How often the console redraws with the newest readings'),
    view: z.string().default('auto').describe('auto, a view name, or a view file'),
    views: z
      .array(z.string())
      .min(1)
      .max(9)
      .default(['workstation', 'tmux', 'outage', 'services'])
      .describe('Views the number keys switch between, in order; names or files'),
    keymap: z.string().default('default').describe('A keymap name or a keymap file'),
    readOnly: z.boolean().default(false),
    theme: z
      .enum(['dark', 'light', 'high-contrast'])
      .optional()
      .describe(
        'dark (the default), light (for a light terminal background) or high-contrast; --theme overrides it, NO_COLOR and --no-color turn colour off',
      ),
    mouse: z
      .boolean()
      .default(true)
      .describe(
        'Clicks and the wheel in the console (a click selects, a double-click opens, the wheel scrolls); false leaves the mouse to the terminal, as --no-mouse does',
      ),
    profile: z
      .enum(['auto', 'local', 'remote'])
      .default('auto')
      .describe(
        'local: the console runs on the host marked local · remote: every host is reached over SSH (from the NAS or a laptop) · auto: local when this machine is the host marked local',
      ),
    hosts: z.record(name, hostSchema),
    plan: planSchema,
    triggers: triggersSchema.prefault({}),
    probes: probesSchema.prefault({}),
    docker: dockerSchema.optional(),
    dns: dnsSchema.optional(),
    vpn: vpnSchema.optional(),
    backups: backupsSchema.optional(),
    services: servicesSchema.optional(),
    maintenance: maintenanceSchema.optional().describe('The maintenance window, when expected downtime neither alerts nor triggers'),
    runbooks: runbooksSchema.optional(),
    alerts: alertsSchema.optional(),
    store: storeSchema.optional(),
  })
  .superRefine((config, ctx) => {
    // Own keys only: `in` would accept "toString" or "constructor" as a host.
    if (!Object.hasOwn(config.hosts, config.plan.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['plan', 'host'],
        message: `no host "${config.plan.host}" in hosts (have: ${Object.keys(config.hosts).join(', ') || 'none'})`,
      });
    }
    for (const probe of ['cpu', 'gpu'] as const) {
      const host = config.probes[probe].host;
      if (host !== undefined && !Object.hasOwn(config.hosts, host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['probes', probe, 'host'],
          message: `no host "${host}" in hosts (have: ${Object.keys(config.hosts).join(', ') || 'none'})`,
        });
      }
    }
    const seenGroups = new Set<string>();
    const owner = new Map<number, string>();
    config.plan.groups.forEach((group, index) => {
      if (seenGroups.has(group.name)) {
        ctx.addIssue({ code: 'custom', path: ['plan', 'groups', index, 'name'], message: `group "${group.name}" is defined twice` });
      }
      seenGroups.add(group.name);
      if (group.coreIds && group.coreIds.length !== group.cores) {
        ctx.addIssue({
          code: 'custom',
          path: ['plan', 'groups', index, 'coreIds'],
          message: `lists ${group.coreIds.length} cores but cores is ${group.cores}`,
        });
      }
      group.coreIds?.forEach((core, coreIndex) => {
        const previous = owner.get(core);
        if (previous !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['plan', 'groups', index, 'coreIds', coreIndex],
            message: `core ${core} is already owned by group "${previous}"`,
          });
        }
        owner.set(core, group.name);
      });
    });
    for (const [index, server] of (config.dns?.servers ?? []).entries()) {
      if (server.host !== undefined && !Object.hasOwn(config.hosts, server.host)) {
        ctx.addIssue({ code: 'custom', path: ['dns', 'servers', index, 'host'], message: `no host "${server.host}" in hosts` });
      }
    }
    const groups = new Set(config.plan.groups.map((g) => g.name));
    for (const [index, service] of (config.services?.list ?? []).entries()) {
      const at = ['services', 'list', index];
      for (const field of ['runsOn', 'from'] as const) {
        const host = service[field];
        if (host !== undefined && !Object.hasOwn(config.hosts, host))
          ctx.addIssue({ code: 'custom', path: [...at, field], message: `no host "${host}" in hosts` });
      }
      if (service.group !== undefined && !groups.has(service.group)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'group'],
          message: `no group "${service.group}" in plan.groups (have: ${[...groups].join(', ')})`,
        });
      }
      if ('container' in service.check) {
        const host = service.check.container.host ?? service.runsOn;
        if (host === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'check', 'container'],
            message: "say which host's Docker engine runs it (host, or the service's runsOn)",
          });
        else if (!(config.docker?.endpoints ?? []).some((e) => e.host === host)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'check', 'container', ...(service.check.container.host ? ['host'] : [])],
            message: `host "${host}" has no Docker endpoint (docker.endpoints)`,
          });
        }
      }
    }
    for (const [index, channel] of (config.alerts?.channels ?? []).entries()) {
      if (channel.type === 'command' && !Object.hasOwn(config.hosts, channel.host)) {
        ctx.addIssue({ code: 'custom', path: ['alerts', 'channels', index, 'host'], message: `no host "${channel.host}" in hosts` });
      }
    }
    for (const [index, set] of (config.backups?.sets ?? []).entries()) {
      if (!Object.hasOwn(config.hosts, set.host)) {
        ctx.addIssue({ code: 'custom', path: ['backups', 'sets', index, 'host'], message: `no host "${set.host}" in hosts` });
      }
      if (set.drill?.host !== undefined && !Object.hasOwn(config.hosts, set.drill.host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['backups', 'sets', index, 'drill', 'host'],
          message: `no host "${set.drill.host}" in hosts`,
        });
      }
      const walHost = typeof set.walArchive === 'object' ? set.walArchive.host : undefined;
      if (walHost !== undefined && !Object.hasOwn(config.hosts, walHost)) {
        ctx.addIssue({ code: 'custom', path: ['backups', 'sets', index, 'walArchive', 'host'], message: `no host "${walHost}" in hosts` });
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
export type DockerConfig = z.output<typeof dockerSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type DockerEndpointConfig = z.output<typeof dockerEndpointSchema>;
export type ServicesConfig = z.output<typeof servicesSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type ServiceCheck = z.output<typeof serviceCheckSchema>;
export type MaintenanceConfig = z.output<typeof maintenanceSchema>;
