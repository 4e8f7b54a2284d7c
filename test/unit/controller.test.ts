// The actions controller against the real runner, with runbooks that run on this machine: what it
// asks, what it publishes while a run streams, abort, resume, refusals; container actions, logs
// and Pi-hole blocking through stand-ins of the Docker and Pi-hole clients.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionResult, ContainerActions, ContainerRef, LogsOptions } from '../../src/docker/actions.js';
import { ActionRefused } from '../../src/docker/actions.js';
import type { LogLine } from '../../src/docker/frames.js';
import type { BlockingOutcome, BlockingRequest, PiholeTarget } from '../../src/probes/pihole/blocking.js';
import { findInterruptedRuns, listRunStates } from '../../src/runbooks/state.js';
import type { ConsoleState, Prompt } from '../../src/ui/console-state.js';
import { outputLines } from '../../src/ui/run-view.js';
import { catalogOf, cleanupDirs, stateEnv, testController, until } from '../helpers/console-actions.js';
import { cleanupHomes, sleep, testSetup } from '../helpers/render.js';

const config = testSetup().config;

afterEach(() => {
  cleanupDirs();
  cleanupHomes();
});

function marker(): string {
  return `homeops-ctl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function running(pattern: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

const books = (mark: string) =>
  catalogOf(config, {
    echo: [
      'title: Says things',
      'steps:',
      '  - id: one',
      '    title: Prints two lines',
      '    run: { host: workstation, command: "echo first; echo oops >&2; echo second", timeout: 30s }',
      '  - id: two',
      '    note: all done',
    ],
    slow: [
      'title: Takes long',
      'steps:',
      '  - id: wait',
      `    run: { host: workstation, command: "echo started; sleep 30 # ${mark}", timeout: 5m }`,
      '  - id: after',
      '    run: { host: workstation, command: "echo after", timeout: 30s }',
    ],
    risky: [
      'title: Changes things',
      'dangerous: true',
      'steps:',
      '  - id: ask',
      '    confirm: Go ahead?',
      '  - id: act',
      '    run: { host: workstation, command: "echo acted", timeout: 30s }',
    ],
    broken: [
      'title: Fails',
      'steps:',
      '  - id: bad',
      '    run: { host: workstation, command: "echo nope; exit 3", timeout: 30s }',
      '  - id: never',
      '    note: not reached',
    ],
  });

const prompted = (kind: Prompt['kind']) => (s: ConsoleState) => s.prompt?.kind === kind;

describe('runbooks', () => {
  it('lists the catalog for the menu', () => {
    const { controller } = testController(config, books(marker()));
    expect(controller.current().catalog.map((r) => [r.id, r.dangerous, r.steps])).toEqual([
      ['echo', false, 2],
      ['slow', false, 2],
      ['risky', true, 2],
      ['broken', false, 2],
    ]);
  });

  it('asks, runs, streams each step with its state and output, and ends with a message', async () => {
    const { controller } = testController(config, books(marker()));
    const seen: ConsoleState[] = [];
    controller.subscribe((s) => seen.push(s));
    controller.intents.runRunbook('echo');
    const asking = await until(controller, prompted('confirm'));
    expect(asking.prompt?.title).toBe('Run echo');
    expect(asking.run).toBeNull();
    controller.intents.answer(asking.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.run?.status === 'ok');
    expect(done.panel).toEqual({ kind: 'run' });
    expect(done.run?.steps.map((s) => [s.id, s.state, s.host])).toEqual([
      ['one', 'ok', 'workstation'],
      ['two', 'ok', null],
    ]);
    expect(done.run?.steps[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.run?.runId).toMatch(/-echo-/);
    expect(done.message?.text).toMatch(/^echo: ok in /);
    // A step ran and was seen running before it ended.
    expect(seen.some((s) => s.run?.steps[0]?.state === 'running')).toBe(true);
    const one = seen.map((s) => s.run?.output).find((o) => o?.stepId === 'one' && o.lines.length === 3);
    // stdout and stderr are two pipes: each in order, not necessarily with each other.
    expect(one?.lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['first', 'second']);
    expect(one?.lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['oops']);
    expect(outputLines(done.run?.output ?? null)).toEqual([{ stream: 'info', text: 'all done' }]);
    await controller.close();
  });

  it('a failing step ends the run failed, named in the panel and the message', async () => {
    const { controller } = testController(config, books(marker()));
    controller.intents.runRunbook('broken');
    const asking = await until(controller, prompted('confirm'));
    controller.intents.answer(asking.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.run?.status === 'failed');
    expect(done.run?.failedStep).toBe('bad');
    expect(done.run?.steps.map((s) => s.state)).toEqual(['failed', 'pending']);
    expect(done.run?.steps[0]?.exitCode).toBe(3);
    expect(done.message).toMatchObject({ tone: 'crit' });
    expect(done.message?.text).toMatch(/broken: FAILED at bad/);
  });

  it('a no leaves everything as it was', async () => {
    const { controller } = testController(config, books(marker()));
    controller.intents.runRunbook('echo');
    const asking = await until(controller, prompted('confirm'));
    controller.intents.answer(asking.prompt?.id ?? -1, 'no');
    const after = await until(controller, (s) => s.prompt === null && s.message !== null);
    expect(after.run).toBeNull();
    expect(after.panel).toBeNull();
    expect(after.message?.text).toBe('echo: not run');
  });

  it('a dangerous runbook asks for its id typed; its confirm step asks through a dialog', async () => {
    const { controller } = testController(config, books(marker()));
    controller.intents.runRunbook('risky');
    const typed = await until(controller, prompted('typed'));
    expect(typed.prompt).toMatchObject({ kind: 'typed', expect: 'risky' });
    controller.intents.answer(typed.prompt?.id ?? -1, 'yes');
    const step = await until(controller, (s) => s.prompt?.kind === 'confirm' && s.run?.status === 'running');
    expect(step.prompt?.lines).toEqual(['Go ahead?']);
    expect(step.run?.steps[0]?.state).toBe('running');
    controller.intents.answer(step.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.run?.status === 'ok');
    expect(done.prompt).toBeNull();
    expect(outputLines(done.run?.output ?? null).map((l) => l.text)).toEqual(['acted']);
  });

  it('abort stops the running process and shows the run aborted; aborting while a confirm step asks withdraws the question', async () => {
    const mark = marker();
    const { controller } = testController(config, books(mark));
    controller.intents.runRunbook('slow');
    const asking = await until(controller, prompted('confirm'));
    controller.intents.answer(asking.prompt?.id ?? -1, 'yes');
    await until(controller, (s) => outputLines(s.run?.output ?? null).some((l) => l.text === 'started'));
    expect(running(mark)).toBe(true);
    controller.intents.abortRun();
    expect(controller.current().run?.aborting).toBe(true);
    const done = await until(controller, (s) => s.run?.status === 'aborted');
    expect(done.run?.steps.map((s) => s.state)).toEqual(['aborted', 'pending']);
    expect(done.run?.aborting).toBe(false);
    expect(running(mark)).toBe(false);

    controller.intents.closePanel();
    controller.intents.runRunbook('risky');
    const typed = await until(controller, prompted('typed'));
    controller.intents.answer(typed.prompt?.id ?? -1, 'yes');
    await until(controller, (s) => s.prompt?.kind === 'confirm' && s.run?.status === 'running');
    controller.intents.abortRun();
    const aborted = await until(controller, (s) => s.run?.status === 'aborted');
    expect(aborted.prompt).toBeNull();
    expect(aborted.run?.steps.map((s) => s.state)).toEqual(['aborted', 'pending']);
  });

  it('one run at a time; the run panel stays while it runs', async () => {
    const mark = marker();
    const { controller } = testController(config, books(mark));
    controller.intents.runRunbook('slow');
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    await until(controller, (s) => s.run?.status === 'running');
    controller.intents.runRunbook('echo');
    expect(controller.current().message?.text).toMatch(/slow is running; one run at a time/);
    controller.intents.closePanel();
    expect(controller.current().panel).toEqual({ kind: 'run' });
    controller.intents.showHistory();
    expect(controller.current().panel).toEqual({ kind: 'run' });
    controller.intents.abortRun();
    await until(controller, (s) => s.run?.status === 'aborted');
    controller.intents.closePanel();
    expect(controller.current().panel).toBeNull();
    expect(running(mark)).toBe(false);
  });

  it('refuses dangerous runbooks in read-only mode, saying why; others still run', async () => {
    const { controller } = testController(config, books(marker()), { readOnly: true });
    controller.intents.runRunbook('risky');
    const notice = await until(controller, prompted('notice'));
    expect(notice.prompt?.lines.join(' ')).toMatch(/risky is dangerous \(it changes things\) and homeops is in read-only mode/);
    controller.intents.answer(notice.prompt?.id ?? -1, 'yes');
    controller.intents.runRunbook('echo');
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    await until(controller, (s) => s.run?.status === 'ok');
  });

  it('runs nothing in a demo, and offers no resume there', async () => {
    const { controller } = testController(config, books(marker()), {
      demo: 'healthy',
      findInterrupted: () => {
        throw new Error('not asked in a demo');
      },
    });
    controller.start();
    controller.intents.runRunbook('echo');
    const notice = await until(controller, prompted('notice'));
    expect(notice.prompt?.lines.join(' ')).toMatch(/demo scenario/);
  });

  it("a dry run shows each step's host and exact command and runs nothing", async () => {
    const { controller, env } = testController(config, books(marker()));
    controller.intents.dryRun('echo');
    const { panel } = await until(controller, (state) => state.panel !== null);
    expect(panel?.kind).toBe('dry-run');
    const text = panel?.kind === 'dry-run' ? panel.lines.join('\n') : '';
    expect(text).toMatch(/1\. one\s+run\s+workstation \(local\)/);
    expect(text).toContain('$ echo first; echo oops >&2; echo second');
    expect(listRunStates(env)).toEqual([]);
  });

  it('the history lists runs from the audit log, newest first', async () => {
    const { controller } = testController(config, books(marker()));
    for (const id of ['echo', 'broken']) {
      controller.intents.runRunbook(id);
      controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
      await until(controller, (s) => s.run?.runbook.id === id && (s.run.status === 'ok' || s.run.status === 'failed'));
      controller.intents.closePanel();
    }
    controller.intents.showHistory();
    const panel = controller.current().panel;
    expect(panel?.kind === 'history' ? panel.entries.map((e) => [e.runbook, e.status, e.failedStep]) : []).toEqual([
      ['broken', 'failed', 'bad'],
      ['echo', 'ok', null],
    ]);
  });

  it('closing the console interrupts a run (its process stopped), and the next start offers to resume it from the step that did not finish', async () => {
    const mark = marker();
    const catalog = books(mark);
    const env = stateEnv();
    const first = testController(config, catalog, { env });
    first.controller.intents.runRunbook('slow');
    first.controller.intents.answer((await until(first.controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    await until(first.controller, (s) => outputLines(s.run?.output ?? null).some((l) => l.text === 'started'));
    await first.controller.close('SIGHUP: the terminal went away');
    expect(first.controller.current().run?.status).toBe('interrupted');
    expect(running(mark)).toBe(false);
    expect(findInterruptedRuns(env).map((r) => [r.state.runbook, r.resumeFrom])).toEqual([['slow', 'wait']]);

    // The next console: offered, resumed, and it finishes (the long step runs again: kill it quick).
    const second = testController(config, catalog, { env, findInterrupted: undefined });
    second.controller.start();
    const offer = await until(second.controller, prompted('confirm'));
    expect(offer.prompt?.title).toBe('Interrupted run of slow');
    expect(offer.prompt?.lines.join(' ')).toMatch(/was interrupted at step wait: SIGHUP: the terminal went away/);
    second.controller.intents.answer(offer.prompt?.id ?? -1, 'yes');
    const ask = await until(second.controller, (s) => s.prompt?.title === 'Resume slow');
    expect(ask.prompt?.lines.join(' ')).toContain('resumed from step wait');
    second.controller.intents.answer(ask.prompt?.id ?? -1, 'yes');
    const resumed = await until(second.controller, (s) => s.run?.status === 'running' && s.run.resumedFrom === 'wait');
    expect(resumed.run?.runId).toBe(first.controller.current().run?.runId);
    second.controller.intents.abortRun();
    await until(second.controller, (s) => s.run?.status === 'aborted');
    expect(running(mark)).toBe(false);
  });

  it('dismissing an interrupted run abandons it; "later" keeps it for the next start', async () => {
    const mark = marker();
    const catalog = books(mark);
    const env = stateEnv();
    const first = testController(config, catalog, { env });
    first.controller.intents.runRunbook('slow');
    first.controller.intents.answer((await until(first.controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    await until(first.controller, (s) => s.run?.status === 'running' && s.run.current !== null);
    await first.controller.close('SIGTERM: homeops was told to stop');

    const later = testController(config, catalog, { env, findInterrupted: undefined });
    later.controller.start();
    later.controller.intents.answer((await until(later.controller, prompted('confirm'))).prompt?.id ?? -1, 'cancel');
    expect(findInterruptedRuns(env)).toHaveLength(1);

    const dismiss = testController(config, catalog, { env, findInterrupted: undefined });
    dismiss.controller.start();
    dismiss.controller.intents.answer((await until(dismiss.controller, prompted('confirm'))).prompt?.id ?? -1, 'no');
    await sleep(20);
    expect(findInterruptedRuns(env)).toHaveLength(0);
    expect(listRunStates(env)[0]?.status).toBe('abandoned');
  });

  it('a status-bar message goes away after a few seconds', async () => {
    const { controller } = testController(config, books(marker()), { messageMs: 40 });
    controller.intents.notify('hello', 'ok');
    expect(controller.current().message).toMatchObject({ text: 'hello', tone: 'ok' });
    await sleep(80);
    expect(controller.current().message).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

type ActionCall = { action: string; ref: ContainerRef; signal: AbortSignal | undefined };

function fakeDocker(options: { refusal?: string | null; fail?: Error; lines?: LogLine[]; hold?: boolean } = {}) {
  const calls: ActionCall[] = [];
  let logsSignal: AbortSignal | undefined;
  const act =
    (action: string) =>
    async (ref: ContainerRef, o?: { signal?: AbortSignal }): Promise<ActionResult> => {
      calls.push({ action, ref, signal: o?.signal });
      if (options.fail) throw options.fail;
      return { changed: true, message: `${ref.name ?? ref.id} ${action}ed on ${ref.host}` };
    };
  const actions: ContainerActions = {
    refusal: () => options.refusal ?? null,
    restart: act('restart'),
    stop: act('stop'),
    start: act('start'),
    logs: (_ref: ContainerRef, o: LogsOptions = {}) => {
      logsSignal = o.signal;
      return (async function* () {
        for (const line of options.lines ?? []) yield line;
        if (options.hold) {
          await new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve(), { once: true }));
        }
      })();
    },
  };
  return { docker: { actions }, calls, logsSignal: () => logsSignal };
}

const target = { host: 'workstation', id: 'abc123', name: 'postgres' };

describe('containers', () => {
  it('restart asks, then acts on the container with an abort signal, says the result and reads the containers again', async () => {
    const fake = fakeDocker();
    const { controller, nudges } = testController(config, books(marker()), { docker: fake.docker });
    controller.intents.containerAction('restart', target);
    const ask = await until(controller, prompted('confirm'));
    expect(ask.prompt).toMatchObject({
      title: 'Restart container',
      lines: ['Restart postgres on workstation?'],
      yes: 'Restart',
      danger: true,
    });
    expect(fake.calls).toEqual([]);
    controller.intents.answer(ask.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.message?.tone === 'ok');
    expect(done.message?.text).toBe('postgres restarted on workstation');
    expect(fake.calls.map((c) => [c.action, c.ref])).toEqual([['restart', { host: 'workstation', id: 'abc123', name: 'postgres' }]]);
    expect(fake.calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(nudges).toEqual(['containers']);
    expect(done.busy).toBeNull();
  });

  it("is refused in read-only mode, or with the source's reason (a demo), without asking", async () => {
    const fake = fakeDocker();
    const { controller } = testController(config, books(marker()), { docker: fake.docker, readOnly: true });
    controller.intents.containerAction('stop', target);
    const refused = await until(controller, (s) => s.message !== null);
    expect(refused.prompt).toBeNull();
    expect(refused.message).toMatchObject({
      tone: 'warn',
      text: 'Stop postgres on workstation refused: read-only mode (--read-only or readOnly: true in the config); nothing was changed',
    });
    const demo = fakeDocker({ refusal: 'a demo scenario replays recordings: nothing is restarted, stopped or started' });
    const replay = testController(config, books(marker()), { docker: demo.docker });
    replay.controller.intents.containerAction('restart', target);
    expect((await until(replay.controller, (s) => s.message !== null)).message?.text).toBe(
      'a demo scenario replays recordings: nothing is restarted, stopped or started',
    );
    expect([...fake.calls, ...demo.calls]).toEqual([]);
  });

  it('a no does nothing; a failure is shown', async () => {
    const fake = fakeDocker({ fail: new ActionRefused('no Docker engine configured for host nas') });
    const { controller } = testController(config, books(marker()), { docker: fake.docker });
    controller.intents.containerAction('start', target);
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'no');
    expect(fake.calls).toEqual([]);
    controller.intents.containerAction('start', target);
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    const failed = await until(controller, (s) => s.message?.tone === 'crit');
    expect(failed.message?.text).toBe('Start postgres on workstation: no Docker engine configured for host nas');
  });

  it('logs: the last lines, then new ones; closing stops the stream', async () => {
    const lines: LogLine[] = Array.from({ length: 5 }, (_, i) => ({
      stream: i === 2 ? 'stderr' : 'stdout',
      text: `line ${i}`,
      at: '2026-01-02T03:04:05.000Z',
    }));
    const fake = fakeDocker({ lines, hold: true });
    const { controller } = testController(config, books(marker()), { docker: fake.docker });
    controller.intents.openLogs(target);
    const shown = await until(controller, (s) => s.panel?.kind === 'logs' && s.panel.lines.length === 5);
    expect(shown.panel).toMatchObject({ kind: 'logs', container: 'postgres', host: 'workstation', state: 'following' });
    expect(fake.logsSignal()?.aborted).toBe(false);
    controller.intents.closePanel();
    expect(controller.current().panel).toBeNull();
    expect(fake.logsSignal()?.aborted).toBe(true);
  });

  it('logs keep a bounded number of lines', async () => {
    const lines: LogLine[] = Array.from({ length: 30 }, (_, i) => ({ stream: 'stdout', text: `l${i}`, at: null }));
    const { controller } = testController(config, books(marker()), { docker: fakeDocker({ lines }).docker, logLines: 10 });
    controller.intents.openLogs(target);
    const done = await until(controller, (s) => s.panel?.kind === 'logs' && s.panel.state === 'ended');
    expect(done.panel?.kind === 'logs' ? [done.panel.lines[0]?.text, done.panel.lines.length, done.panel.dropped] : []).toEqual([
      'l20',
      10,
      20,
    ]);
  });
});

describe('a shell in a container', () => {
  const workstation = { host: 'workstation', id: 'abc123', name: 'postgres' };
  function handing(code: number | null = 0, takesMs = 2000) {
    const calls: { argv: readonly string[]; say: string }[] = [];
    let now = 1_000_000;
    const hand = (argv: readonly string[], say: string) => {
      calls.push({ argv, say });
      now += takesMs;
      return { code, error: null };
    };
    return { calls, hand, now: () => now };
  }

  it('asks first, hands the terminal to docker exec -it, writes the shell to the audit log, says how it ended', async () => {
    const { calls, hand, now } = handing(0);
    const audit: { action: string; event: string; result?: string }[] = [];
    const { controller } = testController(config, books(marker()), {
      docker: fakeDocker().docker,
      handTerminal: hand,
      now,
      audit: (line) => audit.push(line as never),
    });
    controller.intents.openShell(workstation);
    const ask = await until(controller, prompted('confirm'));
    expect(ask.prompt).toMatchObject({ title: 'Shell in container', yes: 'Open shell', danger: true });
    expect(calls).toEqual([]);
    controller.intents.answer(ask.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.message?.text.startsWith('the shell') === true);
    expect(done.message?.text).toBe('the shell in postgres on workstation ended');
    expect(calls).toHaveLength(1);
    // The workstation's endpoint names no socket: the docker CLI finds the engine as homeops does.
    expect(calls[0]?.argv.slice(0, 4)).toEqual(['docker', 'exec', '-it', 'abc123']);
    expect(calls[0]?.say).toBe('a shell in postgres on workstation (docker exec); exit it to come back to the console');
    expect(audit.map((l) => [l.event, l.action, l.result])).toEqual([
      ['action-start', 'container.shell', undefined],
      ['action-end', 'container.shell', 'ok'],
    ]);
  });

  it('is refused in read-only mode and in a demo, without asking and without a shell; a no opens none', async () => {
    const { calls, hand, now } = handing(0);
    const readOnly = testController(config, books(marker()), { docker: fakeDocker().docker, handTerminal: hand, now, readOnly: true });
    readOnly.controller.intents.openShell(workstation);
    expect((await until(readOnly.controller, (s) => s.message !== null)).message?.text).toBe(
      'Shell in postgres on workstation refused: read-only mode (--read-only or readOnly: true in the config); nothing was changed',
    );
    const demo = testController(config, books(marker()), { docker: fakeDocker().docker, handTerminal: hand, now, demo: 'healthy' });
    demo.controller.intents.openShell(workstation);
    expect((await until(demo.controller, (s) => s.message !== null)).message?.text).toBe(
      'a demo scenario replays recordings: there is no container to open a shell in',
    );
    const no = testController(config, books(marker()), { docker: fakeDocker().docker, handTerminal: hand, now });
    no.controller.intents.openShell(workstation);
    no.controller.intents.answer((await until(no.controller, prompted('confirm'))).prompt?.id ?? -1, 'no');
    expect((await until(no.controller, (s) => s.message !== null)).message?.text).toBe('postgres: no shell opened');
    expect([readOnly, demo, no].map((t) => t.controller.current().prompt)).toEqual([null, null, null]);
    expect(calls).toEqual([]);
  });

  it('a shell that ends at once with an error never started: said as a failure', async () => {
    const { hand, now } = handing(1, 200);
    const { controller } = testController(config, books(marker()), { docker: fakeDocker().docker, handTerminal: hand, now });
    controller.intents.openShell(workstation);
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    const failed = await until(controller, (s) => s.message?.tone === 'crit');
    expect(failed.message?.text).toBe(
      'Shell in postgres on workstation: docker exec ended at once with exit status 1: is postgres running?',
    );
  });
});

describe('DNS blocking', () => {
  const piholes = [{ name: 'primary' }, { name: 'secondary' }] as unknown as PiholeTarget[];

  it('asks "disable blocking on primary and secondary for 5 min?", disables on both, says what each did, reads DNS again', async () => {
    const requests: BlockingRequest[] = [];
    const setBlocking = async (targets: readonly PiholeTarget[], request: BlockingRequest): Promise<BlockingOutcome[]> => {
      requests.push(request);
      return targets.map((t) => ({ server: t.name, ok: true, blocking: { state: 'disabled', timerSeconds: 300 } }) as BlockingOutcome);
    };
    const { controller, nudges } = testController(config, books(marker()), { dns: { piholes }, setBlocking });
    controller.intents.setBlocking(false);
    const ask = await until(controller, prompted('confirm'));
    expect(ask.prompt?.lines).toEqual(['Disable blocking on primary and secondary for 5 min?']);
    controller.intents.answer(ask.prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.message?.tone === 'ok');
    expect(requests).toEqual([{ enabled: false, forMs: 300_000 }]);
    expect(done.message?.text).toBe('primary: blocking disabled for 5 min · secondary: blocking disabled for 5 min');
    expect(nudges).toEqual(['dns']);

    controller.intents.setBlocking(true);
    const again = await until(controller, prompted('confirm'));
    expect(again.prompt?.lines).toEqual(['Enable blocking on primary and secondary again?']);
    controller.intents.answer(again.prompt?.id ?? -1, 'yes');
    await until(controller, () => requests.length === 2);
    expect(requests[1]).toEqual({ enabled: true });
  });

  it('is refused in read-only mode, and says when no Pi-hole is configured', async () => {
    const ro = testController(config, books(marker()), { dns: { piholes }, readOnly: true });
    ro.controller.intents.setBlocking(false);
    const refused = await until(ro.controller, (s) => s.message !== null);
    expect(refused.prompt).toBeNull();
    expect(refused.message?.text).toMatch(/^Disable blocking on primary and secondary for 5 min refused: read-only mode/);
    const none = testController(config, books(marker()));
    none.controller.intents.setBlocking(false);
    expect((await until(none.controller, (s) => s.message !== null)).message?.text).toBe('no Pi-hole configured (dns.servers[].pihole)');
  });

  it('one failing server is reported beside the one that worked', async () => {
    const setBlocking = async (): Promise<BlockingOutcome[]> => [
      { server: 'primary', ok: true, blocking: { state: 'disabled', timerSeconds: 300 } } as BlockingOutcome,
      { server: 'secondary', ok: false, error: 'no answer within 2s' },
    ];
    const { controller } = testController(config, books(marker()), { dns: { piholes }, setBlocking });
    controller.intents.setBlocking(false);
    controller.intents.answer((await until(controller, prompted('confirm'))).prompt?.id ?? -1, 'yes');
    const done = await until(controller, (s) => s.message?.tone === 'warn');
    expect(done.message?.text).toBe('primary: blocking disabled for 5 min · secondary: failed — no answer within 2s');
  });
});
