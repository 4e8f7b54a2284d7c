// Every change to the estate is audited: container restart / stop / start against a real Docker
// engine and Pi-hole blocking against the Pi-hole stand-in, through the console's controller
// (the one path: read-only guard, confirmation, audit lines). The lines land in the audit log
// the runbooks use, with who, when, what and the result; read-only mode refuses and writes
// nothing; the history (the console's panel and `homeops runbook history`) shows the actions.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleController } from '../../src/cli/controller.js';
import { type Config, configSchema, dnsSchema } from '../../src/config/schema.js';
import type { Hosts } from '../../src/hosts/registry.js';
import type { AuditActionLine, AuditEntry } from '../../src/model/audit.js';
import { type DockerAccess, openDocker } from '../../src/probes/containers/access.js';
import { piholeTargets } from '../../src/probes/dns/probe.js';
import { auditLogPath, readHistory } from '../../src/runbooks/audit.js';
import { historyLines, runDetailLines } from '../../src/ui/components/panel-lines.js';
import type { ConsoleState } from '../../src/ui/console-state.js';
import { lineText } from '../../src/ui/text.js';
import { cli, ensureBuilt } from '../helpers/built.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';
import { type PiholeStandin, startPiholeStandin } from '../helpers/pihole-standin.js';

const noHosts: Hosts = { get: () => undefined, names: () => [], closeAll() {}, unreachable: () => [], retryNow() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ME = userInfo().username;
const MACHINE = hostname();

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A state directory of its own: the audit log starts empty. */
function stateEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-audited-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'home'));
  return {
    HOME: join(dir, 'home'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
}

function auditLines(env: Record<string, string>): AuditEntry[] {
  const file = auditLogPath(env);
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry)
    : [];
}

function actionLines(env: Record<string, string>): AuditActionLine[] {
  return auditLines(env).filter((l): l is AuditActionLine => l.event === 'action-start' || l.event === 'action-end');
}

async function until(controller: ConsoleController, check: (state: ConsoleState) => boolean, timeoutMs = 30_000): Promise<ConsoleState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = controller.current();
    if (check(state)) return state;
    if (Date.now() > deadline) throw new Error(`timed out; message: ${state.message?.text ?? '(none)'}`);
    await sleep(20);
  }
}

/** Answers the confirmation the controller asks; resolves with its message once the change is done. */
async function confirmAndWait(controller: ConsoleController, before: number | undefined): Promise<ConsoleState['message']> {
  const asked = await until(controller, (s) => s.prompt?.kind === 'confirm');
  controller.intents.answer(asked.prompt?.id ?? -1, 'yes');
  return (await until(controller, (s) => s.message !== null && s.message.id !== before && s.busy === null)).message;
}

function controllerFor(
  config: Config,
  env: Record<string, string>,
  extra: Partial<ConstructorParameters<typeof ConsoleController>[0]>,
): ConsoleController {
  return new ConsoleController({
    config,
    env,
    hosts: noHosts,
    docker: null,
    dns: null,
    monitor: { nudge() {} },
    catalog: { runbooks: [], get: () => undefined },
    readOnly: false,
    demo: null,
    publishMs: 5,
    findInterrupted: () => [],
    ...extra,
  });
}

describe.runIf(dockerEngineAvailable())('container actions on a real Docker engine', () => {
  let engine: TestEngine;
  let name: string;
  let config: Config;
  let access: DockerAccess;
  const startedAt = async () => (await engine.docker(['inspect', '-f', '{{.State.StartedAt}} {{.State.Status}}', name])).trim();

  beforeAll(async () => {
    engine = await startTestEngine();
    name = `audit${engine.run}-web`;
    await engine.runContainer(name, ['--stop-timeout', '1'], ['sleep', '3600']);
    config = configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'app', cores: 1, containers: [name] }] },
      docker: { endpoints: [{ host: 'ws', socket: engine.dockerHost }], stopTimeout: '1s' },
    });
    access = openDocker(config, noHosts, { env: {} }) as DockerAccess;
  }, 120_000);

  afterAll(async () => {
    access?.close();
    await engine?.removeTestContainers();
    await engine?.stop();
  });

  it('restart, stop and start each write who, when, what and the result; the container really changed', async () => {
    const env = stateEnv();
    const controller = controllerFor(config, env, { docker: access });
    const target = { host: 'ws', id: name, name };
    const before = await startedAt();
    const begun = Date.now();

    controller.intents.containerAction('restart', target);
    expect((await confirmAndWait(controller, undefined))?.text).toBe(`${name} restarted on ws`);
    expect(await startedAt()).not.toBe(before);

    let last = controller.current().message?.id;
    controller.intents.containerAction('stop', target);
    expect((await confirmAndWait(controller, last))?.text).toBe(`${name} stopped on ws`);
    expect(await startedAt()).toMatch(/ exited$/);
    last = controller.current().message?.id;
    controller.intents.containerAction('start', target);
    expect((await confirmAndWait(controller, last))?.text).toBe(`${name} started on ws`);
    last = controller.current().message?.id;
    controller.intents.containerAction('start', target);
    expect((await confirmAndWait(controller, last))?.text).toBe(`${name} was already running`);

    const lines = actionLines(env);
    expect(lines.map((l) => [l.event, l.action])).toEqual([
      ['action-start', 'container.restart'],
      ['action-end', 'container.restart'],
      ['action-start', 'container.stop'],
      ['action-end', 'container.stop'],
      ['action-start', 'container.start'],
      ['action-end', 'container.start'],
      ['action-start', 'container.start'],
      ['action-end', 'container.start'],
    ]);
    const [start, end] = lines;
    expect(start).toMatchObject({
      event: 'action-start',
      user: ME,
      machine: MACHINE,
      target: `${name} on ws`,
      what: `Restart ${name} on ws`,
    });
    expect(Date.parse(start?.time ?? '')).toBeGreaterThanOrEqual(begun - 1000);
    expect(end).toMatchObject({ event: 'action-end', runId: start?.runId, user: ME, result: 'ok', message: `${name} restarted on ws` });
    expect(lines.at(-1)).toMatchObject({ result: 'ok', message: `${name} was already running` });
    // Readable by the owner only, like the runbooks' lines in the same file.
    expect(statSync(auditLogPath(env)).mode & 0o077).toBe(0);
    await controller.close();
  }, 60_000);

  it("a failure is recorded with the engine's reason", async () => {
    const env = stateEnv();
    const controller = controllerFor(config, env, { docker: access });
    controller.intents.containerAction('restart', { host: 'ws', id: `${name}-gone`, name: `${name}-gone` });
    const message = await confirmAndWait(controller, undefined);
    expect(message).toMatchObject({ tone: 'crit', text: `Restart ${name}-gone on ws: ${name}-gone no longer exists on ws` });
    expect(actionLines(env).at(-1)).toMatchObject({
      event: 'action-end',
      result: 'failed',
      message: `${name}-gone no longer exists on ws`,
    });
    await controller.close();
  });

  it('read-only mode refuses before asking: the container is untouched and nothing is written', async () => {
    const env = stateEnv();
    const controller = controllerFor(config, env, { docker: access, readOnly: true });
    const before = await startedAt();
    controller.intents.containerAction('restart', { host: 'ws', id: name, name });
    const refused = await until(controller, (s) => s.message !== null);
    expect(refused.prompt).toBeNull();
    expect(refused.message).toMatchObject({
      tone: 'warn',
      text: `Restart ${name} on ws refused: read-only mode (--read-only or readOnly: true in the config); nothing was changed`,
    });
    await sleep(300);
    expect(await startedAt()).toBe(before);
    expect(auditLines(env)).toEqual([]);
    await controller.close();
  });
});

describe('Pi-hole blocking against the stand-in', () => {
  let primary: PiholeStandin;
  let secondary: PiholeStandin;
  beforeAll(async () => {
    [primary, secondary] = await Promise.all([startPiholeStandin(), startPiholeStandin()]);
  });
  afterAll(async () => {
    await Promise.all([primary?.close(), secondary?.close()]);
  });

  const configWith = (urls: readonly string[]): Config =>
    configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'app', cores: 1 }] },
      dns: dnsSchema.parse({
        servers: urls.map((url, i) => ({
          name: i === 0 ? 'primary' : 'secondary',
          address: '127.0.0.1',
          port: 9,
          pihole: { url, passwordEnv: 'P' },
        })),
        names: [{ name: 'nas.home' }],
        disableFor: '5m',
      }),
    });

  it('disable and enable again: both Pi-holes change, and each change has its audit lines', async () => {
    const env = stateEnv();
    const config = configWith([primary.url, secondary.url]);
    const piholes = piholeTargets(config.dns!, { P: 'correct horse' });
    const controller = controllerFor(config, env, { dns: { piholes } });
    controller.intents.setBlocking(false);
    expect((await confirmAndWait(controller, undefined))?.text).toBe(
      'primary: blocking disabled for 5 min · secondary: blocking disabled for 5 min',
    );
    expect([primary.blocking().blocking, secondary.blocking().blocking]).toEqual([false, false]);
    const last = controller.current().message?.id;
    controller.intents.setBlocking(true);
    await confirmAndWait(controller, last);
    expect([primary.blocking().blocking, secondary.blocking().blocking]).toEqual([true, true]);
    const lines = actionLines(env);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      event: 'action-start',
      action: 'pihole.blocking',
      user: ME,
      machine: MACHINE,
      target: 'primary, secondary',
      what: 'Disable blocking on primary and secondary for 5 min',
    });
    expect(lines[1]).toMatchObject({
      event: 'action-end',
      result: 'ok',
      message: 'primary: blocking disabled for 5 min · secondary: blocking disabled for 5 min',
    });
    expect(lines[2]).toMatchObject({ what: 'Enable blocking on primary and secondary' });
    // The password and the session are in no line.
    const text = readFileSync(auditLogPath(env), 'utf8');
    expect(text).not.toContain('correct horse');
    for (const r of primary.requests) if (r.sid) expect(text).not.toContain(r.sid);
    await controller.close();
  });

  it('one Pi-hole down: the result is partial, and says which', async () => {
    const env = stateEnv();
    const config = configWith([primary.url, 'http://127.0.0.1:9']);
    const controller = controllerFor(config, env, { dns: { piholes: piholeTargets(config.dns!, { P: 'correct horse' }) } });
    controller.intents.setBlocking(false);
    const message = await confirmAndWait(controller, undefined);
    expect(message?.tone).toBe('warn');
    expect(actionLines(env).at(-1)).toMatchObject({
      result: 'partial',
      message: 'primary: blocking disabled for 5 min · secondary: failed — connection refused',
    });
    controller.intents.setBlocking(true);
    await until(controller, (s) => s.prompt?.kind === 'confirm').then((s) => controller.intents.answer(s.prompt?.id ?? -1, 'yes'));
    await until(controller, () => primary.blocking().blocking);
    await controller.close();
  });

  it('read-only mode refuses: blocking stays on and nothing is written', async () => {
    const env = stateEnv();
    const config = configWith([primary.url]);
    const controller = controllerFor(config, env, { dns: { piholes: piholeTargets(config.dns!, { P: 'correct horse' }) }, readOnly: true });
    const asked = primary.requests.length;
    controller.intents.setBlocking(false);
    const refused = await until(controller, (s) => s.message !== null);
    expect(refused.message?.text).toBe(
      'Disable blocking on primary for 5 min refused: read-only mode (--read-only or readOnly: true in the config); nothing was changed',
    );
    expect(primary.requests.length).toBe(asked);
    expect(primary.blocking().blocking).toBe(true);
    expect(auditLines(env)).toEqual([]);
    await controller.close();
  });
});

describe('the history shows actions beside runs, labelled as such', () => {
  let env: Record<string, string>;
  let controller: ConsoleController;
  let standin: PiholeStandin;

  beforeAll(async () => {
    standin = await startPiholeStandin();
    env = stateEnv();
    const config = configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'app', cores: 1 }] },
      dns: {
        servers: [{ name: 'primary', address: '127.0.0.1', port: 9, pihole: { url: standin.url, passwordEnv: 'P' } }],
        names: [{ name: 'nas.home' }],
      },
    });
    controller = controllerFor(config, env, { dns: { piholes: piholeTargets(config.dns!, { P: 'correct horse' }) } });
    controller.intents.setBlocking(false);
    await confirmAndWait(controller, undefined);
  });
  afterAll(async () => {
    await controller?.close();
    await standin?.close();
  });

  it('in the console: the history panel lists the action, and enter shows who, what and the result', async () => {
    expect(readHistory(env)).toMatchObject([
      { kind: 'action', runbook: 'pihole.blocking', what: 'Disable blocking on primary for 5 min', status: 'ok', user: ME },
    ]);
    controller.intents.showHistory();
    const panel = controller.current().panel;
    if (panel?.kind !== 'history') throw new Error('no history panel');
    const text = historyLines(panel, 120, 12, 0, {}).map(lineText).join('\n');
    expect(text).toContain('Runbook history (0 runs, 1 action, newest first)');
    expect(text).toMatch(/runbook or action/);
    expect(text).toMatch(/action: Disable blocking on primary for 5 min +ok/);
    controller.intents.showRun(panel.entries[0]?.runId ?? '');
    const detail = controller.current().panel;
    if (detail?.kind !== 'run-detail') throw new Error('no detail panel');
    const lines = runDetailLines(detail, 120, 12, 0, {}).map(lineText).join('\n');
    expect(lines).toContain('action: Disable blocking on primary for 5 min');
    expect(lines).toMatch(new RegExp(`ok · .* by ${ME}@${MACHINE}`));
    expect(lines).toContain('primary: blocking disabled for 5 min');
  });

  it('`homeops runbook history` lists the action with its label and id', async () => {
    ensureBuilt();
    const out = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, [cli, 'runbook', 'history'], {
        env: { ...env, LANG: 'C.UTF-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
      child.on('error', fail);
      child.on('close', () => done(text));
    });
    const id = readHistory(env)[0]?.runId ?? '';
    expect(out).toMatch(/STARTED +RUNBOOK OR ACTION +STATUS/);
    expect(out).toMatch(new RegExp(`action: Disable blocking on primary for 5 min +ok +\\S+ +${ME} +${id}`));
  });
});
