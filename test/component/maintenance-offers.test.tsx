// The maintenance window and a trigger's offer on screen: inside the window the status bar says
// until when; an offer takes the row above the status bar with the runbook, why, since when and
// its key, every frame still fits, and the key asks to run that runbook.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Offer } from '../../src/model/offer.js';
import { recordingIntents } from '../helpers/console-actions.js';
import { cleanupHomes, FakeSource, frameProblems, renderApp, snapshot, statusBar, testSetup, unmountAll } from '../helpers/render.js';

afterEach(unmountAll);
afterAll(cleanupHomes);

// The reference estate's window: the first Sunday of the month, 02:00-04:00 local time.
const s = testSetup();
const local = (h: number, m: number, day = 6) => new Date(2026, 11, day, h, m).toISOString();

describe('the maintenance window in the status bar', () => {
  it.each([
    [80, 24],
    [120, 40],
  ] as const)('at %ix%i: inside it, "maintenance window until 04:00"; outside it, nothing', async (columns, rows) => {
    const inside = await renderApp({ source: new FakeSource(snapshot({ takenAt: local(2, 30) })), setup: s, columns, rows });
    expect(statusBar(inside.plainFrame())).toContain('maintenance window until 04:00');
    const after = await renderApp({ source: new FakeSource(snapshot({ takenAt: local(4, 0) })), setup: s, columns, rows });
    expect(statusBar(after.plainFrame())).not.toContain('maintenance');
    // The second Sunday of the month is not the window.
    const second = await renderApp({ source: new FakeSource(snapshot({ takenAt: local(2, 30, 13) })), setup: s, columns, rows });
    expect(statusBar(second.plainFrame())).not.toContain('maintenance');
  });
});

describe("an offer's banner", () => {
  const offer: Offer = {
    runbook: 'primary-failover',
    title: 'Primary failure — move DNS and critical services to the NAS',
    reason: "the workstation's health checks fail: 8 services down (dns-primary, auth, health and 5 more) for 3m12s",
    since: local(21, 2, 5),
    response: 'offer',
  };

  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
  ] as const)('at %ix%i: above the status bar, with since when and its key, the frame fitting', async (columns, rows) => {
    const app = await renderApp({ source: new FakeSource(snapshot({ offers: [offer] })), setup: s, columns, rows });
    expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
    const lines = app.plainFrame().split('\n');
    const banner = lines.at(-2) ?? '';
    expect(banner).toMatch(/^ ▶ OFFER {2}primary-failover .*· since 21:02 · o run it\s*$/);
    if (columns >= 200) expect(banner).toContain(offer.reason);
    expect(statusBar(app.plainFrame())).toMatch(/ workstation /);
  });

  it('o asks to run the runbook offered; with nothing offered it says so', async () => {
    const { intents, calls } = recordingIntents();
    const runs = () => calls.filter((c) => c.intent === 'runRunbook').map((c) => c.args[0]);
    const notes = () => calls.filter((c) => c.intent === 'notify').map((c) => c.args[0]);
    const source = new FakeSource(snapshot({ offers: [offer] }));
    const app = await renderApp({ source, setup: s, columns: 120, rows: 40, intents });
    await app.press('o');
    expect(runs()).toEqual(['primary-failover']);
    source.publish(snapshot({ offers: [] }));
    await app.waitFor(() => !app.plainFrame().includes('OFFER'), 'the banner gone');
    await app.press('o');
    expect(runs()).toEqual(['primary-failover']);
    expect(notes()).toEqual(['no runbook is offered now']);
  });
});
