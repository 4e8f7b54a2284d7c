// The console's timeline panel: t shows what the watcher recorded, newest first, read from the
// store; before any watcher ran it says how to get one; esc closes it.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { storePath } from '../../src/store/db.js';
import { Recorder } from '../../src/store/recorder.js';
import { catalogOf, cleanupDirs, testController } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  frameProblems,
  paneOnScreen,
  renderApp,
  snapshot,
  testSetup,
  unmountAll,
} from '../helpers/render.js';

afterEach(() => {
  unmountAll();
  cleanupDirs();
});
afterAll(cleanupHomes);

const s = testSetup();
const panes = await demoPanes('healthy');

describe('the timeline panel', () => {
  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
    [200, 60],
  ] as const) {
    it(`shows the recorded changes newest first at ${columns}x${rows}`, async () => {
      const { controller, env } = testController(s.config, catalogOf(s.config, {}));
      const recorder = new Recorder(storePath(env, null));
      const now = Date.now();
      recorder.commit([
        {
          at: now - 3_600_000,
          kind: 'pane',
          subject: 'dns',
          state: 'warn',
          severity: null,
          text: 'dns ok → warn: FAILOVER → secondary 10.0.10.20',
        },
        {
          at: now - 1_800_000,
          kind: 'alert',
          subject: 'dns:failover',
          state: 'firing',
          severity: 'high',
          text: 'dns: FAILOVER: clients use secondary',
        },
        { at: now - 60_000, kind: 'pane', subject: 'dns', state: 'ok', severity: null, text: 'dns warn → ok: primary 10.0.10.10' },
      ]);
      recorder.close();
      const app = await renderApp({
        source: new FakeSource(snapshot({ panes })),
        setup: s,
        columns,
        rows,
        console: controller,
        intents: controller.intents,
      });
      await app.press('t');
      await app.waitForText('Timeline (3 events, newest first)');
      const body = paneOnScreen(app.plainFrame(), 'Timeline (3 events, newest first)')?.body ?? [];
      const rowsShown = body.filter((l) => /\d\d:\d\d:\d\d/.test(l));
      expect(rowsShown[0]).toMatch(/ok +dns warn → ok/);
      expect(rowsShown[1]).toMatch(/firing high +dns: FAILOVER/);
      // Long words wrap under themselves: nothing is cut at the panel's edge.
      expect(body.join(' ').replace(/\s+/g, ' ')).toContain('FAILOVER → secondary 10.0.10.20');
      expect(rowsShown[2]).toMatch(/warn +dns ok → warn/);
      expect(frameProblems(app.frames.at(-1) ?? '', columns, rows)).toEqual([]);
      await app.press('\x1b');
      await app.waitFor(() => !app.plainFrame().includes('Timeline ('), 'the panel to close');
    });
  }

  it('says how to record one before any watcher ran', async () => {
    const { controller } = testController(s.config, catalogOf(s.config, {}));
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes })),
      setup: s,
      columns: 120,
      rows: 40,
      console: controller,
      intents: controller.intents,
    });
    await app.press('t');
    await app.waitForText('nothing recorded yet: homeops watch records the timeline');
  });
});
