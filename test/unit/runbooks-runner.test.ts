// The runner against scripted hosts: the events a panel sees, states, failures and rollback,
// confirm, when, abort, wait, redaction, the state file and resuming.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import { validateDocument } from '../../src/config/user-file.js';
import { type Command, commandLine, ExecError, type ExecOptions, type ExecResult, type FileStat, type Host } from '../../src/hosts/host.js';
import type { Hosts } from '../../src/hosts/registry.js';
import type { AuditStep } from '../../src/model/audit.js';
import type { RunEvent } from '../../src/model/runs.js';
import { auditLogPath, readAuditLog } from '../../src/runbooks/audit.js';
import { runCheck } from '../../src/runbooks/checks.js';
import type { Runbook } from '../../src/runbooks/load.js';
import type { LockEnvironment } from '../../src/runbooks/lock.js';
import { PlanError } from '../../src/runbooks/plan.js';
import { prepareResume, prepareRun } from '../../src/runbooks/prepare.js';
import { ReadOnlyError, type RunDeps, RunInterruption, runPlan } from '../../src/runbooks/runner.js';
import { runbookSchema } from '../../src/runbooks/schema.js';
import { findInterruptedRuns, listRunStates, loadRunState, type RunState, saveRunState } from '../../src/runbooks/state.js';

type Script = (line: string, options: ExecOptions) => Promise<ExecResult> | ExecResult;

/** A host whose commands answer from a script, recording what ran. */
function scriptedHost(name: string, script: Script, files: FileStat[] = []): Host & { ran: string[] } {
  const ran: string[] = [];
  return {
    name,
    kind: 'ssh',
    ran,
    exec: (argv, options) => Promise.resolve(script(commandLine({ argv }), options)),
    async run(command: Command, options: ExecOptions) {
      const line = commandLine(command);
      ran.push(line);
      return script(line, options);
    },
    readFile: () => Promise.reject(new Error('no files')),
    stat: () => Promise.resolve(null),
    list: () => Promise.resolve(files),
    close() {},
  };
}

function hostsOf(...list: Host[]): Hosts {
  return {
    get: (name) => list.find((h) => h.name === name),
    names: () => list.map((h) => h.name),
    closeAll() {},
    unreachable: () => [],
    retryNow() {},
  };
}

const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0, signal: null });

/** Answers as a shell would for the few commands these tests use. */
const shell: Script = (line, options) => {
  const exit = /exit (\d+)/.exec(line);
  const echo = /echo ([^;]*)/.exec(line);
  const text = echo ? `${echo[1]}\n` : '';
  if (text) options.onOutput?.('stdout', text);
  return { stdout: text, stderr: '', code: exit ? Number(exit[1]) : 0, signal: null };
};

const config: Config = configSchema.parse({
  hosts: { nas: { address: '10.0.10.20', ssh: {} }, workstation: { local: true, address: '10.0.10.10' } },
  plan: { host: 'workstation', groups: [{ name: 'all', cores: 1 }] },
  runbooks: { site: {} },
});

function runbook(lines: string[], dangerous = false): Runbook {
  const doc = validateDocument(
    'book.yaml',
    [`id: book`, 'title: A book', `dangerous: ${dangerous}`, ...lines].join('\n'),
    runbookSchema(config),
  );
  return { ...doc, file: 'book.yaml', builtin: false, hostsUsed: ['nas'] };
}

const root = mkdtempSync(join(tmpdir(), 'homeops-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let env: Record<string, string>;
let n = 0;
beforeEach(() => {
  env = { XDG_STATE_HOME: join(root, `s${++n}`), HOME: root };
});

const machine: LockEnvironment = { hostname: 'ws', isAlive: (pid) => pid === process.pid, bootTime: 0, now: Date.now() };

async function run(book: Runbook, host: Host, extra: Partial<RunDeps> & { inputs?: Record<string, string> } = {}) {
  const events: RunEvent[] = [];
  const plan = prepareRun(book, extra.inputs ?? {}, { config, env });
  const result = await runPlan(plan, { config, env, hosts: hostsOf(host), onEvent: (e) => events.push(e), machine, user: 'ana', ...extra });
  return { result, events, audit: readAuditLog(auditLogPath(env)) };
}

const steps3 = [
  'steps:',
  '  - { id: one, run: { host: nas, command: "echo first" } }',
  '  - { id: two, run: { host: nas, command: "echo second; exit 3" } }',
  '  - { id: three, run: { host: nas, command: "echo third" } }',
];

describe('running a plan', () => {
  it('emits run-start with every step pending, then start, output, end per step, then run-end', async () => {
    const host = scriptedHost('nas', shell);
    const { result, events } = await run(
      runbook(['steps:', '  - { id: one, run: { host: nas, command: "echo first" } }', '  - { id: two, note: "all done" }']),
      host,
    );
    expect(result.status).toBe('ok');
    const start = events[0];
    expect(start?.type === 'run-start' && start.steps.map((s) => [s.id, s.state, s.host, s.display])).toEqual([
      ['one', 'pending', 'nas', 'echo first'],
      ['two', 'pending', null, 'all done'],
    ]);
    expect(
      events
        .slice(1)
        .map((e) =>
          e.type === 'output'
            ? `output ${e.stream} ${e.chunk.trim()}`
            : e.type === 'step-end'
              ? `end ${e.stepId} ${e.state} ${e.exitCode}`
              : e.type === 'step-start'
                ? `start ${e.stepId}`
                : e.type,
        ),
    ).toEqual(['start one', 'output stdout first', 'end one ok 0', 'start two', 'output info all done', 'end two ok null', 'run-end']);
  });

  it('a failing step stops the run: later steps never run, rollback runs, everything is audited', async () => {
    const host = scriptedHost('nas', shell);
    const { result, events, audit } = await run(
      runbook([...steps3, 'rollback:', '  - { id: undo, run: { host: nas, command: "echo undoing" } }']),
      host,
    );
    expect(result).toMatchObject({ status: 'failed', failedStep: 'two', message: 'two: exit 3 (expected 0)' });
    expect(host.ran).toEqual(['echo first', 'echo second; exit 3', 'echo undoing']);
    expect(result.steps.map((s) => s.state)).toEqual(['ok', 'failed', 'pending']);
    expect(events.some((e) => e.type === 'rollback-start')).toBe(true);
    const steps = audit.filter((e): e is AuditStep => e.event === 'step');
    expect(steps.map((s) => [s.step, s.phase, s.state, s.exitCode, s.host])).toEqual([
      ['one', 'main', 'ok', 0, 'nas'],
      ['two', 'main', 'failed', 3, 'nas'],
      ['undo', 'rollback', 'ok', 0, 'nas'],
    ]);
    expect(steps[1]).toMatchObject({
      command: 'echo second; exit 3',
      output: 'second\n',
      message: 'exit 3 (expected 0)',
      user: 'ana',
      runbook: 'book',
    });
    expect(audit.at(-1)).toMatchObject({ event: 'run-end', status: 'failed', failedStep: 'two' });
  });

  it('no rollback when the run stopped before any command ran: nothing was changed', async () => {
    const host = scriptedHost('nas', shell);
    const { result } = await run(
      runbook([
        'steps:',
        '  - { id: precheck, check: { tcp: { host: 127.0.0.1, port: 1, expect: open } } }',
        '  - { id: change, run: { host: nas, command: "echo change" } }',
        'rollback:',
        '  - { id: undo, run: { host: nas, command: "echo undoing" } }',
      ]),
      host,
    );
    expect(result).toMatchObject({ status: 'failed', failedStep: 'precheck' });
    expect(host.ran).toEqual([]);
  });

  it('onFailure: continue goes on, and the run still reports the failure', async () => {
    const host = scriptedHost('nas', shell);
    const { result } = await run(
      runbook([
        'steps:',
        '  - { id: one, onFailure: continue, run: { host: nas, command: "exit 1" } }',
        '  - { id: two, run: { host: nas, command: "echo two" } }',
      ]),
      host,
    );
    expect(result.steps.map((s) => s.state)).toEqual(['failed', 'ok']);
    expect(result).toMatchObject({ status: 'failed', failedStep: 'one' });
  });

  it('expect: other exit codes and an output pattern', async () => {
    const host = scriptedHost('nas', shell);
    const { result } = await run(
      runbook([
        'steps:',
        '  - { id: grep-none, run: { host: nas, command: "echo nothing; exit 1", expect: { exit: [0, 1] } } }',
        '  - { id: version, run: { host: nas, command: "echo v1.2", expect: { output: "^v2\\\\." } } }',
      ]),
      host,
    );
    expect(result.steps.map((s) => [s.state, s.message])).toEqual([
      ['ok', undefined],
      ['failed', 'the output does not match /^v2\\./'],
    ]);
  });

  it("a step that times out or loses its host fails with the host's words", async () => {
    const host = scriptedHost('nas', (line) => {
      if (line.includes('slow')) throw new ExecError('timeout', 'nas: no answer within 100 ms');
      throw new ExecError('unreachable', 'nas: connection lost while the command ran (closed by the server)');
    });
    const { result } = await run(
      runbook([
        'steps:',
        '  - { id: slow, onFailure: continue, run: { host: nas, command: slow, timeout: 100ms } }',
        '  - { id: lost, run: { host: nas, command: lost } }',
      ]),
      host,
    );
    expect(result.steps.map((s) => s.message)).toEqual([
      'timed out after 100ms; the command was stopped on nas',
      'nas: connection lost while the command ran (closed by the server)',
    ]);
  });

  it('when: a step whose input does not match is skipped, and says why', async () => {
    const host = scriptedHost('nas', shell);
    const book = runbook([
      'inputs:',
      '  method: { type: enum, values: [pitr, dump], default: pitr }',
      'steps:',
      '  - { id: dump, when: { input: method, is: dump }, run: { host: nas, command: "echo dump" } }',
      '  - { id: pitr, when: { input: method, is: pitr }, run: { host: nas, command: "echo pitr" } }',
    ]);
    const { result, events } = await run(book, host);
    expect(host.ran).toEqual(['echo pitr']);
    expect(result.steps.map((s) => s.state)).toEqual(['skipped', 'ok']);
    expect(events.find((e) => e.type === 'step-end' && e.stepId === 'dump')).toMatchObject({
      state: 'skipped',
      message: 'skipped: method is "pitr", not "dump"',
    });
  });

  it('confirm: yes goes on, no stops the run as aborted (no rollback), no one to ask fails it', async () => {
    const book = runbook([
      'steps:',
      '  - { id: a, run: { host: nas, command: "echo a" } }',
      '  - { id: ask, confirm: "Go on?" }',
      '  - { id: b, run: { host: nas, command: "echo b" } }',
      'rollback:',
      '  - { id: undo, run: { host: nas, command: "echo undo" } }',
    ]);
    const asked: string[] = [];
    const yes = scriptedHost('nas', shell);
    expect(
      (
        await run(book, yes, {
          confirm: async ({ prompt }) => {
            asked.push(prompt);
            return true;
          },
        })
      ).result.status,
    ).toBe('ok');
    expect(asked).toEqual(['Go on?']);
    const no = scriptedHost('nas', shell);
    const declined = await run(book, no, { confirm: async () => false });
    expect(declined.result).toMatchObject({ status: 'aborted', failedStep: 'ask', message: 'declined by the operator' });
    expect(no.ran).toEqual(['echo a']);
    const nobody = scriptedHost('nas', shell);
    expect((await run(book, nobody)).result.steps[1]).toMatchObject({
      state: 'failed',
      message: 'a confirm step needs someone to answer, and there is no one',
    });
  });

  it('read-only mode refuses a dangerous runbook before anything runs', async () => {
    const host = scriptedHost('nas', shell);
    await expect(run(runbook(steps3, true), host, { readOnly: true })).rejects.toThrow(ReadOnlyError);
    expect(host.ran).toEqual([]);
    expect((await run(runbook(steps3, false), scriptedHost('nas', shell), { readOnly: true })).result.status).toBe('failed');
  });

  it('a part runs only its steps, without rollback; its danger is its own; the state and audit name it; a resume keeps it', async () => {
    const book = runbook(
      [
        ...steps3.slice(0, 2),
        '  - { id: three, run: { host: nas, command: "echo third" } }',
        'rollback:',
        '  - { id: undo, run: { host: nas, command: "echo undoing" } }',
        'parts:',
        '  ends: { title: The ends, steps: [three, one], dangerous: false }',
      ],
      true,
    );
    const host = scriptedHost('nas', shell);
    const plan = prepareRun(book, {}, { config, env }, 'ends');
    const events: RunEvent[] = [];
    // Read-only refuses the runbook, not its harmless part.
    const result = await runPlan(plan, {
      config,
      env,
      hosts: hostsOf(host),
      onEvent: (e) => events.push(e),
      machine,
      user: 'ana',
      readOnly: true,
    });
    expect(result.status).toBe('ok');
    expect(host.ran).toEqual(['echo first', 'echo third']);
    const start = events[0];
    expect(start?.type === 'run-start' && [start.runbook, start.steps.map((s) => s.id)]).toEqual([
      { id: 'book', title: 'A book: The ends', dangerous: false },
      ['one', 'three'],
    ]);
    expect(readAuditLog(auditLogPath(env))[0]).toMatchObject({ event: 'run-start', runbook: 'book', part: 'ends' });
    expect(loadRunState(env, result.runId)).toMatchObject({ runbook: 'book', part: 'ends', status: 'ok' });
    // A failing step of a part stops it; the runbook's rollback is not the part's to run.
    const failing = scriptedHost('nas', shell);
    const partial = runbook([
      ...steps3,
      'rollback:',
      '  - { id: undo, run: { host: nas, command: "echo undoing" } }',
      'parts:',
      '  mid: { title: Mid, steps: [one, two] }',
    ]);
    const failed = await runPlan(prepareRun(partial, {}, { config, env }, 'mid'), { config, env, hosts: hostsOf(failing), machine });
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'two' });
    expect(failing.ran).toEqual(['echo first', 'echo second; exit 3']);
    // A saved run of the part resumes as the part; the whole runbook cannot take it over.
    const saved = { ...loadRunState(env, failed.runId)!, status: 'interrupted' as const };
    expect(prepareResume(partial, saved, {}, { config, env }).steps.map((s) => s.id)).toEqual(['one', 'two']);
    await expect(
      runPlan(prepareRun(partial, {}, { config, env }), { config, env, hosts: hostsOf(failing), machine }, { resume: saved }),
    ).rejects.toThrow(`run ${failed.runId} ran the part mid, not the whole runbook`);
  });

  it('an abort stops the running step and the run; nothing after it runs', async () => {
    const controller = new AbortController();
    const host = scriptedHost(
      'nas',
      (line, options) =>
        new Promise((resolve, reject) => {
          if (line.includes('sleep')) {
            options.signal?.addEventListener('abort', () => reject(new ExecError('aborted', 'nas: aborted')));
            setTimeout(() => controller.abort(), 20);
          } else resolve(ok());
        }),
    );
    const { result, events } = await run(
      runbook([
        'steps:',
        '  - { id: long, run: { host: nas, command: "sleep 100" } }',
        '  - { id: after, run: { host: nas, command: "echo after" } }',
      ]),
      host,
      { signal: controller.signal },
    );
    expect(result).toMatchObject({ status: 'aborted', failedStep: 'long' });
    expect(result.steps.map((s) => s.state)).toEqual(['aborted', 'pending']);
    expect(host.ran).toEqual(['sleep 100']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'aborted' });
  });

  it('an interruption (hang-up) stops the step and leaves the run resumable from it', async () => {
    const controller = new AbortController();
    const host = scriptedHost(
      'nas',
      (line, options) =>
        new Promise((resolve, reject) => {
          if (line.includes('sleep')) {
            options.signal?.addEventListener('abort', () => reject(new ExecError('aborted', 'nas: aborted')));
            setTimeout(() => controller.abort(new RunInterruption('SIGHUP: the terminal went away')), 20);
          } else resolve(ok());
        }),
    );
    const book = runbook([
      'steps:',
      '  - { id: first, run: { host: nas, command: "echo a" } }',
      '  - { id: long, run: { host: nas, command: "sleep 100" } }',
      '  - { id: after, run: { host: nas, command: "echo after" } }',
    ]);
    const { result } = await run(book, host, { signal: controller.signal });
    expect(result.status).toBe('interrupted');
    const [found] = findInterruptedRuns(env, { machine });
    expect(found).toMatchObject({ resumeFrom: 'long', resumeIndex: 1, why: 'SIGHUP: the terminal went away' });
  });

  it('secrets are masked in events, the audit log and the state file', async () => {
    const host = scriptedHost('nas', (line, options) => {
      const text = `token is ${line.split(' ').pop()}\nand env ${options.env?.API_TOKEN ?? ''}\n`;
      options.onOutput?.('stdout', text);
      return { stdout: text, stderr: '', code: 1, signal: null };
    });
    const book = runbook([
      'inputs:',
      '  token: { type: string, secret: true }',
      'steps:',
      '  - id: use',
      '    run: { host: nas, command: "login {{inputs.token}}", env: { API_TOKEN: "{{inputs.token}}" } }',
    ]);
    const { events, audit } = await run(book, host, { inputs: { token: 'hunter2-secret' } });
    expect(host.ran).toEqual(['login hunter2-secret']);
    const everything =
      JSON.stringify(events) +
      JSON.stringify(audit) +
      readFileSync(join(env.XDG_STATE_HOME!, 'homeops', 'runs', `${listRunStates(env)[0]?.runId}.json`), 'utf8');
    expect(everything).not.toContain('hunter2');
    expect(audit.find((e) => e.event === 'step')).toMatchObject({
      command: 'login ***',
      env: 'API_TOKEN=***',
      output: 'token is ***\nand env ***\n',
    });
    expect(audit[0]).toMatchObject({ event: 'run-start', inputs: { token: '***' } });
  });

  it('the state file follows every step', async () => {
    const seen: string[] = [];
    const host = scriptedHost('nas', (line) => {
      const state = listRunStates(env)[0];
      seen.push(state?.steps.map((s) => s.state).join(',') ?? '');
      return shell(line, { timeoutMs: 1 });
    });
    const { result } = await run(runbook(steps3), host);
    expect(seen).toEqual(['running,pending,pending', 'ok,running,pending']);
    expect(loadRunState(env, result.runId)).toMatchObject({ status: 'failed', user: 'ana', host: 'ws', pid: process.pid });
  });
});

describe('wait steps', () => {
  const inspect = (health: string) =>
    ok(JSON.stringify({ Status: 'running', Health: { Status: health, Log: [{ Output: 'pg_isready: no response' }] } }));

  it('repeat the check until it holds', async () => {
    let tries = 0;
    const host = scriptedHost('nas', () => inspect(++tries >= 3 ? 'healthy' : 'starting'));
    const { result, events } = await run(
      runbook(['steps:', '  - id: healthy', '    wait: { check: { container: { host: nas, name: postgres } }, timeout: 5s, every: 10ms }']),
      host,
    );
    expect(result.status).toBe('ok');
    expect(tries).toBe(3);
    const infos = events.filter((e) => e.type === 'output' && e.stream === 'info').map((e) => (e.type === 'output' ? e.chunk : ''));
    expect(infos[0]).toMatch(/^try 1 at \d+ms: postgres on nas is running, starting: pg_isready: no response\n$/);
  });

  it('fail after the timeout, with what was seen last', async () => {
    const host = scriptedHost('nas', () => inspect('unhealthy'));
    const { result } = await run(
      runbook([
        'steps:',
        '  - id: healthy',
        '    wait: { check: { container: { host: nas, name: postgres } }, timeout: 60ms, every: 20ms }',
      ]),
      host,
    );
    expect(result.steps[0]).toMatchObject({
      state: 'failed',
      message: 'did not hold within 60ms; last: postgres on nas is running, unhealthy: pg_isready: no response',
    });
  });

  it('with holdFor, a break in the streak starts it again', async () => {
    const answers = ['healthy', 'unhealthy', 'healthy', 'healthy', 'healthy', 'healthy', 'healthy'];
    let i = 0;
    const host = scriptedHost('nas', () => inspect(answers[i++] ?? 'healthy'));
    const { result } = await run(
      runbook([
        'steps:',
        '  - id: stable',
        '    wait: { check: { container: { host: nas, name: postgres } }, timeout: 5s, every: 20ms, holdFor: 50ms }',
      ]),
      host,
    );
    expect(result.status).toBe('ok');
    expect(i).toBeGreaterThanOrEqual(5);
  });
});

describe('checks on a host', () => {
  const hosts = (script: Script, files: FileStat[] = []) => hostsOf(scriptedHost('nas', script, files));
  const signal = new AbortController().signal;
  const container = (expect: 'healthy' | 'running') => ({
    kind: 'container' as const,
    host: 'nas',
    name: 'pihole',
    expect,
    timeoutMs: 1000,
    argv: ['docker', 'inspect', '-f', '{{json .State}}', 'pihole'],
  });

  it('container: healthy, running, no health check, missing', async () => {
    const state = (s: object) => () => ok(JSON.stringify(s));
    expect(
      await runCheck(container('healthy'), { hosts: hosts(state({ Status: 'running', Health: { Status: 'healthy' } })), signal }),
    ).toMatchObject({ holds: true, detail: 'pihole on nas is running, healthy' });
    expect(await runCheck(container('healthy'), { hosts: hosts(state({ Status: 'running' })), signal })).toMatchObject({
      holds: false,
      detail: 'pihole on nas is running and has no health check',
    });
    expect(await runCheck(container('running'), { hosts: hosts(state({ Status: 'exited', ExitCode: 137 })), signal })).toMatchObject({
      holds: false,
      detail: 'pihole on nas is exited',
    });
    const missing = () => ({ stdout: '', stderr: 'Error: No such object: pihole\n', code: 1, signal: null });
    expect(await runCheck(container('running'), { hosts: hosts(missing), signal })).toMatchObject({
      holds: false,
      detail: 'pihole on nas: Error: No such object: pihole',
      exitCode: 1,
    });
  });

  it('backup: the newest matching file against the maximum age', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const files: FileStat[] = [
      { path: '/b/db-1.dump', size: 1, mtimeMs: now - 5 * 3_600_000, isDirectory: false },
      { path: '/b/db-2.dump', size: 1, mtimeMs: now - 3 * 3_600_000, isDirectory: false },
      { path: '/b/notes.txt', size: 1, mtimeMs: now, isDirectory: false },
    ];
    const check = {
      kind: 'backup' as const,
      host: 'nas',
      path: '/b',
      glob: '*.dump',
      maxAgeMs: 4 * 3_600_000,
      set: 'database',
      timeoutMs: 1000,
    };
    expect(await runCheck(check, { hosts: hosts(shell, files), signal, now: () => now })).toEqual({
      holds: true,
      detail: 'newest of 2 *.dump in /b on nas: db-2.dump, 3h old (at most 4h)',
    });
    expect(await runCheck({ ...check, maxAgeMs: 2 * 3_600_000 }, { hosts: hosts(shell, files), signal, now: () => now })).toMatchObject({
      holds: false,
    });
    expect(await runCheck({ ...check, glob: '*.tar' }, { hosts: hosts(shell, files), signal, now: () => now })).toEqual({
      holds: false,
      detail: 'no *.tar in /b on nas',
    });
  });
});

describe('resuming', () => {
  const book = () =>
    runbook(
      ['inputs:', '  db: { type: string, default: homeops }', '  pw: { type: string, secret: true, required: false }', ...steps3].map((l) =>
        l.replace('exit 3', 'exit 0'),
      ),
    );

  function leftBehind(steps: RunState['steps'], extra: Partial<RunState> = {}): RunState {
    const state: RunState = {
      version: 1,
      runId: '20260301T100000Z-book-dead',
      runbook: 'book',
      title: 'A book',
      file: 'book.yaml',
      pid: 999_999,
      host: 'ws',
      user: 'ana',
      startedAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:05.000Z',
      status: 'running',
      phase: 'main',
      inputs: { db: 'homeops' },
      secretInputs: [],
      steps,
      rollback: [],
      resumed: 0,
      ...extra,
    };
    saveRunState(env, state);
    return state;
  }
  const rec = (id: string, state: RunState['steps'][number]['state']) => ({ id, state, exitCode: null, startedAt: null, durationMs: null });

  it('finds a run left "running" by a dead process, and continues it from its first unfinished step', async () => {
    leftBehind([rec('one', 'ok'), rec('two', 'running'), rec('three', 'pending')]);
    const [found] = findInterruptedRuns(env, { machine });
    expect(found).toMatchObject({ resumeFrom: 'two', resumeIndex: 1, why: 'process 999999 died during the run' });
    const host = scriptedHost('nas', shell);
    const events: RunEvent[] = [];
    const plan = prepareResume(book(), found!.state, {}, { config, env });
    const result = await runPlan(
      plan,
      { config, env, hosts: hostsOf(host), onEvent: (e) => events.push(e), machine },
      { resume: found!.state },
    );
    expect(host.ran).toEqual(['echo second; exit 0', 'echo third']);
    expect(result).toMatchObject({ runId: '20260301T100000Z-book-dead', status: 'ok' });
    const start = events[0];
    expect(start?.type === 'run-start' && [start.resumedFrom, start.steps.map((s) => s.state)]).toEqual([
      'two',
      ['ok', 'pending', 'pending'],
    ]);
    expect(loadRunState(env, result.runId)).toMatchObject({ status: 'ok', resumed: 1, pid: process.pid });
    expect(findInterruptedRuns(env, { machine })).toEqual([]);
  });

  it('a live run, a finished run or a run on another machine is not offered', () => {
    leftBehind([rec('one', 'running')], { runId: 'live', pid: process.pid });
    leftBehind([rec('one', 'ok')], { runId: 'done', status: 'ok' });
    leftBehind([rec('one', 'running')], { runId: 'elsewhere', host: 'laptop' });
    expect(findInterruptedRuns(env, { machine })).toEqual([]);
  });

  it('refuses to resume a run whose runbook changed, and asks for secret inputs again', async () => {
    const changed = leftBehind([rec('one', 'ok'), rec('renamed', 'pending')]);
    await expect(
      runPlan(prepareResume(book(), changed, {}, { config, env }), { config, env, hosts: hostsOf(), machine }, { resume: changed }),
    ).rejects.toThrow(
      'book has changed since run 20260301T100000Z-book-dead began (its steps were one,renamed; now one,two,three); start a new run',
    );
    const secret = leftBehind([rec('one', 'ok'), rec('two', 'pending'), rec('three', 'pending')], { secretInputs: ['pw'] });
    expect(() => prepareResume(book(), secret, {}, { config, env })).toThrow(
      'secret input pw was not kept with run 20260301T100000Z-book-dead: give it again (--input pw=… or HOMEOPS_INPUT_PW)',
    );
    expect(() => prepareResume(book(), secret, { db: 'other', pw: 'x' }, { config, env })).toThrow(
      'run 20260301T100000Z-book-dead used db=homeops; a resumed run keeps its inputs',
    );
  });

  it('an optional input left without a value (kept as "") does not stop the resume, even with a pattern', () => {
    const withTime = () =>
      runbook(
        ['inputs:', '  at: { type: string, required: false, pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}" }', ...steps3].map((l) =>
          l.replace('exit 3', 'exit 0'),
        ),
      );
    const first = prepareRun(withTime(), {}, { config, env });
    expect(first.inputs).toEqual({ at: '' });
    const saved = leftBehind([rec('one', 'ok'), rec('two', 'running'), rec('three', 'pending')], { inputs: first.inputs });
    expect(prepareResume(withTime(), saved, {}, { config, env }).inputs).toEqual({ at: '' });
    const dated = leftBehind([rec('one', 'ok'), rec('two', 'running'), rec('three', 'pending')], {
      runId: 'dated',
      inputs: { at: '2026-03-01' },
    });
    expect(prepareResume(withTime(), dated, {}, { config, env }).inputs).toEqual({ at: '2026-03-01' });
  });

  it('an unavailable runbook cannot be planned', () => {
    expect(() => prepareRun({ ...book(), unavailable: 'book.yaml:1:1 x: no' }, {}, { config, env })).toThrow(PlanError);
  });
});

describe('state files', () => {
  it('are written atomically and readable by the owner alone', () => {
    const dir = join(env.XDG_STATE_HOME!, 'homeops', 'runs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'junk.json'), '{not json');
    expect(listRunStates(env)).toEqual([]);
  });
});
