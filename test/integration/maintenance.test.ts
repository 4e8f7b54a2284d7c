// The maintenance window (the config's `maintenance`) holds every message: the built watcher against
// --demo primary-down, with a window around now, records the DNS alert firing (and why nothing
// was sent) and sends nothing to the webhook on loopback.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/cli.js';
import { startWatch, waitForText } from '../helpers/watch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

describe('the maintenance window', () => {
  let home: string;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'homeops-maintenance-'));
    hook = await startWebhookReceiver();
  }, 120_000);
  afterAll(async () => {
    await hook.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('records the alert firing and sends nothing while it holds', async () => {
    // The window today, from now to an hour from now (the reference estate's replaced); if that
    // would pass midnight, from a minute ago to 23:59.
    const now = new Date();
    const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][now.getDay()];
    const later = new Date(now.getTime() + 3_600_000);
    const from = hhmm(new Date(now.getTime() - 60_000));
    const to = later.getDate() === now.getDate() ? hhmm(later) : '23:59';
    const window = `{ weekday: ${weekday}, from: "${from < to ? from : '00:00'}", to: "${to}" }`;
    const config = join(home, 'estate.yaml');
    const estate = readFileSync(join(ROOT, 'examples', 'estate.yaml'), 'utf8').replace(/^maintenance: .*$/m, `maintenance: ${window}`);
    writeFileSync(
      config,
      `${estate}
alerts:
  sustain: 2s
  channels: [{ name: hook, type: webhook, url: "${hook.url}", severities: [critical, high, medium, low] }]
`,
    );
    const watch = startWatch(home, ['--config', config, '--demo', 'primary-down']);
    try {
      const out = await waitForText(watch.out, /alert firing high dns: FAILOVER/, 30_000);
      expect(out).toMatch(
        /watch began maintenance window \w+ \d\d:\d\d–\d\d:\d\d \(until \d\d:\d\d\) began: nothing is sent until it ends/,
      );
      expect(out).toMatch(/alert firing high dns: FAILOVER.*\(maintenance window \w+ \d\d:\d\d–\d\d:\d\d \(until \d\d:\d\d\)\)/);
      // A few ticks more: nothing goes out.
      await new Promise((r) => setTimeout(r, 3000));
      expect(hook.received).toEqual([]);
      expect(watch.out()).not.toMatch(/notify sent/);
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect((await watch.exited).code).toBe(0);
    expect(watch.err()).toBe('');
  }, 60_000);
});
