// The console's logs panel on a real Docker engine (src/cli/logs-stream.ts through the actions
// controller): a chatty container keeps memory bounded, a plan group's logs are merged in the
// engine's time order, "since" starts further back, and the kept lines are saved to a file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import type { Hosts } from '../../src/hosts/registry.js';
import { type DockerAccess, openDocker } from '../../src/probes/containers/access.js';
import type { ConsoleState, LogsPanel } from '../../src/ui/console-state.js';
import { catalogOf, cleanupDirs, testController, until } from '../helpers/console-actions.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';

const noHosts: Hosts = { get: () => undefined, names: () => [], closeAll() {}, unreachable: () => [], retryNow() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logsOf = (s: ConsoleState): LogsPanel | null => (s.panel?.kind === 'logs' ? s.panel : null);

describe.runIf(dockerEngineAvailable())('the logs panel on a real Docker engine', () => {
  let engine: TestEngine;
  let prefix: string;
  let config: Config;
  let access: DockerAccess;
  const ids = new Map<string, string>();
  const target = (suffix: string) => ({ host: 'ws', id: ids.get(suffix) ?? '', name: `${prefix}-${suffix}` });

  beforeAll(async () => {
    engine = await startTestEngine();
    prefix = `lg${engine.run}`;
    config = configSchema.parse({
      hosts: { ws: { local: true } },
      plan: { host: 'ws', groups: [{ name: 'core', cores: 1, containers: [`${prefix}-a`, `${prefix}-b`] }] },
      docker: { endpoints: [{ host: 'ws', socket: engine.dockerHost }], interval: '1s', timeout: '3s' },
    });
    const started = await Promise.all([
      // As fast as the shell can print: hundreds of thousands of lines a second.
      engine.runContainer(
        `${prefix}-chatty`,
        [],
        ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "chatty line $i with some text to make it longer"; done'],
      ),
      engine.runContainer(`${prefix}-a`, [], ['sh', '-c', 'for i in 1 2 3 4; do echo "a$i"; sleep 0.3; done; sleep 3600']),
      engine.runContainer(`${prefix}-b`, [], ['sh', '-c', 'sleep 0.15; for i in 1 2 3 4; do echo "b$i"; sleep 0.3; done; sleep 3600']),
    ]);
    ['chatty', 'a', 'b'].forEach((suffix, index) => {
      ids.set(suffix, started[index] ?? '');
    });
    access = openDocker(config, noHosts, { env: {} }) as DockerAccess;
    // Every container has written what the tests read.
    await sleep(3000);
  }, 60_000);

  afterAll(async () => {
    access?.close();
    await engine?.stop();
    cleanupDirs();
  });

  it('a chatty container: at most logLines lines are kept and published a few times a second, the rest counted as dropped', async () => {
    const { controller } = testController(config, catalogOf(config, {}), { docker: access, logLines: 300, publishMs: 100 });
    let publishes = 0;
    const stop = controller.subscribe(() => publishes++);
    controller.intents.openLogs(target('chatty'));
    const start = Date.now();
    const shown = await until(controller, (s) => (logsOf(s)?.dropped ?? 0) > 5_000, 15_000);
    const elapsed = Date.now() - start;
    await sleep(1000);
    const later = logsOf(controller.current());
    stop();
    controller.intents.closePanel();
    expect(logsOf(shown)?.lines.length).toBeLessThanOrEqual(300);
    expect(later?.lines.length).toBeLessThanOrEqual(300);
    expect(later?.dropped).toBeGreaterThan(logsOf(shown)?.dropped ?? 0);
    expect(later?.lines.at(-1)?.text).toMatch(/^chatty line \d+ /);
    // Once per 100 ms at most (and a few for the state changes), not once per line.
    expect(publishes).toBeLessThan((elapsed + 1000) / 100 + 10);
  });

  it("a plan group's logs: both containers' lines, merged in the engine's time order, each with its container", async () => {
    const { controller } = testController(config, catalogOf(config, {}), { docker: access });
    controller.intents.openGroupLogs('core', [target('a'), target('b')]);
    const shown = logsOf(await until(controller, (s) => (logsOf(s)?.lines.length ?? 0) >= 8, 10_000));
    controller.intents.closePanel();
    expect(shown?.group).toEqual({ name: 'core', containers: 2 });
    const lines = shown?.lines ?? [];
    // Each container's lines in their order, with its name; all of them in the engine's time order.
    expect(lines.filter((l) => l.source === `${prefix}-a`).map((l) => l.text)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(lines.filter((l) => l.source === `${prefix}-b`).map((l) => l.text)).toEqual(['b1', 'b2', 'b3', 'b4']);
    const times = lines.map((l) => Date.parse(l.at ?? ''));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Interleaved, not one container after the other.
    expect(lines.map((l) => l.text[0]).join('')).not.toMatch(/^a{4}b{4}$|^b{4}a{4}$/);
  });

  it('--since starts that far back; the since key goes through 1m, 5m … and back to the last lines', async () => {
    ids.set('late', await engine.runContainer(`${prefix}-late`, [], ['sh', '-c', 'echo early; sleep 4; echo late; sleep 3600']));
    // Once "early" is written, and a while after: the logs from 1 s back do not have it.
    for (let tries = 0; tries < 100; tries++) {
      const seen: string[] = [];
      for await (const line of access.actions.logs(target('late'), { tail: 10 })) seen.push(line.text);
      if (seen.includes('early')) break;
      await sleep(100);
    }
    await sleep(1500);
    const { controller } = testController(config, catalogOf(config, {}), { docker: access, logSince: '1s' });
    controller.intents.openLogs(target('late'));
    const recent = logsOf(await until(controller, (s) => logsOf(s)?.lines.some((l) => l.text === 'late') === true, 10_000));
    expect(recent?.since).toBe('1s');
    expect(recent?.lines.map((l) => l.text)).toEqual(['late']);
    controller.intents.cycleLogsSince();
    const minute = logsOf(await until(controller, (s) => logsOf(s)?.since === '1m' && (logsOf(s)?.lines.length ?? 0) === 2, 10_000));
    expect(minute?.lines.map((l) => l.text)).toEqual(['early', 'late']);
    for (const step of ['5m', '15m', '1h', '1d']) {
      controller.intents.cycleLogsSince();
      await until(controller, (s) => logsOf(s)?.since === step, 10_000);
    }
    controller.intents.cycleLogsSince();
    expect(controller.current().message?.text).toBe('the last lines of the logs');
    await until(controller, (s) => logsOf(s) !== null && logsOf(s)?.since === null && logsOf(s)?.lines.length === 2, 10_000);
    controller.intents.closePanel();
  });

  it('save: the kept lines go to a private file in the state directory, and the status bar says where', async () => {
    const { controller, env } = testController(config, catalogOf(config, {}), { docker: access });
    controller.intents.openGroupLogs('core', [target('a'), target('b')]);
    await until(controller, (s) => (logsOf(s)?.lines.length ?? 0) >= 8, 10_000);
    controller.intents.saveLogs();
    const said = await until(controller, (s) => s.message?.text.startsWith('saved ') === true);
    controller.intents.closePanel();
    const dir = join(env.XDG_STATE_HOME ?? '', 'homeops', 'logs');
    const [file] = readdirSync(dir);
    expect(said.message?.text).toBe(`saved 8 lines to ${join(dir, file ?? '')}`);
    expect(file).toMatch(/^group-core-\d{8}T\d{6}Z\.log$/);
    const text = readFileSync(join(dir, file ?? ''), 'utf8')
      .trimEnd()
      .split('\n');
    expect(text).toHaveLength(8);
    expect(text[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ stdout ${prefix}-(a a|b b)1$`));
    expect(statSync(join(dir, file ?? '')).mode & 0o777).toBe(0o600);
  });
});
