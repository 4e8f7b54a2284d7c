// "What changed while I wasn't looking", end to end: the built console is closed, the built
// watcher runs meanwhile against --demo primary-down (the DNS alert fires), and the console,
// opened again, says in its status bar what the watcher recorded since it closed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, homeEnv, root } from '../helpers/built.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { TmuxSession } from '../helpers/tmux.js';
import { startWatch, waitForText } from '../helpers/watch.js';

const hasTmux = requireService('tmux', () => haveCommand('tmux'), 'apt-get install -y tmux');

describe.runIf(hasTmux)('the console says what changed while it was closed', () => {
  const home = mkdtempSync(join(tmpdir(), 'homeops-away-e2e-'));
  const env = homeEnv(home, { HOMEOPS_CONFIG: undefined, NO_COLOR: undefined });
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('names the alerts fired and the panes changed since, once, and points at the timeline', async () => {
    const open = () => TmuxSession.start({ cols: 120, rows: 40, env, cwd: root, command: `node ${cli} --demo primary-down` });
    const first = await open();
    try {
      await first.waitFor(/view workstation/);
      // Nothing recorded yet: nothing to say.
      expect(await first.waitFor(/view workstation/)).not.toMatch(/while the console was closed/);
      await first.sendKeys('q');
      await first.waitFor((s) => !s.includes('view workstation'));
    } finally {
      await first.kill();
    }

    // The watcher, with the same state directory, while the console is closed.
    const watchEnv = { XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config') };
    const config = join(home, 'estate.yaml');
    writeFileSync(config, `${readFileSync(join(root, 'examples', 'estate.yaml'), 'utf8')}\nalerts: { sustain: 1s }\n`);
    const watch = startWatch(home, ['--config', config, '--demo', 'primary-down'], watchEnv);
    try {
      await waitForText(watch.out, /alert firing high dns: FAILOVER/, 30_000);
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect((await watch.exited).code).toBe(0);

    const second = await open();
    try {
      const screen = await second.waitFor(/while the console was closed: \d+ alerts? fired, .*pane changes? · t shows the timeline/);
      expect(screen).toMatch(/while the console was closed: \d+ alerts? fired/);
    } finally {
      await second.kill();
    }
  }, 120_000);
});
