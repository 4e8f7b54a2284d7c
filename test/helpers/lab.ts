// The lab estate (scripts/lab.sh) as the drills see it: where it is (from its env.sh), whether it
// is up, and the few things a drill does to it from outside — stop a container, ask DHCP as a
// client, query PostgreSQL, put the estate back in its normal state. In CI a lab that is not up
// is a failure; elsewhere its drills are skipped with how to start it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './built.js';
import { requireService } from './require-service.js';

const script = join(root, 'scripts', 'lab.sh');
const START = 'scripts/lab.sh build && scripts/lab.sh up (as root; build needs the package registries once)';

export type Lab = {
  dir: string;
  config: string;
  env: Record<string, string>;
  ws: string;
  nas: string;
  router: string;
  dockerHost: string;
};

/** The lab named by HOMEOPS_LAB_DIR (default /tmp/homeops-lab), from the env.sh its `up` wrote; null before any up. */
export function labEnv(env: NodeJS.ProcessEnv = process.env): Lab | null {
  const dir = env.HOMEOPS_LAB_DIR ?? '/tmp/homeops-lab';
  const file = join(dir, 'env.sh');
  if (!existsSync(file)) return null;
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    // `export NAME=value`, the value as bash's printf %q writes it (plain words here).
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1');
  }
  const need = (name: string): string => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${file} has no ${name}: run scripts/lab.sh up again`);
    return value;
  };
  return {
    dir,
    config: need('HOMEOPS_CONFIG'),
    env: vars,
    ws: need('HOMEOPS_LAB_WS'),
    nas: need('HOMEOPS_LAB_NAS'),
    router: need('HOMEOPS_LAB_ROUTER'),
    dockerHost: need('HOMEOPS_LAB_DOCKER_HOST'),
  };
}

function answering(lab: Lab): boolean {
  const socket = lab.dockerHost.replace(/^unix:\/\//, '');
  const ping = spawnSync('curl', ['-sf', '--max-time', '2', '--unix-socket', socket, 'http://localhost/_ping'], {
    stdio: 'ignore',
    timeout: 3_000,
  });
  return ping.status === 0 && labScript(lab, ['status'], { check: false }).status === 0;
}

/** The lab, when it is up; for `describe.runIf(...)`. */
export function requireLab(): Lab | null {
  const lab = labEnv();
  const up = requireService('the lab estate (scripts/lab.sh)', () => lab !== null && answering(lab), START);
  return up ? lab : null;
}

/** Runs scripts/lab.sh for this lab; throws with its output when it fails (unless check is false). */
export function labScript(
  lab: Lab,
  args: string[],
  options: { check?: boolean; timeoutMs?: number } = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', [script, ...args], {
    env: {
      ...process.env,
      HOMEOPS_LAB_DIR: lab.dir,
      HOMEOPS_LAB_NET: lab.ws.replace(/\.\d+$/, ''),
      HOMEOPS_LAB_SSH_PORT: lab.env.HOMEOPS_LAB_SSH_PORT ?? '2022',
    },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 180_000,
  });
  if (options.check !== false && result.status !== 0) {
    throw new Error(`scripts/lab.sh ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The estate back in its normal state: everything up and healthy, DHCP handing out the workstation first. */
export function labNormal(lab: Lab): void {
  labScript(lab, ['up']);
}

export function docker(lab: Lab, args: string[], input?: string): string {
  return execFileSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: lab.dockerHost },
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
}

/** One SQL statement on the lab's PostgreSQL (in its container), its rows as text lines. */
export function psql(lab: Lab, sql: string, database = 'homeops'): string {
  return docker(lab, [
    'exec',
    '-i',
    'postgres',
    'psql',
    '-U',
    'postgres',
    '-d',
    database,
    '-XAtq',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    sql,
  ]).trim();
}

export type Lease = { address: string; dns: string[] };

/** A LAN client asks the router's DHCP for a lease (in the lab's LAN namespace): what it is handed. */
export function dhcpLease(lab: Lab): Lease | null {
  const { stdout, status } = labScript(lab, ['dhcp-client'], { check: false, timeoutMs: 15_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('address='));
  if (status !== 0 || !line) return null;
  const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
  return { address: field('address'), dns: field('dns').split(',').filter(Boolean) };
}

/** The WAL segment being written now, after a switch to the next: it is then archived. */
export function switchWal(lab: Lab): string {
  const segment = psql(lab, 'select pg_walfile_name(pg_current_wal_lsn())');
  psql(lab, 'select pg_switch_wal()');
  return segment;
}

/** Waits until PostgreSQL's archiver has copied `segment` (or a later one) to the NAS's share. */
export async function waitArchived(lab: Lab, segment: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = psql(lab, "select coalesce(last_archived_wal, '') from pg_stat_archiver");
    // Segment names sort in WAL order (timeline, then position).
    if (last >= segment && existsSync(join(lab.dir, 'nas/volume1/backups/db/wal', segment))) return;
    if (Date.now() > deadline)
      throw new Error(`WAL segment ${segment} not archived after ${timeoutMs} ms (last archived: ${last || 'none'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** pg_amcheck of the lab's database, as the restore's verify step runs it: its exit code and output. */
export function amcheck(lab: Lab): { code: number; output: string } {
  const result = spawnSync(
    'docker',
    ['exec', 'postgres', 'pg_amcheck', '-U', 'postgres', '--install-missing', '--heapallindexed', '-d', 'homeops'],
    {
      env: { ...process.env, DOCKER_HOST: lab.dockerHost },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/**
 * Damages the first page of the events table on disk (its line pointers), with PostgreSQL
 * stopped, as a failing disk or a stray write would: pg_amcheck finds it, queries may not.
 * Returns the relation's file, relative to the data directory.
 */
export function corruptEvents(lab: Lab): string {
  psql(lab, 'checkpoint');
  const relation = psql(lab, "select pg_relation_filepath('events')");
  docker(lab, ['stop', '-t', '5', 'postgres']);
  const file = join(lab.dir, 'ws/srv/homeops/postgres/data', relation);
  execFileSync('dd', [`of=${file}`, 'bs=1', 'seek=200', 'conv=notrunc', 'status=none'], { input: 'CORRUPT'.repeat(60) });
  docker(lab, ['start', 'postgres']);
  const deadline = Date.now() + 30_000;
  while (
    spawnSync('docker', ['exec', 'postgres', 'pg_isready', '-q', '-U', 'postgres'], {
      env: { ...process.env, DOCKER_HOST: lab.dockerHost },
    }).status !== 0
  ) {
    if (Date.now() > deadline) throw new Error('PostgreSQL did not come back after the corruption');
    execFileSync('sleep', ['0.2']);
  }
  return relation;
}

export type AuditLine = {
  event: string;
  runId: string;
  step?: string;
  phase?: string;
  state?: string;
  status?: string;
  failedStep?: string;
  message?: string;
  output?: string;
  host?: string;
  exitCode?: number | null;
};

/** Every line of the audit log (state directory XDG_STATE_HOME/homeops). */
export function auditLines(stateHome: string): AuditLine[] {
  const file = join(stateHome, 'homeops', 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditLine);
}

/** The audit log's lines of one run; without a run id, of the newest run. */
export function auditOf(stateHome: string, runId?: string): AuditLine[] {
  const lines = auditLines(stateHome);
  const id = runId ?? lines.filter((e) => e.event === 'run-start').at(-1)?.runId;
  return lines.filter((e) => e.runId === id);
}

/** The run id a `homeops runbook run` printed on its first line. */
export function runIdOf(stdout: string): string {
  const id = / run (\S+)/.exec(stdout.split('\n')[0] ?? '')?.[1];
  if (!id) throw new Error(`no run id in: ${stdout.slice(0, 200)}`);
  return id;
}
