// While the plan's host does not answer, the console on auto shows the outage view and says
// why in the status bar; when it answers again, the usual view comes back. A view the operator
// chose stays.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  busyPanes,
  cleanupHomes,
  FakeSource,
  renderApp,
  snapshot,
  statusBar,
  testSetup,
  unmountAll,
  viewIndex,
} from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const panes = await busyPanes(s);
const since = new Date(2026, 10, 27, 14, 2, 7).toISOString();
const down = snapshot({
  panes,
  unreachable: [{ host: 'workstation', since, reason: 'connection refused by 10.0.10.10:22 (ECONNREFUSED)', retryAt: null }],
});

describe('the outage view', () => {
  it.each([
    [120, 40],
    [80, 24],
  ] as const)(
    'at %ix%i it replaces the automatic view while the workstation is unreachable, and goes again when it answers',
    async (columns, rows) => {
      const source = new FakeSource(snapshot({ panes }));
      const app = await renderApp({ source, setup: s, columns, rows });
      expect(statusBar(app.plainFrame())).not.toContain('view outage');
      source.publish(down);
      // The reason is said whole; at 80 columns the view's name gives way to it.
      await app.waitFor(() => statusBar(app.plainFrame()).includes('(workstation unreachable since 14:02)'), 'the outage view');
      if (columns >= 120) expect(statusBar(app.plainFrame())).toContain('view outage');
      // DNS first: whether the house can still resolve names.
      expect(app.plainFrame().split('\n')[0]).toMatch(/DNS/);
      source.publish(snapshot({ panes }));
      await app.waitFor(
        () => !statusBar(app.plainFrame()).includes('unreachable') && !/^┏━ ▸ DNS/.test(app.plainFrame()),
        'the usual view again',
      );
    },
  );

  it('leaves a view the operator chose', async () => {
    const app = await renderApp({ source: new FakeSource(down), setup: s, columns: 120, rows: 40, view: viewIndex(s, 'workstation') });
    expect(statusBar(app.plainFrame())).toContain('view workstation');
  });

  it('is not chosen for another host that does not answer', async () => {
    const nasDown = snapshot({
      panes,
      unreachable: [{ host: 'nas', since, reason: 'no answer from 10.0.10.20:22 (ETIMEDOUT)', retryAt: null }],
    });
    const app = await renderApp({ source: new FakeSource(nasDown), setup: s, columns: 120, rows: 40 });
    expect(statusBar(app.plainFrame())).toContain('view workstation');
  });
});
