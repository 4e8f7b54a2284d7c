// A host that accepts TCP and never speaks SSH, watched by the built console in tmux: every pane
// that waits on it says the same one reason (the handshake timed out; the server closed
// nothing), with one countdown; the tries follow the documented backoff; the containers pane
// names the host and the SSH cause; r tries again at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, homeEnv, root } from '../helpers/built.js';
import { paneOnScreen } from '../helpers/render.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');

/** The text of a pane's box, its lines joined. */
const paneText = (screen: string, title: string) =>
  (paneOnScreen(screen, title)?.body ?? [])
    .map((l) => l.trim())
    .join(' ')
    .replace(/ +/g, ' ');

describe.runIf(hasTmux)('a host that never speaks SSH', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-unreachable-'));
  let silent: Server;
  const held: Socket[] = [];
  /** When each connection (each try) arrived. */
  const tries: number[] = [];
  let tmux: TmuxSession | null = null;

  beforeAll(async () => {
    ensureBuilt();
    silent = createServer((socket) => {
      tries.push(Date.now());
      held.push(socket);
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const port = (silent.address() as { port: number }).port;
    writeFileSync(join(home, 'id_ed25519'), '');
    writeFileSync(
      join(home, 'config.yaml'),
      [
        'refresh: 1s',
        'hosts:',
        '  workstation: { address: 127.0.0.1, local: true }',
        `  nas: { address: 127.0.0.1, ssh: { user: nobody, port: ${port}, knownHosts: ${join(home, 'known_hosts')}, connectTimeout: 2s } }`,
        'plan:',
        '  host: nas',
        '  groups: [{ name: system, cores: 1 }]',
        'probes:',
        '  cpu: { host: nas, interval: 1s, timeout: 3s }',
        '  gpu: { enabled: false }',
        'docker:',
        '  endpoints: [{ host: nas }]',
        '  interval: 1s',
        '  timeout: 3s',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await tmux?.kill();
    for (const socket of held) socket.destroy();
    silent?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('one reason and one countdown in every pane, the documented backoff, and r tries at once', async () => {
    const env = homeEnv(home, { HOMEOPS_CONFIG: join(home, 'config.yaml'), NO_COLOR: '1', SSH_AUTH_SOCK: undefined });
    tmux = await TmuxSession.start({ cols: 160, rows: 45, env, cwd: root, command: `node ${cli} --view workstation` });
    const said = /nas unreachable since \d\d:\d\d:\d\d \(no SSH handshake within 2000 ms\); retrying (in \d+s|at the next reading)/;
    const screen = await tmux.waitFor((s) => said.test(paneText(s, 'CPU')) && said.test(paneText(s, 'Containers')), 20_000);
    expect(screen).not.toMatch(/closed during the handshake|closed by the server/);
    for (const title of ['CPU', 'Containers'] as const) {
      const text = paneText(screen, title);
      expect(text, title).toMatch(said);
      // One countdown, not the probe's own as well.
      expect((text.match(/retrying/g) ?? []).length, title).toBe(1);
      expect(text, title).not.toMatch(/no answer within/);
    }
    // Three tries: each starts when the one before has failed (2 s) and its wait is over (1 s,
    // then 2 s), at the next reading (every second).
    await tmux.waitFor(() => tries.length >= 3, 20_000);
    const gaps = [1, 2].map((i) => ((tries[i] ?? 0) - (tries[i - 1] ?? 0)) / 1000);
    expect(gaps[0]).toBeGreaterThanOrEqual(2.9);
    expect(gaps[0]).toBeLessThan(4.6);
    expect(gaps[1]).toBeGreaterThanOrEqual(3.9);
    expect(gaps[1]).toBeLessThan(5.6);
    // After the third failure the wait is 4 s: r tries at once instead.
    await tmux.waitFor(() => Date.now() - (tries[2] ?? 0) > 2_300, 5_000);
    const before = tries.length;
    const pressed = Date.now();
    await tmux.sendKeys('r');
    await tmux.waitFor(() => tries.length > before, 3_000);
    expect((tries[before] ?? 0) - pressed).toBeLessThan(1_000);
    // Whatever a library said on stderr meanwhile (the Docker client's deprecation notice on
    // Node 24, say) did not scroll the screen under the frame: the first row is still the border.
    const last = await tmux.capture();
    expect(last.split('\n')[0]).toMatch(/^┏━ ▸ CPU · nas ━+ ✖ DOWN ┓/);
  }, 90_000);
});
