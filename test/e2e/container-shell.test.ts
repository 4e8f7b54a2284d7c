// A shell in a container, in a real terminal against a real Docker engine: E asks, the console
// steps aside for docker exec -it (the screen and keys are the shell's), and comes back whole
// when the shell exits; the shell is in the audit log. Read-only mode refuses it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, root } from '../helpers/built.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');

describe.runIf(hasTmux && dockerEngineAvailable())('a shell in a container, in a real terminal', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-e2e-shell-'));
  const sessions: TmuxSession[] = [];
  let engine: TestEngine;
  let name: string;
  let config: string;
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    HOMEOPS_CONFIG: undefined,
    NO_COLOR: undefined,
  };

  beforeAll(async () => {
    await ensureBuilt();
    engine = await startTestEngine();
    name = `sh${engine.run}`;
    await engine.runContainer(name, [], ['sleep', '3600']);
    config = join(home, 'config.yaml');
    writeFileSync(
      config,
      [
        'profile: local',
        'hosts:',
        '  ws: { local: true }',
        'plan:',
        '  host: ws',
        `  groups: [{ name: core, cores: 1, containers: [${name}] }]`,
        'docker:',
        `  endpoints: [{ host: ws, socket: "${engine.dockerHost}" }]`,
        '',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.kill()));
  });

  const start = async (args = ''): Promise<TmuxSession> => {
    // The audit log is kept; what the console remembered (the filter) is forgotten before each start.
    rmSync(join(home, '.state', 'homeops', 'console.json'), { force: true });
    const tmux = await TmuxSession.start({ cols: 120, rows: 40, env, cwd: root, command: `node ${cli} --config ${config} ${args}` });
    sessions.push(tmux);
    await tmux.waitFor(new RegExp(`[│┃][ ▸]${name} `), 15_000);
    // Select the container: the filter finds it (the containers pane focused first).
    // One Tab at a time, each seen on screen before the next (a loaded machine draws late).
    const focusedTitle = (screen: string) => /┏━ ▸ (\S+)/.exec(screen)?.[1] ?? '';
    for (let i = 0; i < 6; i++) {
      const before = focusedTitle(await tmux.capture());
      if (before === 'Containers') break;
      await tmux.sendKeys('Tab');
      await tmux.waitFor((screen) => focusedTitle(screen) !== before, 10_000);
    }
    await tmux.type(`/${name}`);
    await tmux.sendKeys('Enter');
    await tmux.waitFor(new RegExp(`▸${name} `), 15_000);
    return tmux;
  };

  it('E asks, hands the terminal to the shell, and the console comes back when it exits', async () => {
    const tmux = await start();
    await tmux.sendKeys('E');
    await tmux.waitFor(new RegExp(`Open a shell in ${name} on ws\\?`));
    await tmux.sendKeys('y');
    await tmux.waitFor(/homeops: a shell in .* \(docker exec\); exit it to come back/, 10_000);
    // The keys are the shell's: what is typed runs in the container.
    await tmux.waitFor(/[#$]$/m, 10_000);
    await tmux.typeLine('echo INSIDE-$((6*7)); cat /etc/hostname');
    const inside = await tmux.waitFor(/INSIDE-42/);
    expect(inside).not.toMatch(/CPU ·/);
    await tmux.typeLine('exit');
    const back = await tmux.waitFor((screen) => /CPU ·/.test(screen) && /Containers/.test(screen), 10_000);
    expect(back).toMatch(new RegExp(`the shell in ${name} on ws ended`));
    expect(back).not.toMatch(/INSIDE-42/);
    // The console answers keys again, and the terminal's modes are back (mouse reports on).
    expect(await tmux.display('#{mouse_any_flag} #{alternate_on}')).toBe('1 1');
    await tmux.sendKeys('q');
    expect(await tmux.waitForExit()).toBe(0);
    const audit = readFileSync(join(home, '.state', 'homeops', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; action?: string; result?: string });
    expect(audit.filter((l) => l.action === 'container.shell').map((l) => [l.event, l.result])).toEqual([
      ['action-start', undefined],
      ['action-end', 'ok'],
    ]);
  });

  it('read-only mode refuses it, and nothing leaves the console', async () => {
    const tmux = await start('--read-only');
    await tmux.sendKeys('E');
    const screen = await tmux.waitFor(/refused: read-only mode/, 10_000);
    expect(screen).toMatch(/CPU ·/);
    expect(screen).not.toMatch(/Open a shell/);
  });
});
