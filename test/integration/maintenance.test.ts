// The maintenance window in the config holds every message: the built watcher against
// --demo primary-down, with a window around now, records the DNS alert firing (and why nothing
// was sent) and sends nothing to the webhook on loopback.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale, ROOT } from '../helpers/cli.js';
import { startWatch, waitForText } from '../helpers/watch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

describe('the maintenance window', () => {
  let home: string;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    buildIfStale();
    home = mkdtempSync(join(tmpdir(), 'homeops-maintenance-'));
    hook = await startWebhookReceiver();
  }, 120_000);
  afterAll(async () => {
    await hook.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('records the alert firing and sends nothing while it holds', async () => {
    // Every day, from an hour ago to an hour from now (past midnight where it must be).
    const now = Date.now();
    const window = `{ days: [sun, mon, tue, wed, thu, fri, sat], from: "${hhmm(new Date(now - 3_600_000))}", to: "${hhmm(new Date(now + 3_600_000))}" }`;
    const config = join(home, 'estate.yaml');
    writeFileSync(config, `${readFileSync(join(ROOT, 'src', 'config', 'default.yaml'), 'utf8')}
alerts:
  sustain: 2s
  maintenance: ${window}
  channels: [{ name: hook, type: webhook, url: "${hook.url}", severities: [critical, high, medium, low] }]
`);
    const watch = startWatch(home, ['--config', config, '--demo', 'primary-down']);
    try {
      const out = await waitForText(watch.out, /alert firing high dns: FAILOVER/, 30_000);
      expect(out).toMatch(/alert firing high dns: FAILOVER.*\(maintenance window Sun, Mon, Tue, Wed, Thu, Fri, Sat \d\d:\d\d–\d\d:\d\d\)/);
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
