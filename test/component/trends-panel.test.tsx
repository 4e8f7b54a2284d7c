// The console's history panel: p shows the focused pane's series (or the selected container's or service's)
// over the last hour, day and week, read from the real SQLite store the watcher writes; panes
// without a history say so; esc closes it.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServicesReading } from '../../src/model/services.js';
import { storePath } from '../../src/store/db.js';
import { HistoryWriter } from '../../src/store/history.js';
import { Recorder } from '../../src/store/recorder.js';
import { minuteOf } from '../../src/store/samples.js';
import { serviceNames } from '../../src/ui/panes/services.js';
import { catalogOf, cleanupDirs, testController } from '../helpers/console-actions.js';
import {
  cleanupHomes,
  demoPanes,
  FakeSource,
  focusPane,
  frameProblems,
  paneOnScreen,
  type Rendered,
  renderApp,
  snapshot,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

afterEach(() => {
  unmountAll();
  cleanupDirs();
});
afterAll(cleanupHomes);

const s = testSetup();
const panes = await demoPanes('healthy');
const running = (panes.containers.data?.containers ?? []).filter((c) => c.state === 'running');

/** A week of samples as the watcher writes them, ending at the last whole minute. */
function record(env: Record<string, string>): void {
  const recorder = new Recorder(storePath(env, null));
  const writer = new HistoryWriter(recorder.db);
  const end = minuteOf(Date.now());
  for (let minute = end - 7 * 1440; minute < end; minute++) {
    const ago = end - minute;
    const values = new Map<string, number>();
    // The CPU rises over the last hour to 90%; the database group was not recorded 2–3 hours ago.
    values.set('cpu.total', ago <= 60 ? 90 - ago : 20);
    if (ago < 120 || ago > 180) values.set('cpu.group.database', 40);
    values.set('mem.used', 52);
    running.forEach((c, index) => {
      values.set(`container.${c.host}/${c.name}.cpu`, 10 + index);
    });
    if (ago > 1440) values.set('gpu.0.temp', 70); // nothing for the GPU in the last day
    writer.write(minute, values);
  }
  recorder.close();
}

async function open(app: Rendered, pane: 'CPU' | 'Containers' | 'VPN' | 'GPU'): Promise<string[]> {
  await focusPane(app, pane);
  await app.press('p');
  // Reading a week of samples takes a moment on a loaded machine.
  await app.waitForText(/History · /, 15_000);
  await app.waitFor(() => !app.plainFrame().includes('reading the history'), 'the history to be read', 15_000);
  const title = app.lines().find((l) => l.includes('History · ')) ?? '';
  return paneOnScreen(app.plainFrame(), title.replace(/^[^H]*(History · [^)]*\)).*$/, '$1'))?.body ?? app.lines();
}

describe('the history panel', { timeout: 60_000 }, () => {
  for (const [columns, rows] of [
    [120, 40],
    [80, 24],
  ] as const) {
    it(`shows the CPU's series over the hour, day and week at ${columns}x${rows}`, async () => {
      const { controller, env } = testController(s.config, catalogOf(s.config, {}));
      record(env);
      const app = await renderApp({
        source: new FakeSource(snapshot({ panes })),
        setup: s,
        columns,
        rows,
        console: controller,
        intents: controller.intents,
      });
      const body = await open(app, 'CPU');
      const text = body.join('\n');
      expect(app.plainFrame()).toContain('History · CPU (3 series');
      // The panel's hour ends at the minute it is read: when that is one minute after the
      // recording, the oldest sample of the rise (30%) has just left the hour.
      expect(text).toMatch(/CPU, all threads +now 89% · hour 3[01]%–89% · week 20%–60%/);
      expect(text).toMatch(/group database +now 40%/);
      // The total rises to the right over the hour; the gap 2–3 hours ago shows in the day.
      const hour = body.find((l) => /^\s*hour /.test(l.replace(/^[│┃]/, ''))) ?? '';
      expect(hour).toMatch(/hour ▃+▄+▅+▆+▇+\s*$/);
      const days = body.filter((l) => /^\s*day /.test(l.replace(/^[│┃]/, '')));
      expect(days[1]).toMatch(/day  ▄+ +▄+\s*$/);
      expect(frameProblems(app.frames.at(-1) ?? '', columns, rows)).toEqual([]);
      await app.press('\x1b');
      await app.waitFor(() => !app.plainFrame().includes('History · '), 'the panel to close');
    });
  }

  it("shows the selected container's series, not the others'", async () => {
    const { controller, env } = testController(s.config, catalogOf(s.config, {}));
    record(env);
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes })),
      setup: s,
      columns: 120,
      rows: 40,
      console: controller,
      intents: controller.intents,
    });
    await focusPane(app, 'Containers');
    await app.press('\x1b[B');
    await app.press('p');
    await app.waitForText(/History · [^ ]+\/[^ ]+ \(1 series/, 15_000);
    await app.waitFor(() => /now \d+%/.test(app.plainFrame()), 'the history to be read', 15_000);
    const name = /History · ([^ ]+)\/([^ ]+) \(/.exec(app.plainFrame());
    const index = running.findIndex((c) => c.host === name?.[1] && c.name === name?.[2]);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(app.plainFrame()).toContain(`${name?.[1]}/${name?.[2]} CPU  now ${10 + index}%`);
  });

  it("shows every service's response times while the services pane has no reading to select one in", async () => {
    const { controller, env } = testController(s.config, catalogOf(s.config, {}));
    const recorder = new Recorder(storePath(env, null));
    const writer = new HistoryWriter(recorder.db);
    const end = minuteOf(Date.now());
    // auth answers in 20 ms, then 80 ms over the last half hour; api-gateway in 130 ms.
    for (let minute = end - 180; minute < end; minute++) {
      writer.write(
        minute,
        new Map([
          ['service.auth.latency', end - minute <= 30 ? 80 : 20],
          ['service.api-gateway.latency', 130],
        ]),
      );
    }
    recorder.close();
    // The services' host cannot be reached yet: no service to select, the history has them all.
    const unread = { status: 'down' as const, ageMs: null, summary: 'not read yet', error: 'connection refused', alerts: [], data: null };
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes: { ...panes, services: unread } })),
      setup: s,
      columns: 120,
      rows: 40,
      view: viewIndex(s, 'services'),
      console: controller,
      intents: controller.intents,
    });
    await focusPane(app, 'Services');
    await app.press('p');
    await app.waitForText(/History · Services \(2 series/, 15_000);
    await app.waitFor(() => app.plainFrame().includes('auth response time'), 'the history to be read', 15_000);
    const frame = app.plainFrame();
    expect(frame).toMatch(/auth response time +now 80ms · hour 20ms–80ms · week 20ms–\d+ms/);
    expect(frame).toMatch(/api-gateway response time +now 130ms/);
    expect(frameProblems(app.frames.at(-1) ?? '', 120, 40)).toEqual([]);
  });

  it("shows the selected service's response times alone, named in the title, after the selection moved", async () => {
    const { controller, env } = testController(s.config, catalogOf(s.config, {}));
    const names = serviceNames(panes.services.data as ServicesReading);
    const [first, second] = names;
    const recorder = new Recorder(storePath(env, null));
    const writer = new HistoryWriter(recorder.db);
    const end = minuteOf(Date.now());
    // Each service answers in 10 ms more than the one before it; a service whose name starts
    // with the second's and a dot was recorded too (another service, not the selected one's).
    for (let minute = end - 120; minute < end; minute++) {
      const values = new Map(names.map((name, index) => [`service.${name}.latency`, 10 * (index + 1)]));
      values.set(`service.${second}.v2.latency`, 999);
      writer.write(minute, values);
    }
    recorder.close();
    const source = new FakeSource(snapshot({ panes }));
    const app = await renderApp({
      source,
      setup: s,
      columns: 120,
      rows: 40,
      view: viewIndex(s, 'services'),
      console: controller,
      intents: controller.intents,
    });
    await focusPane(app, 'Services');
    const selectedRow = (name: string | undefined) => new RegExp(`\\x1b\\[7m[^\\n]*${name} +P\\d`);
    expect(app.lastFrame()).toMatch(selectedRow(first));
    await app.press('\x1b[B');
    await app.waitFor(() => selectedRow(second).test(app.lastFrame()), `${second}'s row marked`);
    expect(app.lastFrame()).not.toMatch(selectedRow(first));
    // A new reading with the first service down puts it first: the selection stays on the second.
    const down = structuredClone(panes.services);
    const firstReading = down.data?.services.find((x) => x.name === first);
    if (firstReading)
      Object.assign(firstReading, {
        state: 'down',
        level: 'crit',
        lastMs: null,
        downSince: down.data?.at ?? null,
        upSince: null,
        why: 'no answer within 5s',
      });
    source.publish(snapshot({ panes: { ...panes, services: down } }));
    await app.waitForText(`DOWN`);
    expect(app.lastFrame()).toMatch(selectedRow(second));
    await app.press('p');
    await app.waitForText(`History · ${second} (1 series`, 15_000);
    await app.waitFor(() => app.plainFrame().includes(`${second} response time`), 'the history to be read', 15_000);
    const frame = app.plainFrame();
    expect(frame).toMatch(new RegExp(`${second} response time +now 20ms · hour 20ms–20ms`));
    expect(frame).not.toContain(`${first} response time`);
    expect(frame).not.toContain('999ms');
    expect(frameProblems(app.frames.at(-1) ?? '', 120, 40)).toEqual([]);
  });

  it('says what it has: a gap for the last day, nothing for a pane without a history, nothing before a watcher ran', async () => {
    const { controller, env } = testController(s.config, catalogOf(s.config, {}));
    const app = await renderApp({
      source: new FakeSource(snapshot({ panes })),
      setup: s,
      columns: 120,
      rows: 40,
      console: controller,
      intents: controller.intents,
    });
    await focusPane(app, 'CPU');
    await app.press('p');
    await app.waitForText('nothing recorded yet: homeops watch keeps the history', 15_000);
    await app.press('\x1b');
    record(env);
    await open(app, 'GPU');
    expect(app.plainFrame()).toMatch(/GPU 0 temperature +nothing in the last hour · week 70°C–70°C/);
    await app.press('\x1b');
    await open(app, 'VPN');
    expect(app.plainFrame()).toContain('no history is kept for the vpn pane');
  });
});
