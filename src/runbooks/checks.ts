// The built-in checks a runbook step can make: a DNS server answering or not, a container
// healthy or running, a backup fresh, a TCP port open or closed, an HTTP status. Each says
// whether it holds and, in words, what it saw. DNS, TCP and HTTP are asked from this machine
// (as a client would); containers and backups are looked at on their host.
import { connect } from 'node:net';
import type { Env } from '../config/paths.js';
import { formatDuration } from '../config/units.js';
import { drillSet } from '../drills/run.js';
import { ExecError } from '../hosts/host.js';
import type { Hosts } from '../hosts/registry.js';
import { globToRegExp } from '../probes/backups/glob.js';
import { ACCEPTED, DnsAbortedError, queryDns } from '../probes/dns/query.js';
import { nodeFetch } from '../probes/pihole/node-fetch.js';
import type { PlannedCheck } from './plan.js';

export type CheckResult = {
  holds: boolean;
  /** What was seen, in words: "10.0.10.10:53 answered example.com in 12 ms". */
  detail: string;
  /** For checks that run a command on a host. */
  exitCode?: number | null;
  output?: string;
};

export type CheckDeps = {
  hosts: Hosts;
  signal: AbortSignal;
  /** Where a drill's result is recorded (the state directory); default this process's environment. */
  env?: Env;
  now?: () => number;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
};

function aborted(): never {
  throw new ExecError('aborted', 'aborted');
}

function hostOf(deps: CheckDeps, name: string) {
  const host = deps.hosts.get(name);
  if (!host) throw new ExecError('other', `host "${name}" cannot run commands (no ssh: or local: true in the config)`);
  return host;
}

export async function runCheck(check: PlannedCheck, deps: CheckDeps): Promise<CheckResult> {
  if (deps.signal.aborted) aborted();
  switch (check.kind) {
    case 'dns':
      return dnsCheck(check, deps);
    case 'container':
      return containerCheck(check, deps);
    case 'backup':
      return backupCheck(check, deps);
    case 'tcp':
      return tcpCheck(check, deps);
    case 'http':
      return httpCheck(check, deps);
    case 'drill':
      return drillCheck(check, deps);
  }
}

async function drillCheck(check: Extract<PlannedCheck, { kind: 'drill' }>, deps: CheckDeps): Promise<CheckResult> {
  const record = await drillSet(check.set, {
    hosts: deps.hosts,
    env: deps.env ?? process.env,
    signal: deps.signal,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    holds: record.ok,
    detail: `${check.set.name}: ${record.ok ? 'restorable' : 'DRILL FAILED'} (${record.backup ?? 'no backup'}): ${record.ok ? record.summary : (record.error ?? record.summary)}`,
  };
}

async function dnsCheck(check: Extract<PlannedCheck, { kind: 'dns' }>, deps: CheckDeps): Promise<CheckResult> {
  let answer: Awaited<ReturnType<typeof queryDns>>;
  try {
    answer = await queryDns(
      { name: check.server, address: check.address, port: check.port },
      check.name,
      check.recordType,
      check.timeoutMs,
      deps.signal,
    );
  } catch (error) {
    if (error instanceof DnsAbortedError) aborted();
    throw error;
  }
  const answering = ACCEPTED.has(answer.outcome);
  const where = `${check.address}:${check.port}`;
  const ms = answer.latencyMs === null ? '' : ` in ${Math.round(answer.latencyMs)} ms`;
  const seen =
    answer.outcome === 'ok'
      ? `${where} answered ${check.name} with ${answer.records.join(', ') || 'no records'}${ms}`
      : answer.outcome === 'timeout'
        ? `${where} did not answer within ${formatDuration(check.timeoutMs)}`
        : answer.outcome === 'conn-refused'
          ? `nothing listens on ${where} (connection refused)`
          : `${where} replied ${answer.outcome.toUpperCase()} for ${check.name}${ms}${answer.detail ? ` (${answer.detail})` : ''}`;
  return { holds: check.expect === 'answering' ? answering : !answering, detail: seen };
}

type DockerState = {
  Status?: string;
  Running?: boolean;
  ExitCode?: number;
  Health?: { Status?: string; FailingStreak?: number; Log?: { Output?: string }[] };
};

async function containerCheck(check: Extract<PlannedCheck, { kind: 'container' }>, deps: CheckDeps): Promise<CheckResult> {
  const host = hostOf(deps, check.host);
  const result = await host.run(
    { argv: check.argv },
    { timeoutMs: check.timeoutMs, signal: deps.signal, ...(deps.onOutput ? { onOutput: deps.onOutput } : {}) },
  );
  const output = `${result.stdout}${result.stderr}`;
  if (result.code !== 0) {
    const why = result.stderr.trim().split('\n').pop() || `docker inspect exited ${result.code}`;
    return { holds: false, detail: `${check.name} on ${check.host}: ${why}`, exitCode: result.code, output };
  }
  let state: DockerState;
  try {
    state = JSON.parse(result.stdout) as DockerState;
  } catch {
    return { holds: false, detail: `${check.name} on ${check.host}: docker inspect printed no state`, exitCode: result.code, output };
  }
  const status = state.Status ?? (state.Running ? 'running' : 'unknown');
  const health = state.Health?.Status;
  let holds: boolean;
  let detail: string;
  if (check.expect === 'running') {
    holds = status === 'running';
    detail = `${check.name} on ${check.host} is ${status}${health ? ` (${health})` : ''}`;
  } else if (!health) {
    holds = false;
    detail = `${check.name} on ${check.host} is ${status} and has no health check`;
  } else {
    holds = status === 'running' && health === 'healthy';
    const last = state.Health?.Log?.at(-1)?.Output?.trim();
    detail = `${check.name} on ${check.host} is ${status}, ${health}${!holds && last ? `: ${last.split('\n')[0]}` : ''}`;
  }
  return { holds, detail, exitCode: result.code, output };
}

async function backupCheck(check: Extract<PlannedCheck, { kind: 'backup' }>, deps: CheckDeps): Promise<CheckResult> {
  const host = hostOf(deps, check.host);
  const now = (deps.now ?? Date.now)();
  let files: Awaited<ReturnType<typeof host.list>>;
  try {
    files = await host.list(check.path, { timeoutMs: check.timeoutMs, signal: deps.signal });
  } catch (error) {
    if (
      error instanceof ExecError &&
      (error.reason === 'aborted' || error.reason === 'unreachable' || error.reason === 'connection-lost' || error.reason === 'timeout')
    )
      throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || (error as { code?: unknown }).code === 2 ? 'no such directory' : (error as Error).message;
    return { holds: false, detail: `${check.path} on ${check.host}: ${why}` };
  }
  const pattern = check.glob ? globToRegExp(check.glob) : null;
  const matching = files.filter((f) => !f.isDirectory && (!pattern || pattern.test(f.path.split('/').pop() ?? '')));
  const what = `${check.glob ?? 'files'} in ${check.path} on ${check.host}`;
  if (!matching.length) return { holds: false, detail: `no ${what}` };
  const newest = matching.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  const age = Math.max(0, now - newest.mtimeMs);
  const name = newest.path.split('/').pop();
  return {
    holds: age <= check.maxAgeMs,
    detail: `newest of ${matching.length} ${what}: ${name}, ${formatDuration(age)} old (at most ${formatDuration(check.maxAgeMs)})`,
  };
}

async function tcpCheck(check: Extract<PlannedCheck, { kind: 'tcp' }>, deps: CheckDeps): Promise<CheckResult> {
  const where = `${check.address.includes(':') ? `[${check.address}]` : check.address}:${check.port}`;
  const outcome = await new Promise<'open' | 'refused' | 'timeout' | string>((resolve, reject) => {
    const socket = connect({ host: check.address, port: check.port });
    const timer = setTimeout(() => finish('timeout'), check.timeoutMs);
    const onAbort = () => {
      cleanup();
      reject(new ExecError('aborted', 'aborted'));
    };
    deps.signal.addEventListener('abort', onAbort, { once: true });
    function cleanup() {
      clearTimeout(timer);
      deps.signal.removeEventListener('abort', onAbort);
      socket.destroy();
    }
    function finish(result: string) {
      cleanup();
      resolve(result);
    }
    socket.once('connect', () => finish('open'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? error.message)),
    );
  });
  const open = outcome === 'open';
  const detail = open
    ? `${where} is open`
    : outcome === 'refused'
      ? `${where} is closed (connection refused)`
      : outcome === 'timeout'
        ? `${where} did not answer within ${formatDuration(check.timeoutMs)}`
        : `${where}: ${outcome}`;
  return { holds: check.expect === 'open' ? open : !open, detail };
}

async function httpCheck(check: Extract<PlannedCheck, { kind: 'http' }>, deps: CheckDeps): Promise<CheckResult> {
  const timeout = AbortSignal.timeout(check.timeoutMs);
  const signal = AbortSignal.any([deps.signal, timeout]);
  let status: number | null = null;
  let why = '';
  try {
    const response = await nodeFetch(check.url, { signal, redirect: 'manual' });
    status = response.status;
  } catch (error) {
    if (deps.signal.aborted) aborted();
    // The error's code says why (ECONNREFUSED, ENOTFOUND); else its message.
    const code = (error as Error & { code?: string }).code;
    why = timeout.aborted ? `no answer within ${formatDuration(check.timeoutMs)}` : (code ?? (error as Error).message);
  }
  const ok = status !== null && check.statuses.includes(status);
  const detail = status === null ? `${check.url}: ${why}` : `${check.url} answered ${status}`;
  return { holds: check.expect === 'ok' ? ok : !ok, detail };
}
