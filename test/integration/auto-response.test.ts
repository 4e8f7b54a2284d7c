// A trigger's automatic response, from a real service going down to the runbook having run: an
// HTTP server on loopback stops answering, the services probe sees it, the trigger (its response
// set to auto by the config, its duration shortened) offers the runbook, and the responder runs
// it on this machine through the runner: once per episode, with the lock and the audit log, and
// a notification each way; read-only mode refuses it and says so.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import { connectLocal } from '../../src/hosts/local.js';
import { hostsFromConfig } from '../../src/hosts/registry.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { servicesReader } from '../../src/probes/services/checks.js';
import { servicesProbe } from '../../src/probes/services/probe.js';
import { readHistory } from '../../src/runbooks/audit.js';
import { type AutoNotice, AutoResponder } from '../../src/runbooks/auto-response.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { offersFor, triggeredRunbooks } from '../../src/runbooks/triggers.js';

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('an automatic response, from a service going down to its runbook run', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-auto-'));
  const out = join(home, 'responses');
  const env = { HOME: home, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') };
  let up = true;
  const server: Server = createServer((_req, res) => {
    res.statusCode = up ? 200 : 503;
    res.end(up ? 'ok' : 'down');
  });
  let config: Config;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    mkdirSync(join(home, 'runbooks'), { recursive: true });
    writeFileSync(
      join(home, 'runbooks', 'restart.yaml'),
      [
        'id: restart-api',
        'title: Restart the API',
        'dangerous: true',
        'trigger:',
        '  when: { services: { name: [api] }, state: down }',
        '  for: 1h',
        '  reason: the API does not answer',
        'steps:',
        '  - id: ask',
        '    confirm: Restart the API?',
        '  - id: restart',
        `    run: { host: here, command: "echo restarted >> ${out}", timeout: 10s }`,
        '',
      ].join('\n'),
    );
    config = configSchema.parse({
      hosts: { here: { local: true, address: '127.0.0.1' } },
      plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
      services: {
        timeout: 1000,
        downAfter: 1,
        list: [{ name: 'api', priority: 2, runsOn: 'here', check: { http: { url: `http://127.0.0.1:${port}/health` } } }],
      },
      runbooks: { dirs: [join(home, 'runbooks')], triggers: { 'restart-api': { response: 'auto', for: '300ms' } } },
    });
  });
  afterAll(() => {
    server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs once per episode, audited, with a notification each way', async () => {
    const catalog = loadRunbooks({ config, env, cwd: home });
    const triggered = triggeredRunbooks(catalog.runbooks);
    const services = config.services!;
    const probe = servicesProbe(servicesReader(services, { origin: () => ({ connect: connectLocal, remote: false }) }), services);
    const snapshot = async (): Promise<Pick<Snapshot, 'offers'>> => {
      const data = probe.parse(await probe.read(never));
      return { offers: offersFor(data, triggered, config.runbooks?.triggers, Date.now()) };
    };
    const notices: AutoNotice[] = [];
    const hosts = hostsFromConfig(config, env);
    const responder = new AutoResponder({ catalog, config, env, hosts, notify: (n) => void notices.push(n) });
    try {
      // Up: nothing offered, nothing run.
      expect(await responder.respond(await snapshot())).toEqual([]);
      up = false;
      // Down, but not yet for 300 ms.
      const early = await snapshot();
      expect(early.offers).toEqual([]);
      await sleep(350);
      const offered = await snapshot();
      expect(offered.offers.map((o) => [o.runbook, o.response])).toEqual([['restart-api', 'auto']]);
      const [outcome] = await responder.respond(offered);
      expect(outcome?.result?.status).toBe('ok');
      expect(readFileSync(out, 'utf8')).toBe('restarted\n');
      // Still down, the same episode: not run again.
      expect(await responder.respond(await snapshot())).toEqual([]);
      expect(notices.map((n) => [n.level, n.text.replace(/ · run \S+$/, '')])).toEqual([
        [
          'warn',
          `running restart-api automatically: the API does not answer: api down for ${offered.offers[0]?.reason.split(' for ')[1] ?? ''}`,
        ],
        ['info', 'restart-api (run automatically) finished'],
      ]);
      // The audit log has the run, by the trigger.
      const history = readHistory(env, { runbook: 'restart-api' });
      expect(history.map((h) => [h.runbook, h.status, h.user.endsWith(' via trigger')])).toEqual([['restart-api', 'ok', true]]);

      // Back up, then down again: a new episode, run again.
      up = true;
      expect((await snapshot()).offers).toEqual([]);
      await responder.respond(await snapshot());
      up = false;
      await snapshot();
      await sleep(350);
      await responder.respond(await snapshot());
      expect(readFileSync(out, 'utf8')).toBe('restarted\nrestarted\n');
    } finally {
      hosts.closeAll();
    }
  });

  it('read-only mode refuses a dangerous one, and the notification says so', async () => {
    const catalog = loadRunbooks({ config, env, cwd: home });
    const notices: AutoNotice[] = [];
    const hosts = hostsFromConfig(config, env);
    const responder = new AutoResponder({ catalog, config, env, hosts, notify: (n) => void notices.push(n), readOnly: true });
    try {
      const offer = {
        runbook: 'restart-api',
        title: 'Restart the API',
        reason: 'the API does not answer',
        since: new Date().toISOString(),
        response: 'auto' as const,
      };
      const [outcome] = await responder.respond({ offers: [offer] });
      expect(outcome?.result).toBeNull();
      expect(notices.at(-1)).toMatchObject({
        level: 'crit',
        text: expect.stringMatching(/^restart-api was not run automatically: .*read-only/) as unknown as string,
      });
    } finally {
      hosts.closeAll();
    }
  });
});
