// Runbooks run on a real OpenSSH server on loopback (key auth, known_hosts): output streams,
// a failing step stops the run and rolls back, everything is audited with secrets masked, a
// server that dies mid-step fails the step clearly, an abort leaves nothing running on the
// server, a dry run runs nothing, the lock holds, a stale lock is replaced, and an
// interrupted run resumes where it stopped. Plus the built-in checks against real services.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import { validateDocument } from '../../src/config/user-file.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import type { AuditStep } from '../../src/model/audit.js';
import type { RunEvent } from '../../src/model/runs.js';
import { auditLogPath, readAuditLog } from '../../src/runbooks/audit.js';
import { runCheck } from '../../src/runbooks/checks.js';
import type { Runbook } from '../../src/runbooks/load.js';
import { LockedError, lockPath } from '../../src/runbooks/lock.js';
import { formatPlan } from '../../src/runbooks/plan.js';
import { prepareResume, prepareRun } from '../../src/runbooks/prepare.js';
import { type RunDeps, type RunResult, runPlan } from '../../src/runbooks/runner.js';
import { runbookSchema } from '../../src/runbooks/schema.js';
import { findInterruptedRuns, type RunState, saveRunState } from '../../src/runbooks/state.js';
import { freePort, type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.js';

const enabled = sshdAvailable();

function estate(sshd: Sshd, extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    hosts: {
      nas: {
        address: '127.0.0.1',
        ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.clientKey, knownHosts: sshd.knownHosts },
      },
      here: { local: true, address: '127.0.0.1' },
    },
    plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
    ...extra,
  });
}

function book(config: Config, lines: string[], id = 'book'): Runbook {
  const doc = validateDocument(`${id}.yaml`, [`id: ${id}`, `title: ${id}`, ...lines].join('\n'), runbookSchema(config));
  return { ...doc, file: `${id}.yaml`, builtin: false, hostsUsed: ['nas'] };
}

function remote(pattern: string): string {
  try {
    return execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l && !l.includes('pgrep'))
      .join('\n');
  } catch {
    return '';
  }
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}

describe.runIf(enabled)('runbooks over SSH against a real sshd', () => {
  let sshd: Sshd;
  let root: string;
  let config: Config;
  let n = 0;
  const envs = () => {
    const dir = join(root, `run${++n}`);
    mkdirSync(dir, { recursive: true });
    return { HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
  };

  beforeAll(async () => {
    sshd = await startSshd();
    root = mkdtempSync(join(tmpdir(), 'homeops-rb-ssh-'));
    config = estate(sshd);
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function run(
    runbook: Runbook,
    env: Record<string, string>,
    extra: Partial<RunDeps> & { inputs?: Record<string, string>; cfg?: Config } = {},
  ) {
    const cfg = extra.cfg ?? config;
    const hosts = hostsFromConfig(cfg, env);
    const events: { at: number; event: RunEvent }[] = [];
    try {
      const plan = prepareRun(runbook, extra.inputs ?? {}, { config: cfg, env });
      const result = await runPlan(plan, { config: cfg, env, hosts, onEvent: (event) => events.push({ at: Date.now(), event }), ...extra });
      return { result, events };
    } finally {
      hosts.closeAll();
    }
  }

  it('runs commands on the NAS and streams their output while they run', async () => {
    const env = envs();
    const { result, events } = await run(
      book(config, ['steps:', '  - { id: slow, run: { host: nas, command: "echo first; sleep 0.8; echo second >&2" } }']),
      env,
    );
    expect(result.status).toBe('ok');
    const first = events.find((e) => e.event.type === 'output' && e.event.chunk.includes('first'));
    const second = events.find((e) => e.event.type === 'output' && e.event.chunk.includes('second'));
    const end = events.find((e) => e.event.type === 'step-end');
    expect(first?.event).toMatchObject({ stream: 'stdout', stepId: 'slow' });
    expect(second?.event).toMatchObject({ stream: 'stderr' });
    expect(end!.at - first!.at).toBeGreaterThan(500);
    expect(end?.event).toMatchObject({ state: 'ok', exitCode: 0 });
  });

  it('a failing step stops the run and rollback runs; the audit log has every step, exit codes, and no secrets', async () => {
    const env = { ...envs(), NAS_API_TOKEN: 'token-from-the-environment' };
    const never = join(root, 'never-created');
    const runbook = book(config, [
      'inputs:',
      '  password: { type: string, secret: true }',
      'steps:',
      '  - id: login',
      '    run: { host: nas, command: "echo password={{inputs.password}} token=$TOKEN", env: { TOKEN: "token-from-the-environment" } }',
      '  - { id: break, run: { host: nas, command: "echo breaking >&2; exit 7" } }',
      `  - { id: after, run: { host: nas, command: "touch ${never}" } }`,
      'rollback:',
      '  - { id: undo, run: { host: nas, command: "echo undone" } }',
    ]);
    const { result } = await run(runbook, env, { inputs: { password: 'correct horse battery' } });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'break', message: 'break: exit 7 (expected 0)' });
    expect(existsSync(never)).toBe(false);
    const path = auditLogPath(env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('token-from-the-environment');
    const entries = readAuditLog(path);
    const steps = entries.filter((e): e is AuditStep => e.event === 'step');
    expect(steps.map((s) => [s.step, s.phase, s.host, s.state, s.exitCode])).toEqual([
      ['login', 'main', 'nas', 'ok', 0],
      ['break', 'main', 'nas', 'failed', 7],
      ['undo', 'rollback', 'nas', 'ok', 0],
    ]);
    // The secret went in as one quoted word; the log shows where, not what.
    expect(steps[0]).toMatchObject({ command: "echo password='***' token=$TOKEN", env: 'TOKEN=***', output: 'password=*** token=***\n' });
    expect(steps[1]).toMatchObject({ output: 'breaking\n', message: 'exit 7 (expected 0)' });
    expect(steps.every((s) => s.durationMs >= 0 && s.user && s.runbook === 'book' && !Number.isNaN(Date.parse(s.time)))).toBe(true);
    expect(entries[0]).toMatchObject({ event: 'run-start', inputs: { password: '***' } });
    expect(entries.at(-1)).toMatchObject({ event: 'run-end', status: 'failed', failedStep: 'break' });
  });

  it('an abort stops the step and leaves no process behind on the server', async () => {
    const env = envs();
    const marker = `sleep 41${Math.floor(Math.random() * 900 + 100)}`;
    const controller = new AbortController();
    const running = run(
      book(config, [
        'steps:',
        `  - { id: long, run: { host: nas, command: "(${marker}) & ${marker}; wait" } }`,
        '  - { id: after, note: never }',
      ]),
      env,
      { signal: controller.signal },
    );
    expect(await until(() => remote(marker) !== '')).toBe(true);
    controller.abort();
    const { result } = await running;
    expect(result).toMatchObject({ status: 'aborted', failedStep: 'long' });
    expect(result.steps.map((s) => s.state)).toEqual(['aborted', 'pending']);
    expect(await until(() => remote(marker) === '')).toBe(true);
  });

  it('a dry run runs nothing: the file a step would create is not there', async () => {
    const file = join(root, 'dry-run-would-create');
    const runbook = book(config, ['steps:', `  - { id: create, run: { host: nas, command: "touch ${file}" } }`]);
    const text = formatPlan(prepareRun(runbook, {}, { config, env: envs() }), config);
    expect(text).toContain(`1. create  run     nas (ssh ${sshd.user}@127.0.0.1:${sshd.port})`);
    expect(text).toContain(`$ touch ${file}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(file)).toBe(false);
  });

  it('the lock holds against a second run, which is told since when and by whom', async () => {
    const env = envs();
    const runbook = book(config, ['steps:', '  - { id: hold, run: { host: nas, command: "sleep 1.5" } }'], 'held');
    const first = run(runbook, env);
    await until(() => existsSync(lockPath(env, 'held')));
    let second: unknown;
    try {
      await run(runbook, env);
    } catch (error) {
      second = error;
    }
    expect(second).toBeInstanceOf(LockedError);
    expect((second as Error).message).toMatch(
      new RegExp(
        `^held is already running since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(pid ${process.pid}, host \\S+, user \\S+, run \\S+-held-[0-9a-f]{4}\\)$`,
      ),
    );
    expect((await first).result.status).toBe('ok');
    expect(existsSync(lockPath(env, 'held'))).toBe(false);
    expect((await run(runbook, env)).result.status).toBe('ok');
  });

  it('a stale lock (its process is gone) is recognised and replaced, and the run says so', async () => {
    const env = envs();
    mkdirSync(join(env.XDG_STATE_HOME, 'homeops', 'locks'), { recursive: true });
    const dead = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$" '], { encoding: 'utf8' }).trim());
    writeFileSync(
      lockPath(env, 'book'),
      JSON.stringify({
        pid: dead,
        host: (await import('node:os')).hostname(),
        user: 'ana',
        startedAt: new Date().toISOString(),
        runId: 'old-run',
      }),
    );
    const { result, events } = await run(book(config, ['steps:', '  - { id: a, run: { host: nas, command: "true" } }']), env);
    expect(result.status).toBe('ok');
    const start = events[0]?.event;
    expect(start?.type === 'run-start' && start.notes).toEqual([
      expect.stringMatching(new RegExp(`^replaced a stale lock \\(pid ${dead}, started .*, run old-run\\): process ${dead} is gone$`)),
    ]);
  });

  it('resume continues from the first unfinished step of a run whose process died', async () => {
    const env = envs();
    const log = join(root, `resume-${n}.log`);
    const runbook = book(config, [
      'steps:',
      `  - { id: one, run: { host: nas, command: "echo one >> ${log}" } }`,
      `  - { id: two, run: { host: nas, command: "echo two >> ${log}" } }`,
      `  - { id: three, run: { host: nas, command: "echo three >> ${log}" } }`,
    ]);
    writeFileSync(log, 'one\n');
    // What a console killed during step two leaves: the state file says running, its pid is gone.
    const left: RunState = {
      version: 1,
      runId: '20260301T020000Z-book-beef',
      runbook: 'book',
      title: 'book',
      file: 'book.yaml',
      pid: 999_999,
      host: (await import('node:os')).hostname(),
      user: 'ana',
      startedAt: new Date(Date.now() - 5000).toISOString(),
      updatedAt: new Date(Date.now() - 3000).toISOString(),
      status: 'running',
      phase: 'main',
      inputs: {},
      secretInputs: [],
      steps: [
        { id: 'one', state: 'ok', exitCode: 0, startedAt: '2026-03-01T02:00:00.000Z', durationMs: 40 },
        { id: 'two', state: 'running', exitCode: null, startedAt: '2026-03-01T02:00:01.000Z', durationMs: null },
        { id: 'three', state: 'pending', exitCode: null, startedAt: null, durationMs: null },
      ],
      rollback: [],
      resumed: 0,
    };
    saveRunState(env, left);
    const [found] = findInterruptedRuns(env);
    expect(found).toMatchObject({ resumeFrom: 'two', why: 'process 999999 died during the run' });
    const hosts = hostsFromConfig(config, env);
    let result: RunResult;
    try {
      result = await runPlan(prepareResume(runbook, found!.state, {}, { config, env }), { config, env, hosts }, { resume: found!.state });
    } finally {
      hosts.closeAll();
    }
    expect(result.status).toBe('ok');
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(findInterruptedRuns(env)).toEqual([]);
    const audit = readAuditLog(auditLogPath(env));
    expect(audit[0]).toMatchObject({ event: 'run-start', runId: left.runId, resumedAt: 'two' });
    expect(audit.filter((e) => e.event === 'step').map((e) => (e as AuditStep).step)).toEqual(['two', 'three']);
  });

  it('backup check over SFTP: the newest matching file and its age', async () => {
    const dir = join(sshd.dir, 'db-backups');
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    for (const [name, hoursAgo] of [
      ['db-1.dump', 9],
      ['db-2.dump', 3],
      ['readme.txt', 0],
    ] as const) {
      writeFileSync(join(dir, name), 'x');
      const t = new Date(now - hoursAgo * 3_600_000);
      utimesSync(join(dir, name), t, t);
    }
    const hosts = hostsFromConfig(config, envs());
    const signal = new AbortController().signal;
    try {
      const check = {
        kind: 'backup' as const,
        host: 'nas',
        path: dir,
        glob: '*.dump',
        maxAgeMs: 4 * 3_600_000,
        set: undefined,
        timeoutMs: 5000,
      };
      expect(await runCheck(check, { hosts, signal })).toEqual({
        holds: true,
        detail: `newest of 2 *.dump in ${dir} on nas: db-2.dump, 3h old (at most 4h)`,
      });
      expect((await runCheck({ ...check, maxAgeMs: 3_600_000 }, { hosts, signal })).holds).toBe(false);
      expect(await runCheck({ ...check, path: join(dir, 'missing') }, { hosts, signal })).toEqual({
        holds: false,
        detail: `${join(dir, 'missing')} on nas: no such directory`,
      });
    } finally {
      hosts.closeAll();
    }
  });
});

describe.runIf(enabled)('a connection lost mid-step', () => {
  it('the step is interrupted, not failed; its command goes on there; a resume stops it (or waits for it) before running the step again', async () => {
    const sshd = await startSshd();
    const root = mkdtempSync(join(tmpdir(), 'homeops-rb-lost-'));
    const env = { HOME: root, XDG_STATE_HOME: join(root, 'state') };
    const config = estate(sshd);
    const hosts = hostsFromConfig(config, env);
    const mark = `homeops-lost-${process.pid}-${Date.now().toString(36)}`;
    const flag = join(root, 'first-done');
    try {
      // The first time it sleeps long (the step the connection is lost in); once resumed it is quick.
      const runbook = book(config, [
        'steps:',
        `  - { id: long, run: { host: nas, command: "echo started; [ -e ${flag} ] && exit 0; touch ${flag}; sleep 30 # ${mark}", timeout: 1m } }`,
        '  - { id: after, run: { host: nas, command: "echo after", timeout: 10s } }',
      ]);
      const events: RunEvent[] = [];
      const started = Date.now();
      const result = await runPlan(prepareRun(runbook, {}, { config, env }), {
        config,
        env,
        hosts,
        onEvent: (event) => {
          events.push(event);
          // The session's own sshd dies (the listener stays): the connection drops mid-step.
          if (event.type === 'output' && event.chunk.includes('started')) sshd.killSessions();
        },
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result).toMatchObject({ status: 'interrupted', failedStep: 'long' });
      expect(result.steps[0]).toMatchObject({
        state: 'interrupted',
        message: expect.stringMatching(/^connection to nas lost; its command may still run there/),
      });
      expect(result.steps[0]?.process).toMatchObject({ host: 'nas', pid: expect.any(Number), tag: expect.stringContaining(':long') });
      expect(result.steps[1]?.state).toBe('pending');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'interrupted' });
      const steps = readAuditLog(auditLogPath(env)).filter((e) => e.event === 'step');
      expect(steps).toEqual([expect.objectContaining({ step: 'long', state: 'interrupted' })]);
      // The command goes on on the server: nothing stopped it.
      expect(remote(mark)).not.toBe('');

      // Resuming: found interrupted, resumable from the step it was interrupted in.
      const [found] = findInterruptedRuns(env, { runbook: 'book' });
      expect(found).toMatchObject({ resumeFrom: 'long' });
      const resume = found?.state;
      if (!resume) throw new Error('no interrupted run');
      // Nobody to ask: nothing runs beside the step's command, which is still there.
      await expect(runPlan(prepareResume(runbook, resume, {}, { config, env }), { config, env, hosts }, { resume })).rejects.toThrow(
        /step long of run .* on nas, process \d+ .* is still running; nothing was run/,
      );
      expect(remote(mark)).not.toBe('');
      // Stop it: its process group is gone, then the step runs again (quickly now) and the run ends.
      const choices: string[] = [];
      const again = await runPlan(
        prepareResume(runbook, resume, {}, { config, env }),
        {
          config,
          env,
          hosts,
          onOrphan: async (orphan) => {
            choices.push(`${orphan.step}@${orphan.process.host}`);
            return 'kill';
          },
        },
        { resume },
      );
      expect(choices).toEqual(['long@nas']);
      expect(await until(() => remote(mark) === '')).toBe(true);
      expect(again).toMatchObject({ status: 'ok' });
      expect(again.steps.map((s) => s.state)).toEqual(['ok', 'ok']);
      expect(again.steps[0]?.process).toBeUndefined();
    } finally {
      hosts.closeAll();
      await sshd.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('waiting for a step still running: the run starts once it has ended by itself', async () => {
    const sshd = await startSshd();
    const root = mkdtempSync(join(tmpdir(), 'homeops-rb-wait-'));
    const env = { HOME: root, XDG_STATE_HOME: join(root, 'state') };
    const config = estate(sshd);
    const hosts = hostsFromConfig(config, env);
    const mark = `homeops-wait-${process.pid}-${Date.now().toString(36)}`;
    try {
      const first = book(config, [
        'steps:',
        `  - { id: slow, run: { host: nas, command: "echo started; sleep 3 # ${mark}", timeout: 1m } }`,
      ]);
      const result = await runPlan(prepareRun(first, {}, { config, env }), {
        config,
        env,
        hosts,
        onEvent: (event) => {
          if (event.type === 'output' && event.chunk.includes('started')) sshd.killSessions();
        },
      });
      expect(result.status).toBe('interrupted');
      // Another runbook on the same host waits for it: it starts only when the command has ended.
      const other = book(config, ['steps:', '  - { id: quick, run: { host: nas, command: "echo quick", timeout: 10s } }'], 'other');
      let asked = 0;
      const waited = await runPlan(prepareRun(other, {}, { config, env }), {
        config,
        env,
        hosts,
        onOrphan: async () => {
          asked++;
          return 'wait';
        },
      });
      expect(asked).toBe(1);
      expect(remote(mark)).toBe('');
      expect(waited.status).toBe('ok');
      // Settled: the old run's step is no longer thought to be running.
      const [interrupted] = findInterruptedRuns(env, { runbook: 'book' });
      expect(interrupted?.state.steps[0]?.process).toBeUndefined();
      expect(interrupted?.state.steps[0]?.message).toMatch(/a later run waited for it to end/);
    } finally {
      hosts.closeAll();
      await sshd.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** A DNS server that answers every A question with 10.0.10.20 (enough to tell answering from not). */
function tinyDns(): Promise<{ socket: Socket; port: number }> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.on('message', (query, from) => {
      let end = 12;
      while (end < query.length && query[end] !== 0) end += (query[end] ?? 0) + 1;
      const question = query.subarray(12, end + 5);
      const header = Buffer.from(query.subarray(0, 12));
      header.writeUInt16BE(0x8180, 2); // response, recursion available, no error
      header.writeUInt16BE(1, 6); // one answer
      const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 10, 20]);
      socket.send(Buffer.concat([header, question, answer]), from.port, from.address);
    });
    socket.bind(0, '127.0.0.1', () => resolve({ socket, port: socket.address().port }));
  });
}

describe('checks asked from this machine (real sockets)', () => {
  const signal = new AbortController().signal;
  const hosts = { get: () => undefined, names: () => [], closeAll() {}, unreachable: () => [], retryNow() {} };
  let dns: { socket: Socket; port: number };
  let http: Server;
  let httpPort: number;
  beforeAll(async () => {
    dns = await tinyDns();
    http = createServer((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 503;
      res.end();
    });
    httpPort = await new Promise<number>((resolve) =>
      http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)),
    );
  });
  afterAll(() => {
    dns.socket.close();
    http.close();
  });

  it('dns: a server that answers, and one that does not', async () => {
    const check = {
      kind: 'dns' as const,
      server: 'x',
      address: '127.0.0.1',
      port: dns.port,
      name: 'nas.home',
      recordType: 'A' as const,
      expect: 'answering' as const,
      timeoutMs: 1000,
    };
    const answered = await runCheck(check, { hosts, signal });
    expect(answered).toMatchObject({
      holds: true,
      detail: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${dns.port} answered nas\\.home with 10\\.0\\.10\\.20 in \\d+ ms$`)),
    });
    const silent = createSocket('udp4');
    const port = await new Promise<number>((resolve) => silent.bind(0, '127.0.0.1', () => resolve(silent.address().port)));
    try {
      const down = await runCheck({ ...check, port, expect: 'failing', timeoutMs: 300 }, { hosts, signal });
      expect(down).toEqual({ holds: true, detail: `127.0.0.1:${port} did not answer within 300ms` });
    } finally {
      silent.close();
    }
  });

  it('tcp: open and closed ports', async () => {
    const check = { kind: 'tcp' as const, address: '127.0.0.1', port: httpPort, expect: 'open' as const, timeoutMs: 1000 };
    expect(await runCheck(check, { hosts, signal })).toEqual({ holds: true, detail: `127.0.0.1:${httpPort} is open` });
    expect(await runCheck({ ...check, port: 1, expect: 'closed' }, { hosts, signal })).toEqual({
      holds: true,
      detail: '127.0.0.1:1 is closed (connection refused)',
    });
  });

  it('http: the status, and failing as an expectation (the primary is down)', async () => {
    const check = {
      kind: 'http' as const,
      url: `http://127.0.0.1:${httpPort}/health`,
      statuses: [200],
      expect: 'ok' as const,
      timeoutMs: 1000,
    };
    expect(await runCheck(check, { hosts, signal })).toEqual({ holds: true, detail: `http://127.0.0.1:${httpPort}/health answered 200` });
    expect(await runCheck({ ...check, url: `http://127.0.0.1:${httpPort}/other`, expect: 'failing' }, { hosts, signal })).toMatchObject({
      holds: true,
      detail: expect.stringContaining('answered 503'),
    });
    const closed = await freePort();
    expect(await runCheck({ ...check, url: `http://127.0.0.1:${closed}/`, expect: 'failing' }, { hosts, signal })).toEqual({
      holds: true,
      detail: `http://127.0.0.1:${closed}/: ECONNREFUSED`,
    });
  });
});
