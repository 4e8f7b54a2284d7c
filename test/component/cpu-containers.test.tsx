// The CPU pane also shows what each plan group's containers use against the same plan, from the
// containers pane's reading, and says nothing of containers when there is no such reading.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { busyPanes, cleanupHomes, FakeSource, paneOnScreen, renderApp, snapshot, testSetup, unmountAll } from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

const s = testSetup();
const panes = await busyPanes(s);

describe('containers in the CPU pane', () => {
  it("at 200x60 lists each group's containers: cores' worth and memory against the plan, and the unplanned ones", async () => {
    const groups = panes.containers?.data?.groups ?? [];
    expect(groups.length).toBeGreaterThan(0);
    const app = await renderApp({ source: new FakeSource(snapshot({ panes })), setup: s, columns: 200, rows: 60 });
    const body = paneOnScreen(app.plainFrame(), 'CPU')?.body ?? [];
    for (const group of groups.filter((g) => g.containers > 0)) {
      const row = body.find((line) => line.startsWith(`${group.group} `) && line.includes('running'));
      expect(row, group.group).toBeDefined();
      expect(row).toContain(`${group.usedCores.toFixed(2)}${group.cores === null ? '' : `/${group.cores}`} cores`);
      expect(row).toContain(`${group.running}/${group.containers} running`);
    }
  });

  it('says nothing of containers when the containers pane has no reading', async () => {
    const { containers: _dropped, ...rest } = panes;
    const app = await renderApp({ source: new FakeSource(snapshot({ panes: rest })), setup: s, columns: 200, rows: 60 });
    expect((paneOnScreen(app.plainFrame(), 'CPU')?.body ?? []).join('\n')).not.toContain("containers  cores' worth");
  });
});
